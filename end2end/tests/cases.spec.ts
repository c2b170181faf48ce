import { expect, test, type Page } from "@playwright/test";
import { open, signedIn } from "./fixtures/session";

// Linked posts (issue 21): two posts about one burst pipe, in VK and Telegram. The
// coordinator links them, the executor drafts once, the authority approves once, the
// executor records a link under each post, and both posts are answered.

async function createPost(page: Page, externalId: string, network: string, url: string): Promise<number> {
  const res = await page.request.post("/api/v1/messages", {
    headers: { origin: new URL(page.url()).origin },
    data: {
      external_id: externalId,
      network,
      url,
      author: "Житель Садовой",
      text: "Прорвало трубу во дворе дома 5 на Садовой, вода заливает подвал",
      detected_at: "2026-03-16T09:55:00+03:00",
    },
  });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()).id;
}

async function expectState(page: Page, label: string) {
  await expect(page.getByTestId("message").getByTestId("state")).toHaveText(label);
}

test("two posts linked as one case are drafted and approved once and answered under each post", async ({ browser }, info) => {
  test.setTimeout(120_000);
  const coordinator = await signedIn(browser, "coordinator");
  const executor = await signedIn(browser, "executor");
  const authority = await signedIn(browser, "authority");
  const shot = (page: Page, name: string) => page.screenshot({ path: info.outputPath(`${name}.png`), fullPage: true });
  const run = Date.now();
  const lead = await createPost(authority, `e2e-case-vk-${run}`, "vk", "https://vk.com/wall-1_880");
  const post = await createPost(authority, `e2e-case-tg-${run}`, "telegram", "https://t.me/luga_news/880");

  // The coordinator opens the Telegram post: the VK post is suggested; link them.
  await open(coordinator, `/messages/${post}`);
  const link = coordinator.getByTestId("action-link");
  const candidate = link.locator(`[data-testid=case-candidate][data-id="${lead}"]`);
  await expect(candidate).toContainText("общие слова");
  await candidate.getByRole("radio").check();
  await link.getByRole("button", { name: "Связать с делом" }).click();
  await expect(coordinator.getByTestId("case")).toHaveAttribute("data-lead", String(lead));
  await shot(coordinator, "case-post");

  // The dashboard shows the case as one row, the lead's, with both networks; it unfolds.
  await open(coordinator, `/?q=${encodeURIComponent("Садовой")}`);
  const row = coordinator.locator(`[data-testid=message-row][data-id="${lead}"]`);
  await expect(row.getByTestId("case-size")).toHaveText("+1 пост");
  await expect(coordinator.locator(`[data-testid=message-row][data-id="${post}"]`)).toHaveCount(0);
  await expect(row.locator("td[data-label=\"Сеть\"] .net")).toHaveCount(2);
  await row.getByTestId("case-size").click();
  await expect(row.getByTestId("case-posts").locator(`li[data-id="${post}"]`)).toBeVisible();
  await shot(coordinator, "case-row");

  // The lead is assigned once; the post follows.
  await open(coordinator, `/messages/${lead}`);
  await expect(coordinator.getByTestId("case")).toContainText(`№${post}`);
  await coordinator.getByLabel("Исполнитель").selectOption({ label: "Иванов Сергей Николаевич (Отдел ЖКХ)" });
  await coordinator.getByTestId("action-assign").getByRole("button").click();
  await expectState(coordinator, "в работе");

  // The executor drafts once, on the lead; the post has no draft form of its own.
  await open(executor, `/messages/${post}`);
  await expectState(executor, "в работе");
  await expect(executor.getByTestId("action-submit_draft")).toHaveCount(0);
  await open(executor, `/messages/${lead}`);
  await executor.getByLabel("Текст ответа").fill("Здравствуйте! Аварийная бригада устранит течь до 18:00.");
  await executor.getByRole("button", { name: "Отправить на согласование" }).click();
  await expectState(executor, "на согласовании");

  // The authority approves once: one item in the queue for the case's lead.
  await open(authority, "/approval");
  const item = authority.locator(`[data-testid=approval-item][data-id="${lead}"]`);
  await expect(item.getByTestId("approval-case")).toHaveText("Дело, постов: 2. Один проект — ответ будет размещён под каждым постом");
  await expect(authority.locator(`[data-testid=approval-item][data-id="${post}"]`)).toHaveCount(0);
  await item.getByLabel("Текст ответа проверен").check();
  await item.getByRole("button", { name: "Согласовать" }).click();
  await expect(item).toHaveCount(0);
  await open(authority, `/messages/${post}`);
  await expectState(authority, "согласовано");

  // The executor records a link under each post.
  for (const [id, url] of [
    [lead, "https://vk.com/wall-1_880?reply=1"],
    [post, "https://t.me/luga_news/880?comment=2"],
  ] as const) {
    await open(executor, `/messages/${id}`);
    await expectState(executor, "согласовано");
    await executor.getByLabel("Ссылка на опубликованный ответ").fill(url);
    await executor.getByLabel("Ответ опубликован в сети").check();
    await executor.getByRole("button", { name: "Разместить ответ" }).click();
    await expectState(executor, "ответ размещён");
    await expect(executor.getByTestId("journal")).toContainText(url);
  }
  await open(coordinator, `/messages/${post}`);
  await expectState(coordinator, "ответ размещён");
  await expect(coordinator.getByTestId("journal")).toContainText(`по ведущему сообщению №${lead}`);
  await shot(coordinator, "case-post-answered");
});
