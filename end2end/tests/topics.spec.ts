import { expect, test, type Page } from "@playwright/test";
import { open, signedIn } from "./fixtures/session";

// Topics (issue 21): a message arrives with a topic not in the catalogue; the coordinator
// sees it flagged and a suggestion from the text's words, accepts it with one click, and
// filters the dashboard by it. The admin adds a topic to the catalogue.

async function createMessage(page: Page, externalId: string): Promise<number> {
  const res = await page.request.post("/api/v1/messages", {
    headers: { origin: new URL(page.url()).origin },
    data: {
      external_id: externalId,
      network: "vk",
      url: "https://vk.com/wall-1_990",
      author: "Житель Лесной",
      text: "Третий день нет горячей воды, батареи холодные",
      topic: "Коммуналка",
      detected_at: "2026-03-16T09:55:00+03:00",
    },
  });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()).id;
}

test("an unknown topic is flagged, the suggested one is accepted with its words shown, and the dashboard filters by it", async ({ browser }, info) => {
  const coordinator = await signedIn(browser, "coordinator");
  const id = await createMessage(coordinator, `e2e-topic-${Date.now()}`);

  await open(coordinator, `/messages/${id}`);
  await expect(coordinator.getByTestId("topic")).toContainText("Коммуналка");
  await expect(coordinator.getByTestId("topic-unknown")).toBeVisible();
  const suggestion = coordinator.getByTestId("topic-suggestion");
  await expect(suggestion).toContainText("Предлагаемая тема: ЖКХ");
  await expect(suggestion).toContainText("по словам: воды, батареи");
  await coordinator.screenshot({ path: info.outputPath("topic-suggested.png"), fullPage: true });
  await suggestion.getByRole("button", { name: "Принять тему" }).click();
  await expect(coordinator.getByTestId("topic")).toHaveText("Тема: ЖКХ");
  await expect(coordinator.getByTestId("topic-unknown")).toHaveCount(0);
  await expect(coordinator.getByTestId("journal")).toContainText("Изменить тему");

  // The dashboard's «Тема» filter keeps it, in the address.
  await open(coordinator, "/");
  await coordinator.getByLabel("Тема").selectOption({ label: "ЖКХ" });
  await coordinator.getByRole("button", { name: "Показать", exact: true }).first().click();
  await expect(coordinator).toHaveURL(/topic=\d+/);
  await expect(coordinator.locator(`[data-testid=message-row][data-id="${id}"]`)).toBeVisible();
  await coordinator.context().close();
});

test("the admin adds a topic to the catalogue", async ({ browser }) => {
  const admin = await signedIn(browser, "admin");
  await open(admin, "/admin/topics");
  const names = admin.locator("input[name='topic[name]']");
  await expect(names.first()).toHaveValue("ЖКХ");
  const before = await names.count();
  const name = `Праздники ${Date.now() % 100000}`;
  const fresh = admin.getByTestId("topic").last();
  await fresh.getByLabel("Название").fill(name);
  await fresh.getByLabel("Слова-основы для подсказки, через запятую").fill("ёлк, салют");
  await fresh.getByRole("button", { name: "Добавить" }).click();
  await expect(admin.getByTestId("saved")).toHaveText("Сохранено");
  await expect(names).toHaveCount(before + 1);
  const values = await names.evaluateAll((list) => list.map((e) => (e as HTMLInputElement).value));
  expect(values).toContain(name);
  await admin.context().close();
});

test("the intake form suggests a topic from the text as it is typed and fills it only on a click", async ({ browser }) => {
  const coordinator = await signedIn(browser, "coordinator");
  await open(coordinator, "/messages/new");
  const suggestion = coordinator.getByTestId("intake-topic-suggestion");
  await expect(suggestion).toHaveCount(0);
  await coordinator.getByLabel("Текст сообщения").fill("На дороге у школы огромная яма");
  await expect(suggestion).toContainText("Предлагаемая тема: дороги");
  await expect(suggestion).toContainText("по словам: дороге, яма");
  // Never set by itself.
  await expect(coordinator.getByLabel("Тема (необязательно)")).toHaveValue("");
  await suggestion.getByRole("button", { name: "Подставить" }).click();
  await expect(coordinator.getByLabel("Тема (необязательно)")).toHaveValue("дороги");
  await expect(suggestion).toHaveCount(0);
  await coordinator.context().close();
});
