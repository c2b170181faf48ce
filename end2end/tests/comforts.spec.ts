import { expect, test, type Page } from "@playwright/test";
import { LoginPage } from "./fixtures/login_page";
import { open, signedIn } from "./fixtures/session";

// Issue 22's everyday comforts: the draft kept in the browser, printing, the bell's icon,
// working-day countdowns, the approval queue's named countdown, the dashboard on a phone.

async function createMessage(page: Page, externalId: string, text: string): Promise<number> {
  const res = await page.request.post("/api/v1/messages", {
    headers: { origin: new URL(page.url()).origin },
    data: {
      external_id: externalId,
      network: "vk",
      url: `https://vk.com/wall-1_${Date.now() % 100000}`,
      author: "Ольга Петрова",
      text,
      detected_at: "2026-03-16T09:55:00+03:00",
    },
  });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()).id;
}

/** Signs out and in again as `login` in the same browser (the same storage). */
async function switchUser(page: Page, login: string) {
  await page.getByRole("button", { name: "Выйти" }).click();
  await expect(page).toHaveURL(/\/login$/);
  const form = new LoginPage(page);
  await form.waitForHydration();
  await form.signIn(login, "demo");
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("current-user")).toBeVisible();
}

/** The keys of the drafts kept in the browser. */
async function keptDrafts(page: Page): Promise<string[]> {
  return page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("otklik.draft.")));
}

const NOTICE = /^Восстановлен несохранённый текст от \d\d:\d\d$/;

test("a draft survives a reload, only for its user and message, and is forgotten once submitted", async ({ browser }) => {
  const coordinator = await signedIn(browser, "coordinator");
  const stamp = Date.now();
  const first = await createMessage(coordinator, `e2e-draft-a-${stamp}`, "Когда уберут снег во дворе на Садовой, 5?");
  const second = await createMessage(coordinator, `e2e-draft-b-${stamp}`, "Не горит фонарь у школы.");
  for (const id of [first, second]) {
    await open(coordinator, `/messages/${id}`);
    await coordinator.getByLabel("Исполнитель").selectOption({ label: "Иванов Сергей Николаевич (Отдел ЖКХ)" });
    await coordinator.getByTestId("action-assign").getByRole("button").click();
    await expect(coordinator.getByTestId("message").getByTestId("state")).toHaveText("в работе");
  }
  await coordinator.context().close();

  // The executor types a draft and chooses its kind; the tab is reloaded.
  const page = await signedIn(browser, "executor");
  await open(page, `/messages/${first}`);
  await expect(page.getByTestId("draft-restored")).toHaveCount(0);
  const typed = "Ольга, здравствуйте! Снег уберут до вечера среды.";
  await page.getByLabel("Вид ответа").selectOption("intermediate");
  await page.getByLabel("Текст ответа").fill(typed);
  await expect.poll(() => keptDrafts(page)).toEqual([expect.stringMatching(new RegExp(`^otklik\\.draft\\.\\d+\\.${first}$`))]);
  await page.reload();
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  await expect(page.getByTestId("draft-restored").locator("span")).toHaveText(NOTICE);
  await expect(page.getByLabel("Текст ответа")).toHaveValue(typed);
  await expect(page.getByLabel("Вид ответа")).toHaveValue("intermediate");

  // Another message of the same user shows nothing of it.
  await open(page, `/messages/${second}`);
  await expect(page.getByLabel("Текст ответа")).toHaveValue("");
  await expect(page.getByTestId("draft-restored")).toHaveCount(0);

  // Another user on the same browser sees nothing of it (the coordinator may draft too).
  await switchUser(page, "coordinator");
  await open(page, `/messages/${first}`);
  await expect(page.getByLabel("Текст ответа")).toBeVisible();
  await expect(page.getByLabel("Текст ответа")).toHaveValue("");
  await expect(page.getByTestId("draft-restored")).toHaveCount(0);
  await expect(page.getByText(typed)).toHaveCount(0);

  // Back as the executor: the draft is there; submitted, it is forgotten.
  await switchUser(page, "executor");
  await open(page, `/messages/${first}`);
  await expect(page.getByTestId("draft-restored").locator("span")).toHaveText(NOTICE);
  await expect(page.getByLabel("Текст ответа")).toHaveValue(typed);
  await page.getByRole("button", { name: "Отправить на согласование" }).click();
  await expect(page.getByTestId("message").getByTestId("state")).toHaveText("на согласовании");
  await expect.poll(() => keptDrafts(page)).toEqual([]);
  await page.reload();
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  await expect(page.getByTestId("draft")).toHaveCount(1);
  await expect(page.getByTestId("draft-restored")).toHaveCount(0);
  expect(await keptDrafts(page)).toEqual([]);
});

