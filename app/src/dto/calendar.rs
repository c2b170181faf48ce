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
                    start: crate::domain::datefmt::hm(&start),
                    end: crate::domain::datefmt::hm(&end),
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
    /// The deployment's working calendar around `now` (two years back, one ahead), built
    /// the same way on both sides. The browser needs no more for its countdowns, and
    /// building every supported year would slow down the page's start.
    pub fn calendar(
        &self,
    ) -> Result<crate::domain::calendar::WorkingCalendar, crate::domain::calendar::CalendarError>
    {
        use crate::domain::calendar::{
            ProductionCalendar, WorkingCalendar, FIRST_SUPPORTED_YEAR, LAST_SUPPORTED_YEAR,
        };
        use chrono::Datelike;
        let production =
            ProductionCalendar::built_in()?.with_overrides(self.overrides.iter().copied());
        let year = self.now.year();
        let years = (year - 2).max(FIRST_SUPPORTED_YEAR)..=(year + 1).min(LAST_SUPPORTED_YEAR);
        if years.is_empty() {
            return WorkingCalendar::new(self.schedule.clone(), production);
        }
        WorkingCalendar::with_years(self.schedule.clone(), production, years)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::{CalendarError, Schedule};
    use chrono::{TimeZone, Utc};

    fn setup_at(now: chrono::DateTime<Utc>) -> LiveSetup {
        LiveSetup {
            now,
            schedule: Schedule::default(),
            overrides: Vec::new(),
            limits: Default::default(),
            templates: Default::default(),
            last_event_id: 0,
        }
    }

    #[test]
    fn the_browser_calendar_covers_two_years_back_and_one_ahead() {
        let cal = setup_at(Utc.with_ymd_and_hms(2026, 3, 16, 7, 0, 0).unwrap())
            .calendar()
            .unwrap();
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        // 2024-01-09 and 2027-12-20 are inside; 2023 and 2028 are not built.
        assert!(cal.end_of_nth_working_day_after(day(2024, 1, 9), 1).is_ok());
        assert!(cal
            .end_of_nth_working_day_after(day(2027, 12, 20), 1)
            .is_ok());
        assert_eq!(
            cal.end_of_nth_working_day_after(day(2023, 12, 29), 1),
            Err(CalendarError::DateOutOfRange {
                date: day(2023, 12, 29)
            })
        );
        // Inside the range it counts working time exactly as the full calendar does.
        let full = crate::domain::calendar::WorkingCalendar::standard().unwrap();
        assert_eq!(
            cal.end_of_nth_working_day_after(day(2026, 3, 16), 7),
            full.end_of_nth_working_day_after(day(2026, 3, 16), 7)
        );
    }
}
