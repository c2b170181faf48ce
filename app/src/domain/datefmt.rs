//! Dates and times as the interface writes them (`06.04.2026 14:05`).
//!
//! Written out instead of chrono's `format("%d.%m.%Y")`: the strftime interpreter is
//! sizeable code in the browser bundle, and these are the only shapes the product uses.

use chrono::{Datelike, Timelike};

/// `14:05`
pub fn hm(t: &impl Timelike) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// `06.04`
pub fn dm(d: &impl Datelike) -> String {
    format!("{:02}.{:02}", d.day(), d.month())
}

/// `06.04.2026`
pub fn dmy(d: &impl Datelike) -> String {
    format!("{:02}.{:02}.{:04}", d.day(), d.month(), d.year())
}

/// `06.04 14:05`
pub fn dm_hm<T: Datelike + Timelike>(t: &T) -> String {
    format!("{} {}", dm(t), hm(t))
}

/// `06.04.2026 14:05`
pub fn dmy_hm<T: Datelike + Timelike>(t: &T) -> String {
    format!("{} {}", dmy(t), hm(t))
}

/// `2026-04-06` (the value of a date input).
pub fn iso_date(d: &impl Datelike) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// A date input's value (`2026-04-06`, surrounding blanks allowed) as a date; `None` for
/// anything else. The browser reads the dashboard's address with it, without chrono's
/// strftime parser.
pub fn parse_iso_date(s: &str) -> Option<chrono::NaiveDate> {
    let mut parts = s.trim().splitn(3, '-');
    let mut field = |digits: usize| {
        parts
            .next()
            .filter(|p| p.len() == digits && p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| p.parse::<u32>().ok())
    };
    let (year, month, day) = (field(4)?, field(2)?, field(2)?);
    chrono::NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, NaiveTime};

    #[test]
    fn shapes_match_strftime() {
        let day = NaiveDate::from_ymd_opt(2026, 4, 6).unwrap();
        let at = day.and_hms_opt(9, 5, 59).unwrap();
        assert_eq!(hm(&at), at.format("%H:%M").to_string());
        assert_eq!(hm(&NaiveTime::from_hms_opt(23, 0, 0).unwrap()), "23:00");
        assert_eq!(dm(&day), "06.04");
        assert_eq!(dmy(&day), day.format("%d.%m.%Y").to_string());
        assert_eq!(dm_hm(&at), "06.04 09:05");
        assert_eq!(dmy_hm(&at), at.format("%d.%m.%Y %H:%M").to_string());
        assert_eq!(iso_date(&day), "2026-04-06");
        let late = NaiveDate::from_ymd_opt(2027, 12, 31).unwrap();
        assert_eq!(dmy(&late), "31.12.2027");
    }

    #[test]
    fn date_inputs_parse_as_chrono_does() {
        for s in ["2026-04-06", " 2026-12-31 ", "2000-02-29", "2100-01-01"] {
            assert_eq!(
                parse_iso_date(s),
                NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok(),
                "{s}"
            );
            assert!(parse_iso_date(s).is_some(), "{s}");
        }
        for s in [
            "",
            "2026-4-6",
            "2026-02-30",
            "2026-13-01",
            "20260406",
            "2026-04-06x",
            "+2026-04-06",
            "2026-04-+6",
            "вчера",
            "2026-04",
        ] {
            assert_eq!(parse_iso_date(s), None, "{s}");
        }
    }
}
