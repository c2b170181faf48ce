import { expect, test } from "@playwright/test";
import { open, signedIn } from "./fixtures/session";

// Live refresh that does not multiply work (issue 16): a new message that would land on the
// dashboard's page is counted above the list instead of jumping the rows; a change to a
// row on the page re-reads it in place.

test("new messages are counted above the list; a change on the page re-reads it", async ({ browser }) => {
  const coordinator = await signedIn(browser, "coordinator");
  const authority = await signedIn(browser, "authority");
  await open(coordinator, "/");
  const rows = coordinator.getByTestId("message-row");
  await expect(rows.first()).toBeVisible();
  const before = await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-id")));
  await coordinator.waitForTimeout(500); // the event stream connects

  const origin = new URL(authority.url()).origin;
  const res = await authority.request.post("/api/v1/messages", {
    headers: { origin },
    data: {
      external_id: `fresh-${Date.now()}`,
      network: "vk",
      url: "https://vk.com/wall-1_990",
      author: "Новый Автор",
      text: "Яма на дороге у школы",
      detected_at: "2026-03-16T09:00:00+03:00",
    },
  });
  expect(res.status(), await res.text()).toBe(201);
  const id = String((await res.json()).id);

  const fresh = coordinator.getByTestId("fresh");
  await expect(fresh).toContainText("Новых сообщений: 1", { timeout: 2_000 });
  // The rows did not jump.
  expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-id")))).toEqual(before);
  await fresh.getByRole("button", { name: "Показать" }).click();
  await expect(coordinator.locator(`[data-testid=message-row][data-id="${id}"]`)).toBeVisible();
  await expect(fresh).toBeHidden();

  // An action on a row the page shows re-reads the page in place, without a notice.
  const res2 = await authority.request.post(`/api/v1/messages/${id}/set_urgent`, {
    headers: { origin },
    data: { urgent: true },
  });
  expect(res2.status(), await res2.text()).toBe(200);
  await expect(coordinator.locator(`[data-testid=message-row][data-id="${id}"] .tag.urgent`)).toBeVisible({
    timeout: 2_000,
  });
  await expect(fresh).toBeHidden();
});
