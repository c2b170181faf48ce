//! The shipped production-calendar data: the generator that produced it from the crate
//! `holidays-ru`, and the checks against the SPEC reference file and that crate.

use chrono::{Datelike, NaiveDate, Weekday};
use holidays_ru::{DayFlags, Federal};

use super::test_support::date;
use super::*;

const REFERENCE_JSON: &str = include_str!("../../../data/reference-calendar-2025-2027.json");

fn flags(day: NaiveDate) -> DayFlags {
    let resolved =
        holidays_ru::flags_ymd::<Federal>(day.year(), day.month() as u8, day.day() as u8).unwrap();
    assert!(
        resolved.is_fact(),
        "{day}: holidays-ru has no official data"
    );
    resolved.value()
}

fn days_of(year: i32) -> impl Iterator<Item = NaiveDate> {
    date(year, 1, 1)
        .iter_days()
        .take_while(move |d| d.year() == year)
}

/// The JSON lists as `"a","b",...` wrapped like the reference file (6 dates, then 7).
fn json_list(dates: &[NaiveDate]) -> String {
    let quoted: Vec<String> = dates.iter().map(|d| format!("\"{d}\"")).collect();
    let (first, rest) = quoted.split_at(quoted.len().min(6));
    let mut lines = vec![first.join(",")];
    lines.extend(rest.chunks(7).map(|c| c.join(",")));
    format!("[{}]", lines.join(",\n      "))
}

/// Writes `app/data/production-calendar.json` for 2020–2027 from `holidays-ru`:
/// `cargo test -p app --features ssr --lib generate_built_in_data -- --ignored`.
#[test]
#[ignore = "generator of app/data/production-calendar.json"]
fn generate_built_in_data() {
    let mut years = Vec::new();
    for year in 2020..=2027 {
        let (mut non_working, mut working_weekends, mut shortened) = (vec![], vec![], vec![]);
        for day in days_of(year) {
            let f = flags(day);
            // Holidays are listed even on weekends (as in the decrees and the reference).
            if f.is_holiday() || (f.is_day_off() && !f.is_weekend()) {
                non_working.push(day);
            }
            if f.is_weekend() && f.is_working_day() {
                working_weekends.push(day);
            }
            if f.is_short_day() {
                shortened.push(day);
            }
        }
        years.push(format!(
            "  \"{year}\": {{\n    \"non_working\": {},\n    \"working_weekends\": {},\n    \"shortened\": {}\n  }}",
            json_list(&non_working),
            json_list(&working_weekends),
            json_list(&shortened)
        ));
    }
    let json = format!("{{\n{}\n}}\n", years.join(",\n"));
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/production-calendar.json");
    std::fs::write(path, json).unwrap();
}

#[test]
fn built_in_data_parses_and_covers_2020_to_2027() {
    let cal = ProductionCalendar::built_in().unwrap();
    assert_eq!(
        cal.years().collect::<Vec<_>>(),
        (2020..=2027).collect::<Vec<_>>()
    );
}

#[test]
fn shipped_2025_to_2027_equals_the_reference_file() {
    let shipped: serde_json::Value =
        serde_json::from_str(include_str!("../../../data/production-calendar.json")).unwrap();
    let reference: serde_json::Value = serde_json::from_str(REFERENCE_JSON).unwrap();
    let reference = reference.as_object().unwrap();
    assert_eq!(reference.len(), 3);
    for year in ["2025", "2026", "2027"] {
        assert_eq!(shipped[year], reference[year], "year {year}");
    }
    // And the parsed calendar writes the same lists back.
    let written: serde_json::Value =
        serde_json::from_str(&ProductionCalendar::built_in().unwrap().to_json().unwrap()).unwrap();
    for year in ["2025", "2026", "2027"] {
        assert_eq!(written[year], reference[year], "year {year}");
    }
}

#[test]
fn every_day_2020_to_2027_agrees_with_holidays_ru() {
    let cal = WorkingCalendar::standard().unwrap();
    let production = cal.production();
    for year in 2020..=2027 {
        for day in days_of(year) {
            let f = flags(day);
            assert_eq!(
                production.is_working_day(day),
                f.is_working_day(),
                "{day} working"
            );
            assert_eq!(
                production.is_working_day(day),
                !f.is_day_off(),
                "{day} day off"
            );
            let shortened = production.mark(day) == Some(DayMark::Shortened);
            assert_eq!(shortened, f.is_short_day(), "{day} shortened");
            let expected = match (f.is_working_day(), f.is_short_day()) {
                (false, _) => DayKind::NonWorking,
                (true, true) => DayKind::Shortened,
                (true, false) => DayKind::Working,
            };
            assert_eq!(cal.day_info(day).kind, expected, "{day} kind");
        }
    }
}

