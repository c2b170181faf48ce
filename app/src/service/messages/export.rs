//! The message list as a file (issue 22): the list as the caller sees it with their
//! filters, every matching message (up to the list's maximum), as XLSX or as CSV
//! (UTF-8 with BOM, `;`, as Excel in Russian locales opens it). Text a spreadsheet could
//! take for a formula is written as text, as in the reports.

use super::query::{self, MAX_LIST};
use super::Caller;
use crate::domain::countdown::format_datetime;
use crate::domain::deadline::DeadlineRule;
use crate::dto::message::{MessageDto, MessageFilter};
use crate::error::AppError;
use crate::service::ctx::Ctx;
use crate::service::reports::export::{head_format, looks_like_formula, text, xlsx_error};
use chrono_tz::Tz;
use rust_xlsxwriter::{Format, Workbook};

/// The columns of the file.
pub const HEADERS: [&str; 13] = [
    "№",
    "Внешний номер",
    "Сеть",
    "Автор",
    "Текст",
    "Тема",
    "Состояние",
    "Обнаружено",
    "Исполнитель",
    "Отдел",
    "Срок ответа",
    "Срочное",
    "Ссылка на пост",
];

/// The file formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFormat {
    /// An Excel workbook.
    Xlsx,
    /// CSV for Excel in Russian locales.
    Csv,
}

/// One message as the file's cells (texts), in the order of [`HEADERS`].
fn cells(m: &MessageDto, tz: Tz) -> [String; 13] {
    let answer_by = m
        .deadlines
        .get(DeadlineRule::AnswerBy.as_str())
        .map(|d| format_datetime(d.due.to_utc(), tz))
        .unwrap_or_default();
    [
        m.id.0.to_string(),
        m.external_id.clone(),
        m.network.label().to_owned(),
        m.author.clone(),
        m.text.clone(),
        m.topic.clone().unwrap_or_default(),
        m.status.label().to_owned(),
        format_datetime(m.detected_at.to_utc(), tz),
        m.assignee
            .as_ref()
            .map(|u| u.name.clone())
            .unwrap_or_default(),
        m.department
            .as_ref()
            .map(|d| d.name.clone())
            .unwrap_or_default(),
        answer_by,
        if m.urgent { "да" } else { "" }.to_owned(),
        m.url.clone(),
    ]
}

/// The messages `filter` selects for `caller` (every page of it, up to [`MAX_LIST`]).
pub async fn rows(
    ctx: &Ctx,
    caller: &Caller,
    filter: &MessageFilter,
) -> Result<Vec<MessageDto>, AppError> {
    // Paging is ignored, but a malformed cursor is refused as by the list.
    if let Some(c) = filter.cursor.as_deref() {
        c.parse::<crate::domain::listing::Cursor>()
            .map_err(|e| AppError::validation("cursor", e))?;
    }
    let filter = MessageFilter {
        limit: Some(MAX_LIST),
        offset: None,
        cursor: None,
        ..filter.clone()
    };
    Ok(query::list(ctx, caller, &filter).await?.items)
}

/// The file: its bytes.
pub async fn file(
    ctx: &Ctx,
    caller: &Caller,
    filter: &MessageFilter,
    format: FileFormat,
) -> Result<Vec<u8>, AppError> {
    let list = rows(ctx, caller, filter).await?;
    let tz = ctx.for_caller(caller).tz();
    match format {
        FileFormat::Csv => csv(&list, tz),
        FileFormat::Xlsx => xlsx(&list, tz),
    }
}

/// CSV: UTF-8 with BOM, `;`; formula-like text prefixed with `'`.
pub fn csv(list: &[MessageDto], tz: Tz) -> Result<Vec<u8>, AppError> {
    let fail = |e: csv::Error| {
        tracing::error!(error = %e, "cannot write the list CSV");
        AppError::Internal
    };
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(&mut out);
        w.write_record(HEADERS).map_err(fail)?;
        for m in list {
            let row = cells(m, tz).map(|c| {
                if looks_like_formula(&c) {
                    format!("'{c}")
                } else {
                    c
                }
            });
            w.write_record(row).map_err(fail)?;
        }
        w.flush().map_err(|e| {
            tracing::error!(error = %e, "cannot write the list CSV");
            AppError::Internal
        })?;
    }
    Ok(out)
}

/// XLSX: one sheet «Сообщения» with a frozen header; every cell is text (never a formula)
/// but the number.
pub fn xlsx(list: &[MessageDto], tz: Tz) -> Result<Vec<u8>, AppError> {
    let mut book = Workbook::new();
    let head = head_format();
    let plain = Format::new();
    let ws = book.add_worksheet();
    ws.set_name("Сообщения").map_err(xlsx_error)?;
    for (i, h) in HEADERS.iter().enumerate() {
        text(ws, 0, i as u16, h, &head)?;
        let width = match i {
            4 => 60,
            0 | 11 => 8,
            _ => 18,
        };
        ws.set_column_width(i as u16, width).map_err(xlsx_error)?;
    }
    ws.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    for (n, m) in list.iter().enumerate() {
        let row = 1 + n as u32;
        ws.write_number(row, 0, m.id.0 as f64).map_err(xlsx_error)?;
        for (col, c) in cells(m, tz).iter().enumerate().skip(1) {
            text(ws, row, col as u16, c, &plain)?;
        }
    }
    book.save_to_buffer().map_err(xlsx_error)
}
