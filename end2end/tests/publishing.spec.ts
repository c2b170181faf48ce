import { expect, test } from "@playwright/test";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { open, signedIn } from "./fixtures/session";
import { freePort, otklik, OwnServer } from "./fixtures/server";

// Publishing through the network's API (issue 20): a fake of VK's API on loopback answers
// `wall.createComment` as VK does; the coordinator clicks «Опубликовать во ВКонтакте» and
// sees the answer published with the link VK returned.

/** A fake VK API: records each call's form fields, answers with comment 901. */
async function fakeVk(port: number) {
  const calls: Array<{ method: string; fields: URLSearchParams }> = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const method = (req.url ?? "").replace(/^\/method\//, "").split("?")[0];
      calls.push({ method, fields: new URLSearchParams(body) });
      res.setHeader("content-type", "application/json");
      if (method === "wall.createComment") {
        res.end(JSON.stringify({ response: { comment_id: 901, parents_stack: [] } }));
      } else if (method === "groups.getById") {
        res.end(JSON.stringify({ response: { groups: [{ id: 77, name: "Лужский район" }], profiles: [] } }));
      } else {
        res.end(JSON.stringify({ error: { error_code: 3, error_msg: "Unknown method passed" } }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { calls, close: () => new Promise((r) => server.close(r)) };
}

/** Calls the API of `base` with `token`; the JSON answer. */
async function api(base: string, token: string, path: string, data: unknown) {
  const res = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(data),
  });
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBeLessThan(300);
  return body;
}

test("an approved answer is published through the fake VK and the message is answered with its link", async ({ browser }, info) => {
  test.setTimeout(90_000);
  const vkPort = await freePort();
  const vk = await fakeVk(vkPort);
  const dataDir = mkdtempSync(join(tmpdir(), "otklik-publish-"));
  const server = new OwnServer(await freePort(), dataDir, undefined, {
    OTKLIK_VK_API_URL: `http://127.0.0.1:${vkPort}/method/`,
  });
  const secret = "vk1.a.e2e-community-token-Zz90";
  try {
    await server.start();
    otklik(dataDir, ["network", "connect", "vk", "--token", secret, "--group-id", "77"]);
    const last = (out: string) => out.trim().split("\n").pop() ?? "";
    const authority = last(otklik(dataDir, ["token", "add", "--name", "ЦУР", "--role", "authority"]));
    const coordinator = last(otklik(dataDir, ["token", "add", "--name", "скрипт", "--role", "coordinator"]));

    // A message taken in, drafted and approved through the API.
    const m = await api(server.url, authority, "/api/v1/messages", {
      external_id: "e2e-publish-1",
      network: "vk",
      url: "https://vk.com/wall-77_100?reply=55",
      author: "Мария Соколова",
      text: "Когда починят дорогу на Заречной?",
      detected_at: "2026-03-16T09:50:00+03:00",
    });
    const executors = await (await fetch(`${server.url}/api/v1/users?role=executor`, { headers: { authorization: `Bearer ${coordinator}` } })).json();
    const executor = executors[0]?.id ?? executors.items?.[0]?.id;
    await api(server.url, coordinator, `/api/v1/messages/${m.id}/assign`, { executor_id: executor });
    await api(server.url, coordinator, `/api/v1/messages/${m.id}/submit_draft`, { text: "Мария, здравствуйте! Ремонт завершится до 20 марта." });
    await api(server.url, authority, `/api/v1/messages/${m.id}/approve`, {});

    const page = await signedIn(browser, "coordinator", { width: 1280, height: 900 }, server.url);
    await open(page, `/messages/${m.id}`);
    await expect(page.getByTestId("message").getByTestId("state")).toHaveText("согласовано");
    const through = page.getByTestId("action-publish-via");
    await expect(through.getByRole("button", { name: "Опубликовать во ВКонтакте" })).toBeVisible();
    // The network's button comes first, the manual form below it.
    const order = await page.evaluate(() => {
      const via = document.querySelector("[data-testid=action-publish-via]");
      const manual = document.querySelector("[data-testid=action-publish]");
      return via && manual ? via.compareDocumentPosition(manual) & Node.DOCUMENT_POSITION_FOLLOWING : 0;
    });
    expect(order).toBeTruthy();
    await expect(page.locator("body")).not.toContainText("e2e-community-token");

    await through.getByRole("button", { name: "Опубликовать во ВКонтакте" }).click();
    await expect(page.getByTestId("message").getByTestId("state")).toHaveText("ответ размещён");
    await expect(page.getByTestId("published-via")).toHaveText("опубликовано через API ВКонтакте");
    await expect(page.getByTestId("journal")).toContainText("https://vk.com/wall-77_100?reply=901");

    const comments = vk.calls.filter((c) => c.method === "wall.createComment");
    expect(comments).toHaveLength(1);
    expect(comments[0].fields.get("owner_id")).toBe("-77");
    expect(comments[0].fields.get("post_id")).toBe("100");
    expect(comments[0].fields.get("reply_to_comment")).toBe("55");
    expect(comments[0].fields.get("from_group")).toBe("77");
    await page.screenshot({ path: info.outputPath("published-via-vk.png"), fullPage: true });

    // The admin's «Сети»: the token only as its last four characters, and «Проверить».
    const admin = await signedIn(browser, "admin", { width: 390, height: 844 }, server.url);
    await open(admin, "/admin/networks");
    const card = admin.getByTestId("network-vk");
    await expect(card.getByTestId("connection-status")).toHaveText("Подключено: токен задан, …Zz90, сообщество 77");
    await expect(admin.getByTestId("network-telegram").getByTestId("connection-status")).toHaveText("Не подключено");
    await expect(admin.getByTestId("manual-networks")).toContainText("Открытого API");
    await card.getByTestId("check").click();
    await expect(card.getByTestId("check-result")).toHaveText("Подключено: сообщество «Лужский район» (id 77)");
    expect(await admin.content()).not.toContain("e2e-community-token");
    await admin.screenshot({ path: info.outputPath("networks.png"), fullPage: true });
  } finally {
    await OwnServer.stop(server.child);
    await vk.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
