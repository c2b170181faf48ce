//! Properties of the working-time arithmetic over 2025–2027, and a slow oracle written
//! independently of the engine: the default schedule hard-coded, Moscow as a fixed UTC+3
//! (true since 2014), stepping minute by minute.

use std::sync::OnceLock;

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc, Weekday};
use proptest::prelude::*;

use super::*;

fn cal() -> &'static WorkingCalendar {
    static CAL: OnceLock<WorkingCalendar> = OnceLock::new();
    CAL.get_or_init(|| WorkingCalendar::standard().unwrap())
}

/// 2025-01-01 00:00 MSK and 2028-01-01 00:00 MSK as unix seconds.
const FROM: i64 = 1_735_678_800;
const TO: i64 = 1_830_286_800;
const MSK_OFFSET: i64 = 3 * 3600;

fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    prop_oneof![
        // Any second, and minute-aligned instants that hit interval edges more often.
        (FROM..TO).prop_map(|s| DateTime::from_timestamp(s, 0).unwrap()),
        (FROM / 60..TO / 60).prop_map(|m| DateTime::from_timestamp(m * 60, 0).unwrap()),
    ]
}

fn duration(max_secs: u32) -> impl Strategy<Value = WorkingDuration> {
    prop_oneof![
        (0..=max_secs).prop_map(WorkingDuration::from_secs),
        (0..=max_secs / 60).prop_map(WorkingDuration::from_minutes),
    ]
}

/// Working intervals of a local date in seconds of the day, by the SPEC rules, written
/// without `Schedule`.
fn oracle_day(date: NaiveDate) -> Vec<(i64, i64)> {
    let long = vec![(9 * 3600, 13 * 3600), (13 * 3600 + 48 * 60, 18 * 3600)];
    let friday = vec![(9 * 3600, 13 * 3600), (13 * 3600 + 48 * 60, 17 * 3600)];
    let ordinary = match date.weekday() {
        Weekday::Sat | Weekday::Sun => vec![],
        Weekday::Fri => friday,
        _ => long.clone(),
    };
    match cal().production().mark(date) {
        None => ordinary,
        Some(DayMark::NonWorking) => vec![],
        Some(DayMark::Working) if ordinary.is_empty() => long,
        Some(DayMark::Working) => ordinary,
        Some(DayMark::Shortened) => {
            let mut day = if ordinary.is_empty() { long } else { ordinary };
            if let Some(last) = day.last_mut() {
                last.1 -= 3600; // every default last interval is longer than an hour
            }
            day
        }
    }
}

fn oracle_is_working(ts: i64) -> bool {
    let local = ts + MSK_OFFSET;
    let day =
        NaiveDate::from_num_days_from_ce_opt(719_163 + local.div_euclid(86_400) as i32).unwrap();
    let sec = local.rem_euclid(86_400);
    oracle_day(day).iter().any(|&(s, e)| s <= sec && sec < e)
}

/// Walks forward consuming working time; whole minutes at a time once aligned (every
/// boundary of the default schedule is on a whole minute).
fn oracle_add(t: DateTime<Utc>, d: WorkingDuration) -> DateTime<Utc> {
    if d.as_secs() == 0 {
        return t;
    }
    let (mut ts, mut left) = (t.timestamp(), i64::from(d.as_secs()));
    while left > 0 {
        let step = if ts % 60 == 0 && left >= 60 { 60 } else { 1 };
        let step = if ts % 60 != 0 || oracle_is_working(ts) {
            step
        } else {
            60
        };
        if oracle_is_working(ts) {
            left -= step;
        }
        ts += step;
    }
    DateTime::from_timestamp(ts, 0).unwrap()
}

