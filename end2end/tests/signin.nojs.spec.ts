import { expect, test } from "@playwright/test";

// Without JavaScript the sign-in form still works (a plain form POST and a redirect).
test("signs in without JavaScript", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Логин").fill("observer");
  await page.getByLabel("Пароль", { exact: true }).fill("demo");
  await page.getByRole("button", { name: "Войти" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("current-role")).toHaveText("Наблюдатель");
});
