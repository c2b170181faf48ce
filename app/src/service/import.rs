//! CSV import of messages (the intake API columns) with a per-row report.
//!
//! The file is read whole and checked (encoding, header, row count) before anything is
//! imported; then each row goes through [`intake`] in its own transaction, so one bad row
//! never blocks the others and a repeated import only reports duplicates.

use super::messages::intake::{intake, Intake, NewMessage};
use super::messages::Caller;
use crate::domain::network::Network;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::service::ctx::Ctx;
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// The most data rows one file may hold.
pub const MAX_ROWS: usize = 5000;

pub use crate::dto::import::{ImportReport, RowOutcome, RowReport};

/// Required columns, in the order a missing one is named.
const REQUIRED: [&str; 6] = [
    "external_id",
    "network",
    "url",
    "author",
    "text",
    "detected_at",
];
/// Optional columns.
const OPTIONAL: [&str; 2] = ["topic", "author_url"];

/// Where each known column is in the file.
struct Columns {
    count: usize,
    external_id: usize,
    network: usize,
    url: usize,
    author: usize,
    text: usize,
    detected_at: usize,
    topic: Option<usize>,
    author_url: Option<usize>,
}

impl Columns {
    /// Reads the header row: names are trimmed and case-insensitive, in any order.
    fn from_header(header: &csv::StringRecord) -> Result<Self, AppError> {
        let names: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
        for (i, name) in names.iter().enumerate() {
            if name.is_empty() {
                return Err(AppError::validation(
                    "file",
                    format!("Столбец №{} без названия", i + 1),
                ));
            }
            if names[..i].contains(name) {
                return Err(AppError::validation(
                    "file",
                    format!("Столбец «{name}» повторяется"),
                ));
            }
        }
        let find = |wanted: &str| names.iter().position(|n| n == wanted);
        if let Some(missing) = REQUIRED.iter().find(|c| find(c).is_none()) {
            return Err(AppError::validation(
                "file",
                format!("Нет столбца «{missing}»"),
            ));
        }
        if let Some(unknown) = names
            .iter()
            .find(|n| !REQUIRED.contains(&n.as_str()) && !OPTIONAL.contains(&n.as_str()))
        {
            return Err(AppError::validation(
                "file",
                format!(
                    "Неизвестный столбец «{unknown}»: допустимы {}",
                    REQUIRED
                        .iter()
                        .chain(OPTIONAL.iter())
                        .copied()
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        let required = |wanted: &str| find(wanted).unwrap_or_default();
        Ok(Self {
            count: names.len(),
            external_id: required("external_id"),
            network: required("network"),
            url: required("url"),
            author: required("author"),
            text: required("text"),
            detected_at: required("detected_at"),
            topic: find("topic"),
            author_url: find("author_url"),
        })
    }
}

/// The text of the file: UTF-8 without a byte-order mark.
fn decode(bytes: &[u8]) -> Result<&str, AppError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|_| {
        AppError::validation(
            "file",
            "Файл не в кодировке UTF-8. Сохраните CSV как «UTF-8»",
        )
    })
}

/// `;` (Russian Excel) or `,`, whichever the header line uses more.
fn delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    let semicolons = header.matches(';').count();
    let commas = header.matches(',').count();
    if semicolons > commas {
        b';'
    } else {
        b','
    }
}

/// RFC 3339 with an offset, or `ДД.ММ.ГГГГ ЧЧ:ММ[:СС]` in the deployment's time zone.
fn parse_detected_at(raw: &str, tz: Tz) -> Result<DateTime<Utc>, String> {
    let s = raw.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    for format in ["%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M"] {
        if let Ok(local) = NaiveDateTime::parse_from_str(s, format) {
            if let Some(t) = tz.from_local_datetime(&local).earliest() {
                return Ok(t.with_timezone(&Utc));
            }
        }
    }
    Err(format!(
        "Неверная дата «{s}»: ожидается 2026-04-06T14:05:00+03:00 или 06.04.2026 14:05"
    ))
}

/// Line numbers from byte offsets. `csv::Position::line` loses a line after a CRLF
/// header, so lines are counted here: 1 + the line breaks before the record's first byte.
struct Lines<'a> {
    text: &'a [u8],
    offset: usize,
    line: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text: text.as_bytes(),
            offset: 0,
            line: 1,
        }
    }

    /// The line of the record at `position` (records come in file order).
    fn at(&mut self, position: Option<&csv::Position>) -> usize {
        let Some(position) = position else {
            return 0;
        };
        let mut at = usize::try_from(position.byte())
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        // A record never starts with a line break: skip the end of the previous line.
        while matches!(self.text.get(at), Some(b'\r' | b'\n')) {
            at += 1;
        }
        if at < self.offset {
            (self.offset, self.line) = (0, 1);
        }
        self.line += self.text[self.offset..at]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        self.offset = at;
        self.line
    }
}

