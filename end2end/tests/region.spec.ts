import { expect, test, type Browser, type Page } from "@playwright/test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { open, signedIn } from "./fixtures/session";
import { freePort, otklik, OwnServer } from "./fixtures/server";

// Several administrations (issue 19), on a server of this test's own: the authority's
// board shows both, a message taken in for one of them appears live on that
// administration's coordinator dashboard and nowhere else.

const LUGA = "Лужский муниципальный район";

/** A page signed in as `login` (a user the test added) on the server at `baseURL`. */
async function signInAs(browser: Browser, baseURL: string, login: string, password: string): Promise<Page> {
  const viewport = { width: 1280, height: 900 };
  const context = await browser.newContext({ viewport, locale: "ru-RU", timezoneId: "Europe/Moscow", baseURL });
  const page = await context.newPage();
  await page.goto("/login");
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  await page.getByLabel("Логин").fill(login);
  await page.getByLabel("Пароль", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Войти" }).click();
  await expect(page.getByTestId("current-user")).toBeVisible();
  return page;
}

/** The board card of the administration named `name`: its open count. */
async function openCount(page: Page, code: string): Promise<number> {
  const card = page.locator(`[data-testid=board-card][data-administration="${code}"]`);
  await expect(card).toBeVisible();
  return Number(await card.getByTestId("board-open").innerText());
}

test("the authority's board shows two administrations and a routed message reaches only its own", async ({
  browser,
}, info) => {
  test.setTimeout(90_000);
  const dataDir = mkdtempSync(join(tmpdir(), "otklik-region-"));
  const server = new OwnServer(await freePort(), dataDir);
  try {
    await server.start();
    otklik(dataDir, ["administration", "add", "--code", "luga", "--name", LUGA]);
    otklik(
      dataDir,
      ["user", "add", "--login", "luga-coord", "--name", "Лужская Ольга", "--role", "coordinator", "--administration", "luga"],
      "demo-luga\n",
    );
    const viewport = { width: 1280, height: 900 };
    const authority = await signedIn(browser, "authority", viewport, server.url);
    const mainCoordinator = await signedIn(browser, "coordinator", viewport, server.url);
    const lugaCoordinator = await signInAs(browser, server.url, "luga-coord", "demo-luga");

    await open(authority, "/board");
    await expect(authority.getByTestId("board-card")).toHaveCount(2);
    await expect(authority.getByTestId("board")).toContainText(LUGA);
    await expect(authority.getByTestId("board")).toContainText("Администрация");
    const lugaBefore = await openCount(authority, "luga");
    const mainBefore = await openCount(authority, "main");
    await authority.screenshot({ path: info.outputPath("board.png"), fullPage: true });

    // Both coordinators watch their dashboards.
    await open(mainCoordinator, "/");
    await open(lugaCoordinator, "/");
    await expect(lugaCoordinator.getByTestId("message-row")).toHaveCount(0);

    // The authority takes a message in for Luga through the form.
    const intake = await authority.context().newPage();
    await open(intake, "/messages/new");
    await intake.getByLabel("Администрация").selectOption("luga");
    await intake.getByLabel("Сеть").selectOption("vk");
    await intake.getByLabel("Ссылка на сообщение").fill("https://vk.com/wall-1_4242");
    await intake.getByLabel("Автор", { exact: true }).fill("Ирина Лужская");
    await intake.getByLabel("Текст сообщения").fill("В Луге на улице Победы не работает светофор");
    await intake.getByRole("button", { name: "Зарегистрировать" }).click();
    await expect(intake).toHaveURL(/\/messages\/\d+$/);
    const id = intake.url().split("/").pop();

    // It is announced live on Luga's dashboard (shown on request, the rows do not jump),
    // not on main's; the board counts it.
    const row = (page: Page) => page.locator(`[data-testid=message-row][data-id="${id}"]`);
    const fresh = lugaCoordinator.getByTestId("fresh");
    await expect(fresh).toContainText("Новых сообщений: 1", { timeout: 5_000 });
    await fresh.getByRole("button", { name: "Показать" }).click();
    await expect(row(lugaCoordinator)).toBeVisible();
    await expect(row(lugaCoordinator)).toContainText("светофор");
    await expect.poll(() => openCount(authority, "luga"), { timeout: 10_000 }).toBe(lugaBefore + 1);
    expect(await openCount(authority, "main")).toBe(mainBefore);
    await mainCoordinator.waitForTimeout(1_000);
    await expect(mainCoordinator.getByTestId("fresh")).toHaveCount(0);
    await expect(row(mainCoordinator)).toHaveCount(0);
    await expect(mainCoordinator.getByText("светофор")).toHaveCount(0);
    // And main's coordinator cannot open it.
    await open(mainCoordinator, `/messages/${id}`);
    await expect(mainCoordinator.getByText(`Сообщение №${id} не найдено`)).toBeVisible();
    await expect(mainCoordinator.getByText("светофор")).toHaveCount(0);

    // The board on a phone: one card under another, no horizontal scrolling.
    await authority.setViewportSize({ width: 360, height: 740 });
    const overflow = await authority.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBe(0);
    await authority.screenshot({ path: info.outputPath("board-phone.png"), fullPage: true });
  } finally {
    await OwnServer.stop(server.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("the region's admin creates an administration and sets another's deadlines apart from the region's", async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const dataDir = mkdtempSync(join(tmpdir(), "otklik-region-admin-"));
  const server = new OwnServer(await freePort(), dataDir);
  try {
    await server.start();
    otklik(dataDir, ["administration", "add", "--code", "luga", "--name", LUGA]);
    otklik(dataDir, ["user", "add", "--login", "region-admin", "--name", "Админ региона", "--role", "admin"], "region-2026\n");
    const admin = await signInAs(browser, server.url, "region-admin", "region-2026");

    // A new administration with its first admin, from the administration pages.
    await open(admin, "/admin");
    await admin.getByTestId("section-administrations").click();
    await expect(admin.getByTestId("administration-row")).toHaveCount(2);
    const form = admin.getByTestId("create-administration");
    await form.getByLabel("Код").fill("vyborg");
    await form.getByLabel("Название").fill("Выборгский район");
    await form.getByLabel("Логин администратора").fill("vyborg-admin");
    await form.getByLabel("ФИО администратора").fill("Петров Пётр Петрович");
    await form.getByLabel("Пароль администратора").fill("vyborg-2026");
    await form.getByRole("button", { name: "Создать администрацию" }).click();
    await expect(admin.getByTestId("administration-row")).toHaveCount(3);
    await expect(admin.getByTestId("administrations")).toContainText("Выборгский район");

    // Luga's own return deadline: 20 minutes; the region keeps 30.
    await open(admin, "/admin/settings");
    await admin.getByTestId("layer-select").selectOption("luga");
    await admin.getByTestId("layer-picker").getByRole("button", { name: "Показать" }).click();
    await expect(admin).toHaveURL(/administration=luga/);
    await expect(admin.locator("body[data-hydrated]")).toHaveCount(1);
    const returnBy = admin.locator('[data-testid=deadlines-form] input[name="input[return_by]"]');
    await expect(returnBy).toHaveValue("30");
    await returnBy.fill("20");
    await admin.getByTestId("deadlines-form").getByRole("button").click();
    await expect(admin.getByTestId("deadlines-form").getByTestId("saved")).toBeVisible();
    // Longer than the region allows: refused in Russian, what was typed kept.
    await returnBy.fill("45");
    await admin.getByTestId("deadlines-form").getByRole("button").click();
    await expect(admin.getByTestId("deadlines-form")).toContainText("длиннее установленного регионом");
    await expect(returnBy).toHaveValue("45");

    await open(admin, "/admin/settings?administration=luga");
    await expect(returnBy).toHaveValue("20");
    await open(admin, "/admin/settings");
    await expect(returnBy).toHaveValue("30");
    // The region's own groups are only on the region's page.
    await expect(admin.getByTestId("uploads-form")).toHaveCount(1);
    await open(admin, "/admin/settings?administration=luga");
    await expect(admin.getByTestId("uploads-form")).toHaveCount(0);
  } finally {
    await OwnServer.stop(server.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
});
