//! The Russian production calendar as data (SPEC "Working time"): which dates are
//! non-working, which are working although they fall on a weekend, which are shortened.
//!
//! Shortened days cannot be derived by a rule, so the official lists ship as JSON
//! (`app/data/production-calendar.json`, 2020–2027, the shape of the reference file:
//! per year `non_working`, `working_weekends`, `shortened`). A deployment layers its own
//! corrections on top (extraordinary non-working periods of 2020–2021, next year's decree).

use std::collections::{BTreeMap, BTreeSet};
use std::ops::RangeInclusive;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::{CalendarError, Schedule};

/// The built-in data, embedded so the browser needs no extra request.
const BUILT_IN_JSON: &str = include_str!("../../../data/production-calendar.json");

/// What the production calendar says about one date. A date without a mark follows the
/// ordinary weekday rule of the schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayMark {
    /// No working time: a holiday, a transferred day off, an extraordinary period.
    NonWorking,
    /// A full working day even if its weekday is normally off (a working Saturday).
    Working,
    /// A working day one hour shorter; on a weekend it is also a working day
    /// (Saturday 01.11.2025, Saturday 20.02.2027).
    Shortened,
}

impl DayMark {
    /// The stored name (`non_working`, `working`, `shortened`).
    pub fn as_str(self) -> &'static str {
        match self {
            DayMark::NonWorking => "non_working",
            DayMark::Working => "working",
            DayMark::Shortened => "shortened",
        }
    }

    /// The mark whose stored name is `s`.
    pub fn from_name(s: &str) -> Option<Self> {
        [DayMark::NonWorking, DayMark::Working, DayMark::Shortened]
            .into_iter()
            .find(|m| m.as_str() == s)
    }
}

/// The production calendar: marks per date plus the years whose official data is loaded.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "CalendarFile", try_from = "CalendarFile")]
pub struct ProductionCalendar {
    marks: BTreeMap<NaiveDate, DayMark>,
    years: BTreeSet<i32>,
}

/// One year of the JSON file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct YearFile {
    #[serde(default)]
    non_working: Vec<NaiveDate>,
    #[serde(default)]
    working_weekends: Vec<NaiveDate>,
    #[serde(default)]
    shortened: Vec<NaiveDate>,
}

/// The JSON file: year → lists.
type CalendarFile = BTreeMap<i32, YearFile>;

/// The marks of some years in the shape the browser reads fastest: dates as day numbers
/// (`NaiveDate::num_days_from_ce`), no date strings to parse, no built-in file to load.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarkWindow {
    /// Years of the window whose official data is loaded.
    pub years: Vec<i32>,
    /// Every marked date of the window as (day number, mark), in date order.
    pub marks: Vec<(i32, DayMark)>,
}

/// A date with a mark, for the year summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecialDay {
    pub date: NaiveDate,
    pub mark: DayMark,
}

/// Totals of one year, shown next to it in the admin UI as a check against the decree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearSummary {
    pub year: i32,
    /// Whether official data for the year is loaded (otherwise only weekdays count).
    pub has_data: bool,
    /// Working days of the five-day week (shortened days included).
    pub working_days: u32,
    /// Shortened working days.
    pub shortened_days: u32,
    /// The norm at 40 h/week: 8 h per working day minus 1 h per shortened day.
    pub norm_hours_40h: u32,
    /// Working minutes of the deployment's own schedule in that year.
    pub schedule_minutes: u32,
    /// Every marked date of the year, in date order.
    pub special_days: Vec<SpecialDay>,
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

impl TryFrom<CalendarFile> for ProductionCalendar {
    type Error = CalendarError;

    fn try_from(file: CalendarFile) -> Result<Self, CalendarError> {
        let mut cal = Self::default();
        for (year, data) in file {
            cal.years.insert(year);
            let lists = [
                (&data.non_working, DayMark::NonWorking),
                (&data.working_weekends, DayMark::Working),
                (&data.shortened, DayMark::Shortened),
            ];
            for (dates, mark) in lists {
                for &date in dates {
                    if date.year() != year {
                        return Err(CalendarError::Data(format!(
                            "дата {} указана в {year} году",
                            crate::domain::datefmt::dmy(&date)
                        )));
                    }
                    let previous = cal.marks.insert(date, mark);
                    let conflict = previous.is_some_and(|p| {
                        p != mark && (p == DayMark::NonWorking || mark == DayMark::NonWorking)
                    });
                    if conflict {
                        return Err(CalendarError::Data(format!(
                            "дата {} одновременно нерабочая и рабочая",
                            crate::domain::datefmt::dmy(&date)
                        )));
                    }
                }
            }
        }
        Ok(cal)
    }
}

impl From<ProductionCalendar> for CalendarFile {
    fn from(cal: ProductionCalendar) -> Self {
        let mut file: CalendarFile = cal
            .years
            .iter()
            .map(|&y| (y, YearFile::default()))
            .collect();
        for (&date, &mark) in &cal.marks {
            let year = file.entry(date.year()).or_default();
            match mark {
                DayMark::NonWorking => year.non_working.push(date),
                DayMark::Working => year.working_weekends.push(date),
                DayMark::Shortened => {
                    // A shortened weekend is a working weekend too (both lists, as decreed).
                    if is_weekend(date) {
                        year.working_weekends.push(date);
                    }
                    year.shortened.push(date);
                }
            }
        }
        file
    }
}

impl ProductionCalendar {
    /// An empty calendar: every date follows the weekly schedule.
    pub fn empty() -> Self {
        Self::default()
    }

    /// The official Russian production calendar 2020–2027 shipped with the product.
    pub fn built_in() -> Result<Self, CalendarError> {
        Self::from_json(BUILT_IN_JSON)
    }

