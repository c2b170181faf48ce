//! [`WorkingCalendar`]: the schedule and the production calendar precomputed into working
//! intervals as UTC unix-second pairs with cumulative working-second sums. An instant is
//! found through a per-day bucket index (a short scan), a working-time target by a
//! galloping binary search from there; no query allocates (STYLE: perf target).

use std::fmt;
use std::ops::RangeInclusive;

use chrono::offset::LocalResult;
use chrono::{
    DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Timelike, Utc,
};
use chrono_tz::Tz;

use super::{CalendarError, DayInfo, ProductionCalendar, Schedule, WorkingDuration, YearSummary};

/// First year the calendar is built for by [`WorkingCalendar::new`].
pub const FIRST_SUPPORTED_YEAR: i32 = 2015;
/// Last year the calendar is built for by [`WorkingCalendar::new`].
pub const LAST_SUPPORTED_YEAR: i32 = 2035;

/// The deployment's working time, built once from a [`Schedule`] and a
/// [`ProductionCalendar`] and then shared immutably (server state, browser context).
///
/// Years without production-calendar data use the weekly schedule alone.
#[derive(Clone)]
pub struct WorkingCalendar {
    schedule: Schedule,
    production: ProductionCalendar,
    first_day: NaiveDate,
    last_day: NaiveDate,
    /// UTC second of local midnight starting `first_day`.
    lower: i64,
    /// UTC second of local midnight after `last_day`.
    upper: i64,
    /// Working intervals `[starts[i], ends[i])`, sorted and disjoint, UTC seconds.
    starts: Vec<i64>,
    ends: Vec<i64>,
    /// Working seconds from the first interval up to `ends[i]`.
    cum_end: Vec<i64>,
    /// For each 86,400-second bucket counted from `lower`, the first interval that ends
    /// after the bucket starts: turns the search for an instant into a short scan.
    buckets: Vec<u32>,
    /// Working days as `num_days_from_ce`, ascending, and the UTC end of each one's last
    /// interval.
    work_days: Vec<i32>,
    work_day_ends: Vec<i64>,
}

/// Bucket width of the instant index.
const BUCKET_SECS: i64 = 86_400;

impl fmt::Debug for WorkingCalendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WorkingCalendar")
            .field("tz", &self.schedule.tz)
            .field("first_day", &self.first_day)
            .field("last_day", &self.last_day)
            .field("intervals", &self.starts.len())
            .field("working_days", &self.work_days.len())
            .finish_non_exhaustive()
    }
}

/// The UTC second of a local date-time. Ambiguous times (clocks set back) take the
/// earlier instant; times in a gap (clocks set forward) take the end of the gap.
fn local_to_utc(tz: Tz, local: NaiveDateTime) -> i64 {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.timestamp(),
        LocalResult::None => {
            // Offsets change on whole minutes; gaps last at most a few hours.
            for minutes in 1..=(48 * 60) {
                let later = local
                    .checked_add_signed(TimeDelta::minutes(minutes))
                    .and_then(|l| tz.from_local_datetime(&l).earliest());
                if let Some(t) = later {
                    return t.timestamp();
                }
            }
            local.and_utc().timestamp()
        }
    }
}

/// UTC seconds of local midnights, each computed once while days are walked in order.
struct Midnights {
    tz: Tz,
    /// The last midnight computed: its date and UTC second.
    last: Option<(NaiveDate, i64)>,
}

impl Midnights {
    fn new(tz: Tz) -> Self {
        Self { tz, last: None }
    }

    fn at(&mut self, date: NaiveDate) -> i64 {
        match self.last {
            Some((d, t)) if d == date => t,
            _ => {
                let t = local_to_utc(self.tz, date.and_time(NaiveTime::MIN));
                self.last = Some((date, t));
                t
            }
        }
    }

    /// The UTC second of `date`'s midnight if the day lasts exactly 24 hours (no offset
    /// change inside it), else `None`.
    fn uniform_day(&mut self, date: NaiveDate) -> Option<i64> {
        let start = self.at(date);
        let next = date.succ_opt()?;
        let end = self.at(next);
        (end - start == BUCKET_SECS).then_some(start)
    }
}

impl WorkingCalendar {
    /// Builds the calendar for [`FIRST_SUPPORTED_YEAR`]`..=`[`LAST_SUPPORTED_YEAR`].
    pub fn new(schedule: Schedule, production: ProductionCalendar) -> Result<Self, CalendarError> {
        Self::with_years(
            schedule,
            production,
            FIRST_SUPPORTED_YEAR..=LAST_SUPPORTED_YEAR,
        )
    }

