import { expect, test, type Page } from "@playwright/test";
import { horizontalOverflow, open, signedIn } from "./fixtures/session";

// The server runs with its clock started on a working Monday morning (scripts/e2e.sh), so
// countdowns tick.

async function createMessage(page: Page, externalId: string): Promise<number> {
  // A cookie-authenticated write names the app's origin, as the app's own pages do.
  const res = await page.request.post("/api/v1/messages", {
    headers: { origin: new URL(page.url()).origin },
    data: {
      external_id: externalId,
      network: "vk",
      url: "https://vk.com/wall-1_777",
      author: "Мария Соколова",
      text: "Когда починят дорогу на Лесной? <script>alert(1)</script>",
      // The server's clock starts at 10:00 that Monday (scripts/e2e.sh).
      detected_at: "2026-03-16T09:55:00+03:00",
    },
  });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()).id;
}

async function expectState(page: Page, label: string) {
  await expect(page.getByTestId("message").getByTestId("state")).toHaveText(label);
}

test("three roles take a message from intake to a published answer", async ({ browser }, info) => {
  const coordinator = await signedIn(browser, "coordinator");
  const executor = await signedIn(browser, "executor");
  const authority = await signedIn(browser, "authority");
  const shot = (page: Page, name: string) => page.screenshot({ path: info.outputPath(`${name}.png`), fullPage: true });

  // The regional authority's system sends the message in (the API with the session).
  const id = await createMessage(authority, `e2e-${Date.now()}`);
  const path = `/messages/${id}`;

  // The coordinator assigns the executor.
  await open(coordinator, path);
  await expectState(coordinator, "новое");
  await expect(coordinator.getByTestId("post-text")).toContainText("<script>alert(1)</script>");
  await coordinator.getByLabel("Исполнитель").selectOption({ label: "Иванов Сергей Николаевич (Отдел ЖКХ)" });
  await coordinator.getByTestId("action-assign").getByRole("button").click();
  await expectState(coordinator, "в работе");
  await shot(coordinator, "message-coordinator");

  // The executor drafts and sends for approval; the counter follows the text.
  await open(executor, path);
  await expectState(executor, "в работе");
  const text = executor.getByLabel("Текст ответа");
  await text.fill("Здравствуйте! Дорогу отремонтируют.");
  await expect(executor.getByTestId("char-count")).toContainText("35 / 4096");
  await executor.getByRole("button", { name: "Отправить на согласование" }).click();
  await expectState(executor, "на согласовании");
  await shot(executor, "message-executor");

  // The authority returns it with remarks from the approval queue.
  await open(authority, "/approval");
  const item = authority.locator(`[data-testid=approval-item][data-id="${id}"]`);
  await expect(item.getByTestId("draft-text")).toHaveText("Здравствуйте! Дорогу отремонтируют.");
  await item.getByLabel("Замечания").fill("Обратитесь по имени и назовите срок.");
  await item.getByRole("button", { name: "Вернуть на доработку" }).click();
  await expect(item).toHaveCount(0);
  await shot(authority, "approval-empty");

  // The executor reworks: the remarks are shown, the previous text is in the editor.
  await open(executor, path);
  await expectState(executor, "на доработке");
  await expect(executor.locator(".remarks")).toContainText("Обратитесь по имени и назовите срок.");
  await executor.getByLabel("Текст ответа").fill("Мария, здравствуйте! Дорогу отремонтируют до 20 июня.");
  await executor.getByRole("button", { name: "Отправить на согласование" }).click();
  await expectState(executor, "на согласовании");

  // The authority sees the diff and approves.
  await open(authority, "/approval");
  const again = authority.locator(`[data-testid=approval-item][data-id="${id}"]`);
  await expect(again.getByTestId("draft-diff").locator("ins").first()).toBeVisible();
  await shot(authority, "approval");
  await again.getByLabel("Текст ответа проверен").check();
  await again.getByRole("button", { name: "Согласовать" }).click();
  await expect(again).toHaveCount(0);

  // The executor publishes with a link.
  await open(executor, path);
  await expectState(executor, "согласовано");
  await executor.getByLabel("Ссылка на опубликованный ответ").fill("https://vk.com/wall-1_777?reply=1");
  await executor.getByLabel("Ответ опубликован в сети").check();
  await executor.getByRole("button", { name: "Разместить ответ" }).click();
  await expectState(executor, "ответ размещён");

  // Every deadline is finished and met; the journal tells the story.
  const deadlines = executor.getByTestId("deadlines").locator("li");
  await expect(deadlines).toHaveCount(5);
  for (const li of await deadlines.all()) {
    await expect(li).toHaveAttribute("data-met", "true");
  }
  await expect(executor.getByTestId("journal").locator(":scope > li")).toHaveCount(7);
  await shot(executor, "message-answered");
});

test("the dashboard's countdowns tick in the browser", async ({ browser }) => {
  const page = await signedIn(browser, "coordinator");
  const running = page.locator("[data-testid=countdown][data-tone=on-track], [data-testid=countdown][data-tone=due-soon]").first();
  await expect(running).toBeVisible();
  const before = await running.locator("span[aria-hidden]").textContent();
  await expect(running.locator("span[aria-hidden]")).not.toHaveText(before ?? "", { timeout: 2_000 });
});

test("countdowns tick on pages opened directly, also when a slow page hydrates after the first tick", async ({ browser }) => {
  const page = await signedIn(browser, "coordinator");
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  // A slow phone: the message page's code arrives and hydrates after the ticker's first
  // second, which must not disturb its hydration.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 8 });
  for (const path of ["/", "/messages/4"]) {
    await page.goto(path);
    await expect(page.locator("body[data-hydrated]")).toHaveCount(1, { timeout: 30_000 });
    const running = page.locator("[data-testid=countdown][data-tone=on-track], [data-testid=countdown][data-tone=due-soon]").first();
    const before = await running.locator("span[aria-hidden]").textContent();
    await expect(running.locator("span[aria-hidden]")).not.toHaveText(before ?? "", { timeout: 4_000 });
  }
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
  expect(errors.filter((e) => /hydrat|panic/i.test(e))).toEqual([]);
});

test("phone: key screens fit 360 px without horizontal scrolling", async ({ browser }, info) => {
  const phone = { width: 360, height: 800 };
  for (const [login, paths] of [
    ["coordinator", ["/", "/messages/1"]],
    ["executor", ["/", "/messages/4"]],
    ["authority", ["/approval", "/"]],
  ] as const) {
    const page = await signedIn(browser, login, phone);
    for (const path of paths) {
      await open(page, path);
      expect(await horizontalOverflow(page), `${login} ${path}`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: info.outputPath(`phone-${login}${path.replaceAll("/", "_")}.png`), fullPage: true });
    }
    // Touch targets: the main buttons are at least 44 px high.
    for (const button of await page.locator("main .button").all()) {
      const box = await button.boundingBox();
      if (box) expect(box.height).toBeGreaterThanOrEqual(44);
    }
  }
});
