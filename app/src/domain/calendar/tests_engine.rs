//! Engine edge cases: the supported range, time zones and offset changes, schedule
//! validation, the shortening rule on custom schedules.

use chrono::{DateTime, TimeDelta, TimeZone, Utc, Weekday};
use chrono_tz::{Asia, Europe};

use super::test_support::*;
use super::*;

#[test]
fn out_of_range_is_an_error_not_a_panic() {
    let cal = cal();
    let far = msk(2040, 1, 1, 10, 0);
    assert_eq!(
        cal.add(far, H(1)),
        Err(CalendarError::InstantOutOfRange { at: far })
    );
    let early = msk(2014, 12, 31, 10, 0);
    assert!(cal.add(early, H(1)).is_err());
    assert_eq!(
        cal.add(msk(2035, 12, 31, 17, 0), H(2)),
        Err(CalendarError::BeyondRange)
    );
    let small = WorkingCalendar::with_years(
        Schedule::default(),
        ProductionCalendar::built_in().unwrap(),
        2025..=2025,
    )
    .unwrap();
    assert_eq!(
        small.add(msk(2025, 12, 30, 17, 0), H(2)),
        Err(CalendarError::BeyondRange)
    );
    assert_eq!(
        small.between(msk(2020, 1, 1, 0, 0), msk(2030, 1, 1, 0, 0)),
        small.between(msk(2025, 1, 1, 0, 0), msk(2026, 1, 1, 0, 0))
    );
    assert!(cal.add(DateTime::<Utc>::MAX_UTC, H(1)).is_err());
    assert!(cal.add(DateTime::<Utc>::MIN_UTC, H(1)).is_err());
    assert!(cal.between(DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC) > 0);
    let message = CalendarError::DateOutOfRange {
        date: date(2036, 1, 1),
    }
    .to_string();
    assert_eq!(
        message,
        "Дата 01.01.2036 вне поддерживаемого диапазона рабочего календаря"
    );
}

#[test]
fn other_russian_time_zones_use_their_own_offset() {
    let production = ProductionCalendar::built_in().unwrap();
    for tz in [
        Europe::Samara,
        Asia::Yekaterinburg,
        Europe::Kaliningrad,
        Asia::Kamchatka,
    ] {
        let cal =
            WorkingCalendar::new(Schedule::default().with_tz(tz), production.clone()).unwrap();
        assert_eq!(cal.tz(), tz);
        let nine = at(tz, 2026, 3, 16, 9, 0);
        assert!(cal.is_working(nine), "{tz}");
        assert!(!cal.is_working(nine - TimeDelta::seconds(1)), "{tz}");
        assert_eq!(
            cal.add(at(tz, 2026, 3, 16, 10, 0), H(9)).unwrap(),
            at(tz, 2026, 3, 17, 10, 48),
            "{tz}"
        );
        assert_eq!(
            cal.local_date(at(tz, 2026, 3, 16, 0, 30)),
            date(2026, 3, 16)
        );
    }
    // Samara is UTC+4: 09:00 local is 05:00 UTC.
    let samara =
        WorkingCalendar::new(Schedule::default().with_tz(Europe::Samara), production).unwrap();
    assert!(samara.is_working(Utc.with_ymd_and_hms(2026, 3, 16, 5, 0, 0).unwrap()));
    assert!(!samara.is_working(Utc.with_ymd_and_hms(2026, 3, 16, 4, 59, 59).unwrap()));
}

