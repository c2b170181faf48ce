//! Days of the deployment's working calendar (`GET /api/v1/calendar`, the admin pages).

use crate::domain::calendar::{DayInfo, DayKind};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A working interval in local time, `HH:MM`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct IntervalDto {
    /// Start, e.g. `09:00`.
    pub start: String,
    /// End, e.g. `13:00`.
    pub end: String,
}

/// One date: its kind and its working intervals.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CalendarDayDto {
    /// The date, `YYYY-MM-DD`.
    pub date: NaiveDate,
    /// `working`, `shortened` or `non_working`.
    pub kind: DayKind,
    /// Working intervals in the deployment's local time (empty on a non-working day).
    pub intervals: Vec<IntervalDto>,
}

impl CalendarDayDto {
    /// The API shape of `info` for `date`.
    pub fn new(date: NaiveDate, info: DayInfo) -> Self {
        Self {
            date,
            kind: info.kind,
            intervals: info
                .intervals
                .into_iter()
                .map(|(start, end)| IntervalDto {
                    start: start.format("%H:%M").to_string(),
                    end: end.format("%H:%M").to_string(),
                })
                .collect(),
        }
    }
}