    /// The SPEC default schedule with the built-in production calendar.
    pub fn standard() -> Result<Self, CalendarError> {
        Self::new(Schedule::default(), ProductionCalendar::built_in()?)
    }

    /// Builds the calendar for the given years only (e.g. fewer years in the browser).
    pub fn with_years(
        schedule: Schedule,
        production: ProductionCalendar,
        years: RangeInclusive<i32>,
    ) -> Result<Self, CalendarError> {
        schedule.validate()?;
        let (Some(first_day), Some(last_day)) = (
            NaiveDate::from_ymd_opt(*years.start(), 1, 1),
            NaiveDate::from_ymd_opt(*years.end(), 12, 31),
        ) else {
            return Err(CalendarError::Data("недопустимый диапазон лет".to_owned()));
        };
        let Some(after_last) = last_day.succ_opt().filter(|_| first_day <= last_day) else {
            return Err(CalendarError::Data("недопустимый диапазон лет".to_owned()));
        };
        let tz = schedule.tz;
        let days = (after_last - first_day).num_days().max(0) as usize;
        let mut cal = Self {
            lower: local_to_utc(tz, first_day.and_time(NaiveTime::MIN)),
            upper: local_to_utc(tz, after_last.and_time(NaiveTime::MIN)),
            first_day,
            last_day,
            starts: Vec::with_capacity(days * 2),
            ends: Vec::with_capacity(days * 2),
            cum_end: Vec::with_capacity(days * 2),
            buckets: Vec::with_capacity(days + 2),
            work_days: Vec::with_capacity(days),
            work_day_ends: Vec::with_capacity(days),
            schedule,
            production,
        };
        let mut local = Vec::with_capacity(4);
        let mut total: i64 = 0;
        let mut midnights = Midnights::new(tz);
        for date in first_day.iter_days().take_while(|d| *d <= last_day) {
            cal.schedule
                .day_hours(date, cal.production.mark(date), &mut local);
            if local.is_empty() {
                continue;
            }
            // Each day is converted with its own offset (DST, offset changes): a day of
            // exactly 24 hours keeps one offset, so its times are offsets from midnight;
            // any other day converts each time through the zone.
            let uniform = midnights.uniform_day(date);
            let to_utc = |t: NaiveTime| match uniform {
                Some(midnight) => midnight + i64::from(t.num_seconds_from_midnight()),
                None => local_to_utc(tz, date.and_time(t)),
            };
            let mut day_end = None;
            for &(start, end) in &local {
                let mut start = to_utc(start);
                let end = to_utc(end);
                if let Some(&previous_end) = cal.ends.last() {
                    start = start.max(previous_end);
                }
                if end <= start {
                    continue;
                }
                total += end - start;
                cal.starts.push(start);
                cal.ends.push(end);
                cal.cum_end.push(total);
                day_end = Some(end);
            }
            if let Some(day_end) = day_end {
                cal.work_days.push(date.num_days_from_ce());
                cal.work_day_ends.push(day_end);
            }
        }
        cal.index_buckets()?;
        Ok(cal)
    }

    fn index_buckets(&mut self) -> Result<(), CalendarError> {
        let too_many = || CalendarError::Data("слишком много рабочих интервалов".to_owned());
        let mut first = 0usize;
        let mut bucket_start = self.lower;
        while bucket_start <= self.upper {
            while self.ends.get(first).is_some_and(|&end| end <= bucket_start) {
                first += 1;
            }
            self.buckets
                .push(u32::try_from(first).map_err(|_| too_many())?);
            bucket_start += BUCKET_SECS;
        }
        Ok(())
    }

    /// The deployment's time zone.
    pub fn tz(&self) -> Tz {
        self.schedule.tz
    }

    /// The weekly schedule the calendar was built from.
    pub fn schedule(&self) -> &Schedule {
        &self.schedule
    }

    /// The production calendar the calendar was built from.
    pub fn production(&self) -> &ProductionCalendar {
        &self.production
    }

