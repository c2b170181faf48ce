//! The report as a file: XLSX (`rust_xlsxwriter`: the table with a formatted, frozen
//! header and the period in the title; a second sheet with every message of the period
//! and its deadlines) and CSV (the same table, UTF-8 with BOM, `;`, as Excel in Russian
//! locales opens it). Text a spreadsheet could take for a formula (`=`, `+`, `-`, `@`)
//! is written as text.

use super::PeriodMessage;
use crate::domain::deadline::DeadlineRule;
use crate::domain::report::table::{cells, headers, Cell};
use crate::domain::report::{Grouping, ReportRow};
use crate::dto::report::{RatingDto, ReportDto};
use crate::error::AppError;
use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook, Worksheet, XlsxError};

/// The report's rows and then the total.
fn table(report: &ReportDto) -> impl Iterator<Item = &ReportRow> {
    report.rows.iter().chain(std::iter::once(&report.total))
}

/// The title line: the period, the grouping and when the report was made.
pub fn title(report: &ReportDto) -> String {
    let by = Grouping::from_name(&report.by).unwrap_or_default();
    format!(
        "Отчёт по сообщениям за {} — {}, {}; сформирован {}",
        report.from.format("%d.%m.%Y"),
        report.to.format("%d.%m.%Y"),
        by.label(),
        report.generated_at.format("%d.%m.%Y %H:%M")
    )
}

/// Whether a spreadsheet could read `s` as a formula (OWASP's list, with tab and CR).
pub fn looks_like_formula(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// The report as CSV: UTF-8 with BOM, `;`, decimal commas; formula-like text is
/// prefixed with `'`.
pub fn csv(report: &ReportDto) -> Result<Vec<u8>, AppError> {
    let by = Grouping::from_name(&report.by).unwrap_or_default();
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .flexible(true)
            .from_writer(&mut out);
        let fail = |e: csv::Error| {
            tracing::error!(error = %e, "cannot write the report CSV");
            AppError::Internal
        };
        w.write_record([title(report)]).map_err(fail)?;
        w.write_record(headers(by)).map_err(fail)?;
        for r in table(report) {
            let row: Vec<String> = cells(r)
                .into_iter()
                .map(|c| match c {
                    Cell::Text(s) if looks_like_formula(&s) => format!("'{s}"),
                    Cell::Text(s) => s,
                    Cell::Count(n) => n.to_string(),
                    Cell::Share(v) => v
                        .map(|v| format!("{:.1} %", v * 100.0).replace('.', ","))
                        .unwrap_or_default(),
                    Cell::Duration(v) => v
                        .map(|s| format!("{:.2}", s as f64 / 3600.0).replace('.', ","))
                        .unwrap_or_default(),
                })
                .collect();
            w.write_record(row).map_err(fail)?;
        }
        w.flush().map_err(|e| {
            tracing::error!(error = %e, "cannot write the report CSV");
            AppError::Internal
        })?;
    }
    Ok(out)
}

pub(crate) fn xlsx_error(e: XlsxError) -> AppError {
    tracing::error!(error = %e, "cannot build the report workbook");
    AppError::Internal
}

/// The format of a table's header cells.
pub(crate) fn head_format() -> Format {
    Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color(Color::RGB(0xDDE6F0))
        .set_border(FormatBorder::Thin)
}

/// Writes `s` as text (never a formula, whatever it begins with).
pub(crate) fn text(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    s: &str,
    f: &Format,
) -> Result<(), AppError> {
    ws.write_string_with_format(row, col, s, f)
        .map(|_| ())
        .map_err(xlsx_error)
}

