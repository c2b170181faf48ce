import { expect, request, test, type APIRequestContext, type Page } from "@playwright/test";
import { type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { open, signedIn } from "./fixtures/session";
import { LoginPage } from "./fixtures/login_page";
import { freePort, OwnServer } from "./fixtures/server";

// Live updates between browsers (issue 6): what one user does appears on another's screen
// within a second without a reload, and a page whose server went away shows «Нет связи с
// сервером», reconnects, and catches up on what happened meanwhile.

async function createMessage(api: APIRequestContext, externalId: string, origin?: string): Promise<number> {
  const res = await api.post("/api/v1/messages", {
    // A cookie-authenticated write names the app's origin, as the app's own pages do.
    headers: origin ? { origin } : undefined,
    data: {
      external_id: externalId,
      network: "vk",
      url: "https://vk.com/wall-1_888",
      author: "Пётр Васильев",
      text: "Во дворе на Садовой не горят фонари",
      detected_at: "2026-03-16T09:55:00+03:00",
    },
  });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()).id;
}

async function assign(api: APIRequestContext, id: number, executorLogin: string) {
  const users = await (await api.get("/api/v1/users?role=executor")).json();
  const executor = users.find((u: { login: string }) => u.login === executorLogin);
  const res = await api.post(`/api/v1/messages/${id}/assign`, { data: { executor_id: executor.id } });
  expect(res.status(), await res.text()).toBe(200);
}

/** Collects the page's console errors (a hydration mismatch or a panic shows there). */
function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  return errors;
}

/** Marks the page so that a reload (which clears it) can be told apart. */
async function markNoReload(page: Page) {
  await page.evaluate(() => ((window as unknown as { __otklikMark: number }).__otklikMark = 42));
}
async function expectNoReload(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { __otklikMark?: number }).__otklikMark)).toBe(42);
}

/** Waits until the page's event stream is connected (the stream sends `ready` first). */
async function streamReady(page: Page) {
  await expect(page.locator(".offline-banner")).toHaveCount(0);
  // One round trip of the stream is enough: an SSE connection opens within a second.
  await page.waitForTimeout(300);
}

test("an action in one browser appears in another within a second, without a reload", async ({ browser }, info) => {
  const coordinator = await signedIn(browser, "coordinator");
  const executor = await signedIn(browser, "executor");
  const authority = await signedIn(browser, "authority");
  const errors = [coordinator, executor, authority].map(consoleErrors);

  // The executor watches «Работа», the authority the approval queue.
  await open(executor, "/");
  await open(authority, "/approval");
  await Promise.all([markNoReload(executor), markNoReload(authority)]);
  await Promise.all([streamReady(executor), streamReady(authority)]);

  // The coordinator assigns a new message to the executor: it appears on the executor's
  // dashboard.
  const id = await createMessage(authority.request, `live-${Date.now()}`, new URL(authority.url()).origin);
  await open(coordinator, `/messages/${id}`);
  await coordinator.getByLabel("Исполнитель").selectOption({ label: "Иванов Сергей Николаевич (Отдел ЖКХ)" });
  await coordinator.getByTestId("action-assign").getByRole("button").click();
  const row = executor.locator(`[data-testid=message-row][data-id="${id}"]`);
  await expect(row).toBeVisible({ timeout: 1_000 });
  await expect(row).toContainText("в работе");
  await expect(coordinator.getByTestId("message").getByTestId("state")).toHaveText("в работе");
  await expectNoReload(executor);

  // The coordinator watches the message; the executor sends a draft from its page: the
  // coordinator's page changes state and the authority's queue gets the draft.
  await markNoReload(coordinator);
  await open(executor, `/messages/${id}`);
  await executor.getByLabel("Текст ответа").fill("Здравствуйте! Фонари починят до пятницы.");
  await executor.getByRole("button", { name: "Отправить на согласование" }).click();
  await expect(coordinator.getByTestId("message").getByTestId("state")).toHaveText("на согласовании", { timeout: 1_000 });
  const item = authority.locator(`[data-testid=approval-item][data-id="${id}"]`);
  await expect(item).toBeVisible({ timeout: 1_000 });
  await expect(item.getByTestId("draft-text")).toHaveText("Здравствуйте! Фонари починят до пятницы.");

  // Text being typed is not thrown away by someone else's action: the authority types
  // remarks, the coordinator marks the message urgent, the remarks stay and a notice
  // offers to re-read.
  await item.getByLabel("Замечания").fill("Назовите точную дату.");
  await coordinator.getByTestId("action-set_urgent").getByRole("button", { name: "Отметить срочным" }).click();
  await expect(coordinator.getByTestId("message")).toContainText("срочно");
  await expect(authority.getByTestId("stale")).toBeVisible({ timeout: 1_000 });
  await expect(item.getByLabel("Замечания")).toHaveValue("Назовите точную дату.");
  // Re-reading on request shows the change (and clears the typed remarks knowingly).
  await authority.getByTestId("stale").getByRole("button", { name: "Обновить" }).click();
  await expect(authority.getByTestId("stale")).toBeHidden();
  await Promise.all([expectNoReload(coordinator), expectNoReload(authority)]);
  expect(errors.flat().filter((e) => /hydrat|panic/i.test(e))).toEqual([]);
  await authority.screenshot({ path: info.outputPath("approval-live.png"), fullPage: true });
});

