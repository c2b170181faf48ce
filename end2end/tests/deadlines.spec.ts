import { expect, test } from "@playwright/test";
import { open, signedIn } from "./fixtures/session";

// Deadline truth (issue 14): a message returned to the authority stops every clock; its
// page shows outcomes, not a growing «просрочено».

test("a returned message's page shows no running countdown", async ({ browser }) => {
  const page = await signedIn(browser, "coordinator");
  const res = await page.request.post("/api/v1/messages", {
    headers: { origin: new URL(page.url()).origin },
    data: {
      external_id: `e2e-return-${Date.now()}`,
      network: "vk",
      url: "https://vk.com/wall-1_778",
      author: "Олег Петров",
      text: "Почему в школе нет учебников?",
      // The server's clock starts at 10:00 that Monday (scripts/e2e.sh).
      detected_at: "2026-03-16T09:55:00+03:00",
    },
  });
  expect(res.status(), await res.text()).toBe(201);
  const id = (await res.json()).id;

  await open(page, `/messages/${id}`);
  const running = page.locator(
    "[data-testid=deadlines] [data-testid=countdown]:is([data-tone=on-track], [data-tone=due-soon], [data-tone=overdue])",
  );
  await expect(running).toHaveCount(3);

  await page.getByLabel("Обоснование возврата в ОИВ").fill("Школы подведомственны комитету образования области.");
  await page.getByLabel("Сообщение не относится к нашей компетенции").check();
  await page.getByTestId("action-return").getByRole("button").click();
  await expect(page.getByTestId("message").getByTestId("state")).toHaveText("возвращено в ОИВ");

  // Nothing runs: return_by met (returned in time), the others cancelled.
  const deadlines = page.getByTestId("deadlines");
  await expect(running).toHaveCount(0);
  await expect(deadlines.locator("li[data-rule=return_by]")).toHaveAttribute("data-outcome", "met");
  for (const rule of ["draft_by", "answer_by"]) {
    const li = deadlines.locator(`li[data-rule=${rule}]`);
    await expect(li).toHaveAttribute("data-outcome", "cancelled");
    await expect(li.getByTestId("countdown")).toHaveAttribute("data-tone", "cancelled");
    await expect(li.getByTestId("countdown").locator("span[aria-hidden]")).toHaveText("отменён");
  }
  // And it stays so while the page's ticker runs.
  const texts = await deadlines.getByTestId("countdown").allTextContents();
  await page.waitForTimeout(2_500);
  expect(await deadlines.getByTestId("countdown").allTextContents()).toEqual(texts);
  // The journal says what became of each deadline, in Russian.
  const notes = page.getByTestId("journal").getByTestId("deadline-notes").last();
  await expect(notes).toContainText("Проект ответа: отменён");
  await expect(notes).toContainText("Ответ: отменён");

  // After a reload too (server-rendered, then hydrated).
  await open(page, `/messages/${id}`);
  await expect(running).toHaveCount(0);
});
