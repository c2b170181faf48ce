//! The monthly rating of departments (issue 18), after the regional method: a message
//! earns full marks when its first answer (final or intermediate) is published within a
//! set number of working hours of detection, half marks when it is answered later but
//! `answer_by` was not breached, and nothing when `answer_by` was breached or the message
//! is overdue now. Messages still in time, returned or rejected are not rated. A
//! department's score is the mean of its messages' marks (0–100); only departments with at
//! least a set number of rated messages are ranked.

use super::{MessageFacts, NOT_SET};
use crate::domain::deadline::Outcome;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The rating's parameters (admin settings).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RatingMethod {
    /// Full marks for a first answer within this many working hours.
    pub full_marks_hours: u32,
    /// A department is ranked with at least this many rated messages.
    pub min_messages: u32,
}

impl Default for RatingMethod {
    fn default() -> Self {
        Self {
            full_marks_hours: 8,
            min_messages: 2,
        }
    }
}

/// The allowed values: 1–72 working hours, 1–1000 messages.
pub const FULL_MARKS_HOURS: std::ops::RangeInclusive<u32> = 1..=72;
/// See [`FULL_MARKS_HOURS`].
pub const MIN_MESSAGES: std::ops::RangeInclusive<u32> = 1..=1000;

impl RatingMethod {
    /// The method in Russian, stated under the table.
    pub fn statement(&self) -> String {
        format!(
            "Полный балл (100) — первый ответ (итоговый или промежуточный) опубликован не позже \
             {} раб. ч после выявления; 50 — ответ позже, но без нарушения общего срока ответа; \
             0 — общий срок нарушен или сообщение просрочено сейчас. Сообщения, срок которых ещё \
             идёт, возвращённые и отклонённые не оцениваются. Оценка отдела — среднее по его \
             сообщениям; в рейтинг входят отделы не меньше чем с {} оценёнными сообщениями.",
            self.full_marks_hours, self.min_messages
        )
    }

    /// The marks of one message (0, 50 or 100), or none when it is not rated.
    pub fn marks(&self, f: &MessageFacts) -> Option<u32> {
        let breached = f.answer_by == Some(Outcome::Breached);
        match f.answer_secs {
            _ if breached => Some(0),
            Some(s) if s <= i64::from(self.full_marks_hours) * 3600 => Some(100),
            Some(_) => Some(50),
            None if f.overdue_now => Some(0),
            None => None,
        }
    }
}

/// One department (or administration) in the rating.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RatingRow {
    /// The place (equal scores share it; the next place skips), none when not ranked.
    pub rank: Option<u32>,
    /// The department's (administration's) name.
    pub label: String,
    /// Rated messages.
    pub rated: u32,
    /// Of them, with full marks.
    pub full_marks: u32,
    /// The mean marks, 0–100, one decimal.
    pub score: Option<f64>,
}

/// Who is rated against whom.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rated {
    /// The departments of an administration.
    Departments,
    /// The administrations of the region.
    Administrations,
}