/// A data row checked and ready for intake, or why not.
struct ParsedRow {
    line: usize,
    external_id: Option<String>,
    message: Result<NewMessage, String>,
}

fn optional(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

fn parse_row(record: &csv::StringRecord, cols: &Columns, tz: Tz) -> Result<NewMessage, String> {
    if record.len() != cols.count {
        return Err(format!(
            "Неверное число столбцов: ожидалось {}, получено {}",
            cols.count,
            record.len()
        ));
    }
    let cell = |i: usize| record.get(i).unwrap_or_default();
    let network: Network = cell(cols.network).trim().to_lowercase().parse()?;
    let detected_at = parse_detected_at(cell(cols.detected_at), tz)?;
    Ok(NewMessage {
        administration: None,
        external_id: cell(cols.external_id).to_owned(),
        network,
        url: cell(cols.url).to_owned(),
        author: cell(cols.author).to_owned(),
        author_url: optional(cols.author_url.and_then(|i| record.get(i))),
        text: cell(cols.text).to_owned(),
        topic: optional(cols.topic.and_then(|i| record.get(i))),
        detected_at,
    })
}

/// Reads the whole file: header, then every non-blank data row (at most [`MAX_ROWS`]).
fn parse(text: &str, tz: Tz) -> Result<Vec<ParsedRow>, AppError> {
    if text.trim().is_empty() {
        return Err(AppError::validation("file", "Файл пустой"));
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(text))
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = reader.headers().map_err(|e| {
        AppError::validation("file", format!("Не удалось прочитать заголовок: {e}"))
    })?;
    let cols = Columns::from_header(header)?;
    let mut lines = Lines::new(text);
    let mut rows = Vec::new();
    for record in reader.records() {
        let row = match record {
            Ok(record) => {
                if record.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                ParsedRow {
                    line: lines.at(record.position()),
                    external_id: optional(record.get(cols.external_id)),
                    message: parse_row(&record, &cols, tz),
                }
            }
            Err(e) => ParsedRow {
                line: lines.at(e.position()),
                external_id: None,
                message: Err(format!("Строка не разбирается как CSV: {e}")),
            },
        };
        if rows.len() == MAX_ROWS {
            return Err(AppError::validation(
                "file",
                format!("В файле больше {MAX_ROWS} строк: разделите его на части"),
            ));
        }
        rows.push(row);
    }
    Ok(rows)
}

/// Imports messages from a CSV file (UTF-8, `;` or `,`, a header row naming the intake
/// columns). File-level problems refuse the whole file; row-level ones refuse the row.
pub async fn import_csv(
    ctx: &Ctx,
    bytes: &[u8],
    caller: &Caller,
) -> Result<ImportReport, AppError> {
    if !matches!(caller.role, Role::Coordinator | Role::Authority) {
        return Err(AppError::Forbidden(
            "Импорт доступен координатору и ЦУР".to_owned(),
        ));
    }
    let text = decode(bytes)?;
    let rows = parse(text, ctx.tz())?;
    let mut report = ImportReport::default();
    for row in rows {
        let outcome = match row.message {
            Err(error) => RowOutcome::Refused { error },
            Ok(msg) => match intake(ctx, msg, caller).await {
                Ok(Intake::Created(message_id)) => RowOutcome::Imported { message_id },
                Ok(Intake::Existing(message_id)) => RowOutcome::Duplicate { message_id },
                Err(e) => RowOutcome::Refused {
                    error: e.to_string(),
                },
            },
        };
        match outcome {
            RowOutcome::Imported { .. } => report.imported += 1,
            RowOutcome::Duplicate { .. } => report.duplicates += 1,
            RowOutcome::Refused { .. } => report.refused += 1,
        }
        report.rows.push(RowReport {
            line: row.line,
            external_id: row.external_id,
            outcome,
        });
    }
    tracing::info!(
        caller = %caller.label,
        imported = report.imported,
        duplicates = report.duplicates,
        refused = report.refused,
        "CSV import"
    );
    Ok(report)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic
mod tests {
    use super::*;
    use crate::domain::ids::MessageId;

    /// Monday 16.03.2026 10:00 Moscow.
    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 16, 7, 0, 0).unwrap()
    }

    fn caller(role: Role) -> Caller {
        Caller {
            user: None,
            role,
            label: "test".to_owned(),
            department: None,
            administration: Some(crate::domain::ids::AdministrationId(1)),
        }
    }

    struct World {
        _dir: tempfile::TempDir,
        pool: crate::service::db::Db,
        ctx: Ctx,
    }

    async fn world() -> World {
        let dir = tempfile::tempdir().unwrap();
        let pool = crate::service::db::open(dir.path()).await.unwrap();
        let ctx = Ctx::load(&pool, &Default::default(), now()).await.unwrap();
        World {
            _dir: dir,
            pool,
            ctx,
        }
    }

    impl World {
        async fn import(&self, bytes: &[u8], role: Role) -> Result<ImportReport, AppError> {
            import_csv(&self.ctx, bytes, &caller(role)).await
        }

        async fn messages(&self) -> i64 {
            crate::on_db!(&self.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM messages")
                .fetch_one(p).await)
            .unwrap()
        }
    }

    fn row(line: usize, external_id: &str, outcome: RowOutcome) -> RowReport {
        RowReport {
            line,
            external_id: Some(external_id.to_owned()),
            outcome,
        }
    }

    fn imported(id: i64) -> RowOutcome {
        RowOutcome::Imported {
            message_id: MessageId(id),
        }
    }

    fn duplicate(id: i64) -> RowOutcome {
        RowOutcome::Duplicate {
            message_id: MessageId(id),
        }
    }

    fn refused(error: &str) -> RowOutcome {
        RowOutcome::Refused {
            error: error.to_owned(),
        }
    }

    /// As Russian Excel saves it: BOM, `;`, CRLF, a line break inside a quoted cell.
    const MIXED: &str = "\u{FEFF}External_ID; network ;url;author;detected_at;text;Topic;author_url\r\n\
        vk-1;vk;https://vk.com/wall-1_1;Мария;2026-03-16T09:30:00+03:00;\"Когда починят дорогу?\nУже месяц; никто не \"\"отвечает\"\"\";ЖКХ;\r\n\
        vk-2;VK;https://vk.com/wall-1_2;Иван;2026-03-16T06:40:00Z;Где автобус?;;https://vk.com/id2\r\n\
        vk-1;vk;https://vk.com/wall-1_1;Мария;2026-03-16T09:30:00+03:00;\"Когда починят дорогу?\nУже месяц; никто не \"\"отвечает\"\"\";ЖКХ;\r\n\
        tg-1;telegram;https://t.me/c/1/2;Пётр;2026-03-16T12:00:00+03:00;Из будущего;;\r\n\
        fb-1;facebook;https://facebook.com/1;Олег;2026-03-16T09:00:00+03:00;Текст;;\r\n\
        \r\n\
        ok-1;ok;https://ok.ru/group/1/topic/2;Анна;16.03.2026 09:05;Во дворе темно;Освещение;\r\n\
        max-1;max;https://max.ru/x;Олег;вчера;Текст;;\r\n\
        x-1;vk;https://vk.com/x\r\n\
        vk-1;vk;https://vk.com/wall-1_1;Мария;2026-03-16T09:30:00+03:00;Другой текст;ЖКХ;\r\n";

    #[tokio::test]
    async fn mixed_file_gives_an_exact_report() {
        let w = world().await;
        let report = w.import(MIXED.as_bytes(), Role::Coordinator).await.unwrap();
        let expected = ImportReport {
            imported: 3,
            duplicates: 1,
            refused: 5,
            rows: vec![
                row(2, "vk-1", imported(1)),
                row(4, "vk-2", imported(2)),
                row(5, "vk-1", duplicate(1)),
                row(7, "tg-1", refused("Момент выявления не может быть в будущем")),
                row(
                    8,
                    "fb-1",
                    refused(
                        "Неизвестная сеть «facebook»: допустимы vk, ok, telegram, max, instagram, other",
                    ),
                ),
                row(10, "ok-1", imported(3)),
                row(
                    11,
                    "max-1",
                    refused(
                        "Неверная дата «вчера»: ожидается 2026-04-06T14:05:00+03:00 или 06.04.2026 14:05",
                    ),
                ),
                row(
                    12,
                    "x-1",
                    refused("Неверное число столбцов: ожидалось 8, получено 3"),
                ),
                row(
                    13,
                    "vk-1",
                    refused("Сообщение с external_id «vk-1» уже получено с другим содержимым"),
                ),
            ],
        };
        assert_eq!(report, expected);
        assert_eq!(w.messages().await, 3);

        type Stored = (
            String,
            String,
            Option<String>,
            Option<String>,
            DateTime<Utc>,
        );
        let stored: Vec<Stored> = crate::on_db!(&w.pool, p => sqlx::query_as(
            "SELECT network, text, topic, author_url, detected_at FROM messages ORDER BY id",
        )
        .fetch_all(p).await)
        .unwrap();
        let at = |h, m| Utc.with_ymd_and_hms(2026, 3, 16, h, m, 0).unwrap();
        assert_eq!(
            stored,
            vec![
                (
                    "vk".into(),
                    "Когда починят дорогу?\nУже месяц; никто не \"отвечает\"".into(),
                    Some("ЖКХ".into()),
                    None,
                    at(6, 30)
                ),
                (
                    "vk".into(),
                    "Где автобус?".into(),
                    None,
                    Some("https://vk.com/id2".into()),
                    at(6, 40)
                ),
                (
                    "ok".into(),
                    "Во дворе темно".into(),
                    Some("Освещение".into()),
                    None,
                    at(6, 5)
                ),
            ]
        );
    }

    #[tokio::test]
    async fn reimport_reports_only_duplicates() {
        let w = world().await;
        let file = "external_id,network,url,author,text,detected_at\n\
            a-1,vk,https://vk.com/wall-1_1,Мария,\"Дорога, яма\",2026-03-16T09:30:00+03:00\n\
            a-2,telegram,https://t.me/c/1/2,Пётр,Автобус,16.03.2026 09:40:15\n";
        let first = w.import(file.as_bytes(), Role::Authority).await.unwrap();
        assert_eq!((first.imported, first.duplicates, first.refused), (2, 0, 0));
        let again = w.import(file.as_bytes(), Role::Coordinator).await.unwrap();
        assert_eq!(
            again,
            ImportReport {
                imported: 0,
                duplicates: 2,
                refused: 0,
                rows: vec![row(2, "a-1", duplicate(1)), row(3, "a-2", duplicate(2))],
            }
        );
        assert_eq!(w.messages().await, 2);
        let text: String = crate::on_db!(&w.pool, p => sqlx::query_scalar("SELECT text FROM messages WHERE id = 1")
            .fetch_one(p).await)
            .unwrap();
        assert_eq!(text, "Дорога, яма");
    }

    #[tokio::test]
    async fn header_problems_refuse_the_whole_file() {
        let w = world().await;
        let cases = [
            (
                "external_id;network;url;author;text\nx;vk;https://vk.com/1;А;Т\n",
                "Нет столбца «detected_at»".to_owned(),
            ),
            (
                "external_id;network;url;author;text;detected_at;foo\n",
                format!(
                    "Неизвестный столбец «foo»: допустимы {}",
                    "external_id, network, url, author, text, detected_at, topic, author_url"
                ),
            ),
            (
                "external_id;network;url;author;text;detected_at;URL\n",
                "Столбец «url» повторяется".to_owned(),
            ),
            (
                "external_id;;network;url;author;text;detected_at\n",
                "Столбец №2 без названия".to_owned(),
            ),
            ("\u{FEFF}\r\n\r\n", "Файл пустой".to_owned()),
        ];
        for (file, message) in cases {
            assert_eq!(
                w.import(file.as_bytes(), Role::Coordinator).await,
                Err(AppError::validation("file", message)),
                "{file}"
            );
        }
        assert_eq!(w.messages().await, 0);
    }

    #[tokio::test]
    async fn cp1251_is_refused_with_a_hint() {
        let w = world().await;
        let mut file = b"external_id;network;url;author;text;detected_at\n".to_vec();
        // "x;vk;https://vk.com/1;Мария;Привет;..." with the Russian words in Windows-1251.
        file.extend_from_slice(
            b"x;vk;https://vk.com/1;\xCC\xE0\xF0\xE8\xFF;\xCF\xF0\xE8\xE2\xE5\xF2;",
        );
        file.extend_from_slice(b"2026-03-16T09:30:00+03:00\n");
        assert_eq!(
            w.import(&file, Role::Coordinator).await,
            Err(AppError::validation(
                "file",
                "Файл не в кодировке UTF-8. Сохраните CSV как «UTF-8»"
            ))
        );
        assert_eq!(w.messages().await, 0);
    }

    #[tokio::test]
    async fn only_coordinator_and_authority_may_import() {
        let w = world().await;
        let file = "external_id;network;url;author;text;detected_at\n\
            a-1;vk;https://vk.com/wall-1_1;Мария;Текст;2026-03-16T09:30:00+03:00\n";
        for role in [Role::Observer, Role::Executor, Role::Admin] {
            assert_eq!(
                w.import(file.as_bytes(), role).await,
                Err(AppError::Forbidden(
                    "Импорт доступен координатору и ЦУР".into()
                ))
            );
        }
        assert_eq!(w.messages().await, 0);
    }

    #[tokio::test]
    async fn too_many_rows_refuse_the_file_before_importing() {
        let w = world().await;
        let mut file = String::from("external_id;network;url;author;text;detected_at\n");
        for i in 0..=MAX_ROWS {
            file.push_str(&format!(
                "r-{i};vk;https://vk.com/wall-1_{i};Мария;Текст;2026-03-16T09:30:00+03:00\n"
            ));
        }
        assert_eq!(
            w.import(file.as_bytes(), Role::Coordinator).await,
            Err(AppError::validation(
                "file",
                "В файле больше 5000 строк: разделите его на части"
            ))
        );
        assert_eq!(w.messages().await, 0);
    }

    #[tokio::test]
    async fn script_tags_in_text_are_stored_verbatim() {
        let w = world().await;
        let text = "<script>alert(\"x\")</script><img src=x onerror=alert(1)>";
        let file = format!(
            "external_id;network;url;author;text;detected_at\n\
             s-1;vk;https://vk.com/wall-1_1;<b>Мария</b>;\"{}\";2026-03-16T09:30:00+03:00\n",
            text.replace('"', "\"\"")
        );
        let report = w.import(file.as_bytes(), Role::Coordinator).await.unwrap();
        assert_eq!(report.rows, vec![row(2, "s-1", imported(1))]);
        let stored: (String, String) =
            crate::on_db!(&w.pool, p => sqlx::query_as("SELECT author, text FROM messages WHERE id = 1")
                .fetch_one(p).await)
                .unwrap();
        assert_eq!(stored, ("<b>Мария</b>".to_owned(), text.to_owned()));
    }

    #[test]
    fn report_serialises_flat_with_a_result_tag() {
        let report = ImportReport {
            imported: 1,
            duplicates: 0,
            refused: 1,
            rows: vec![
                row(2, "a", imported(7)),
                RowReport {
                    line: 3,
                    external_id: None,
                    outcome: refused("Нет"),
                },
            ],
        };
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "imported": 1, "duplicates": 0, "refused": 1,
                "rows": [
                    {"line": 2, "external_id": "a", "result": "imported", "message_id": 7},
                    {"line": 3, "external_id": null, "result": "refused", "error": "Нет"},
                ]
            })
        );
        let back: ImportReport = serde_json::from_value(json).unwrap();
        assert_eq!(back, report);
    }

    #[test]
    fn dates_in_both_formats_use_the_deployment_zone() {
        let moscow: Tz = "Europe/Moscow".parse().unwrap();
        let expected = Utc.with_ymd_and_hms(2026, 4, 6, 11, 5, 0).unwrap();
        for raw in [
            "2026-04-06T14:05:00+03:00",
            "2026-04-06T11:05:00Z",
            " 06.04.2026 14:05 ",
            "06.04.2026 14:05:00",
        ] {
            assert_eq!(parse_detected_at(raw, moscow), Ok(expected), "{raw}");
        }
        for raw in [
            "2026-04-06 14:05",
            "2026-04-06T14:05:00",
            "32.01.2026 10:00",
            "",
        ] {
            assert!(parse_detected_at(raw, moscow).is_err(), "{raw}");
        }
    }
}
