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

/// What the browser needs to run the countdowns itself: the server's time, the
/// deployment's schedule and calendar corrections, and the networks' answer limits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LiveSetup {
    /// The server's "now" when the page was rendered (the browser keeps its offset to it).
    pub now: chrono::DateTime<chrono::Utc>,
    /// The weekly schedule with the time zone.
    pub schedule: crate::domain::calendar::Schedule,
    /// The deployment's corrections of the built-in production calendar.
    pub overrides: Vec<(NaiveDate, Option<crate::domain::calendar::DayMark>)>,
    /// Answer limits per network (§11).
    pub limits: crate::domain::network::NetworkLimits,
    /// Answer templates for the draft editor.
    pub templates: crate::domain::network::AnswerTemplates,
    /// The newest journal event when the page was rendered: the event stream resumes
    /// after it, so nothing between the render and the connection is missed.
    pub last_event_id: i64,
}

impl LiveSetup {
    /// The deployment's working calendar, built the same way on both sides.
    pub fn calendar(
        &self,
    ) -> Result<crate::domain::calendar::WorkingCalendar, crate::domain::calendar::CalendarError>
    {
        let production = crate::domain::calendar::ProductionCalendar::built_in()?
            .with_overrides(self.overrides.iter().copied());
        crate::domain::calendar::WorkingCalendar::new(self.schedule.clone(), production)
    }
}
