import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { horizontalOverflow, open, signedIn } from "./fixtures/session";

test("the observer reads the report on a phone, switches the grouping, sees the charts and downloads the XLSX", async ({ browser }) => {
  const page = await signedIn(browser, "observer", { width: 360, height: 780 });
  await page.getByRole("button", { name: "Меню" }).click();
  await page.getByRole("link", { name: "Отчёты" }).click();
  await expect(page).toHaveURL(/\/reports$/);
  const table = page.getByTestId("report-table");
  await expect(table).toBeVisible();
  // This month by default (the demo clock starts on 16 March 2026), no grouping: the total only.
  await expect(page.getByTestId("report-title")).toContainText("01.03.2026 — 16.03.2026");
  await expect(table.locator("tfoot th")).toHaveText("Итого");
  const received = Number(await table.locator("tfoot td").first().textContent());
  expect(received).toBeGreaterThan(0);

  // By department: a row per department, and they add up to the total.
  await page.getByTestId("grouping").selectOption("department");
  await page.getByRole("button", { name: "Показать" }).click();
  await expect(page).toHaveURL(/by=department/);
  await expect(table.locator("thead th").first()).toHaveText("Отдел");
  const counts = await table.locator("tbody tr td:nth-of-type(1)").allTextContents();
  expect(counts.length).toBeGreaterThan(1);
  expect(counts.map(Number).reduce((a, b) => a + b, 0)).toBe(received);

  // By network.
  await page.getByTestId("grouping").selectOption("network");
  await page.getByRole("button", { name: "Показать" }).click();
  await expect(page).toHaveURL(/by=network/);
  await expect(table.locator("thead th").first()).toHaveText("Соцсеть");

  // The charts are drawn, fit the phone, and say what they show.
  const answers = page.getByTestId("chart-answers");
  await answers.scrollIntoViewIfNeeded();
  await expect(answers.locator("svg")).toBeVisible();
  await expect(answers.locator("svg")).toHaveAttribute("aria-label", /Ответы по дням: всего \d+/);
  expect(await answers.locator("rect").count()).toBeGreaterThan(0);
  const box = await answers.locator("svg").boundingBox();
  expect(box!.width).toBeLessThanOrEqual(360);
  await expect(page.getByTestId("chart-shares")).toBeVisible();
  await expect(page.getByTestId("chart-times")).toBeVisible();
  await expect(page.getByTestId("rating-table")).toBeVisible();
  await expect(page.getByTestId("rating-method")).toContainText("Полный балл");
  expect(await horizontalOverflow(page)).toBe(0);

  // A preset: last month.
  await page.getByRole("link", { name: "Прошлый месяц" }).click();
  await expect(page).toHaveURL(/from=2026-02-01&to=2026-02-28&by=network/);

  // The workbook of the report as shown.
  await open(page, "/reports?from=2026-03-01&to=2026-03-16&by=department");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-xlsx").click()]);
  expect(download.suggestedFilename()).toBe("otklik-report-2026-03-01-2026-03-16.xlsx");
  const bytes = await readFile((await download.path())!);
  expect(bytes.subarray(0, 2).toString()).toBe("PK");
  expect(bytes.length).toBeGreaterThan(4000);
  await page.context().close();
});

test("an executor sees their own figures, not the report", async ({ browser }) => {
  const page = await signedIn(browser, "executor");
  await page.getByRole("link", { name: "Мои показатели" }).click();
  await expect(page).toHaveURL(/\/my-figures$/);
  await expect(page.getByTestId("my-figures")).toContainText("Поступило");
  await open(page, "/reports");
  await expect(page.getByRole("alert")).toContainText("не может читать отчёты");
  await page.context().close();
});
