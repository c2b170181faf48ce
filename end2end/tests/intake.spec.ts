import { expect, test } from "@playwright/test";
import { open, signedIn } from "./fixtures/session";

const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

test("the coordinator registers a message and imports a CSV file", async ({ browser }) => {
  const page = await signedIn(browser, "coordinator");
  await open(page, "/messages/new");
  await page.getByLabel("Сеть").selectOption("telegram");
  await page.getByLabel("Ссылка на сообщение").fill("https://t.me/c/100/200");
  await page.getByLabel("Автор", { exact: true }).fill("Олег Смирнов");
  await page.getByLabel("Текст сообщения").fill("Не горит фонарь у остановки «Школа».");
  await page.getByRole("button", { name: "Зарегистрировать" }).click();
  await expect(page).toHaveURL(/\/messages\/\d+$/);
  await expect(page.getByTestId("message").getByTestId("state")).toHaveText("новое");
  await expect(page.getByTestId("post-text")).toHaveText("Не горит фонарь у остановки «Школа».");

  // A bad link is refused in Russian and nothing is lost from the form.
  await open(page, "/messages/new");
  await page.getByLabel("Ссылка на сообщение").fill("https://t.me/c/1/2");
  await page.getByLabel("Автор", { exact: true }).fill("Олег");
  await page.getByLabel("Текст сообщения").fill("Текст");
  await page.getByLabel("Выявлено (если не сейчас)").fill("2030-01-01T10:00");
  await page.getByRole("button", { name: "Зарегистрировать" }).click();
  await expect(page.getByRole("alert")).toContainText("будущем");
  await expect(page.getByLabel("Текст сообщения")).toHaveValue("Текст");

  await open(page, "/import");
  const csv = [
    "external_id;network;url;author;text;detected_at",
    "imp-1;vk;https://vk.com/wall-1_5;Анна;Когда уберут снег?;16.03.2026 09:00",
    "imp-2;facebook;https://fb.com/1;Иван;Вопрос;16.03.2026 09:00",
  ].join("\n");
  await page.getByLabel("Содержимое файла").fill(csv);
  await page.getByRole("button", { name: "Импортировать" }).click();
  const report = page.getByTestId("import-report");
  await expect(report).toContainText("Загружено: 1 · повторы: 0 · отклонено: 1");
  await expect(report.getByTestId("report-row").nth(1)).toContainText("facebook");
});

/** `text` in Windows-1251, the encoding Excel often saves Russian CSV in (ASCII and А–я only). */
function windows1251(text: string): Buffer {
  return Buffer.from(
    Array.from(text, (ch) => {
      const code = ch.codePointAt(0)!;
      if (code < 0x80) return code;
      if (code >= 0x410 && code <= 0x44f) return 0xc0 + (code - 0x410);
      throw new Error(`no Windows-1251 byte for ${ch}`);
    }),
  );
}

test("the import page reads the chosen file and refuses one not in UTF-8", async ({ browser }) => {
  const page = await signedIn(browser, "coordinator");
  await open(page, "/import");
  const header = "external_id;network;url;author;text;detected_at";
  const row = "imp-9;vk;https://vk.com/wall-1_9;Анна;Когда уберут снег;16.03.2026 09:00";

  // A Windows-1251 file: the browser reads it as UTF-8 with replacement characters,
  // and the server refuses it with the encoding hint instead of importing garbage.
  await page.getByLabel("Файл CSV").setInputFiles({
    name: "excel.csv",
    mimeType: "text/csv",
    buffer: windows1251(`${header}\n${row}\n`),
  });
  await expect(page.getByLabel("Содержимое файла")).toHaveValue(/^external_id;network/);
  await page.getByRole("button", { name: "Импортировать" }).click();
  await expect(page.getByRole("alert")).toContainText("Файл не в кодировке UTF-8");
  await expect(page.getByTestId("import-report")).toHaveCount(0);

  // The same rows saved as UTF-8 are imported.
  await page.getByLabel("Файл CSV").setInputFiles({
    name: "utf8.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(`${header}\n${row}\n`, "utf8"),
  });
  await expect(page.getByLabel("Содержимое файла")).toHaveValue(new RegExp("Анна"));
  await page.getByRole("button", { name: "Импортировать" }).click();
  await expect(page.getByTestId("import-report")).toContainText("Загружено: 1 · повторы: 0 · отклонено: 0");
});

test("the executor attaches a photo to the draft; a renamed program is refused", async ({ browser }) => {
  const page = await signedIn(browser, "executor");
  // Message 4 of the demo data is in work with this executor.
  await open(page, "/messages/4");
  const files = page.getByLabel("Фото и видео к ответу");
  await files.setInputFiles({ name: "программа.jpg", mimeType: "image/jpeg", buffer: Buffer.from("MZ\x90\x00 not an image") });
  await expect(page.getByRole("alert")).toContainText("не является фото или видео");
  await files.setInputFiles({ name: "двор.png", mimeType: "image/png", buffer: PNG });
  await expect(page.getByTestId("attachments").locator("li")).toHaveCount(1);
  await expect(page.getByTestId("attachments").locator("img")).toHaveAttribute("alt", "двор.png");
  await page.getByLabel("Текст ответа").fill("Здравствуйте! Мусор вывезен, фото приложено.");
  await page.getByRole("button", { name: "Отправить на согласование" }).click();
  await expect(page.getByTestId("message").getByTestId("state")).toHaveText("на согласовании");
  await expect(page.locator(".files a")).toHaveText("двор.png");
});
