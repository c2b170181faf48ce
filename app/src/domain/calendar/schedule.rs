//! The deployment's weekly schedule (SPEC "Working time", default: Mon–Thu 09:00–18:00,
//! Fri 09:00–17:00, lunch 13:00–13:48, Europe/Moscow) and the rule that turns a date and
//! its production-calendar mark into that date's working intervals.

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::{DayKind, DayMark};
use crate::domain::datefmt;

/// A working interval of one day in local time, `[start, end)`.
pub type TimeRange = (NaiveTime, NaiveTime);

/// How much a shortened (pre-holiday) day loses at its end: one hour (Labour Code art. 95).
const SHORTENED_BY_SECS: u32 = 3600;

/// Working intervals per weekday, each list sorted and non-overlapping.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekHours {
    #[serde(default)]
    pub mon: Vec<TimeRange>,
    #[serde(default)]
    pub tue: Vec<TimeRange>,
    #[serde(default)]
    pub wed: Vec<TimeRange>,
    #[serde(default)]
    pub thu: Vec<TimeRange>,
    #[serde(default)]
    pub fri: Vec<TimeRange>,
    #[serde(default)]
    pub sat: Vec<TimeRange>,
    #[serde(default)]
    pub sun: Vec<TimeRange>,
}

impl WeekHours {
    /// The intervals of `day`.
    pub fn get(&self, day: Weekday) -> &[TimeRange] {
        match day {
            Weekday::Mon => &self.mon,
            Weekday::Tue => &self.tue,
            Weekday::Wed => &self.wed,
            Weekday::Thu => &self.thu,
            Weekday::Fri => &self.fri,
            Weekday::Sat => &self.sat,
            Weekday::Sun => &self.sun,
        }
    }

    /// The intervals of `day`, for editing.
    pub fn get_mut(&mut self, day: Weekday) -> &mut Vec<TimeRange> {
        match day {
            Weekday::Mon => &mut self.mon,
            Weekday::Tue => &mut self.tue,
            Weekday::Wed => &mut self.wed,
            Weekday::Thu => &mut self.thu,
            Weekday::Fri => &mut self.fri,
            Weekday::Sat => &mut self.sat,
            Weekday::Sun => &mut self.sun,
        }
    }
}

/// The deployment's working schedule: stored as JSON settings and sent to the browser.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// The deployment's time zone; each day's local intervals are converted with it.
    pub tz: Tz,
    /// Working intervals per weekday.
    pub week: WeekHours,
    /// Whose hours a day made working by transfer uses when its own weekday has none in
    /// `week` (a working Saturday uses the Monday–Thursday hours, SPEC).
    pub working_weekend_as: Weekday,
}

/// Why a schedule was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum ScheduleError {
    /// An interval does not start before it ends.
    #[error(
        "{}: начало интервала {} должно быть раньше его конца {}",
        weekday_ru(.day), datefmt::hm(.start), datefmt::hm(.end)
    )]
    EmptyInterval {
        day: Weekday,
        start: NaiveTime,
        end: NaiveTime,
    },
    /// Intervals of a day overlap or are out of order.
    #[error(
        "{}: интервалы должны идти по порядку и не пересекаться (интервал с {} начинается до окончания предыдущего в {})",
        weekday_ru(.day), datefmt::hm(.start), datefmt::hm(.previous_end)
    )]
    Overlap {
        day: Weekday,
        start: NaiveTime,
        previous_end: NaiveTime,
    },
    /// No working time in the whole week.
    #[error("в расписании нет ни одного рабочего интервала")]
    NoWorkingTime,
    /// The weekday whose hours a working weekend uses has no hours.
    #[error(
        "у дня, по часам которого работают в рабочие выходные ({}), нет рабочих часов",
        weekday_ru(.day)
    )]
    WeekendDayWithoutHours { day: Weekday },
}

/// The Russian name of a weekday (for messages and the UI).
pub fn weekday_ru(day: &Weekday) -> &'static str {
    match day {
        Weekday::Mon => "понедельник",
        Weekday::Tue => "вторник",
        Weekday::Wed => "среда",
        Weekday::Thu => "четверг",
        Weekday::Fri => "пятница",
        Weekday::Sat => "суббота",
        Weekday::Sun => "воскресенье",
    }
}

const ALL_WEEKDAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// `NaiveTime` from hours and minutes; only called with literal, valid values.
fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}

