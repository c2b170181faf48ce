import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { LoginPage } from "./fixtures/login_page";
import { open, signedIn } from "./fixtures/session";

test("a reset password is shown once and must be replaced at the next sign-in", async ({ browser }) => {
  const admin = await signedIn(browser, "admin");
  await open(admin, "/admin/users");
  const login = `smena${Date.now() % 100000}`;
  const form = admin.getByTestId("new-user");
  await form.getByLabel("Логин").fill(login);
  await form.getByLabel("ФИО", { exact: true }).fill("Сменова Вера Павловна");
  await form.getByLabel("Роль", { exact: true }).selectOption("executor");
  // A common password is refused in Russian, a good one taken.
  await form.getByLabel(/^Пароль/).fill("qwertyuiop");
  await form.getByRole("button", { name: "Создать пользователя" }).click();
  await expect(form.getByRole("alert")).toContainText("распространённых");
  await form.getByLabel(/^Пароль/).fill("первый-пароль-2026");
  await form.getByRole("button", { name: "Создать пользователя" }).click();
  await expect(form.getByTestId("saved")).toHaveText("Пользователь создан");

  const row = admin.locator(`[data-testid="user-row"][data-login="${login}"]`);
  await row.getByRole("button", { name: `Сбросить пароль пользователя ${login}` }).click();
  const shown = admin.getByTestId("one-time-password");
  await expect(shown).toContainText(`Временный пароль для «${login}»`);
  const oneTime = (await shown.locator("code").textContent())!.trim();
  expect(oneTime).toHaveLength(12);

  // The user signs in with it and can open nothing but the password page.
  const context = await browser.newContext({ locale: "ru-RU", timezoneId: "Europe/Moscow" });
  const user = await context.newPage();
  const signIn = new LoginPage(user);
  await signIn.goto();
  await signIn.waitForHydration();
  await signIn.signIn(login, oneTime);
  await expect(user).toHaveURL(/\/account\/password$/);
  await user.goto("/");
  await expect(user).toHaveURL(/\/account\/password$/);
  await expect(user.locator("body[data-hydrated]")).toHaveCount(1);
  const pw = user.getByTestId("password-form");
  await pw.getByLabel("Текущий (или временный) пароль").fill(oneTime);
  await pw.getByLabel(/^Новый пароль/).fill("свой-пароль-2026");
  await pw.getByLabel("Повторите новый пароль").fill("свой-пароль-2027");
  await pw.getByRole("button", { name: "Сменить пароль" }).click();
  await expect(pw.getByRole("alert")).toContainText("не совпадают");
  await pw.getByLabel("Повторите новый пароль").fill("свой-пароль-2026");
  await pw.getByRole("button", { name: "Сменить пароль" }).click();
  await expect(user).toHaveURL(/\/$/);
  await expect(user.getByTestId("current-user")).toContainText("Сменова Вера Павловна");
  await context.close();

  // The admin reads it all in the journal of account events.
  await open(admin, "/admin/users");
  const events = admin.getByTestId("account-event");
  await expect(events.first()).toHaveAttribute("data-kind", "password_changed");
  await expect(events.nth(1)).toHaveAttribute("data-kind", "password_reset");
  await expect(events.nth(1)).toContainText("Сменова Вера Павловна");
  await expect(events.nth(2)).toHaveAttribute("data-kind", "created");
});

test("the list is downloaded as shown, with its filters", async ({ browser }) => {
  const page = await signedIn(browser, "coordinator");
  await open(page, "/?network=telegram&from=2026-03-01&to=2026-03-31");
  await expect(page.getByTestId("filter-from")).toHaveValue("2026-03-01");
  const link = page.getByTestId("export-xlsx");
  const href = await link.getAttribute("href");
  expect(href).toContain("/api/v1/messages.xlsx?");
  expect(href).toContain("network=telegram");
  expect(href).toContain("from=2026-03-01");
  expect(href).toContain("to=2026-03-31");
  const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
  expect(download.suggestedFilename()).toMatch(/^messages-\d{4}-\d{2}-\d{2}\.xlsx$/);
  const file = test.info().outputPath("messages.xlsx");
  await download.saveAs(file);
  await test.info().attach("messages.xlsx", { path: file });
  // An XLSX is a ZIP.
  const bytes = readFileSync(file);
  expect(bytes.subarray(0, 2).toString()).toBe("PK");
});
