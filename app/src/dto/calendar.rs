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
/// deployment's schedule and production calendar (around `now`). (The draft editor's
/// limits and templates are [`crate::dto::networks::EditorSetup`], loaded by the message
/// page: every page needs this setup, only that one needs those.)
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LiveSetup {
    /// The server's "now" when the page was rendered (the browser keeps its offset to it).
    pub now: chrono::DateTime<chrono::Utc>,
    /// The weekly schedule with the time zone.
    pub schedule: crate::domain::calendar::Schedule,
    /// The deployment's production calendar (built-in data with its corrections) for
    /// [`LiveSetup::years`] of `now`.
    pub production: crate::domain::calendar::MarkWindow,
    /// A running deadline is due soon in this last share of its budget, in percent (the
    /// admin's alert setting: the countdowns' colours follow the alerts).
    pub due_soon_percent: u8,
    /// The newest journal event when the page was rendered: the event stream resumes
    /// after it, so nothing between the render and the connection is missed.
    pub last_event_id: i64,
}

impl LiveSetup {
    /// The years the browser's calendar covers around `now`: two back, one ahead. The
    /// countdowns need no more, and building every supported year would slow down the
    /// page's start.
    pub fn years(now: chrono::DateTime<chrono::Utc>) -> std::ops::RangeInclusive<i32> {
        use crate::domain::calendar::{FIRST_SUPPORTED_YEAR, LAST_SUPPORTED_YEAR};
        use chrono::Datelike;
        let year = now.year();
        (year - 2).max(FIRST_SUPPORTED_YEAR)..=(year + 1).min(LAST_SUPPORTED_YEAR)
    }

    /// The deployment's working calendar for [`LiveSetup::years`], built from the setup
    /// alone: the same intervals as the server's calendar inside those years.
    pub fn calendar(
        &self,
    ) -> Result<crate::domain::calendar::WorkingCalendar, crate::domain::calendar::CalendarError>
    {
        use crate::domain::calendar::{ProductionCalendar, WorkingCalendar};
        let production = ProductionCalendar::from_window(&self.production)?;
        let years = Self::years(self.now);
        if years.is_empty() {
            return WorkingCalendar::new(self.schedule.clone(), production);
        }
        WorkingCalendar::with_years(self.schedule.clone(), production, years)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::{
        CalendarError, DayMark, MarkWindow, ProductionCalendar, Schedule, WorkingCalendar,
    };
    use chrono::{TimeZone, Utc};

    fn setup_at(now: chrono::DateTime<Utc>) -> LiveSetup {
        setup_with(now, &ProductionCalendar::built_in().unwrap())
    }

    /// The setup the server sends with `production` as the deployment's calendar.
    fn setup_with(now: chrono::DateTime<Utc>, production: &ProductionCalendar) -> LiveSetup {
        LiveSetup {
            now,
            schedule: Schedule::default(),
            production: production.window(LiveSetup::years(now)),
            due_soon_percent: 25,
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

    #[test]
    fn the_browser_calendar_keeps_the_deployments_corrections() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        // A Tuesday made non-working and a Saturday made working by the deployment.
        let server = ProductionCalendar::built_in().unwrap().with_overrides([
            (day(2026, 3, 17), Some(DayMark::NonWorking)),
            (day(2026, 3, 21), Some(DayMark::Working)),
        ]);
        let now = Utc.with_ymd_and_hms(2026, 3, 16, 7, 0, 0).unwrap();
        let setup = setup_with(now, &server);
        // Only the window travels: 2024-2027, no mark of 2023.
        assert_eq!(setup.production.years, vec![2024, 2025, 2026, 2027]);
        let browser = setup.calendar().unwrap();
        let full = WorkingCalendar::new(Schedule::default(), server).unwrap();
        assert!(!browser.is_working(Utc.with_ymd_and_hms(2026, 3, 17, 8, 0, 0).unwrap()));
        assert!(browser.is_working(Utc.with_ymd_and_hms(2026, 3, 21, 8, 0, 0).unwrap()));
        // Working time between instants spread over the window is the server's, to the
        // second (holidays, shortened days, the corrections).
        let start = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
        for step in 0..400 {
            let a = start + chrono::TimeDelta::hours(step * 83);
            let b = a + chrono::TimeDelta::hours(step % 200 + 1);
            assert_eq!(browser.between(a, b), full.between(a, b), "{a} .. {b}");
        }
    }

    #[test]
    fn a_day_number_that_is_no_date_is_refused() {
        let window = MarkWindow {
            years: vec![2026],
            marks: vec![(i32::MAX, DayMark::NonWorking)],
        };
        assert!(matches!(
            ProductionCalendar::from_window(&window),
            Err(CalendarError::Data(_))
        ));
    }
}
