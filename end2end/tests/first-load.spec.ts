import { expect, test } from "@playwright/test";
import { open, signedIn } from "./fixtures/session";

// Issue 23: the dashboard's first load is the main wasm, its JS glue, the stylesheet and
// the split loader, nothing else; `scripts/first_load.py` sums exactly these files from
// the release build against the budget in budget.toml. Lazily loaded chunks are other
// pages'; the dashboard loads none.

test("the dashboard becomes interactive on the first-load files alone", async ({ browser }) => {
  const page = await signedIn(browser, "coordinator");
  await open(page, "/");
  const fetched = await page.evaluate(() => {
    const hydrated = performance.getEntriesByName("otklik-hydrated")[0]?.startTime;
    const pkg = (performance.getEntriesByType("resource") as PerformanceResourceTiming[])
      .filter((e) => new URL(e.name).pathname.startsWith("/pkg/"))
      .map((e) => ({ file: new URL(e.name).pathname.slice("/pkg/".length), start: e.startTime }));
    return { hydrated, pkg };
  });
  expect(fetched.hydrated, "the page marks its hydration").toBeGreaterThan(0);
  const before = fetched.pkg.filter((e) => e.start < fetched.hydrated).map((e) => e.file).sort();
  const firstLoad = /^(otklik\.(wasm|js|css)|__wasm_split\.[_a-z0-9]*\.js)$/;
  expect(before.filter((f) => !firstLoad.test(f)), `fetched before interactive: ${before.join(", ")}`).toEqual([]);
  expect(before).toContain("otklik.wasm");
  expect(before).toContain("otklik.js");

  // Once interactive, the live stream connects from the first chunk (as a lazy chunk it
  // cost the page more blocking time than its bytes saved): another user's new message
  // is announced on the open dashboard, and the dashboard fetched no lazy chunk at all.
  const res = await page.request.post("/api/v1/messages", {
    headers: { origin: new URL(page.url()).origin },
    data: {
      external_id: `e2e-first-load-${Date.now()}`,
      network: "vk",
      url: `https://vk.com/wall-1_${Date.now() % 100000}`,
      author: "Пётр Первый",
      text: "Первая загрузка: новое сообщение после гидратации.",
      detected_at: "2026-03-16T09:55:00+03:00",
    },
  });
  expect(res.status(), await res.text()).toBe(201);
  await expect(page.getByTestId("fresh")).toContainText("Новых сообщений: 1");
  const all = await page.evaluate(() =>
    (performance.getEntriesByType("resource") as PerformanceResourceTiming[])
      .map((e) => new URL(e.name).pathname)
      .filter((p) => p.startsWith("/pkg/"))
      .map((p) => p.slice("/pkg/".length)),
  );
  expect(all.filter((f) => !firstLoad.test(f)), `fetched: ${all.join(", ")}`).toEqual([]);
});
