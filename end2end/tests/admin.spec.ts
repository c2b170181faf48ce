import { expect, test, type Page } from "@playwright/test";
import { horizontalOverflow, open, signedIn } from "./fixtures/session";

const ADMIN_PAGES = ["/admin", "/admin/users", "/admin/calendar?year=2026", "/admin/settings", "/admin/tokens", "/admin/topics"];

/** Controls in <main> without an accessible name (label, aria-label or button text). */
async function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll("main input, main select, main textarea, main button"))
      .filter((el) => (el as HTMLInputElement).type !== "hidden")
      .filter((el) => {
        const e = el as HTMLInputElement;
        const named = (e.labels && e.labels.length > 0) || e.getAttribute("aria-label") || e.getAttribute("aria-labelledby");
        const text = el.tagName === "BUTTON" && (el.textContent ?? "").trim().length > 0;
        return !named && !text;
      })
      .map((el) => el.outerHTML.slice(0, 80)),
  );
}

test("the admin creates a user, marks a day non-working and issues a token shown once", async ({ browser }) => {
  const page = await signedIn(browser, "admin");
  await open(page, "/admin");
  await page.getByTestId("section-users").click();
  await expect(page).toHaveURL(/\/admin\/users$/);

  // A new user; the same login again is a clear conflict.
  const login = `petrova${Date.now() % 100000}`;
  const form = page.getByTestId("new-user");
  await form.getByLabel("Логин").fill(login);
  await form.getByLabel("ФИО", { exact: true }).fill("Петрова Мария Ивановна");
  await form.getByLabel("Роль", { exact: true }).selectOption("executor");
  await form.getByLabel(/^Отдел/).fill("Отдел культуры");
  await form.getByLabel(/^Пароль/).fill("надёжный-пароль");
  await form.getByRole("button", { name: "Создать пользователя" }).click();
  await expect(form.getByTestId("saved")).toHaveText("Пользователь создан");
  const row = page.locator(`[data-testid="user-row"][data-login="${login}"]`);
  await expect(row).toContainText("Петрова Мария Ивановна");
  await expect(row).toContainText("Отдел культуры");
  await expect(row.getByTestId("user-state")).toHaveText("активен");
  await form.getByRole("button", { name: "Создать пользователя" }).click();
  await expect(form.getByRole("alert")).toContainText(`Логин «${login}» уже занят`);
  await expect(form.getByLabel("ФИО", { exact: true })).toHaveValue("Петрова Мария Ивановна");

  // The production calendar: a day chosen in the grid, marked non-working, then restored.
  await open(page, "/admin/calendar?year=2026");
  const days = page.getByTestId("working-days");
  const before = Number(await days.textContent());
  const cell = page.locator('[data-testid="day"][data-date="2026-12-09"]');
  await expect(cell).toHaveAttribute("data-kind", "working");
  await cell.click();
  const dayForm = page.getByTestId("day-form");
  await expect(dayForm.getByLabel("Дата", { exact: true })).toHaveValue("2026-12-09");
  await dayForm.getByLabel("Каким будет день").selectOption("non_working");
  await dayForm.getByLabel(/^Основание/).fill("Распоряжение главы № 1");
  await dayForm.getByRole("button", { name: "Сохранить", exact: true }).click();
  await expect(dayForm.getByTestId("saved")).toHaveText("Сохранено");
  await expect(cell).toHaveAttribute("data-kind", "non_working");
  await expect(cell).toHaveAttribute("data-corrected", "true");
  await expect(days).toHaveText(String(before - 1));
  await expect(page.getByTestId("corrections")).toContainText("Распоряжение главы № 1");
  await dayForm.getByLabel("Каким будет день").selectOption("usual");
  await dayForm.getByRole("button", { name: "Сохранить", exact: true }).click();
  await expect(cell).toHaveAttribute("data-kind", "working");
  await expect(days).toHaveText(String(before));

  // A token: shown once, works, never shown again; revoked, it gets 401.
  await open(page, "/admin/tokens");
  const issue = page.getByTestId("issue-token");
  await issue.getByLabel(/^Название/).fill("Тестовая система");
  await issue.getByLabel("Роль", { exact: true }).selectOption("authority");
  await issue.getByRole("button", { name: "Выпустить токен" }).click();
  const secret = page.getByTestId("token-secret");
  await expect(secret).toHaveValue(/^otk_[A-Za-z0-9]{40}$/);
  await expect(page.getByTestId("issued-token")).toContainText("показан один раз");
  const token = await secret.inputValue();
  const tokenRow = page.locator('[data-testid="token-row"][data-name="Тестовая система"]');
  await expect(tokenRow.getByTestId("token-revoked")).toHaveText("действует");
  const calendar = "/api/v1/calendar?from=2026-03-16&to=2026-03-16";
  const auth = { headers: { Authorization: `Bearer ${token}` } };
  expect((await page.request.get(calendar, auth)).status()).toBe(200);

  await open(page, "/admin/tokens");
  await expect(page.getByTestId("token-secret")).toHaveCount(0);
  expect(await page.content()).not.toContain(token);
  await tokenRow.getByRole("button", { name: "Отозвать токен «Тестовая система»" }).click();
  await expect(tokenRow.getByTestId("token-revoked")).not.toHaveText("действует");
  expect((await page.request.get(calendar, auth)).status()).toBe(401);
  await page.context().close();
});

test("admin pages label every control; other roles are refused", async ({ browser }) => {
  const page = await signedIn(browser, "admin");
  for (const path of ADMIN_PAGES) {
    await open(page, path);
    expect(await unlabelledControls(page), path).toEqual([]);
  }
  await page.context().close();

  const coordinator = await signedIn(browser, "coordinator");
  await open(coordinator, "/admin/users");
  await expect(coordinator.getByRole("alert")).toHaveText("Раздел доступен только администратору");
  await expect(coordinator.getByTestId("new-user")).toHaveCount(0);
  await coordinator.context().close();
});

test("admin pages fit a 360 px wide phone; calendar days are 44 px touch targets", async ({ browser }) => {
  const page = await signedIn(browser, "admin", { width: 360, height: 780 });
  await open(page, "/admin/calendar?year=2026");
  await expect(page.getByTestId("months")).toBeVisible();
  expect(await horizontalOverflow(page)).toBe(0);
  const box = await page.locator('[data-testid="day"][data-date="2026-01-12"]').boundingBox();
  expect(box).not.toBeNull();
  expect(box!.height).toBeGreaterThanOrEqual(44);
  expect(box!.width).toBeGreaterThanOrEqual(44);
  for (const path of ADMIN_PAGES) {
    await open(page, path);
    expect(await horizontalOverflow(page), path).toBe(0);
  }
  await page.context().close();
});
