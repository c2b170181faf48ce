//! Helpers shared by the calendar's test modules.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::{Europe, Tz};

use super::{WorkingCalendar, WorkingDuration};

/// The default schedule with the built-in production calendar.
pub fn cal() -> WorkingCalendar {
    WorkingCalendar::standard().unwrap()
}

/// An instant given as local time in `tz`.
pub fn at(tz: Tz, y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    tz.with_ymd_and_hms(y, mo, d, h, mi, 0)
        .unwrap()
        .with_timezone(&Utc)
}

/// An instant given in Moscow time.
pub fn msk(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    at(Europe::Moscow, y, mo, d, h, mi)
}

/// A calendar date.
pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A time of day.
pub fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

/// Working hours.
pub const H: fn(u32) -> WorkingDuration = WorkingDuration::from_hours;
/// Working minutes.
pub const M: fn(u32) -> WorkingDuration = WorkingDuration::from_minutes;