impl Default for Schedule {
    /// SPEC default: Mon–Thu 09:00–13:00 + 13:48–18:00, Fri 09:00–13:00 + 13:48–17:00,
    /// Sat/Sun off, Europe/Moscow, working Saturdays use Monday's hours.
    fn default() -> Self {
        let long = vec![(hm(9, 0), hm(13, 0)), (hm(13, 48), hm(18, 0))];
        let friday = vec![(hm(9, 0), hm(13, 0)), (hm(13, 48), hm(17, 0))];
        Self {
            tz: chrono_tz::Europe::Moscow,
            week: WeekHours {
                mon: long.clone(),
                tue: long.clone(),
                wed: long.clone(),
                thu: long,
                fri: friday,
                sat: Vec::new(),
                sun: Vec::new(),
            },
            working_weekend_as: Weekday::Mon,
        }
    }
}

impl Schedule {
    /// The same schedule in another time zone.
    pub fn with_tz(mut self, tz: Tz) -> Self {
        self.tz = tz;
        self
    }

    /// The intervals of `day` in the weekly schedule.
    pub fn hours(&self, day: Weekday) -> &[TimeRange] {
        self.week.get(day)
    }

    /// Checks that every interval has `start < end`, each day's intervals are sorted and do
    /// not overlap, the week has working time, and the working-weekend day has hours.
    pub fn validate(&self) -> Result<(), ScheduleError> {
        for day in ALL_WEEKDAYS {
            let mut previous_end: Option<NaiveTime> = None;
            for &(start, end) in self.hours(day) {
                if start >= end {
                    return Err(ScheduleError::EmptyInterval { day, start, end });
                }
                if let Some(previous_end) = previous_end {
                    if start < previous_end {
                        return Err(ScheduleError::Overlap {
                            day,
                            start,
                            previous_end,
                        });
                    }
                }
                previous_end = Some(end);
            }
        }
        if ALL_WEEKDAYS.iter().all(|&d| self.hours(d).is_empty()) {
            return Err(ScheduleError::NoWorkingTime);
        }
        if self.hours(self.working_weekend_as).is_empty() {
            return Err(ScheduleError::WeekendDayWithoutHours {
                day: self.working_weekend_as,
            });
        }
        Ok(())
    }

    /// Writes the working intervals of `date` (local time) into `out` and returns its kind.
    ///
    /// Rules (SPEC "Working time"): a non-working date has none; a date marked working or
    /// shortened whose weekday has no hours (a working Saturday) takes the hours of
    /// `working_weekend_as`; a shortened date loses its last hour of working time,
    /// trimming earlier intervals when the last one is shorter than that.
    pub(crate) fn day_hours(
        &self,
        date: NaiveDate,
        mark: Option<DayMark>,
        out: &mut Vec<TimeRange>,
    ) -> DayKind {
        out.clear();
        let own = date.weekday();
        let source = match mark {
            Some(DayMark::NonWorking) => return DayKind::NonWorking,
            None => own,
            Some(DayMark::Working | DayMark::Shortened) if self.hours(own).is_empty() => {
                self.working_weekend_as
            }
            Some(DayMark::Working | DayMark::Shortened) => own,
        };
        out.extend_from_slice(self.hours(source));
        let shortened = mark == Some(DayMark::Shortened);
        if shortened {
            trim_end(out, SHORTENED_BY_SECS);
        }
        match (out.is_empty(), shortened) {
            (true, _) => DayKind::NonWorking,
            (false, true) => DayKind::Shortened,
            (false, false) => DayKind::Working,
        }
    }

    /// Working seconds of `date` by the local clock (used by the year summary).
    pub(crate) fn day_seconds(
        &self,
        date: NaiveDate,
        mark: Option<DayMark>,
        buf: &mut Vec<TimeRange>,
    ) -> u32 {
        self.day_hours(date, mark, buf);
        buf.iter()
            .map(|(s, e)| {
                e.num_seconds_from_midnight()
                    .saturating_sub(s.num_seconds_from_midnight())
            })
            .sum()
    }
}

/// Removes the last `secs` seconds of working time from `intervals`.
fn trim_end(intervals: &mut Vec<TimeRange>, mut secs: u32) {
    while secs > 0 {
        let Some(last) = intervals.last_mut() else {
            return;
        };
        let start = last.0.num_seconds_from_midnight();
        let end = last.1.num_seconds_from_midnight();
        if end.saturating_sub(start) > secs {
            match NaiveTime::from_num_seconds_from_midnight_opt(end - secs, 0) {
                Some(new_end) => last.1 = new_end,
                None => {
                    intervals.pop();
                }
            }
            return;
        }
        secs -= end.saturating_sub(start);
        intervals.pop();
    }
}
