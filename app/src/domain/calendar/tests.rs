//! Worked examples of SPEC "Working time" on the default schedule and the built-in data.

use chrono::TimeDelta;

use super::test_support::*;
use super::*;

#[test]
fn spec_worked_example_monday_10_00() {
    let cal = cal();
    let detected = msk(2026, 3, 16, 10, 0);
    assert_eq!(cal.add(detected, H(5)).unwrap(), msk(2026, 3, 16, 15, 48));
    assert_eq!(cal.add(detected, H(9)).unwrap(), msk(2026, 3, 17, 10, 48));
    assert_eq!(cal.between(detected, msk(2026, 3, 17, 10, 48)), 9 * 3600);
    assert_eq!(cal.between(msk(2026, 3, 17, 10, 48), detected), -9 * 3600);
}

#[test]
fn default_schedule_days() {
    let cal = cal();
    let long = vec![(t(9, 0), t(13, 0)), (t(13, 48), t(18, 0))];
    let info = cal.day_info(date(2026, 3, 16));
    assert_eq!((info.kind, info.intervals), (DayKind::Working, long));
    let friday = cal.day_info(date(2026, 3, 20));
    assert_eq!(
        friday.intervals,
        vec![(t(9, 0), t(13, 0)), (t(13, 48), t(17, 0))]
    );
    assert_eq!(cal.day_info(date(2026, 3, 21)).kind, DayKind::NonWorking);
    assert!(cal.day_info(date(2026, 3, 22)).intervals.is_empty());
}

#[test]
fn shortened_friday_7_march_2025_ends_at_16_00() {
    let cal = cal();
    let info = cal.day_info(date(2025, 3, 7));
    assert_eq!(info.kind, DayKind::Shortened);
    assert_eq!(
        info.intervals,
        vec![(t(9, 0), t(13, 0)), (t(13, 48), t(16, 0))]
    );
    assert_eq!(
        cal.add(msk(2025, 3, 7, 15, 0), H(1)).unwrap(),
        msk(2025, 3, 7, 16, 0)
    );
    // 8 March (Sat) is a holiday, 9 March a Sunday: the clock resumes on Monday.
    assert_eq!(
        cal.add(msk(2025, 3, 7, 15, 0), M(61)).unwrap(),
        msk(2025, 3, 10, 9, 1)
    );
    assert!(!cal.is_working(msk(2025, 3, 7, 16, 0)));
}

#[test]
fn shortened_working_saturday_1_november_2025() {
    let cal = cal();
    let info = cal.day_info(date(2025, 11, 1));
    assert_eq!(info.kind, DayKind::Shortened);
    // Monday's hours 09:00–18:00 with lunch, one hour shorter.
    assert_eq!(
        info.intervals,
        vec![(t(9, 0), t(13, 0)), (t(13, 48), t(17, 0))]
    );
    // Friday 31.10 ends at 17:00, the clock goes on on Saturday.
    assert_eq!(
        cal.add(msk(2025, 10, 31, 16, 0), H(2)).unwrap(),
        msk(2025, 11, 1, 10, 0)
    );
    // 02.11 Sunday, 03.11 transferred day off, 04.11 holiday: Wednesday 05.11.
    assert_eq!(
        cal.add(msk(2025, 11, 1, 16, 0), H(2)).unwrap(),
        msk(2025, 11, 5, 10, 0)
    );
    let sat_20_feb_2027 = cal.day_info(date(2027, 2, 20));
    assert_eq!(sat_20_feb_2027.kind, DayKind::Shortened);
    assert_eq!(
        sat_20_feb_2027.intervals.last(),
        Some(&(t(13, 48), t(17, 0)))
    );
}

#[test]
fn fridays_before_holidays_are_not_shortened_unless_listed() {
    let cal = cal();
    // 21.02.2025 (23.02 is a Sunday) and 06.03.2026 (before Monday 09.03, a transferred day
    // off): ordinary Fridays.
    for day in [date(2025, 2, 21), date(2026, 3, 6)] {
        let info = cal.day_info(day);
        assert_eq!(info.kind, DayKind::Working, "{day}");
        assert_eq!(info.intervals.last(), Some(&(t(13, 48), t(17, 0))), "{day}");
    }
    assert_eq!(cal.day_info(date(2026, 3, 9)).kind, DayKind::NonWorking);
}

#[test]
fn december_30_2025_is_an_ordinary_tuesday() {
    let cal = cal();
    let info = cal.day_info(date(2025, 12, 30));
    assert_eq!(info.kind, DayKind::Working);
    assert_eq!(info.intervals.last(), Some(&(t(13, 48), t(18, 0))));
    assert_eq!(cal.day_info(date(2025, 12, 31)).kind, DayKind::NonWorking);
}

#[test]
fn new_year_block_spills_to_12_january_2026() {
    let cal = cal();
    // 1 h on 30.12, then nothing until Monday 12.01.2026.
    assert_eq!(
        cal.add(msk(2025, 12, 30, 17, 0), H(9)).unwrap(),
        msk(2026, 1, 12, 17, 48)
    );
    assert_eq!(
        cal.add(msk(2025, 12, 31, 10, 0), H(5)).unwrap(),
        msk(2026, 1, 12, 14, 48)
    );
    assert_eq!(
        cal.next_change(msk(2025, 12, 30, 18, 0)),
        Some(msk(2026, 1, 12, 9, 0))
    );
    assert_eq!(
        cal.between(msk(2025, 12, 30, 18, 0), msk(2026, 1, 12, 9, 0)),
        0
    );
}

