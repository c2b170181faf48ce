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

  test("pages link the stylesheet and a web app manifest with icons", async ({ page }) => {
    await page.goto("/login");
    await expect(page.locator('head link[rel=stylesheet][href="/pkg/otklik.css"]')).toHaveCount(1);
    await expect(page.locator('head meta[name=theme-color]')).toHaveCount(1);
    const href = await page.locator("head link[rel=manifest]").getAttribute("href");
    expect(href).toBe("/manifest.webmanifest");
    const manifest = await (await page.request.get(href!)).json();
    expect(manifest.lang).toBe("ru");
    const sizes = manifest.icons.map((i: { sizes: string }) => i.sizes);
    expect(sizes).toContain("192x192");
    expect(sizes).toContain("512x512");
    for (const icon of manifest.icons) {
      const response = await page.request.get(icon.src);
      expect(response.headers()["content-type"]).toBe("image/png");
    }
  });

  test("the WASM is requested only after the first contentful paint and the load event", async ({ page }) => {
    const login = new LoginPage(page);
    await login.goto();
    await login.waitForHydration();
    const timing = await page.evaluate(() => {
      const fcp = performance.getEntriesByName("first-contentful-paint")[0];
      const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
      const wasm = performance
        .getEntriesByType("resource")
        .find((r) => new URL(r.name).pathname.endsWith(".wasm"));
      return { fcp: fcp?.startTime, load: nav.loadEventStart, wasm: wasm?.startTime };
    });
    expect(timing.fcp).toBeGreaterThan(0);
    expect(timing.wasm).toBeDefined();
    expect(timing.wasm!).toBeGreaterThanOrEqual(timing.fcp!);
    expect(timing.wasm!).toBeGreaterThanOrEqual(timing.load);
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
