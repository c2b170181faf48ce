//! Live countdowns of deadlines and the Russian formatting of times and durations.
//!
//! Pure: the current instant is passed in (the UI ticks it, the server reads its clock), so
//! the same function renders the first page on the server and the live one in the browser.
//! Every duration here is working time (SPEC "Deadlines").

use chrono::{DateTime, Datelike, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::calendar::WorkingCalendar;

/// How a deadline stands, for colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    /// Running, more than [`DUE_SOON_SHARE`] of the budget left.
    OnTrack,
    /// Running, at most [`DUE_SOON_SHARE`] of the budget left.
    DueSoon,
    /// Running, working time has passed since the deadline.
    Overdue,
    /// Done in time.
    Met,
    /// Done late.
    Breached,
}

impl Tone {
    /// The CSS class of the badge.
    pub fn css_class(self) -> &'static str {
        match self {
            Tone::OnTrack => "on-track",
            Tone::DueSoon => "due-soon",
            Tone::Overdue => "overdue",
            Tone::Met => "met",
            Tone::Breached => "breached",
        }
    }

    /// The Russian label (tooltip, screen readers).
    pub fn label(self) -> &'static str {
        match self {
            Tone::OnTrack => "в срок",
            Tone::DueSoon => "срок истекает",
            Tone::Overdue => "просрочено",
            Tone::Met => "выполнено в срок",
            Tone::Breached => "выполнено с нарушением срока",
        }
    }
}

/// A deadline's state at `now`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Countdown {
    pub tone: Tone,
    pub text: String,
    /// Working seconds left (negative: overdue by); frozen at `done_at` once done.
    pub remaining_secs: i64,
    /// `Some(t)` when a running deadline's `now` is outside working time: the clock
    /// resumes at `t`.
    pub paused_until: Option<DateTime<Utc>>,
}

/// A running deadline is due soon in the last quarter of its working-time budget.
pub const DUE_SOON_SHARE: f64 = 0.25;

/// The state at `now` of a deadline started at `started_at` and due at `due`, done at
/// `done_at` with the stored verdict `met` (recomputed when absent).
///
/// Overdue means working time has passed since `due`, the same rule as the verdict: a
/// deadline at 18:00 is not overdue at 18:30 (it would still be met), only due soon and
/// paused until the next morning. Lateness is shown to the minute, in seconds under one.
pub fn countdown(
    started_at: DateTime<Utc>,
    due: DateTime<Utc>,
    done_at: Option<DateTime<Utc>>,
    met: Option<bool>,
    now: DateTime<Utc>,
    cal: &WorkingCalendar,
) -> Countdown {
    if let Some(done) = done_at {
        let late = cal.between(due, done);
        let (tone, text) = match met.unwrap_or(late <= 0) {
            true => (Tone::Met, Tone::Met.label().to_owned()),
            false if late > 0 => (Tone::Breached, format!("нарушение на {}", lateness(late))),
            false => (Tone::Breached, Tone::Breached.label().to_owned()),
        };
        return Countdown {
            tone,
            text,
            remaining_secs: -late,
            paused_until: None,
        };
    }
    let remaining = cal.between(now, due);
    let paused_until = (!cal.is_working(now))
        .then(|| cal.next_change(now))
        .flatten();
    let budget = cal.between(started_at, due);
    let tone = if remaining < 0 {
        Tone::Overdue
    } else if remaining as f64 <= budget as f64 * DUE_SOON_SHARE {
        Tone::DueSoon
    } else {
        Tone::OnTrack
    };
    let text = match (tone, paused_until) {
        (Tone::Overdue, _) => format_overdue(remaining),
        (_, Some(until)) => format_pause(until, now, cal.tz()),
        (_, None) => format_duration(remaining, true),
    };
    Countdown {
        tone,
        text,
        remaining_secs: remaining,
        paused_until,
    }
}

/// "1 ч 12 мин", "35 мин", "12 ч", "меньше минуты"; with seconds "1 ч 12 мин 05 с",
/// "35 мин 00 с", "40 с". Working hours are not folded into days. The sign is ignored.
pub fn format_duration(secs: i64, with_seconds: bool) -> String {
    let secs = secs.unsigned_abs();
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    match (with_seconds, h, m) {
        (true, 0, 0) => format!("{s} с"),
        (true, 0, _) => format!("{m} мин {s:02} с"),
        (true, _, _) => format!("{h} ч {m} мин {s:02} с"),
        (false, 0, 0) => "меньше минуты".to_owned(),
        (false, 0, _) => format!("{m} мин"),
        (false, _, 0) => format!("{h} ч"),
        (false, _, _) => format!("{h} ч {m} мин"),
    }
}

