//! Working time: the deployment's weekly schedule, the Russian production calendar, and
//! the arithmetic over both (SPEC "Working time").
//!
//! - [`Schedule`]: working intervals per weekday, the time zone, and which weekday's hours
//!   a working weekend day uses.
//! - [`ProductionCalendar`]: per-date marks (non-working, working, shortened), shipped as
//!   data for 2020–2027 and correctable per deployment.
//! - [`WorkingCalendar`]: both, precomputed once into UTC intervals with prefix sums, so
//!   every query is an index lookup plus a short search that allocates nothing.
//!
//! Everything here is pure (no clock, no I/O) and compiles for the browser too.

mod engine;
mod production;
mod schedule;

#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_data;
#[cfg(test)]
mod tests_engine;
#[cfg(test)]
mod tests_prop;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

pub use engine::{WorkingCalendar, FIRST_SUPPORTED_YEAR, LAST_SUPPORTED_YEAR};
pub use production::{DayMark, MarkWindow, ProductionCalendar, SpecialDay, YearSummary};
pub use schedule::{weekday_ru, Schedule, ScheduleError, TimeRange, WeekHours};

/// A length of working time (SPEC "Deadlines": every duration there is working time).
/// Precision: one second.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct WorkingDuration(u32);

impl WorkingDuration {
    /// No working time at all.
    pub const ZERO: Self = Self(0);

    /// `secs` working seconds.
    pub const fn from_secs(secs: u32) -> Self {
        Self(secs)
    }

    /// `minutes` working minutes (saturating).
    pub const fn from_minutes(minutes: u32) -> Self {
        Self(minutes.saturating_mul(60))
    }

    /// `hours` working hours (saturating).
    pub const fn from_hours(hours: u32) -> Self {
        Self(hours.saturating_mul(3600))
    }

    /// The length in seconds.
    pub const fn as_secs(self) -> u32 {
        self.0
    }

    /// The length in whole minutes (rounded down).
    pub const fn as_minutes(self) -> u32 {
        self.0 / 60
    }

    /// Sum of two durations (saturating).
    pub const fn saturating_add(self, other: Self) -> Self {
        Self(self.0.saturating_add(other.0))
    }
}

/// What a date is for the deployment, as shown by the calendar API and UI
/// (SPEC "Integration API": `working`, `shortened`, `non_working`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum DayKind {
    /// An ordinary working day (including a Saturday made working by transfer).
    Working,
    /// A working day one hour shorter (a pre-holiday day of the official list).
    Shortened,
    /// No working time: a weekend, a holiday, a transferred day off.
    NonWorking,
}

impl DayKind {
    /// The id used in JSON and the API.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Working => "working",
            Self::Shortened => "shortened",
            Self::NonWorking => "non_working",
        }
    }
}

/// One date of the deployment's calendar: its kind and its working intervals in local time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayInfo {
    pub kind: DayKind,
    pub intervals: Vec<(NaiveTime, NaiveTime)>,
}

/// Errors of working-time arithmetic and of calendar data.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum CalendarError {
    /// The instant lies outside the years the calendar is built for.
    #[error(
        "Момент {} (UTC) вне поддерживаемого диапазона рабочего календаря",
        crate::domain::datefmt::dmy_hm(.at)
    )]
    InstantOutOfRange { at: DateTime<Utc> },
    /// The date lies outside the years the calendar is built for.
    #[error(
        "Дата {} вне поддерживаемого диапазона рабочего календаря",
        crate::domain::datefmt::dmy(.date)
    )]
    DateOutOfRange { date: NaiveDate },
    /// The result would lie after the last working interval of the calendar.
    #[error("Срок выходит за пределы поддерживаемого диапазона рабочего календаря")]
    BeyondRange,
    /// `end_of_nth_working_day_after` was asked for the 0-th working day.
    #[error("Число рабочих дней должно быть больше нуля")]
    ZeroWorkingDays,
    /// The schedule is not valid.
    #[error("Неверное расписание рабочего времени: {0}")]
    Schedule(#[from] ScheduleError),
    /// Production-calendar data could not be read.
    #[error("Неверные данные производственного календаря: {0}")]
    Data(String),
}