#[test]
fn clock_starting_outside_working_time() {
    let cal = cal();
    // At night: starts 09:00.
    assert_eq!(
        cal.add(msk(2026, 3, 17, 3, 0), H(5)).unwrap(),
        msk(2026, 3, 17, 14, 48)
    );
    // During lunch: starts 13:48.
    assert_eq!(
        cal.add(msk(2026, 3, 17, 13, 20), M(30)).unwrap(),
        msk(2026, 3, 17, 14, 18)
    );
    // Exactly at 18:00: starts next morning.
    assert_eq!(
        cal.add(msk(2026, 3, 16, 18, 0), M(30)).unwrap(),
        msk(2026, 3, 17, 9, 30)
    );
    // On a weekend: starts Monday.
    assert_eq!(
        cal.add(msk(2026, 3, 21, 12, 0), M(30)).unwrap(),
        msk(2026, 3, 23, 9, 30)
    );
}

#[test]
fn durations_ending_at_an_interval_end_end_there() {
    let cal = cal();
    assert_eq!(
        cal.add(msk(2026, 3, 16, 17, 0), H(1)).unwrap(),
        msk(2026, 3, 16, 18, 0)
    );
    assert_eq!(
        cal.add(msk(2026, 3, 16, 12, 0), H(1)).unwrap(),
        msk(2026, 3, 16, 13, 0)
    );
    assert_eq!(
        cal.add(
            msk(2026, 3, 16, 17, 0),
            H(1).saturating_add(WorkingDuration::from_secs(1))
        )
        .unwrap(),
        msk(2026, 3, 17, 9, 0) + TimeDelta::seconds(1)
    );
}

#[test]
fn adding_zero_returns_the_instant_itself() {
    let cal = cal();
    for t in [
        msk(2026, 3, 16, 10, 0),
        msk(2026, 3, 16, 20, 0),
        msk(2026, 3, 21, 12, 0),
    ] {
        assert_eq!(cal.add(t, WorkingDuration::ZERO).unwrap(), t);
    }
    let with_nanos = msk(2026, 3, 16, 10, 0) + TimeDelta::milliseconds(1500);
    assert_eq!(
        cal.add(with_nanos, WorkingDuration::ZERO).unwrap(),
        with_nanos
    );
    assert_eq!(
        cal.add(with_nanos, H(1)).unwrap(),
        msk(2026, 3, 16, 11, 0) + TimeDelta::seconds(1)
    );
}

#[test]
fn is_working_and_next_change() {
    let cal = cal();
    assert!(cal.is_working(msk(2026, 3, 16, 9, 0)));
    assert!(!cal.is_working(msk(2026, 3, 16, 8, 59)));
    assert!(!cal.is_working(msk(2026, 3, 16, 13, 0)));
    assert!(cal.is_working(msk(2026, 3, 16, 13, 48)));
    assert!(!cal.is_working(msk(2026, 3, 16, 18, 0)));
    assert_eq!(
        cal.next_change(msk(2026, 3, 16, 10, 0)),
        Some(msk(2026, 3, 16, 13, 0))
    );
    assert_eq!(
        cal.next_change(msk(2026, 3, 16, 13, 0)),
        Some(msk(2026, 3, 16, 13, 48))
    );
    assert_eq!(
        cal.next_change(msk(2026, 3, 16, 13, 48)),
        Some(msk(2026, 3, 16, 18, 0))
    );
    assert_eq!(
        cal.next_change(msk(2026, 3, 20, 17, 0)),
        Some(msk(2026, 3, 23, 9, 0))
    );
    assert_eq!(cal.next_change(msk(2040, 1, 1, 0, 0)), None);
}

#[test]
fn end_of_nth_working_day_after() {
    let cal = cal();
    // §10: published Friday 26.12.2025; working days: 29.12, 30.12, 12.01 … 16.01.2026.
    assert_eq!(
        cal.end_of_nth_working_day_after(date(2025, 12, 26), 7)
            .unwrap(),
        msk(2026, 1, 16, 17, 0)
    );
    assert_eq!(
        cal.end_of_nth_working_day_after(date(2025, 12, 26), 1)
            .unwrap(),
        msk(2025, 12, 29, 18, 0)
    );
    assert_eq!(
        cal.end_of_nth_working_day_after(date(2025, 12, 30), 1)
            .unwrap(),
        msk(2026, 1, 12, 18, 0)
    );
    // A non-working start date counts from the next working day; 07.03.2025 is shortened.
    assert_eq!(
        cal.end_of_nth_working_day_after(date(2025, 3, 6), 1)
            .unwrap(),
        msk(2025, 3, 7, 16, 0)
    );
    assert_eq!(
        cal.end_of_nth_working_day_after(date(2025, 3, 8), 1)
            .unwrap(),
        msk(2025, 3, 10, 18, 0)
    );
    assert_eq!(
        cal.end_of_nth_working_day_after(date(2025, 3, 8), 0),
        Err(CalendarError::ZeroWorkingDays)
    );
    assert_eq!(
        cal.end_of_nth_working_day_after(date(2036, 1, 1), 1),
        Err(CalendarError::DateOutOfRange {
            date: date(2036, 1, 1)
        })
    );
    assert_eq!(
        cal.end_of_nth_working_day_after(date(2035, 12, 28), 7),
        Err(CalendarError::BeyondRange)
    );
}
