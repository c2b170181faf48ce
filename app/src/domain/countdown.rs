//! Live countdowns of deadlines and the Russian formatting of times and durations.
//!
//! Pure: the current instant is passed in (the UI ticks it, the server reads its clock), so
//! the same function renders the first page on the server and the live one in the browser.
//! Every duration here is working time (SPEC "Deadlines").

use chrono::{DateTime, Datelike, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::calendar::WorkingCalendar;
use super::deadline::{judge, Deadline, Outcome, Pressure};

/// How a deadline stands, for colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    /// Running, more than the due-soon share of the budget left.
    OnTrack,
    /// Running, at most the due-soon share of the budget left.
    DueSoon,
    /// Running, working time has passed since the deadline.
    Overdue,
    /// Done in time.
    Met,
    /// Done late.
    Breached,
    /// Closed because the message was returned or rejected.
    Cancelled,
    /// Replaced by a new deadline (the urgency changed).
    Superseded,
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
            Tone::Cancelled => "cancelled",
            Tone::Superseded => "superseded",
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
            Tone::Cancelled => "отменён",
            Tone::Superseded => "заменён",
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

/// The state at `now` of deadline `d`: a running one counts down in working time and is
/// due soon in the last `due_soon_percent` of its budget (the admin's alert setting); a
/// closed one shows its stored outcome and lateness.
///
/// Overdue means working time has passed since `due`, the same rule as the verdict: a
/// deadline at 18:00 is not overdue at 18:30 (it would still be met), only due soon and
/// paused until the next morning. Lateness is shown to the minute, in seconds under one.
pub fn countdown(
    d: &Deadline,
    due_soon_percent: u8,
    now: DateTime<Utc>,
    cal: &WorkingCalendar,
) -> Countdown {
    if let Some(done) = d.done_at {
        let closed = |tone: Tone, text: String, remaining_secs| Countdown {
            tone,
            text,
            remaining_secs,
            paused_until: None,
        };
        let days = d.rule.counted_in_days();
        let (outcome, late) = match (d.outcome, d.late_by_secs) {
            (Some(o), late) => (o, late.unwrap_or_default()),
            // Recorded without an outcome (never after migration 0005): judge it now.
            (None, _) => judge(d.due_at, done, cal),
        };
        return match outcome {
            Outcome::Met => closed(
                Tone::Met,
                Tone::Met.label().to_owned(),
                cal.between(done, d.due_at).max(0),
            ),
            Outcome::Breached => closed(
                Tone::Breached,
                format!("нарушение на {}", lateness(late, days)),
                -late,
            ),
            Outcome::Cancelled => closed(Tone::Cancelled, Tone::Cancelled.label().to_owned(), 0),
            Outcome::Superseded => closed(Tone::Superseded, Tone::Superseded.label().to_owned(), 0),
        };
    }
    let remaining = d.remaining(now, cal);
    let paused_until = (!cal.is_working(now))
        .then(|| cal.next_change(now))
        .flatten();
    let tone = match d.pressure(now, cal, due_soon_percent) {
        Some(Pressure::Overdue) => Tone::Overdue,
        Some(Pressure::DueSoon) => Tone::DueSoon,
        None => Tone::OnTrack,
    };
    let days = d.rule.counted_in_days();
    let text = match (tone, paused_until) {
        (Tone::Overdue, _) => format!("просрочено на {}", lateness(remaining, days)),
        (_, Some(until)) => format_pause(until, now, cal.tz()),
        (_, None) if days => format_working_days(remaining),
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

/// Working seconds in one working day, for showing day-counted deadlines: the standard
/// 8-hour working day (Labour Code art. 91), whatever the calendar's own hours.
pub const WORKING_DAY_SECS: u64 = 8 * 3600;

/// A day-counted deadline's time (§10, `final_draft_by`): from one working day on, whole
/// working days of [`WORKING_DAY_SECS`] and whole hours, rounded down, without minutes
/// or seconds: «6 раб. дн. 2 ч», «1 раб. дн.»; under one working day as
/// [`format_duration`] with seconds. The sign is ignored.
pub fn format_working_days(secs: i64) -> String {
    let abs = secs.unsigned_abs();
    if abs < WORKING_DAY_SECS {
        return format_duration(secs, true);
    }
    match (abs / WORKING_DAY_SECS, abs % WORKING_DAY_SECS / 3600) {
        (d, 0) => format!("{d} раб. дн."),
        (d, h) => format!("{d} раб. дн. {h} ч"),
    }
}

/// Lateness of a deadline, folded into working days when it is counted in days and
/// late by a working day or more.
fn lateness(secs: i64, days: bool) -> String {
    if days && secs.unsigned_abs() >= WORKING_DAY_SECS {
        format_working_days(secs)
    } else {
        format_lateness(secs)
    }
}

/// "просрочено на 35 мин" (lateness in working seconds; under a minute "просрочено на 40 с").
pub fn format_overdue(secs: i64) -> String {
    format!("просрочено на {}", format_lateness(secs))
}

/// Lateness to the minute, in seconds when under one: «35 мин», «40 с».
pub fn format_lateness(secs: i64) -> String {
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
    use crate::domain::deadline::DeadlineRule;

    fn cal() -> WorkingCalendar {
        WorkingCalendar::standard().unwrap()
    }

    fn running(start: DateTime<Utc>, due: DateTime<Utc>) -> Deadline {
        Deadline {
            id: None,
            rule: crate::domain::deadline::DeadlineRule::DraftBy,
            started_at: start,
            due_at: due,
            done_at: None,
            outcome: None,
            late_by_secs: None,
            responsible_at_start: None,
            responsible_at_end: None,
        }
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
    fn working_days_and_hours_from_one_working_day_on() {
        let h = 3600;
        // 56 h 4 min: 7 working days of 8 h, and 4 min that are not shown.
        assert_eq!(format_working_days(56 * h + 4 * 60), "7 раб. дн.");
        assert_eq!(format_working_days(50 * h + 59 * 60 + 59), "6 раб. дн. 2 ч");
        assert_eq!(format_working_days(8 * h), "1 раб. дн.");
        assert_eq!(format_working_days(15 * h + 59 * 60), "1 раб. дн. 7 ч");
        // Under one working day: hours, minutes and seconds, as every countdown.
        assert_eq!(format_working_days(8 * h - 1), "7 ч 59 мин 59 с");
        assert_eq!(format_working_days(40), "40 с");
        assert_eq!(format_working_days(-(17 * h)), "2 раб. дн. 1 ч");
        assert_eq!(WORKING_DAY_SECS, 8 * 3600);
    }

    #[test]
    fn only_a_day_counted_deadline_folds_into_working_days() {
        let cal = cal();
        // Monday 09:00 to Thursday 18:00: 4 working days of 8 h 12 min (lunch 48 min).
        let (start, due) = (msk(16, 9, 0, 0), msk(19, 18, 0, 0));
        let days = Deadline {
            rule: DeadlineRule::FinalDraftBy,
            ..running(start, due)
        };
        let hours = running(start, due);
        let at = msk(16, 10, 0, 0);
        // 31 h 48 min left: 3 working days of 8 h and 7 h 48 min.
        assert_eq!(countdown(&days, 25, at, &cal).text, "3 раб. дн. 7 ч");
        assert_eq!(countdown(&hours, 25, at, &cal).text, "31 ч 48 мин 00 с");
        // In its last working day, hours, minutes and seconds.
        let last = countdown(&days, 25, msk(19, 11, 0, 0), &cal);
        assert_eq!(last.text, "6 ч 12 мин 00 с");
        // Overdue by a working day and more: in working days too.
        // Friday (7 h 12 min: it ends an hour early) and 2 h on Monday: 9 h 12 min.
        let late = countdown(&days, 25, msk(23, 11, 0, 0), &cal);
        assert_eq!(late.remaining_secs, -(9 * 3600 + 12 * 60));
        assert_eq!(late.text, "просрочено на 1 раб. дн. 1 ч");
        let late = countdown(&days, 25, msk(20, 9, 35, 0), &cal);
        assert_eq!(late.text, "просрочено на 35 мин");
        let breached = Deadline {
            done_at: Some(msk(23, 10, 0, 0)),
            outcome: Some(Outcome::Breached),
            late_by_secs: Some(9 * 3600 + 12 * 60),
            ..days.clone()
        };
        assert_eq!(
            countdown(&breached, 25, msk(24, 9, 0, 0), &cal).text,
            "нарушение на 1 раб. дн. 1 ч"
        );
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
            &running(msk(16, 9, 0, 0), msk(17, 12, 0, 0)),
            25,
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
        let at = |h, m| countdown(&running(start, due), 25, msk(16, h, m, 0), &cal);
        assert_eq!(at(12, 44).tone, Tone::OnTrack); // 1 h 16 min left
        assert_eq!(at(12, 45).tone, Tone::DueSoon); // 1 h 15 min left
        assert_eq!(at(12, 45).text, "1 ч 15 мин 00 с");
    }

    #[test]
    fn pauses_at_lunch_and_over_the_weekend() {
        let cal = cal();
        let (start, due) = (msk(16, 9, 0, 0), msk(24, 12, 0, 0));
        let lunch = countdown(&running(start, due), 25, msk(16, 13, 10, 0), &cal);
        assert_eq!(lunch.text, "пауза до пн 13:48");
        assert_eq!(lunch.paused_until, Some(msk(16, 13, 48, 0)));

        let friday = countdown(&running(start, due), 25, msk(20, 17, 0, 0), &cal);
        let saturday = countdown(&running(start, due), 25, msk(21, 20, 0, 0), &cal);
        let monday = countdown(&running(start, due), 25, msk(23, 9, 0, 0), &cal);
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
        let c = countdown(&running(start, due), 25, msk(17, 9, 10, 0), &cal);
        assert_eq!(c.tone, Tone::Overdue);
        assert_eq!(c.text, "просрочено на 20 мин");
        assert_eq!(c.remaining_secs, -20 * 60);

        let night = countdown(&running(start, due), 25, msk(16, 23, 0, 0), &cal);
        assert_eq!(night.text, "просрочено на 10 мин");
        assert_eq!(night.paused_until, Some(msk(17, 9, 0, 0)));

        let just = countdown(&running(start, due), 25, msk(16, 17, 50, 40), &cal);
        assert_eq!(just.text, "просрочено на 40 с");
    }

    #[test]
    fn passed_without_working_time_is_not_yet_overdue() {
        let (start, due) = (msk(16, 9, 0, 0), msk(16, 18, 0, 0));
        let c = countdown(&running(start, due), 25, msk(16, 18, 30, 0), &cal());
        assert_eq!(c.tone, Tone::DueSoon);
        assert_eq!(c.remaining_secs, 0);
        assert_eq!(c.text, "пауза до вт 09:00");
    }

    #[test]
    fn due_soon_follows_the_setting() {
        // Budget 5 h; at 12:00 Monday 2 h 00 min are left: 40 % of the budget.
        let (start, due) = (msk(16, 9, 0, 0), msk(16, 14, 48, 0));
        let d = running(start, due);
        let cal = cal();
        assert_eq!(
            countdown(&d, 25, msk(16, 12, 0, 0), &cal).tone,
            Tone::OnTrack
        );
        assert_eq!(
            countdown(&d, 40, msk(16, 12, 0, 0), &cal).tone,
            Tone::DueSoon
        );
        assert_eq!(
            countdown(&d, 39, msk(16, 12, 0, 0), &cal).tone,
            Tone::OnTrack
        );
    }

    #[test]
    fn finished_shows_the_stored_outcome() {
        let cal = cal();
        let (start, due) = (msk(16, 9, 0, 0), msk(16, 17, 0, 0));
        let later = msk(20, 12, 0, 0); // `now` no longer matters
        let closed = |done, outcome, late| Deadline {
            done_at: Some(done),
            outcome: Some(outcome),
            late_by_secs: late,
            ..running(start, due)
        };
        let met = countdown(
            &closed(msk(16, 16, 0, 0), Outcome::Met, Some(0)),
            25,
            later,
            &cal,
        );
        assert_eq!(
            (met.tone, met.text.as_str()),
            (Tone::Met, "выполнено в срок")
        );
        assert_eq!(met.remaining_secs, 3600);

        let done = msk(17, 9, 5, 0); // 1 h Monday + 5 min Tuesday
        let late = countdown(
            &closed(done, Outcome::Breached, Some(3900)),
            25,
            later,
            &cal,
        );
        assert_eq!(late.tone, Tone::Breached);
        assert_eq!(late.text, "нарушение на 1 ч 5 мин");
        assert_eq!(late.remaining_secs, -3900);
        assert_eq!(late.paused_until, None);

        // The stored lateness stands, even if the calendar now says otherwise.
        let stored = countdown(&closed(done, Outcome::Breached, Some(600)), 25, later, &cal);
        assert_eq!(stored.text, "нарушение на 10 мин");

        let cancelled = countdown(&closed(done, Outcome::Cancelled, None), 25, later, &cal);
        assert_eq!(
            (cancelled.tone, cancelled.text.as_str()),
            (Tone::Cancelled, "отменён")
        );
        let superseded = countdown(&closed(done, Outcome::Superseded, None), 25, later, &cal);
        assert_eq!(
            (superseded.tone, superseded.text.as_str()),
            (Tone::Superseded, "заменён")
        );

        // Recorded without an outcome: judged now (done at 22:00 against 18:00 is met).
        let six = msk(16, 18, 0, 0);
        let legacy = Deadline {
            done_at: Some(six + TimeDelta::hours(4)),
            ..running(start, six)
        };
        assert_eq!(countdown(&legacy, 25, later, &cal).tone, Tone::Met);
    }

    #[test]
    fn tone_names() {
        assert_eq!(Tone::DueSoon.css_class(), "due-soon");
        assert_eq!(Tone::Breached.label(), "выполнено с нарушением срока");
    }
}
