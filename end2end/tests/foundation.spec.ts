import { expect, test } from "@playwright/test";
import { LoginPage } from "./fixtures/login_page";

test.describe("foundation", () => {
  test("pages other than /login need a session", async ({ page }) => {
    await page.goto("/");
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.locator("html")).toHaveAttribute("lang", "ru");
  });

  test("hydration: the password toggle only works with the WASM loaded", async ({ page }) => {
    const login = new LoginPage(page);
    await login.goto();
    await login.waitForHydration();
    const password = page.getByLabel("Пароль", { exact: true });
    await expect(password).toHaveAttribute("type", "password");
    await page.getByTestId("toggle-password").click();
    await expect(password).toHaveAttribute("type", "text");
    await expect(page.getByTestId("toggle-password")).toHaveText("Скрыть");
  });

  test("a wrong password gets a clear Russian message", async ({ page }) => {
    const login = new LoginPage(page);
    await login.goto();
    await login.waitForHydration();
    await login.signIn("observer", "wrong-password");
    await expect(page.getByRole("alert")).toHaveText("Неверный логин или пароль");
    await expect(page).toHaveURL(/\/login$/);
  });

  test("executor signs in, sees name, role and role navigation, signs out", async ({ page }) => {
    const login = new LoginPage(page);
    await login.goto();
    await login.waitForHydration();
    await login.signIn("executor", "demo");
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByTestId("current-user")).toContainText("Иванов Сергей Николаевич");
    await expect(page.getByTestId("current-role")).toHaveText("Исполнитель");
    const nav = page.getByRole("navigation", { name: "Разделы" });
    await expect(nav.getByRole("link", { name: "Мои сообщения" })).toHaveCount(1);
    await expect(nav.getByRole("link", { name: "Администрирование" })).toHaveCount(0);
    await page.getByRole("button", { name: "Выйти" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto("/");
    await expect(page).toHaveURL(/\/login$/);
  });

  test("the admin sees the administration section", async ({ page }) => {
    const login = new LoginPage(page);
    await login.goto();
    await login.waitForHydration();
    await login.signIn("admin", "demo");
    await expect(page.getByTestId("current-role")).toHaveText("Администратор");
    const nav = page.getByRole("navigation", { name: "Разделы" });
    await expect(nav.getByRole("link", { name: "Администрирование" })).toHaveCount(1);
  });
});