    /// Reads the JSON shape of `app/data/production-calendar.json`.
    pub fn from_json(json: &str) -> Result<Self, CalendarError> {
        let file: CalendarFile = serde_json::from_slice(json.as_bytes())
            .map_err(|e| CalendarError::Data(format!("не удалось разобрать JSON: {e}")))?;
        Self::try_from(file)
    }

    /// Writes the JSON shape of `app/data/production-calendar.json`.
    pub fn to_json(&self) -> Result<String, CalendarError> {
        serde_json::to_string_pretty(&CalendarFile::from(self.clone()))
            .map_err(|e| CalendarError::Data(e.to_string()))
    }

    /// The marks and loaded years of `years` only (what the browser needs).
    pub fn window(&self, years: RangeInclusive<i32>) -> MarkWindow {
        let (Some(first), Some(last)) = (
            NaiveDate::from_ymd_opt(*years.start(), 1, 1),
            NaiveDate::from_ymd_opt(*years.end(), 12, 31),
        ) else {
            return MarkWindow::default();
        };
        MarkWindow {
            years: self
                .years
                .iter()
                .copied()
                .filter(|y| years.contains(y))
                .collect(),
            marks: self
                .marks
                .range(first..=last)
                .map(|(d, &m)| (d.num_days_from_ce(), m))
                .collect(),
        }
    }

    /// The calendar of a [`MarkWindow`]; a day number that is no date is refused.
    pub fn from_window(window: &MarkWindow) -> Result<Self, CalendarError> {
        let mut cal = Self {
            marks: BTreeMap::new(),
            years: window.years.iter().copied().collect(),
        };
        for &(day, mark) in &window.marks {
            let date = NaiveDate::from_num_days_from_ce_opt(day)
                .ok_or_else(|| CalendarError::Data(format!("неверный номер дня {day}")))?;
            cal.marks.insert(date, mark);
        }
        Ok(cal)
    }

    /// The mark of `date`, if any.
    pub fn mark(&self, date: NaiveDate) -> Option<DayMark> {
        self.marks.get(&date).copied()
    }

    /// Every mark in date order.
    pub fn marks(&self) -> impl Iterator<Item = (NaiveDate, DayMark)> + '_ {
        self.marks.iter().map(|(&d, &m)| (d, m))
    }

    /// Years whose official data is loaded.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.iter().copied()
    }

    /// Whether official data for `year` is loaded.
    pub fn covers_year(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    /// Sets or clears (`None`: back to the ordinary weekday rule) the mark of `date`.
    pub fn set_mark(&mut self, date: NaiveDate, mark: Option<DayMark>) {
        match mark {
            Some(mark) => self.marks.insert(date, mark),
            None => self.marks.remove(&date),
        };
    }

    /// The calendar with `date` marked `mark` (a per-deployment correction).
    pub fn with_override(mut self, date: NaiveDate, mark: DayMark) -> Self {
        self.set_mark(date, Some(mark));
        self
    }

    /// The calendar with the mark of `date` removed: the ordinary weekday rule applies.
    pub fn with_ordinary(mut self, date: NaiveDate) -> Self {
        self.set_mark(date, None);
        self
    }

    /// The calendar with every date of `from..=to` marked `mark` (e.g. the extraordinary
    /// non-working period 30.03–30.04.2020).
    pub fn with_period(mut self, from: NaiveDate, to: NaiveDate, mark: DayMark) -> Self {
        for date in from.iter_days().take_while(|d| *d <= to) {
            self.marks.insert(date, mark);
        }
        self
    }

    /// The calendar with overrides applied in order; `None` clears a date.
    pub fn with_overrides(
        mut self,
        overrides: impl IntoIterator<Item = (NaiveDate, Option<DayMark>)>,
    ) -> Self {
        for (date, mark) in overrides {
            self.set_mark(date, mark);
        }
        self
    }

    /// `self` with `overlay` laid on top: the overlay's marks win, loaded years add up
    /// (e.g. next year's decree entered by an admin).
    pub fn merged(mut self, overlay: &ProductionCalendar) -> Self {
        self.marks.extend(overlay.marks());
        self.years.extend(overlay.years());
        self
    }

    /// Whether `date` is a working day of the five-day week by this calendar alone.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.mark(date) {
            Some(DayMark::NonWorking) => false,
            Some(DayMark::Working | DayMark::Shortened) => true,
            None => !is_weekend(date),
        }
    }

    /// Totals of `year` (SPEC: 247 working days, 1,972 h at 40 h/week in 2025–2027), and
    /// the working minutes of `schedule` in that year.
    pub fn year_summary(&self, year: i32, schedule: &Schedule) -> YearSummary {
        let mut summary = YearSummary {
            year,
            has_data: self.covers_year(year),
            working_days: 0,
            shortened_days: 0,
            norm_hours_40h: 0,
            schedule_minutes: 0,
            special_days: Vec::new(),
        };
        let (Some(first), Some(last)) = (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        ) else {
            return summary;
        };
        let mut buf = Vec::new();
        let mut schedule_secs: u32 = 0;
        for date in first.iter_days().take_while(|d| *d <= last) {
            let mark = self.mark(date);
            if self.is_working_day(date) {
                summary.working_days += 1;
                if mark == Some(DayMark::Shortened) {
                    summary.shortened_days += 1;
                }
            }
            if let Some(mark) = mark {
                summary.special_days.push(SpecialDay { date, mark });
            }
            schedule_secs =
                schedule_secs.saturating_add(schedule.day_seconds(date, mark, &mut buf));
        }
        summary.norm_hours_40h = 8 * summary.working_days - summary.shortened_days;
        summary.schedule_minutes = schedule_secs / 60;
        summary
    }
}