test("the message page prints on A4 without the navigation; «Печать» opens the print dialog", async ({ browser }, info) => {
  const page = await signedIn(browser, "coordinator");
  // Demo message 9: an intermediate answer published, the final draft due in 7 working days.
  await open(page, "/messages/9");
  await expect(page.getByTestId("publications")).toContainText("https://");
  // The final draft's countdown is in working days and hours, the answer's in hours.
  const finalDraft = page.locator("[data-rule=final_draft_by] [data-testid=countdown] span[aria-hidden]");
  await expect(finalDraft).toHaveText(/^\d+ раб\. дн\.( \d+ ч)?$/);

  await page.evaluate(() => {
    (window as unknown as { printed: number }).printed = 0;
    window.print = () => {
      (window as unknown as { printed: number }).printed += 1;
    };
  });
  await page.getByRole("button", { name: "Печать" }).click();
  await expect.poll(() => page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);

  await page.emulateMedia({ media: "print" });
  await expect(page.locator(".site-header")).toBeHidden();
  await expect(page.getByRole("button", { name: "Печать" })).toBeHidden();
  await expect(page.getByTestId("post-text")).toBeVisible();
  await expect(page.getByTestId("publications")).toBeVisible();
  await expect(page.getByTestId("deadlines")).toBeVisible();
  await expect(page.getByTestId("journal")).toBeVisible();
  for (const form of await page.locator("main form").all()) await expect(form).toBeHidden();
  const shot = info.outputPath("message-print.png");
  await page.screenshot({ path: shot, fullPage: true });
  await info.attach("message-print", { path: shot, contentType: "image/png" });
  const pdf = info.outputPath("message-print.pdf");
  await page.pdf({ path: pdf, preferCSSPageSize: true, printBackground: true });
  await info.attach("message-print-pdf", { path: pdf, contentType: "application/pdf" });
  await page.emulateMedia({ media: "screen" });
  await expect(page.locator(".site-header")).toBeVisible();
});

test("the bell is an icon with the unread count; the approval queue names its countdown", async ({ browser }) => {
  const coordinator = await signedIn(browser, "coordinator");
  const bell = coordinator.getByTestId("bell");
  await expect(bell.locator("svg[aria-hidden=true]")).toHaveCount(1);
  await expect(bell).not.toContainText("🔔");
  // The demo's breached deadlines alert the coordinator at start-up.
  await expect(bell.getByTestId("bell-count")).toHaveText(/^\d+ непрочитанных$/, { timeout: 30_000 });
  await expect(coordinator.getByRole("link", { name: /^Уведомления\s*\d+\s*непрочитанных$/ })).toBeVisible();

  const authority = await signedIn(browser, "authority");
  await open(authority, "/approval");
  const named = authority.getByTestId("approval-item").first().getByTestId("approval-deadline");
  await expect(named.locator(".rule")).toHaveText("Ответ");
  await expect(named.getByTestId("countdown")).toBeVisible();
});

test("on a phone the filters fold behind «Фильтры» and three messages fit the first screen", async ({ browser }, info) => {
  const phone = { width: 360, height: 740 };
  const page = await signedIn(browser, "coordinator", phone);
  await open(page, "/");
  const summary = page.getByTestId("filters-summary");
  await expect(summary).toHaveText("Фильтры");
  await expect(page.getByLabel("Поиск")).toBeHidden();
  const rows = page.getByTestId("message-row");
  expect(await rows.count()).toBeGreaterThanOrEqual(3);
  for (let i = 0; i < 3; i++) {
    const box = await rows.nth(i).boundingBox();
    expect(box, `card ${i + 1}`).not.toBeNull();
    expect(box!.y, `card ${i + 1} starts within the first screen`).toBeLessThan(phone.height);
  }
  // A compact card: no label before each value; the network, the author and the state on
  // one line.
  const card = rows.first();
  const top = async (selector: string) => (await card.locator(selector).first().boundingBox())!.y;
  expect(Math.abs((await top(".net")) - (await top(".state-inline")))).toBeLessThan(12);
  expect(Math.abs((await top(".msg-link strong")) - (await top(".state-inline")))).toBeLessThan(12);
  await expect(card.locator("td[data-label=\"Состояние\"]")).toBeHidden();
  await page.screenshot({ path: info.outputPath("dashboard-phone.png") });
  await info.attach("dashboard-phone", { path: info.outputPath("dashboard-phone.png"), contentType: "image/png" });

  // Opened, the filters show; the set ones are counted from the address.
  await summary.click();
  await expect(page.getByLabel("Поиск")).toBeVisible();
  await open(page, "/?q=&status=&network=vk&overdue=1&page=0");
  await expect(page.getByTestId("filters-summary")).toHaveText("Фильтры (2)");

  // On a wide screen the filters show at once, without the fold's summary.
  await page.setViewportSize({ width: 1280, height: 900 });
  await open(page, "/");
  await expect(page.getByLabel("Поиск")).toBeVisible();
  await expect(page.getByTestId("filters-summary")).toBeHidden();
});