#[test]
fn years_2025_to_2027_have_247_days_and_1972_hours() {
    let cal = WorkingCalendar::standard().unwrap();
    for year in 2025..=2027 {
        let s = cal.year_summary(year);
        assert!(s.has_data);
        assert_eq!(
            (s.working_days, s.norm_hours_40h),
            (247, 1972),
            "year {year}"
        );
        assert_eq!(s.shortened_days, 4, "year {year}");
        // Default schedule: 8 h 12 min Mon–Thu, 7 h 12 min Fri, minus 1 h per shortened day.
        assert!(s.schedule_minutes > 0);
    }
    let s2025 = cal.year_summary(2025);
    assert!(s2025.special_days.contains(&SpecialDay {
        date: date(2025, 11, 1),
        mark: DayMark::Shortened
    }));
    // A year without data: weekdays only.
    let s2030 = cal.year_summary(2030);
    assert!(!s2030.has_data);
    assert_eq!(s2030.working_days, 261);
    assert!(s2030.special_days.is_empty());
}

#[test]
fn schedule_minutes_of_2026_follow_the_default_schedule() {
    let cal = WorkingCalendar::standard().unwrap();
    let mut expected = 0;
    for day in days_of(2026) {
        let info = cal.day_info(day);
        let full = match day.weekday() {
            Weekday::Fri => 432,
            Weekday::Sat | Weekday::Sun => 0,
            _ => 492,
        };
        expected += match info.kind {
            DayKind::NonWorking => 0,
            DayKind::Working => full,
            DayKind::Shortened => full - 60,
        };
    }
    assert_eq!(cal.year_summary(2026).schedule_minutes, expected);
}

#[test]
fn extraordinary_period_2020_can_be_marked_and_cleared() {
    let base = ProductionCalendar::built_in().unwrap();
    let marked =
        base.clone()
            .with_period(date(2020, 3, 30), date(2020, 4, 30), DayMark::NonWorking);
    let before = base.year_summary(2020, &Schedule::default()).working_days;
    let after = marked.year_summary(2020, &Schedule::default()).working_days;
    assert_eq!(before, 248);
    // 30.03–30.04.2020 holds 24 weekdays; 30.04 was a shortened day.
    assert_eq!(after, before - 24);
    let cal = WorkingCalendar::new(Schedule::default(), marked.clone()).unwrap();
    assert_eq!(cal.day_info(date(2020, 4, 15)).kind, DayKind::NonWorking);
    // Clearing a date brings back the ordinary weekday rule.
    let cleared = marked.with_ordinary(date(2020, 4, 15));
    let cal = WorkingCalendar::new(Schedule::default(), cleared).unwrap();
    assert_eq!(cal.day_info(date(2020, 4, 15)).kind, DayKind::Working);
    assert_eq!(cal.day_info(date(2020, 4, 16)).kind, DayKind::NonWorking);
}

#[test]
fn overrides_and_merge() {
    let base = ProductionCalendar::built_in().unwrap();
    // A deployment worked on 31.12.2025 after all, and 30.12.2025 was declared off.
    let overlay = ProductionCalendar::empty()
        .with_override(date(2025, 12, 31), DayMark::Working)
        .with_override(date(2025, 12, 30), DayMark::NonWorking);
    let merged = base.clone().merged(&overlay);
    assert_eq!(merged.mark(date(2025, 12, 31)), Some(DayMark::Working));
    assert_eq!(merged.mark(date(2025, 12, 30)), Some(DayMark::NonWorking));
    let back = merged.with_overrides([(date(2025, 12, 31), None), (date(2025, 12, 30), None)]);
    assert_eq!(back.mark(date(2025, 12, 31)), None);
    assert_eq!(back.mark(date(2025, 12, 30)), None);
    // A new year typed in by an admin adds to the loaded years.
    let y2028 =
        ProductionCalendar::from_json(r#"{"2028": {"non_working": ["2028-01-03"]}}"#).unwrap();
    let merged = base.merged(&y2028);
    assert!(merged.covers_year(2028));
    assert_eq!(merged.mark(date(2028, 1, 3)), Some(DayMark::NonWorking));
}

#[test]
fn bad_json_is_rejected_in_russian() {
    let wrong_year = ProductionCalendar::from_json(r#"{"2028": {"non_working": ["2027-01-03"]}}"#);
    assert!(matches!(wrong_year, Err(CalendarError::Data(_))));
    let conflict = ProductionCalendar::from_json(
        r#"{"2028": {"non_working": ["2028-01-03"], "shortened": ["2028-01-03"]}}"#,
    );
    let message = conflict.unwrap_err().to_string();
    assert!(message.contains("03.01.2028"), "{message}");
    let unknown = ProductionCalendar::from_json(r#"{"2028": {"holidays": []}}"#);
    assert!(unknown
        .unwrap_err()
        .to_string()
        .starts_with("Неверные данные"));
}

#[test]
fn serde_round_trip_keeps_marks_and_years() {
    let cal = ProductionCalendar::built_in()
        .unwrap()
        .with_override(date(2030, 5, 6), DayMark::Shortened);
    let json = serde_json::to_string(&cal).unwrap();
    let back: ProductionCalendar = serde_json::from_str(&json).unwrap();
    assert_eq!(back.mark(date(2030, 5, 6)), Some(DayMark::Shortened));
    assert_eq!(back.marks().count(), cal.marks().count());
}
