import { expect, test } from "@playwright/test";
import { open, signedIn } from "./fixtures/session";

test("every control is labelled, the skip link comes first, focus is visible", async ({ browser }) => {
  for (const [login, paths] of [
    ["coordinator", ["/", "/messages/4", "/messages/new", "/import"]],
    ["authority", ["/approval", "/messages/6"]],
  ] as const) {
    const page = await signedIn(browser, login);
    for (const path of paths) {
      await open(page, path);
      const unlabelled = await page.evaluate(() =>
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
      expect(unlabelled, `${login} ${path}`).toEqual([]);
    }
    await page.keyboard.press("Tab");
    const first = page.locator(":focus");
    await expect(first).toHaveText("Перейти к содержимому");
    await page.keyboard.press("Tab");
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
    expect(outline).not.toBe("none");
  }
});