fn oracle_between(a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
    let (mut ts, end) = (a.timestamp(), b.timestamp());
    let mut sum = 0;
    while ts < end {
        let step = if ts % 60 == 0 && end - ts >= 60 {
            60
        } else {
            1
        };
        if oracle_is_working(ts) {
            sum += step;
        }
        ts += step;
    }
    sum
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn add_is_monotonic_in_t(a in instant(), b in instant(), d in duration(100 * 3600)) {
        let (a, b) = if a <= b { (a, b) } else { (b, a) };
        prop_assert!(cal().add(a, d).unwrap() <= cal().add(b, d).unwrap());
    }

    #[test]
    fn add_is_monotonic_in_d(t in instant(), x in duration(100 * 3600), y in duration(100 * 3600)) {
        let (x, y) = if x <= y { (x, y) } else { (y, x) };
        prop_assert!(cal().add(t, x).unwrap() <= cal().add(t, y).unwrap());
    }

    #[test]
    fn add_composes(t in instant(), a in duration(50 * 3600), b in duration(50 * 3600)) {
        prop_assume!(a.as_secs() > 0);
        let stepwise = cal().add(cal().add(t, a).unwrap(), b).unwrap();
        prop_assert_eq!(stepwise, cal().add(t, a.saturating_add(b)).unwrap());
    }

    #[test]
    fn between_inverts_add(t in instant(), d in duration(100 * 3600)) {
        let due = cal().add(t, d).unwrap();
        prop_assert_eq!(cal().between(t, due), i64::from(d.as_secs()));
        prop_assert_eq!(cal().between(due, t), -i64::from(d.as_secs()));
    }

    #[test]
    fn add_lands_in_working_time_or_at_an_interval_end(t in instant(), d in duration(100 * 3600)) {
        prop_assume!(d.as_secs() > 0);
        let due = cal().add(t, d).unwrap();
        // Results lie in (start, end]: the second before is working time.
        prop_assert!(cal().is_working(due - TimeDelta::seconds(1)));
        prop_assert!(oracle_is_working(due.timestamp() - 1));
        let info = cal().day_info(cal().local_date(due - TimeDelta::seconds(1)));
        prop_assert_ne!(info.kind, DayKind::NonWorking);
    }

    #[test]
    fn nth_working_day_ends_on_a_working_day(t in instant(), n in 1u32..=30) {
        let day = cal().local_date(t);
        let end = cal().end_of_nth_working_day_after(day, n).unwrap();
        prop_assert!(cal().is_working(end - TimeDelta::seconds(1)));
        prop_assert!(!cal().is_working(end));
        let end_day = cal().local_date(end);
        let info = cal().day_info(end_day);
        prop_assert_ne!(info.kind, DayKind::NonWorking);
        let working_between = day
            .iter_days()
            .skip(1)
            .take_while(|d| *d < end_day)
            .filter(|d| !oracle_day(*d).is_empty())
            .count();
        prop_assert_eq!(working_between, n as usize - 1);
    }

    #[test]
    fn add_equals_the_slow_oracle(t in instant(), d in duration(12 * 3600)) {
        prop_assert_eq!(cal().add(t, d).unwrap(), oracle_add(t, d));
    }

    #[test]
    fn between_equals_the_slow_oracle(a in instant(), span in 0i64..3 * 86_400) {
        let b = a + TimeDelta::seconds(span);
        prop_assert_eq!(cal().between(a, b), oracle_between(a, b));
    }

    #[test]
    fn is_working_and_next_change_agree_with_the_oracle(t in instant()) {
        let ts = t.timestamp();
        prop_assert_eq!(cal().is_working(t), oracle_is_working(ts));
        let change = cal().next_change(t).unwrap().timestamp();
        prop_assert!(change > ts);
        prop_assert_ne!(oracle_is_working(change), oracle_is_working(ts));
    }
}

#[test]
fn the_oracle_knows_the_spec_example() {
    let monday_10 = DateTime::from_timestamp(1_773_644_400, 0).unwrap(); // 16.03.2026 10:00 MSK
    assert_eq!(monday_10.timestamp() + MSK_OFFSET, 1_773_655_200);
    let due = oracle_add(monday_10, WorkingDuration::from_hours(9));
    assert_eq!(
        due - monday_10,
        TimeDelta::hours(24) + TimeDelta::minutes(48)
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// The overdue threshold: working time has passed since `due` exactly after it.
    #[test]
    fn overdue_after_is_the_threshold_of_between(due in instant(), t in instant()) {
        let w = cal().overdue_after(due);
        prop_assert!(w >= due);
        prop_assert_eq!(cal().between(due, t) > 0, t > w, "due {} t {} w {}", due, t, w);
    }

    /// The due-soon threshold: at most `secs` remain exactly from it on.
    #[test]
    fn remaining_at_most_is_the_threshold_of_between(
        due in instant(),
        t in instant(),
        secs in 0i64..40 * 3600,
    ) {
        let s = cal().remaining_at_most(due, secs);
        prop_assert!(s <= due);
        prop_assert_eq!(cal().between(t, due) <= secs, t >= s, "due {} t {} s {}", due, t, s);
    }
}
