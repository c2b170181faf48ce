//! The report's table as the page and the files show it: the Russian column headers and
//! one row's cells, in one order.

use super::{Grouping, ReportRow};
use crate::domain::deadline::DeadlineRule;

/// One cell of the report table.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A count.
    Count(u32),
    /// A share, 0–1 (none: nothing to divide).
    Share(Option<f64>),
    /// Working seconds (none: nothing measured).
    Duration(Option<i64>),
}

/// The table's column headers, in Russian.
pub fn headers(by: Grouping) -> Vec<String> {
    let group = match by {
        Grouping::Department => "Отдел",
        Grouping::Executor => "Исполнитель",
        Grouping::Topic => "Тема",
        Grouping::Network => "Соцсеть",
        Grouping::Administration => "Администрация",
        Grouping::None => "",
    };
    let mut h: Vec<String> = [
        if group.is_empty() {
            "Итого"
        } else {
            group
        },
        "Поступило",
        "Отвечено",
        "Отвечено в срок",
        "Доля в срок",
        "Просрочено сейчас",
        "Среднее время до ответа (раб. ч)",
        "Медиана времени до ответа (раб. ч)",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    h.extend(
        DeadlineRule::ALL
            .iter()
            .map(|r| format!("Нарушено: {}", r.label())),
    );
    h.extend(
        [
            "Возвраты в ЦУР",
            "Доработки",
            "Промежуточные ответы",
            "Запросы уточнения",
            "Отклонены (§12)",
        ]
        .into_iter()
        .map(str::to_owned),
    );
    h
}

/// One row of the table as cells, in the order of [`headers`].
pub fn cells(r: &ReportRow) -> Vec<Cell> {
    let mut c = vec![
        Cell::Text(r.label.clone()),
        Cell::Count(r.received),
        Cell::Count(r.answered),
        Cell::Count(r.answered_on_time),
        Cell::Share(r.share_on_time),
        Cell::Count(r.overdue_now),
        Cell::Duration(r.mean_answer_secs),
        Cell::Duration(r.median_answer_secs),
    ];
    c.extend(
        DeadlineRule::ALL
            .iter()
            .map(|rule| Cell::Count(r.breaches.get(rule.as_str()).copied().unwrap_or(0))),
    );
    c.extend(
        [
            r.returns,
            r.revisions,
            r.intermediate,
            r.clarifications,
            r.rejections,
        ]
        .map(Cell::Count),
    );
    c
}

impl Cell {
    /// The cell as the page shows it: «87 %», «1 ч 12 мин» (working time), «—» for none.
    pub fn text(self) -> String {
        match self {
            Cell::Text(t) => t,
            Cell::Count(n) => n.to_string(),
            Cell::Share(s) => {
                s.map_or_else(|| "—".to_owned(), |v| format!("{} %", (v * 100.0).round()))
            }
            Cell::Duration(d) => d.map_or_else(
                || "—".to_owned(),
                |s| crate::domain::countdown::format_duration(s, false),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_as_russian_text() {
        assert_eq!(Cell::Share(Some(0.875)).text(), "88 %");
        assert_eq!(Cell::Share(None).text(), "—");
        assert_eq!(Cell::Duration(Some(4320)).text(), "1 ч 12 мин");
        assert_eq!(Cell::Count(7).text(), "7");
    }

    #[test]
    fn every_row_has_a_cell_per_header() {
        let row = ReportRow::default();
        for by in Grouping::ALL {
            assert_eq!(headers(by).len(), cells(&row).len());
        }
    }
}
