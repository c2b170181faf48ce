//! `otklik due` and `otklik calendar`: the deadline engine from the command line.

use crate::cli::admin::CliResult;
use crate::cli::{CalendarArgs, DueArgs};
use app::domain::calendar::{DayMark, WorkingCalendar, WorkingDuration};
use app::service::db::Target;
use chrono::{DateTime, SecondsFormat, Utc};

/// A length given to `--after`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum After {
    /// Working time.
    Working(WorkingDuration),
    /// The end of the N-th working day after the day of `--from`.
    WorkingDays(u32),
}

/// Parses `9h`, `30m` or `7wd`.
pub fn parse_after(s: &str) -> Result<After, String> {
    let s = s.trim();
    let err = || format!("invalid --after {s:?}: expected <N>h, <N>m or <N>wd (e.g. 9h, 30m, 7wd)");
    let (num, unit) = s
        .find(|c: char| !c.is_ascii_digit())
        .map(|i| s.split_at(i))
        .ok_or_else(err)?;
    let n: u32 = num.parse().map_err(|_| err())?;
    match unit {
        "h" => n
            .checked_mul(3600)
            .map(|secs| After::Working(WorkingDuration::from_secs(secs)))
            .ok_or_else(err),
        "m" => n
            .checked_mul(60)
            .map(|secs| After::Working(WorkingDuration::from_secs(secs)))
            .ok_or_else(err),
        "wd" if n > 0 => Ok(After::WorkingDays(n)),
        _ => Err(err()),
    }
}

/// The deployment's calendar if its database exists (a URL, or a SQLite file in the data
/// directory), else the built-in one.
async fn calendar(
    target: &Target,
) -> Result<std::sync::Arc<WorkingCalendar>, Box<dyn std::error::Error>> {
    if target.url.is_some() || app::service::db::database_path(&target.data_dir).exists() {
        let pool = app::service::db::connect(target).await?;
        Ok(app::service::calendar::load(
            &pool,
            &Default::default(),
            app::service::settings::Layer::Region,
        )
        .await?)
    } else {
        Ok(std::sync::Arc::new(WorkingCalendar::standard()?))
    }
}

/// Computes the due instant of `after` from `from`.
pub fn due(
    cal: &WorkingCalendar,
    from: DateTime<Utc>,
    after: After,
) -> Result<DateTime<Utc>, app::domain::calendar::CalendarError> {
    match after {
        After::Working(d) => cal.add(from, d),
        After::WorkingDays(n) => cal.end_of_nth_working_day_after(cal.local_date(from), n),
    }
}

/// `otklik due`.
pub async fn run_due(target: &Target, args: DueArgs) -> CliResult {
    let cal = calendar(target).await?;
    let at = due(&cal, args.from.with_timezone(&Utc), args.after)?;
    println!(
        "{}",
        at.with_timezone(&cal.tz())
            .to_rfc3339_opts(SecondsFormat::Secs, false)
    );
    Ok(())
}

/// `otklik calendar`.
pub async fn run_calendar(target: &Target, args: CalendarArgs) -> CliResult {
    let cal = calendar(target).await?;
    let summary = cal.year_summary(args.year);
    let list = |want: &dyn Fn(DayMark, chrono::Weekday) -> bool| {
        summary
            .special_days
            .iter()
            .filter(|d| want(d.mark, chrono::Datelike::weekday(&d.date)))
            .map(|d| d.date.format("%d.%m.%Y").to_string())
            .collect::<Vec<_>>()
    };
    let weekend = |w: chrono::Weekday| matches!(w, chrono::Weekday::Sat | chrono::Weekday::Sun);
    println!("Production calendar {} ({})", args.year, cal.tz());
    if !summary.has_data {
        println!(
            "warning: no official data for {}; only the weekly schedule applies",
            args.year
        );
    }
    println!(
        "non-working: {}",
        list(&|m, _| m == DayMark::NonWorking).join(", ")
    );
    println!(
        "shortened: {}",
        list(&|m, _| m == DayMark::Shortened).join(", ")
    );
    println!(
        "working weekends: {}",
        list(&|m, w| matches!(m, DayMark::Working | DayMark::Shortened) && weekend(w)).join(", ")
    );
    println!("working days: {}", summary.working_days);
    println!("shortened days: {}", summary.shortened_days);
    println!(
        "working hours (40-hour week norm): {}",
        summary.norm_hours_40h
    );
    println!(
        "working hours (this schedule): {}:{:02}",
        summary.schedule_minutes / 60,
        summary.schedule_minutes % 60
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_parses_hours_minutes_and_working_days() {
        assert_eq!(
            parse_after("9h"),
            Ok(After::Working(WorkingDuration::from_hours(9)))
        );
        assert_eq!(
            parse_after("30m"),
            Ok(After::Working(WorkingDuration::from_minutes(30)))
        );
        assert_eq!(parse_after("7wd"), Ok(After::WorkingDays(7)));
        for bad in ["", "h", "9", "9x", "0wd", "-1h", "1.5h", "99999999999h"] {
            assert!(parse_after(bad).is_err(), "{bad}");
        }
    }
}