/// The report as an XLSX workbook: sheet «Отчёт» with the table, sheet «Сообщения» with
/// every message of the period and its deadlines.
pub fn xlsx(report: &ReportDto, messages: &[PeriodMessage]) -> Result<Vec<u8>, AppError> {
    let by = Grouping::from_name(&report.by).unwrap_or_default();
    let mut book = Workbook::new();
    let title_f = Format::new().set_bold().set_font_size(14);
    let head = head_format();
    let plain = Format::new();
    let bold = Format::new().set_bold();
    let pct = Format::new().set_num_format("0.0%");
    let pct_b = pct.clone().set_bold();
    let dur = Format::new().set_num_format("[h]:mm");
    let dur_b = dur.clone().set_bold();
    let when = Format::new().set_num_format("dd.mm.yyyy hh:mm");

    let ws = book.add_worksheet();
    ws.set_name("Отчёт").map_err(xlsx_error)?;
    text(ws, 0, 0, &title(report), &title_f)?;
    let hs = headers(by);
    for (i, h) in hs.iter().enumerate() {
        text(ws, 2, i as u16, h, &head)?;
        ws.set_column_width(i as u16, if i == 0 { 36 } else { 14 })
            .map_err(xlsx_error)?;
    }
    ws.set_freeze_panes(3, 1).map_err(xlsx_error)?;
    let total_at = 3 + report.rows.len() as u32;
    for (n, r) in table(report).enumerate() {
        let row = 3 + n as u32;
        let is_total = row == total_at;
        for (col, cell) in cells(r).into_iter().enumerate() {
            let col = col as u16;
            let result = match cell {
                Cell::Text(s) => {
                    text(ws, row, col, &s, if is_total { &bold } else { &plain })?;
                    continue;
                }
                Cell::Count(v) => ws.write_number_with_format(
                    row,
                    col,
                    f64::from(v),
                    if is_total { &bold } else { &plain },
                ),
                Cell::Share(Some(v)) => {
                    ws.write_number_with_format(row, col, v, if is_total { &pct_b } else { &pct })
                }
                Cell::Duration(Some(s)) => ws.write_number_with_format(
                    row,
                    col,
                    s as f64 / 86_400.0,
                    if is_total { &dur_b } else { &dur },
                ),
                Cell::Share(None) | Cell::Duration(None) => continue,
            };
            result.map_err(xlsx_error)?;
        }
    }

    let ws = book.add_worksheet();
    ws.set_name("Сообщения").map_err(xlsx_error)?;
    let mut hs: Vec<String> = [
        "№",
        "Внешний id",
        "Соцсеть",
        "Автор",
        "Тема",
        "Отдел",
        "Исполнитель",
        "Выявлено",
        "Состояние",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    for rule in DeadlineRule::ALL {
        hs.push(format!("{}: срок", rule.label()));
        hs.push(format!("{}: итог", rule.label()));
    }
    for (i, h) in hs.iter().enumerate() {
        text(ws, 0, i as u16, h, &head)?;
        ws.set_column_width(i as u16, 16).map_err(xlsx_error)?;
    }
    ws.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    for (n, m) in messages.iter().enumerate() {
        let row = 1 + n as u32;
        ws.write_number(row, 0, m.id as f64).map_err(xlsx_error)?;
        let texts = [
            &m.external_id,
            &m.network,
            &m.author,
            &m.topic,
            &m.department,
            &m.executor,
        ];
        for (i, s) in texts.into_iter().enumerate() {
            text(ws, row, 1 + i as u16, s, &plain)?;
        }
        ws.write_datetime_with_format(row, 7, m.detected_at, &when)
            .map_err(xlsx_error)?;
        text(ws, row, 8, &m.state, &plain)?;
        for (i, rule) in DeadlineRule::ALL.iter().enumerate() {
            let col = 9 + 2 * i as u16;
            if let Some((due, outcome)) = m.deadlines.get(rule) {
                ws.write_datetime_with_format(row, col, *due, &when)
                    .map_err(xlsx_error)?;
                text(ws, row, col + 1, outcome, &plain)?;
            }
        }
    }
    book.save_to_buffer().map_err(xlsx_error)
}

/// The month's rating as an XLSX workbook: sheet «Рейтинг» with place, name, score, rated
/// messages and those with full marks, and the method stated under the table.
pub fn rating_xlsx(rating: &RatingDto) -> Result<Vec<u8>, AppError> {
    let mut book = Workbook::new();
    let title_f = Format::new().set_bold().set_font_size(14);
    let head = head_format();
    let plain = Format::new();
    let score_f = Format::new().set_num_format("0.0");
    let ws = book.add_worksheet();
    ws.set_name("Рейтинг").map_err(xlsx_error)?;
    let (what, column) = if rating.administrations {
        ("администраций", "Администрация")
    } else {
        ("отделов", "Отдел")
    };
    let month = rating.month.format("%m.%Y");
    text(ws, 0, 0, &format!("Рейтинг {what} за {month}"), &title_f)?;
    let heads = [
        "Место",
        column,
        "Балл",
        "Оценено сообщений",
        "С полным баллом",
    ];
    for (i, h) in heads.iter().enumerate() {
        text(ws, 2, i as u16, h, &head)?;
        ws.set_column_width(i as u16, if i == 1 { 40 } else { 14 })
            .map_err(xlsx_error)?;
    }
    for (n, r) in rating.rows.iter().enumerate() {
        let row = 3 + n as u32;
        match r.rank {
            Some(place) => ws.write_number(row, 0, f64::from(place)).map(|_| ()),
            None => ws.write_string(row, 0, "—").map(|_| ()),
        }
        .map_err(xlsx_error)?;
        text(ws, row, 1, &r.label, &plain)?;
        match r.score {
            Some(s) => ws.write_number_with_format(row, 2, s, &score_f).map(|_| ()),
            None => ws.write_string(row, 2, "не оценивается").map(|_| ()),
        }
        .map_err(xlsx_error)?;
        ws.write_number(row, 3, f64::from(r.rated))
            .map_err(xlsx_error)?;
        ws.write_number(row, 4, f64::from(r.full_marks))
            .map_err(xlsx_error)?;
    }
    let below = 4 + rating.rows.len() as u32;
    text(ws, below, 0, &rating.statement, &plain)?;
    book.save_to_buffer().map_err(xlsx_error)
}