/// "просрочено на 35 мин" (lateness in working seconds; under a minute "просрочено на 40 с").
pub fn format_overdue(secs: i64) -> String {
    format!("просрочено на {}", lateness(secs))
}

/// Lateness to the minute, in seconds when under one.
fn lateness(secs: i64) -> String {
    format_duration(secs, secs.unsigned_abs() < 60)
}

/// "пауза до пн 09:00" when `until` falls on one of the next six local days of `now` (or
/// today), else "пауза до 12.01 09:00".
pub fn format_pause(until: DateTime<Utc>, now: DateTime<Utc>, tz: Tz) -> String {
    let local = until.with_timezone(&tz);
    let days = (local.date_naive() - now.with_timezone(&tz).date_naive()).num_days();
    if (0..7).contains(&days) {
        format!(
            "пауза до {} {}",
            weekday_short(local.weekday()),
            crate::domain::datefmt::hm(&local)
        )
    } else {
        format!("пауза до {}", crate::domain::datefmt::dm_hm(&local))
    }
}

/// "06.04.2026 14:05" in the zone.
pub fn format_datetime(t: DateTime<Utc>, tz: Tz) -> String {
    crate::domain::datefmt::dmy_hm(&t.with_timezone(&tz))
}

/// пн, вт, … вс.
fn weekday_short(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "пн",
        Weekday::Tue => "вт",
        Weekday::Wed => "ср",
        Weekday::Thu => "чт",
        Weekday::Fri => "пт",
        Weekday::Sat => "сб",
        Weekday::Sun => "вс",
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use chrono::{TimeDelta, TimeZone};
    use chrono_tz::Europe::Moscow;

    use super::*;

    fn cal() -> WorkingCalendar {
        WorkingCalendar::standard().unwrap()
    }

    /// Moscow local time; 2026-03-16 is a Monday.
    fn msk(d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Moscow
            .with_ymd_and_hms(2026, 3, d, h, mi, s)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn durations_in_russian() {
        assert_eq!(format_duration(4325, false), "1 ч 12 мин");
        assert_eq!(format_duration(4325, true), "1 ч 12 мин 05 с");
        assert_eq!(format_duration(35 * 60, false), "35 мин");
        assert_eq!(format_duration(35 * 60, true), "35 мин 00 с");
        assert_eq!(format_duration(12 * 3600, false), "12 ч");
        assert_eq!(format_duration(59, false), "меньше минуты");
        assert_eq!(format_duration(40, true), "40 с");
        assert_eq!(format_duration(-4325, false), "1 ч 12 мин");
        assert_eq!(format_duration(30 * 3600, false), "30 ч");
    }

    #[test]
    fn overdue_to_the_minute_or_in_seconds() {
        assert_eq!(format_overdue(35 * 60 + 59), "просрочено на 35 мин");
        assert_eq!(format_overdue(-40), "просрочено на 40 с");
    }

    #[test]
    fn dates_and_pauses() {
        let now = msk(21, 20, 0, 0); // Saturday evening
        assert_eq!(format_datetime(now, Moscow), "21.03.2026 20:00");
        assert_eq!(
            format_pause(msk(23, 9, 0, 0), now, Moscow),
            "пауза до пн 09:00"
        );
        assert_eq!(
            format_pause(msk(28, 9, 0, 0), now, Moscow),
            "пауза до 28.03 09:00"
        );
    }

    #[test]
    fn running_deadline_counts_down_in_working_time() {
        let c = countdown(
            msk(16, 9, 0, 0),
            msk(17, 12, 0, 0),
            None,
            None,
            msk(17, 10, 47, 55),
            &cal(),
        );
        // Budget 11 h 12 min (Monday 8 h 12 min + 3 h), so 1 h 12 min left is due soon.
        assert_eq!(c.tone, Tone::DueSoon);
        assert_eq!(c.text, "1 ч 12 мин 05 с");
        assert_eq!(c.remaining_secs, 4325);
        assert_eq!(c.paused_until, None);
    }

    #[test]
    fn due_soon_in_the_last_quarter() {
        // Budget 5 h: Mon 09:00 → 14:48 (lunch 13:00–13:48 does not count).
        let (start, due) = (msk(16, 9, 0, 0), msk(16, 14, 48, 0));
        let cal = cal();
        assert_eq!(cal.between(start, due), 5 * 3600);
        let at = |h, m| countdown(start, due, None, None, msk(16, h, m, 0), &cal);
        assert_eq!(at(12, 44).tone, Tone::OnTrack); // 1 h 16 min left
        assert_eq!(at(12, 45).tone, Tone::DueSoon); // 1 h 15 min left
        assert_eq!(at(12, 45).text, "1 ч 15 мин 00 с");
    }

    #[test]
    fn pauses_at_lunch_and_over_the_weekend() {
        let cal = cal();
        let (start, due) = (msk(16, 9, 0, 0), msk(24, 12, 0, 0));
        let lunch = countdown(start, due, None, None, msk(16, 13, 10, 0), &cal);
        assert_eq!(lunch.text, "пауза до пн 13:48");
        assert_eq!(lunch.paused_until, Some(msk(16, 13, 48, 0)));

        let friday = countdown(start, due, None, None, msk(20, 17, 0, 0), &cal);
        let saturday = countdown(start, due, None, None, msk(21, 20, 0, 0), &cal);
        let monday = countdown(start, due, None, None, msk(23, 9, 0, 0), &cal);
        assert_eq!(saturday.text, "пауза до пн 09:00");
        assert_eq!(saturday.paused_until, Some(msk(23, 9, 0, 0)));
        assert_eq!(friday.remaining_secs, saturday.remaining_secs);
        assert_eq!(saturday.remaining_secs, monday.remaining_secs);
        assert_eq!(monday.paused_until, None);
        assert_eq!(monday.text, "11 ч 12 мин 00 с");
    }

    #[test]
    fn overdue_in_working_time_across_a_night() {
        let cal = cal();
        let (start, due) = (msk(16, 9, 0, 0), msk(16, 17, 50, 0));
        let c = countdown(start, due, None, None, msk(17, 9, 10, 0), &cal);
        assert_eq!(c.tone, Tone::Overdue);
        assert_eq!(c.text, "просрочено на 20 мин");
        assert_eq!(c.remaining_secs, -20 * 60);

        let night = countdown(start, due, None, None, msk(16, 23, 0, 0), &cal);
        assert_eq!(night.text, "просрочено на 10 мин");
        assert_eq!(night.paused_until, Some(msk(17, 9, 0, 0)));

        let just = countdown(start, due, None, None, msk(16, 17, 50, 40), &cal);
        assert_eq!(just.text, "просрочено на 40 с");
    }

    #[test]
    fn passed_without_working_time_is_not_yet_overdue() {
        let (start, due) = (msk(16, 9, 0, 0), msk(16, 18, 0, 0));
        let c = countdown(start, due, None, None, msk(16, 18, 30, 0), &cal());
        assert_eq!(c.tone, Tone::DueSoon);
        assert_eq!(c.remaining_secs, 0);
        assert_eq!(c.text, "пауза до вт 09:00");
    }

    #[test]
    fn finished_met_or_breached() {
        let cal = cal();
        let (start, due) = (msk(16, 9, 0, 0), msk(16, 17, 0, 0));
        let later = msk(20, 12, 0, 0); // `now` no longer matters
        let met = countdown(start, due, Some(msk(16, 16, 0, 0)), None, later, &cal);
        assert_eq!(
            (met.tone, met.text.as_str()),
            (Tone::Met, "выполнено в срок")
        );
        assert_eq!(met.remaining_secs, 3600);

        let done = msk(17, 9, 5, 0); // 1 h Monday + 5 min Tuesday
        let late = countdown(start, due, Some(done), None, later, &cal);
        assert_eq!(late.tone, Tone::Breached);
        assert_eq!(late.text, "нарушение на 1 ч 5 мин");
        assert_eq!(late.remaining_secs, -3900);
        assert_eq!(late.paused_until, None);

        let stored = countdown(start, due, Some(done), Some(true), later, &cal);
        assert_eq!(stored.tone, Tone::Met);
        // Done at 22:00 against 18:00: no working time in between, so met.
        let six = msk(16, 18, 0, 0);
        let evening = countdown(
            start,
            six,
            Some(six + TimeDelta::hours(4)),
            None,
            later,
            &cal,
        );
        assert_eq!(evening.tone, Tone::Met);
    }

    #[test]
    fn tone_names() {
        assert_eq!(Tone::DueSoon.css_class(), "due-soon");
        assert_eq!(Tone::Breached.label(), "выполнено с нарушением срока");
    }
}