async function signedInApi(baseURL: string, login: string): Promise<APIRequestContext> {
  // Its writes name the app's origin, as the app's own pages do (cookie-authenticated).
  const api = await request.newContext({ baseURL, extraHTTPHeaders: { origin: new URL(baseURL).origin } });
  const res = await api.post("/serverfn/login", { form: { login, password: "demo" }, maxRedirects: 0 });
  expect(res.status()).toBeLessThan(400);
  return api;
}

test("after a server restart the page reconnects and catches up on what it missed", async ({ browser }, info) => {
  test.setTimeout(90_000);
  const dataDir = mkdtempSync(join(tmpdir(), "otklik-live-"));
  const server = new OwnServer(await freePort(), dataDir);
  let helper: ChildProcess | undefined;
  try {
    await server.start();
    const context = await browser.newContext({ baseURL: server.url, locale: "ru-RU", timezoneId: "Europe/Moscow" });
    const page = await context.newPage();
    const login = new LoginPage(page);
    await login.goto();
    await login.waitForHydration();
    await login.signIn("coordinator", "demo");
    await expect(page.getByTestId("current-user")).toBeVisible();
    await open(page, "/");
    await markNoReload(page);
    await streamReady(page);

    // The server goes away: the banner shows.
    await OwnServer.stop(server.child);
    await expect(page.getByText("Нет связи с сервером")).toBeVisible({ timeout: 5_000 });
    await page.screenshot({ path: info.outputPath("offline-banner.png") });

    // Meanwhile, through another server on the same database, a message is taken in and
    // assigned.
    const helperPort = await freePort();
    helper = await server.start(helperPort);
    const api = await signedInApi(`http://127.0.0.1:${helperPort}`, "authority");
    const id = await createMessage(api, `missed-${Date.now()}`);
    const coordinatorApi = await signedInApi(`http://127.0.0.1:${helperPort}`, "coordinator");
    await assign(coordinatorApi, id, "executor");
    await OwnServer.stop(helper);
    helper = undefined;
    await expect(page.locator(`[data-testid=message-row][data-id="${id}"]`)).toHaveCount(0);

    // The page's server comes back: the page reconnects by itself, the banner goes, and
    // the missed message is on the dashboard, with no reload.
    await server.start();
    await expect(page.getByText("Нет связи с сервером")).toBeHidden({ timeout: 15_000 });
    const row = page.locator(`[data-testid=message-row][data-id="${id}"]`);
    await expect(row).toBeVisible({ timeout: 5_000 });
    await expect(row).toContainText("в работе");
    await expectNoReload(page);
    await context.close();
  } finally {
    await OwnServer.stop(helper);
    await OwnServer.stop(server.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("the bell counts unread alerts, the alerts page marks them read, escalation lists the pressing", async ({ browser }, info) => {
  // The server's alert scan runs at start-up: the demo data has deadlines past due, and
  // their breaches reach the coordinator.
  const coordinator = await signedIn(browser, "coordinator");
  const count = coordinator.getByTestId("bell-count");
  await expect(count).toBeVisible({ timeout: 30_000 });
  const unread = Number((await count.innerText()).replace(/\D+/g, ""));
  expect(unread).toBeGreaterThan(0);

  await coordinator.getByTestId("bell").click();
  await expect(coordinator).toHaveURL(/\/alerts$/);
  await expect(coordinator.getByRole("heading", { name: `Непрочитанных: ${unread}` })).toBeVisible();
  const items = coordinator.getByTestId("alerts").locator("li");
  await expect(items.first()).toContainText(/Срок (нарушен|истекает): «.+», сообщение №\d+/);
  await info.attach("alerts", { body: await coordinator.screenshot({ fullPage: true }), contentType: "image/png" });
  await coordinator.getByRole("button", { name: "Отметить все прочитанными" }).click();
  await expect(coordinator.getByRole("heading", { name: "Непрочитанных: 0" })).toBeVisible();
  await expect(count).toBeHidden();

  // A wrong e-mail address is refused in Russian; a right one is kept.
  await coordinator.getByLabel("Адрес электронной почты").fill("не адрес");
  await coordinator.getByLabel("Присылать уведомления о сроках письмом").check();
  await coordinator.getByRole("button", { name: "Сохранить" }).click();
  await expect(coordinator.getByTestId("error")).toContainText("Адрес электронной почты указан неверно");

  // Escalation: the overdue messages, with their countdowns.
  await open(coordinator, "/escalation");
  await expect(coordinator.getByRole("heading", { name: "Эскалация" })).toBeVisible();
  await expect(coordinator.getByTestId("message-row").first()).toBeVisible();
  await expect(coordinator.getByTestId("messages")).toContainText("просрочено");
});