    /// The local date of `t` in the deployment's time zone.
    pub fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.schedule.tz).date_naive()
    }

    /// The index of the first interval ending after `ts` (`len` if none) and the working
    /// seconds from the start of the calendar up to `ts` (clamped at both ends).
    #[inline]
    fn locate(&self, ts: i64) -> (usize, i64) {
        // Instants before the range fall into the first bucket, after it past the last.
        let offset = ts.saturating_sub(self.lower).max(0);
        let bucket = usize::try_from(offset / BUCKET_SECS).unwrap_or(usize::MAX);
        let Some(&first) = self.buckets.get(bucket) else {
            return (self.ends.len(), self.total());
        };
        let mut i = first as usize;
        // At most the few intervals that end inside this bucket before `ts`.
        while self.ends.get(i).is_some_and(|&end| end <= ts) {
            i += 1;
        }
        match (self.starts.get(i), self.ends.get(i), self.cum_end.get(i)) {
            (Some(&start), Some(&end), Some(&cum)) => (i, cum - (end - ts.max(start))),
            _ => (i, self.total()),
        }
    }

    /// All working seconds of the calendar.
    fn total(&self) -> i64 {
        self.cum_end.last().copied().unwrap_or(0)
    }

    /// The first index `j >= from` with `cum_end[j] >= target` (`None` past the end), by
    /// galloping: deadlines lie close to their start, so this touches few cache lines.
    #[inline]
    fn first_reaching(&self, from: usize, target: i64) -> Option<usize> {
        let cum = &self.cum_end;
        let (mut lo, mut hi, mut step) = (from, from, 1usize);
        loop {
            match cum.get(hi) {
                None => {
                    hi = cum.len();
                    break;
                }
                Some(&c) if c >= target => break,
                Some(_) => {
                    lo = hi + 1;
                    hi = hi.saturating_add(step);
                    step = step.saturating_mul(2);
                }
            }
        }
        let j = lo + cum.get(lo..hi)?.partition_point(|&c| c < target);
        (j < cum.len()).then_some(j)
    }

    /// The instant `d` of working time after `t` (SPEC "Deadlines"): the clock starts at
    /// the next working interval when `t` is outside working time, and a duration that ends
    /// exactly at an interval's end ends there. `add(t, 0) == t`; otherwise the result is
    /// whole seconds (sub-second parts of `t` are dropped).
    #[inline]
    pub fn add(
        &self,
        t: DateTime<Utc>,
        d: WorkingDuration,
    ) -> Result<DateTime<Utc>, CalendarError> {
        let ts = t.timestamp();
        if ts < self.lower || ts >= self.upper {
            return Err(CalendarError::InstantOutOfRange { at: t });
        }
        if d.as_secs() == 0 {
            return Ok(t);
        }
        let (i, worked) = self.locate(ts);
        let target = worked + i64::from(d.as_secs());
        let j = self
            .first_reaching(i, target)
            .ok_or(CalendarError::BeyondRange)?;
        let (Some(&cum), Some(&end)) = (self.cum_end.get(j), self.ends.get(j)) else {
            return Err(CalendarError::BeyondRange);
        };
        DateTime::from_timestamp(end - (cum - target), 0).ok_or(CalendarError::BeyondRange)
    }

    /// Working seconds from `a` to `b`, negative when `b < a` ("осталось 1 ч 12 мин",
    /// "просрочено на 35 мин"). Instants outside the supported range count as its ends.
    #[inline]
    pub fn between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
        self.locate(b.timestamp()).1 - self.locate(a.timestamp()).1
    }

    /// The last instant at which a task due at `due` is not yet overdue: working time has
    /// passed since `due` exactly at the instants after this one (`between(due, t) > 0`
    /// iff `t > overdue_after(due)`). It is `due` inside working time, else the start of
    /// the next working interval (a task due 18:00 becomes overdue after 09:00).
    pub fn overdue_after(&self, due: DateTime<Utc>) -> DateTime<Utc> {
        let ts = due.timestamp();
        let (i, _) = self.locate(ts);
        match self.starts.get(i) {
            Some(&start) if start > ts => DateTime::from_timestamp(start, 0).unwrap_or(due),
            _ => due,
        }
    }

    /// The earliest instant from which at most `secs` working seconds remain until `due`
    /// (`between(t, due) <= secs` iff `t >= remaining_at_most(due, secs)`): where a
    /// deadline enters its last `secs` of working time. In a gap of no working time the
    /// earliest instant of the gap counts (the end of the previous working interval).
    pub fn remaining_at_most(&self, due: DateTime<Utc>, secs: i64) -> DateTime<Utc> {
        let (_, worked) = self.locate(due.timestamp());
        let target = worked - secs.max(0);
        if target <= 0 {
            return DateTime::from_timestamp(self.lower, 0).unwrap_or(due);
        }
        let Some(j) = self.first_reaching(0, target) else {
            return due;
        };
        match (self.cum_end.get(j), self.ends.get(j)) {
            (Some(&cum), Some(&end)) => DateTime::from_timestamp(end - (cum - target), 0)
                .unwrap_or(due)
                .min(due),
            _ => due,
        }
    }

    /// The end of the last working interval of the `n`-th working day strictly after the
    /// local `date` (SPEC §10: the end of the 7th working day after publication day).
    pub fn end_of_nth_working_day_after(
        &self,
        date: NaiveDate,
        n: u32,
    ) -> Result<DateTime<Utc>, CalendarError> {
        if n == 0 {
            return Err(CalendarError::ZeroWorkingDays);
        }
        if date < self.first_day || date > self.last_day {
            return Err(CalendarError::DateOutOfRange { date });
        }
        let key = date.num_days_from_ce();
        let after = self.work_days.partition_point(|&d| d <= key);
        let index = after
            .checked_add(n as usize - 1)
            .ok_or(CalendarError::BeyondRange)?;
        let end = self
            .work_day_ends
            .get(index)
            .ok_or(CalendarError::BeyondRange)?;
        DateTime::from_timestamp(*end, 0).ok_or(CalendarError::BeyondRange)
    }

    /// Whether `t` lies inside a working interval (intervals are `[start, end)`: 09:00 is
    /// working, 18:00 is not).
    #[inline]
    pub fn is_working(&self, t: DateTime<Utc>) -> bool {
        let ts = t.timestamp();
        let (i, _) = self.locate(ts);
        self.starts.get(i).is_some_and(|&start| start <= ts)
    }

    /// When working time next starts or stops: the end of the current interval while
    /// working, else the start of the next one; `None` after the last interval.
    pub fn next_change(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let ts = t.timestamp();
        let (i, _) = self.locate(ts);
        let (&start, &end) = (self.starts.get(i)?, self.ends.get(i)?);
        DateTime::from_timestamp(if start <= ts { end } else { start }, 0)
    }

    /// The kind and local working intervals of `date` (for the calendar API and UI).
    /// Works for any date, also outside the supported range.
    pub fn day_info(&self, date: NaiveDate) -> DayInfo {
        let mut intervals = Vec::new();
        let kind = self
            .schedule
            .day_hours(date, self.production.mark(date), &mut intervals);
        DayInfo { kind, intervals }
    }

    /// [`Self::day_info`] for every date of `from..=to`.
    pub fn days(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> impl Iterator<Item = (NaiveDate, DayInfo)> + '_ {
        from.iter_days()
            .take_while(move |d| *d <= to)
            .map(|d| (d, self.day_info(d)))
    }

    /// Totals of `year` for the admin UI (see [`ProductionCalendar::year_summary`]).
    pub fn year_summary(&self, year: i32) -> YearSummary {
        self.production.year_summary(year, &self.schedule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The intervals converted one time at a time through the zone, as before the
    /// 24-hour-day shortcut.
    fn reference(cal: &WorkingCalendar) -> Vec<(i64, i64)> {
        let tz = cal.tz();
        let mut out: Vec<(i64, i64)> = Vec::new();
        let mut local = Vec::new();
        for date in cal.first_day.iter_days().take_while(|d| *d <= cal.last_day) {
            cal.schedule
                .day_hours(date, cal.production.mark(date), &mut local);
            for &(start, end) in &local {
                let mut start = local_to_utc(tz, date.and_time(start));
                let end = local_to_utc(tz, date.and_time(end));
                if let Some(&(_, previous_end)) = out.last() {
                    start = start.max(previous_end);
                }
                if end > start {
                    out.push((start, end));
                }
            }
        }
        out
    }

    #[test]
    fn days_of_24_hours_convert_like_the_zone_does() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        // Russian summer time until 2011, Moscow's change of 2014, the regional offset
        // changes of 2016-2020; working hours around the 02:00-03:00 changes.
        for tz in [
            chrono_tz::Europe::Moscow,
            chrono_tz::Europe::Volgograd,
            chrono_tz::Europe::Saratov,
            chrono_tz::Asia::Tomsk,
            chrono_tz::Asia::Magadan,
            chrono_tz::Asia::Kamchatka,
        ] {
            let mut schedule = Schedule::default().with_tz(tz);
            schedule.week.sat = vec![(t(0, 0), t(1, 30)), (t(2, 15), t(3, 45))];
            schedule.week.sun = vec![(t(0, 0), t(23, 0))];
            let production = ProductionCalendar::built_in().unwrap();
            let cal = WorkingCalendar::with_years(schedule, production, 2010..=2027).unwrap();
            let fast: Vec<(i64, i64)> = cal
                .starts
                .iter()
                .copied()
                .zip(cal.ends.iter().copied())
                .collect();
            assert_eq!(fast, reference(&cal), "{tz}");
        }
    }
}
