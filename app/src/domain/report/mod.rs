//! Reports (issue 18): how the administration is doing over a period, per group. The
//! figures are counted from facts the service reads once per message (recorded deadline
//! outcomes, journal actions, publications); this module only groups and sums them, so
//! the same rule serves the page, the API and the exports.

use crate::domain::deadline::{DeadlineRule, Outcome};
use crate::domain::network::Network;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The report page's charts: answers per day, share on time, answer times.
pub mod charts;
/// The monthly rating of departments.
pub mod rating;
/// The table's headers and cells, shared by the page and the files.
pub mod table;

/// How report rows are grouped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grouping {
    /// By the message's department.
    Department,
    /// By the message's executor.
    Executor,
    /// By the message's topic.
    Topic,
    /// By the social network.
    Network,
    /// By the administration (the region's view).
    Administration,
    /// One row: the total.
    #[default]
    None,
}

named_enum!(Grouping {
    Department => ("department", "по отделам"),
    Executor => ("executor", "по исполнителям"),
    Topic => ("topic", "по темам"),
    Network => ("network", "по соцсетям"),
    Administration => ("administration", "по администрациям"),
    None => ("none", "без группировки"),
});

/// The group label of messages without a department, executor or topic.
pub const NOT_SET: &str = "не указано";

/// What the report needs to know about one message of the period.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MessageFacts {
    /// Department (id, name), if any.
    pub department: Option<(i64, String)>,
    /// Executor (id, name), if any.
    pub executor: Option<(i64, String)>,
    /// The topic as recorded.
    pub topic: Option<String>,
    /// The network the post is in.
    pub network: Option<Network>,
    /// The administration (id, name) the message belongs to.
    pub administration: Option<(i64, String)>,
    /// The final answer was published (the message reached `answered`).
    pub answered: bool,
    /// The local day the final answer was published, if it was.
    pub answered_on: Option<NaiveDate>,
    /// The recorded outcome of the last `answer_by` deadline, if it is done.
    pub answer_by: Option<Outcome>,
    /// Still open and past due now.
    pub overdue_now: bool,
    /// Working seconds from detection to the first publication (final or intermediate).
    pub answer_secs: Option<i64>,
    /// Breached deadlines, per rule.
    pub breaches: BTreeMap<DeadlineRule, u32>,
    /// Returns to the authority (§5).
    pub returns: u32,
    /// Drafts returned for revision (§8).
    pub revisions: u32,
    /// Intermediate answers published.
    pub intermediate: u32,
    /// Clarification requests published.
    pub clarifications: u32,
    /// §12 rejections.
    pub rejections: u32,
}

/// One row of the report: a group, or the total.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReportRow {
    /// The group's key (`department:3`, `network:vk`, `total`).
    pub key: String,
    /// The group's Russian label.
    pub label: String,
    /// Messages received (detected in the period).
    pub received: u32,
    /// Final answers published.
    pub answered: u32,
    /// Final answers published with `answer_by` met.
    pub answered_on_time: u32,
    /// `answered_on_time / answered`, 0–1 (none when nothing was answered).
    pub share_on_time: Option<f64>,
    /// Still open and past due now.
    pub overdue_now: u32,
    /// Mean working seconds from detection to the first publication.
    pub mean_answer_secs: Option<i64>,
    /// Median working seconds from detection to the first publication.
    pub median_answer_secs: Option<i64>,
    /// Breaches per rule (every rule present, zero included).
    pub breaches: BTreeMap<String, u32>,
    /// Returns to the authority.
    pub returns: u32,
    /// Revisions requested.
    pub revisions: u32,
    /// Intermediate answers.
    pub intermediate: u32,
    /// Clarification requests.
    pub clarifications: u32,
    /// §12 rejections.
    pub rejections: u32,
}

/// The key and label of a message's group.
fn group_of(f: &MessageFacts, by: Grouping) -> (String, String) {
    let named = |kind: &str, v: &Option<(i64, String)>| match v {
        Some((id, name)) => (format!("{kind}:{id}"), name.clone()),
        None => (format!("{kind}:-"), NOT_SET.to_owned()),
    };
    match by {
        Grouping::Department => named("department", &f.department),
        Grouping::Executor => named("executor", &f.executor),
        Grouping::Administration => named("administration", &f.administration),
        Grouping::Topic => match f.topic.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            Some(t) => (format!("topic:{}", t.to_lowercase()), t.to_owned()),
            None => ("topic:-".to_owned(), NOT_SET.to_owned()),
        },
        Grouping::Network => match f.network {
            Some(n) => (format!("network:{}", n.as_str()), n.label().to_owned()),
            None => ("network:-".to_owned(), NOT_SET.to_owned()),
        },
        Grouping::None => ("total".to_owned(), "Итого".to_owned()),
    }
}

