//! The report page's charts as data (issue 18): final answers per day (or per week over
//! long periods), on time against late; the share on time per department; and the
//! distribution of working time to the first publication. The page draws them as SVG on
//! the server; these functions only count.

use super::{aggregate, Grouping, MessageFacts};
use crate::domain::deadline::Outcome;
use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// Periods longer than this many days are charted per week rather than per day.
pub const DAILY_UP_TO_DAYS: i64 = 62;

/// Final answers of one day (or week).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayBar {
    /// The day (or the Monday of the week).
    pub day: NaiveDate,
    /// Answers with `answer_by` met.
    pub on_time: u32,
    /// The other answers (`answer_by` breached, or not recorded).
    pub late: u32,
}

/// One department's share on time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShareBar {
    /// The department's name.
    pub label: String,
    /// Final answers.
    pub answered: u32,
    /// Share of them on time, 0–1.
    pub share: Option<f64>,
}

/// One range of the answer-time distribution.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeBucket {
    /// The range in Russian («1–3 ч»).
    pub label: String,
    /// Messages whose first publication came within it.
    pub count: u32,
}

/// The charts of one report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Charts {
    /// Whether `answers` counts weeks (long periods) rather than days.
    pub weekly: bool,
    /// Final answers per day or week, every day (week) of the period, empty ones included.
    pub answers: Vec<DayBar>,
    /// Share on time per department, by name (the unset group last).
    pub shares: Vec<ShareBar>,
    /// Working time from detection to the first publication.
    pub times: Vec<TimeBucket>,
}

const HOUR: i64 = 3600;

/// The upper bounds (working seconds, exclusive) and labels of the answer-time ranges:
/// the regulation's milestones (1 h, 5 h to a draft, 9 h for all of it, 7 working days of
/// 8 h after an intermediate answer). Days are working days; the labels are short enough
/// for a phone.
pub const TIME_BUCKETS: [(i64, &str); 6] = [
    (HOUR, "до 1 ч"),
    (3 * HOUR, "1–3 ч"),
    (5 * HOUR, "3–5 ч"),
    (9 * HOUR, "5–9 ч"),
    (56 * HOUR, "9 ч–7 дн."),
    (i64::MAX, "> 7 дн."),
];

/// The Monday of `d`'s week.
fn monday(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// The charts of the messages detected from `from` to `to` (inclusive days). Answers are
/// counted on the day they were published; those published after `to` extend the axis
/// to their day.
pub fn charts(facts: &[MessageFacts], from: NaiveDate, to: NaiveDate) -> Charts {
    let last = facts
        .iter()
        .filter_map(|f| f.answered_on)
        .max()
        .map_or(to, |d| d.max(to));
    let weekly = (last - from).num_days() >= DAILY_UP_TO_DAYS;
    let key = |d: NaiveDate| if weekly { monday(d) } else { d };
    let step = Duration::days(if weekly { 7 } else { 1 });
    let mut answers = Vec::new();
    let mut day = key(from);
    while day <= last {
        answers.push(DayBar {
            day,
            on_time: 0,
            late: 0,
        });
        day += step;
    }
    for f in facts.iter().filter(|f| f.answered) {
        let Some(on) = f.answered_on else { continue };
        let i = (key(on.max(from)) - key(from)).num_days() / step.num_days();
        let Some(bar) = usize::try_from(i).ok().and_then(|i| answers.get_mut(i)) else {
            continue;
        };
        if f.answer_by == Some(Outcome::Met) {
            bar.on_time += 1;
        } else {
            bar.late += 1;
        }
    }
    let shares = aggregate(facts, Grouping::Department)
        .0
        .into_iter()
        .map(|r| ShareBar {
            label: r.label,
            answered: r.answered,
            share: r.share_on_time,
        })
        .collect();
    let mut times: Vec<TimeBucket> = TIME_BUCKETS
        .iter()
        .map(|(_, label)| TimeBucket {
            label: (*label).to_owned(),
            count: 0,
        })
        .collect();
    for secs in facts.iter().filter_map(|f| f.answer_secs) {
        if let Some(i) = TIME_BUCKETS.iter().position(|(upper, _)| secs < *upper) {
            times[i].count += 1;
        }
    }
    Charts {
        weekly,
        answers,
        shares,
        times,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap_or_default()
    }

    fn answered(on: u32, met: bool, secs: i64) -> MessageFacts {
        MessageFacts {
            department: Some((1, "ЖКХ".to_owned())),
            answered: true,
            answered_on: Some(day(on)),
            answer_by: Some(if met { Outcome::Met } else { Outcome::Breached }),
            answer_secs: Some(secs),
            ..MessageFacts::default()
        }
    }

    #[test]
    fn answers_are_counted_on_their_day_and_every_day_has_a_bar() {
        let facts = [
            answered(2, true, 600),
            answered(2, false, 4 * HOUR),
            answered(4, true, HOUR),
            MessageFacts::default(),
        ];
        let c = charts(&facts, day(1), day(5));
        assert!(!c.weekly);
        let bars: Vec<(u32, u32, u32)> = c
            .answers
            .iter()
            .map(|b| (b.day.day(), b.on_time, b.late))
            .collect();
        assert_eq!(
            bars,
            [(1, 0, 0), (2, 1, 1), (3, 0, 0), (4, 1, 0), (5, 0, 0)]
        );
        let counts: Vec<u32> = c.times.iter().map(|t| t.count).collect();
        // 600 s → «до 1 ч»; exactly 1 h → «1–3 ч»; 4 h → «3–5 ч».
        assert_eq!(counts, [1, 1, 1, 0, 0, 0]);
        assert_eq!(c.shares.len(), 2);
        assert_eq!(c.shares[0].share, Some(2.0 / 3.0));
        assert_eq!(c.shares[1].label, super::super::NOT_SET);
    }

    #[test]
    fn long_periods_are_charted_per_week_and_late_answers_extend_the_axis() {
        let facts = [answered(30, true, 60)];
        let c = charts(&facts, day(1), day(10));
        assert!(!c.weekly);
        assert_eq!(
            c.answers.last().map(|b| (b.day, b.on_time)),
            Some((day(30), 1))
        );
        let year = charts(
            &facts,
            NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(),
            NaiveDate::from_ymd_opt(2026, 12, 31).unwrap_or_default(),
        );
        assert!(year.weekly);
        assert!(year
            .answers
            .iter()
            .all(|b| b.day.weekday() == chrono::Weekday::Mon));
        assert_eq!(year.answers.iter().map(|b| b.on_time).sum::<u32>(), 1);
        // Monday 2026-03-30 holds the answer of the 30th.
        assert!(year
            .answers
            .iter()
            .any(|b| b.day == day(30) && b.on_time == 1));
    }
}