/// The rating of the departments or administrations over `facts` (one month's
/// messages): ranked ones by score, then the others by name.
pub fn rating(facts: &[MessageFacts], method: &RatingMethod, who: Rated) -> Vec<RatingRow> {
    let mut groups: BTreeMap<Option<i64>, (String, u32, u32, u32)> = BTreeMap::new();
    for f in facts {
        let group = match who {
            Rated::Departments => &f.department,
            Rated::Administrations => &f.administration,
        };
        let (id, name) = match group {
            Some((id, name)) => (Some(*id), name.clone()),
            None => (None, NOT_SET.to_owned()),
        };
        let g = groups.entry(id).or_insert_with(|| (name, 0, 0, 0));
        if let Some(m) = method.marks(f) {
            g.1 += 1;
            g.2 += u32::from(m == 100);
            g.3 += m;
        }
    }
    let mut rows: Vec<RatingRow> = groups
        .into_values()
        .map(|(label, rated, full_marks, sum)| RatingRow {
            rank: None,
            label,
            rated,
            full_marks,
            score: (rated >= method.min_messages.max(1))
                .then(|| (f64::from(sum) / f64::from(rated) * 10.0).round() / 10.0),
        })
        .collect();
    rows.sort_by(|a, b| {
        let key = |r: &RatingRow| (r.score.is_none(), r.label == NOT_SET);
        key(a)
            .cmp(&key(b))
            .then(
                b.score
                    .partial_cmp(&a.score)
                    .unwrap_or(std::cmp::Ordering::Equal),
            )
            .then_with(|| a.label.cmp(&b.label))
    });
    let mut previous: Option<(f64, u32)> = None;
    for (i, r) in rows.iter_mut().enumerate() {
        let Some(score) = r.score else { break };
        let place = match previous {
            Some((s, p)) if s == score => p,
            _ => u32::try_from(i + 1).unwrap_or(u32::MAX),
        };
        r.rank = Some(place);
        previous = Some((score, place));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(dep: i64, secs: Option<i64>, outcome: Option<Outcome>, overdue: bool) -> MessageFacts {
        MessageFacts {
            department: Some((dep, format!("Отдел {dep}"))),
            answer_secs: secs,
            answer_by: outcome,
            overdue_now: overdue,
            ..MessageFacts::default()
        }
    }

    #[test]
    fn marks_follow_the_method() {
        let m = RatingMethod::default();
        let h = 3600;
        assert_eq!(
            m.marks(&msg(1, Some(8 * h), Some(Outcome::Met), false)),
            Some(100)
        );
        assert_eq!(
            m.marks(&msg(1, Some(8 * h + 1), Some(Outcome::Met), false)),
            Some(50)
        );
        assert_eq!(m.marks(&msg(1, Some(8 * h + 1), None, false)), Some(50));
        assert_eq!(
            m.marks(&msg(1, Some(60), Some(Outcome::Breached), false)),
            Some(0)
        );
        assert_eq!(m.marks(&msg(1, None, None, true)), Some(0));
        assert_eq!(m.marks(&msg(1, None, None, false)), None);
        assert_eq!(
            m.marks(&msg(1, None, Some(Outcome::Cancelled), false)),
            None
        );
        let strict = RatingMethod {
            full_marks_hours: 2,
            ..m
        };
        assert_eq!(strict.marks(&msg(1, Some(3 * h), None, false)), Some(50));
    }

    #[test]
    fn departments_are_ranked_by_score_sharing_places_and_small_ones_are_not_ranked() {
        let h = 3600;
        let facts = [
            // Отдел 1: 100 and 50 → 75.
            msg(1, Some(h), Some(Outcome::Met), false),
            msg(1, Some(20 * h), Some(Outcome::Met), false),
            // Отдел 2: 100, 100, and one still in time (not rated) → 100.
            msg(2, Some(h), Some(Outcome::Met), false),
            msg(2, Some(2 * h), Some(Outcome::Met), false),
            msg(2, None, None, false),
            // Отдел 3: 100 and 50 → 75, the same place as Отдел 1.
            msg(3, Some(h), None, false),
            msg(3, Some(9 * h), None, false),
            // Отдел 4: one rated message, below the minimum of 2.
            msg(4, Some(h), Some(Outcome::Met), false),
        ];
        let rows = rating(&facts, &RatingMethod::default(), Rated::Departments);
        type Line<'a> = (Option<u32>, &'a str, u32, u32, Option<f64>);
        let got: Vec<Line> = rows
            .iter()
            .map(|r| (r.rank, r.label.as_str(), r.rated, r.full_marks, r.score))
            .collect();
        assert_eq!(
            got,
            [
                (Some(1), "Отдел 2", 2, 2, Some(100.0)),
                (Some(2), "Отдел 1", 2, 1, Some(75.0)),
                (Some(2), "Отдел 3", 2, 1, Some(75.0)),
                (None, "Отдел 4", 1, 1, None),
            ]
        );
        let one = rating(
            &facts,
            &RatingMethod {
                min_messages: 1,
                ..RatingMethod::default()
            },
            Rated::Departments,
        );
        assert_eq!(one.iter().filter(|r| r.rank.is_some()).count(), 4);
        assert_eq!(one[0].rank, Some(1));
        assert_eq!(one[1].rank, Some(1));

        // The region rates administrations: the same facts, grouped by administration.
        let mut region = facts.clone();
        for (i, f) in region.iter_mut().enumerate() {
            let (id, name) = if i % 2 == 0 {
                (1, "Луга")
            } else {
                (2, "Выборг")
            };
            f.administration = Some((id, name.to_owned()));
        }
        let by_administration = rating(&region, &RatingMethod::default(), Rated::Administrations);
        let labels: Vec<&str> = by_administration.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(by_administration.len(), 2, "{labels:?}");
        assert!(labels.contains(&"Луга") && labels.contains(&"Выборг"));
        let rated: u32 = by_administration.iter().map(|r| r.rated).sum();
        let rated_departments: u32 = got_rated(&facts);
        assert_eq!(rated, rated_departments);
    }

    fn got_rated(facts: &[MessageFacts]) -> u32 {
        rating(facts, &RatingMethod::default(), Rated::Departments)
            .iter()
            .map(|r| r.rated)
            .sum()
    }
}