/// The row summing `facts` under `key` and `label`.
pub fn row(key: String, label: String, facts: &[&MessageFacts]) -> ReportRow {
    let mut r = ReportRow {
        key,
        label,
        breaches: DeadlineRule::ALL
            .iter()
            .map(|rule| (rule.as_str().to_owned(), 0))
            .collect(),
        ..ReportRow::default()
    };
    let mut times: Vec<i64> = Vec::new();
    for f in facts {
        r.received += 1;
        if f.answered {
            r.answered += 1;
            if f.answer_by == Some(Outcome::Met) {
                r.answered_on_time += 1;
            }
        }
        r.overdue_now += u32::from(f.overdue_now);
        times.extend(f.answer_secs);
        for (rule, n) in &f.breaches {
            *r.breaches.entry(rule.as_str().to_owned()).or_default() += n;
        }
        r.returns += f.returns;
        r.revisions += f.revisions;
        r.intermediate += f.intermediate;
        r.clarifications += f.clarifications;
        r.rejections += f.rejections;
    }
    r.share_on_time =
        (r.answered > 0).then(|| f64::from(r.answered_on_time) / f64::from(r.answered));
    if !times.is_empty() {
        times.sort_unstable();
        let n = times.len();
        r.mean_answer_secs = Some(times.iter().sum::<i64>() / n as i64);
        r.median_answer_secs = Some(if n % 2 == 1 {
            times[n / 2]
        } else {
            (times[n / 2 - 1] + times[n / 2]) / 2
        });
    }
    r
}

/// The report's rows grouped `by`, ordered by label, and the total row.
pub fn aggregate(facts: &[MessageFacts], by: Grouping) -> (Vec<ReportRow>, ReportRow) {
    let mut groups: BTreeMap<String, (String, Vec<&MessageFacts>)> = BTreeMap::new();
    for f in facts {
        let (key, label) = group_of(f, by);
        groups
            .entry(key)
            .or_insert_with(|| (label, Vec::new()))
            .1
            .push(f);
    }
    let mut rows: Vec<ReportRow> = match by {
        Grouping::None => Vec::new(),
        _ => groups
            .into_iter()
            .map(|(key, (label, fs))| row(key, label, &fs))
            .collect(),
    };
    rows.sort_by(|a, b| (a.label == NOT_SET, &a.label).cmp(&(b.label == NOT_SET, &b.label)));
    let all: Vec<&MessageFacts> = facts.iter().collect();
    (rows, row("total".to_owned(), "Итого".to_owned(), &all))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(dep: Option<i64>, answered: bool, met: bool, secs: Option<i64>) -> MessageFacts {
        MessageFacts {
            department: dep.map(|d| (d, format!("Отдел {d}"))),
            answered,
            answer_by: answered.then_some(if met { Outcome::Met } else { Outcome::Breached }),
            answer_secs: secs,
            breaches: if answered && !met {
                [(DeadlineRule::AnswerBy, 1)].into_iter().collect()
            } else {
                BTreeMap::new()
            },
            ..MessageFacts::default()
        }
    }

    #[test]
    fn groups_sum_to_the_total_and_the_unset_group_comes_last() {
        let all = [
            facts(Some(2), true, true, Some(100)),
            facts(Some(1), true, false, Some(300)),
            facts(None, false, false, None),
            facts(Some(1), true, true, Some(200)),
        ];
        let (rows, total) = aggregate(&all, Grouping::Department);
        let labels: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(labels, ["Отдел 1", "Отдел 2", NOT_SET]);
        assert_eq!(rows[0].received, 2);
        assert_eq!(rows[0].answered_on_time, 1);
        assert_eq!(rows[0].share_on_time, Some(0.5));
        assert_eq!(rows[0].mean_answer_secs, Some(250));
        assert_eq!(rows[0].median_answer_secs, Some(250));
        assert_eq!(rows[0].breaches["answer_by"], 1);
        assert_eq!(rows[0].breaches["return_by"], 0);
        assert_eq!(rows[2].share_on_time, None);
        assert_eq!(total.received, 4);
        assert_eq!(total.answered, 3);
        assert_eq!(total.median_answer_secs, Some(200));
        assert_eq!(total.mean_answer_secs, Some(200));
    }

    #[test]
    fn no_grouping_gives_only_the_total() {
        let all = [facts(Some(1), true, true, Some(60))];
        let (rows, total) = aggregate(&all, Grouping::None);
        assert!(rows.is_empty());
        assert_eq!((total.key.as_str(), total.received), ("total", 1));
    }
}