/// Volgograd moved from UTC+3 to UTC+4 on 28.10.2018 and back on 27.12.2020: each day is
/// converted with the offset in force that day.
#[test]
fn offset_changes_are_applied_per_day() {
    let mut schedule = Schedule::default().with_tz(Europe::Volgograd);
    schedule.week.sun = vec![(t(0, 0), t(23, 0))];
    let cal = WorkingCalendar::new(schedule, ProductionCalendar::empty()).unwrap();
    let utc = |y, mo, d, h, mi| Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap();
    // Monday 09:00 local, before and after the change of 27.12.2020.
    assert!(cal.is_working(utc(2020, 12, 21, 5, 0)));
    assert!(!cal.is_working(utc(2020, 12, 28, 5, 0)));
    assert!(cal.is_working(utc(2020, 12, 28, 6, 0)));
    let sunday = |y, mo, d| {
        let info = cal.day_info(date(y, mo, d));
        assert_eq!(info.intervals, vec![(t(0, 0), t(23, 0))]);
        let start = cal
            .next_change(at(Europe::Volgograd, y, mo, d - 1, 23, 30))
            .unwrap();
        let end = cal.next_change(start).unwrap();
        (end - start).num_hours()
    };
    assert_eq!(sunday(2020, 12, 20), 23);
    // The clocks went back one hour that night: 24 hours of working time.
    assert_eq!(sunday(2020, 12, 27), 24);
    // The clocks went forward one hour on 28.10.2018: 22 hours.
    assert_eq!(sunday(2018, 10, 28), 22);
}

#[test]
fn schedule_validation_and_serde() {
    let ok = Schedule::default();
    assert_eq!(ok.validate(), Ok(()));
    let json = serde_json::to_string(&ok).unwrap();
    assert!(
        json.contains("\"Europe/Moscow\"") && json.contains("\"13:48:00\""),
        "{json}"
    );
    let back: Schedule = serde_json::from_str(&json).unwrap();
    assert_eq!(back, ok);
    let short: Schedule = serde_json::from_str(
        r#"{"tz":"Asia/Omsk","week":{"mon":[["08:00","12:00"]]},"working_weekend_as":"Mon"}"#,
    )
    .unwrap();
    assert_eq!(short.hours(Weekday::Mon), &[(t(8, 0), t(12, 0))]);

    let mut overlap = Schedule::default();
    overlap.week.tue = vec![(t(9, 0), t(13, 0)), (t(12, 0), t(18, 0))];
    let err = overlap.validate().unwrap_err();
    assert!(matches!(
        err,
        ScheduleError::Overlap {
            day: Weekday::Tue,
            ..
        }
    ));
    assert!(err.to_string().starts_with("вторник: интервалы"), "{err}");
    let mut reversed = Schedule::default();
    reversed.week.fri = vec![(t(17, 0), t(9, 0))];
    assert!(matches!(
        reversed.validate(),
        Err(ScheduleError::EmptyInterval { .. })
    ));
    let empty = Schedule {
        week: WeekHours::default(),
        ..Schedule::default()
    };
    assert_eq!(empty.validate(), Err(ScheduleError::NoWorkingTime));
    let no_weekend_hours = Schedule {
        working_weekend_as: Weekday::Sun,
        ..Schedule::default()
    };
    assert!(WorkingCalendar::new(no_weekend_hours, ProductionCalendar::empty()).is_err());
}

#[test]
fn shortening_trims_earlier_intervals_when_the_last_is_short() {
    let mut schedule = Schedule::default();
    schedule.week.wed = vec![(t(9, 0), t(13, 0)), (t(13, 48), t(14, 18))];
    let production =
        ProductionCalendar::empty().with_override(date(2026, 3, 18), DayMark::Shortened);
    let cal = WorkingCalendar::new(schedule, production).unwrap();
    assert_eq!(
        cal.day_info(date(2026, 3, 18)).intervals,
        vec![(t(9, 0), t(12, 30))]
    );
    assert_eq!(
        cal.add(msk(2026, 3, 18, 12, 0), M(30)).unwrap(),
        msk(2026, 3, 18, 12, 30)
    );
}

#[test]
fn working_duration_constructors() {
    assert_eq!(H(5).as_secs(), 18_000);
    assert_eq!(M(30).as_secs(), 1_800);
    assert_eq!(WorkingDuration::from_secs(90).as_minutes(), 1);
    assert_eq!(serde_json::to_string(&M(30)).unwrap(), "1800");
    assert_eq!(DayKind::NonWorking.as_str(), "non_working");
    assert_eq!(
        serde_json::to_string(&DayKind::NonWorking).unwrap(),
        "\"non_working\""
    );
}
