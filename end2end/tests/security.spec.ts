import { expect, test, type Page } from "@playwright/test";
import { open, signedIn } from "./fixtures/session";

// Issue 15: pages run under a Content-Security-Policy whose script-src allows only the
// app's files and the response's nonce; a stored payload is text, never markup.

/** Records the page's CSP violations (set up before any page script runs). */
async function watchViolations(page: Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
}

async function violations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
}

/** A cookie-authenticated API call from `page`'s session, as the app's own page makes it. */
async function api(page: Page, path: string, data: object) {
  const res = await page.request.post(path, { headers: { origin: new URL(page.url()).origin }, data });
  expect(res.status(), await res.text()).toBeLessThan(300);
  return res.json();
}

test("pages hydrate under the policy, with no violation", async ({ browser }) => {
  const page = await signedIn(browser, "coordinator");
  await watchViolations(page);
  for (const path of ["/", "/messages/1", "/escalation", "/alerts", "/messages/new", "/import"]) {
    const res = await page.goto(path);
    const csp = res!.headers()["content-security-policy"];
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9_-]{22,}' 'wasm-unsafe-eval'/);
    expect(csp).not.toContain("unsafe-inline");
    await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
    expect(await violations(page), path).toEqual([]);
  }
  // Client-side navigation loads the lazily split pages under the same policy.
  await open(page, "/");
  await page.getByRole("link", { name: "Эскалация" }).click();
  await expect(page).toHaveURL(/\/escalation$/);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  expect(await violations(page)).toEqual([]);
});

test("an inline script injected into a page does not run, the app still hydrates", async ({ browser }) => {
  const page = await signedIn(browser, "coordinator");
  await watchViolations(page);
  await page.route(/\/messages\/1$/, async (route) => {
    if (route.request().resourceType() !== "document") return route.continue();
    const response = await route.fetch();
    const html = (await response.text()).replace(
      "</body>",
      `<script>window.__injected = true</script><img src="/favicon.ico?x" onload="window.__handler = true"></body>`,
    );
    const headers = { ...response.headers() };
    delete headers["content-encoding"];
    delete headers["content-length"];
    await route.fulfill({ response, body: html, headers });
  });
  await page.goto("/messages/1");
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  const ran = await page.evaluate(() => {
    const w = window as unknown as { __injected?: boolean; __handler?: boolean };
    return { script: w.__injected ?? false, handler: w.__handler ?? false };
  });
  expect(ran).toEqual({ script: false, handler: false });
  const seen = await violations(page);
  expect(seen.some((v) => v.startsWith("script-src"))).toBe(true);
});

test("a stored draft that closes its textarea is shown as text and runs nothing", async ({ browser }) => {
  const payload = "</textarea><img src=x onerror=alert(document.domain)><textarea>";
  const authority = await signedIn(browser, "authority");
  const coordinator = await signedIn(browser, "coordinator");
  const executor = await signedIn(browser, "executor");
  const message = await api(authority, "/api/v1/messages", {
    external_id: `xss-${Date.now()}`,
    network: "vk",
    url: "https://vk.com/wall-1_555",
    author: "Мария Соколова",
    text: "Когда починят дорогу?",
    detected_at: "2026-03-16T09:55:00+03:00",
  });
  const users = await (await coordinator.request.get("/api/v1/users?role=executor")).json();
  const ivanov = users.find((u: { login: string }) => u.login === "executor");
  await api(coordinator, `/api/v1/messages/${message.id}/assign`, { executor_id: ivanov.id });
  await api(executor, `/api/v1/messages/${message.id}/submit_draft`, { kind: "final", text: payload });
  await api(authority, `/api/v1/messages/${message.id}/request_revision`, { remarks: "Уточните сроки" });

  for (const page of [coordinator, executor]) {
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await open(page, `/messages/${message.id}`);
    await expect(page.getByTestId("draft").first()).toContainText(payload);
    await expect(page.locator("img[src=x]")).toHaveCount(0);
    expect(dialogs).toEqual([]);
  }
  // The executor's editor holds the draft as typed, ready to rework.
  await expect(executor.locator("#draft-text")).toHaveValue(payload);
});
