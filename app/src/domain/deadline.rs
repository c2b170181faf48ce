//! The deadline rules of SPEC "Deadlines" (§5–§10) as a table in code, their lengths as
//! settings, and (in `ledger`) the recorded deadlines of a message: how a workflow
//! action starts and closes them, with the outcome stored once (`met`, `breached` with
//! its lateness, `cancelled`, `superseded`) and who was responsible.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::calendar::{CalendarError, WorkingCalendar, WorkingDuration};

/// One rule of the SPEC table; the id (`as_str`) is what the database and the API store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineRule {
    ReturnBy,
    DraftBy,
    AnswerBy,
    RevisionBy,
    PublishBy,
    FinalDraftBy,
}

/// One row of the rules table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleSpec {
    pub rule: DeadlineRule,
    /// The id used in storage and the API.
    pub id: &'static str,
    /// Short Russian label for the UI.
    pub label: &'static str,
    /// Clause of the regulation's annex (§N).
    pub clause: u8,
    /// The event that starts the clock, in Russian for the UI.
    pub starts_at: &'static str,
}

/// SPEC "Deadlines", in the order of [`DeadlineRule::ALL`].
pub static RULES: [RuleSpec; 6] = [
    RuleSpec {
        rule: DeadlineRule::ReturnBy,
        id: "return_by",
        label: "Возврат в ОИВ",
        clause: 5,
        starts_at: "поступление сообщения",
    },
    RuleSpec {
        rule: DeadlineRule::DraftBy,
        id: "draft_by",
        label: "Проект ответа",
        clause: 7,
        starts_at: "выявление сообщения",
    },
    RuleSpec {
        rule: DeadlineRule::AnswerBy,
        id: "answer_by",
        label: "Ответ",
        clause: 6,
        starts_at: "выявление сообщения",
    },
    RuleSpec {
        rule: DeadlineRule::RevisionBy,
        id: "revision_by",
        label: "Доработка",
        clause: 8,
        starts_at: "возврат проекта на доработку",
    },
    RuleSpec {
        rule: DeadlineRule::PublishBy,
        id: "publish_by",
        label: "Размещение",
        clause: 9,
        starts_at: "согласование ответа",
    },
    RuleSpec {
        rule: DeadlineRule::FinalDraftBy,
        id: "final_draft_by",
        label: "Окончательный проект",
        clause: 10,
        starts_at: "размещение промежуточного ответа",
    },
];

impl DeadlineRule {
    /// Every rule, in the order of the SPEC table.
    pub const ALL: [Self; 6] = [
        Self::ReturnBy,
        Self::DraftBy,
        Self::AnswerBy,
        Self::RevisionBy,
        Self::PublishBy,
        Self::FinalDraftBy,
    ];

    /// The rule's row of [`RULES`].
    pub fn spec(self) -> &'static RuleSpec {
        // `RULES` lists the rules in declaration order (checked by a test).
        &RULES[self as usize]
    }

    /// `return_by`, `draft_by`, `answer_by`, `revision_by`, `publish_by`, `final_draft_by`.
    pub fn as_str(self) -> &'static str {
        self.spec().id
    }

    /// Russian label, e.g. «Проект ответа».
    pub fn label(self) -> &'static str {
        self.spec().label
    }

    /// The clause of the regulation, e.g. 7 for §7.
    pub fn clause(self) -> u8 {
        self.spec().clause
    }

    /// The event that starts the clock (Russian).
    pub fn starts_at(self) -> &'static str {
        self.spec().starts_at
    }
}

impl DeadlineRule {
    /// Whether the rule runs for a number of working days (§10, `final_draft_by`): its
    /// countdown is then shown in working days and hours (issue 22).
    pub fn counted_in_days(self) -> bool {
        matches!(self, DeadlineRule::FinalDraftBy)
    }

    /// Whether the rule's length depends on the message's priority: marking a message
    /// urgent (or not) supersedes its running deadlines of these rules.
    pub fn follows_priority(self) -> bool {
        matches!(self, DeadlineRule::DraftBy | DeadlineRule::AnswerBy)
    }
}

impl fmt::Display for DeadlineRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An id that names no deadline rule.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("Неизвестный вид срока: «{0}»")]
pub struct UnknownDeadlineRule(pub String);

impl FromStr for DeadlineRule {
    type Err = UnknownDeadlineRule;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownDeadlineRule(s.to_owned()))
    }
}

/// A message's priority: urgent messages get the shorter `draft_by` and `answer_by` (SPEC
/// "Workflow").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    #[default]
    Normal,
    Urgent,
}

/// The lengths of the rules: per-deployment settings with the SPEC defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeadlineSettings {
    /// §5: 30 working minutes.
    pub return_by: WorkingDuration,
    /// §7: 5 working hours.
    pub draft_by: WorkingDuration,
    /// SPEC "Workflow", priority: 2 working hours for the first draft of an urgent message.
    pub draft_by_urgent: WorkingDuration,
    /// §6: 9 working hours.
    pub answer_by: WorkingDuration,
    /// SPEC "Workflow", priority: 4 working hours for an urgent message.
    pub answer_by_urgent: WorkingDuration,
    /// §8: 1 working hour.
    pub revision_by: WorkingDuration,
    /// §9: 30 working minutes.
    pub publish_by: WorkingDuration,
    /// §10: 7 working days.
    pub final_draft_working_days: u32,
}

impl Default for DeadlineSettings {
    fn default() -> Self {
        Self {
            return_by: WorkingDuration::from_minutes(30),
            draft_by: WorkingDuration::from_hours(5),
            draft_by_urgent: WorkingDuration::from_hours(2),
            answer_by: WorkingDuration::from_hours(9),
            answer_by_urgent: WorkingDuration::from_hours(4),
            revision_by: WorkingDuration::from_hours(1),
            publish_by: WorkingDuration::from_minutes(30),
            final_draft_working_days: 7,
        }
    }
}

/// How long a rule runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleLength {
    /// Working time from the start instant.
    Working(WorkingDuration),
    /// Until the end of the N-th working day after the start's local date.
    WorkingDays(u32),
}

impl DeadlineSettings {
    /// The lengths an administration may set within the region's (issue 19): each at most
    /// the region's, as pairs of (form field, own, region's) where its own is longer.
    pub fn beyond(&self, region: &Self) -> Vec<(&'static str, u32, u32)> {
        let minutes = |d: WorkingDuration| d.as_secs() / 60;
        [
            (
                "return_by",
                minutes(self.return_by),
                minutes(region.return_by),
            ),
            ("draft_by", minutes(self.draft_by), minutes(region.draft_by)),
            (
                "draft_by_urgent",
                minutes(self.draft_by_urgent),
                minutes(region.draft_by_urgent),
            ),
            (
                "answer_by",
                minutes(self.answer_by),
                minutes(region.answer_by),
            ),
            (
                "answer_by_urgent",
                minutes(self.answer_by_urgent),
                minutes(region.answer_by_urgent),
            ),
            (
                "revision_by",
                minutes(self.revision_by),
                minutes(region.revision_by),
            ),
            (
                "publish_by",
                minutes(self.publish_by),
                minutes(region.publish_by),
            ),
            (
                "final_draft_days",
                self.final_draft_working_days,
                region.final_draft_working_days,
            ),
        ]
        .into_iter()
        .filter(|(_, own, region)| own > region)
        .collect()
    }

    /// These lengths held within the region's: each the shorter of the two (the region
    /// may shorten a length after an administration set its own).
    pub fn bounded_by(&self, region: &Self) -> Self {
        Self {
            return_by: self.return_by.min(region.return_by),
            draft_by: self.draft_by.min(region.draft_by),
            draft_by_urgent: self.draft_by_urgent.min(region.draft_by_urgent),
            answer_by: self.answer_by.min(region.answer_by),
            answer_by_urgent: self.answer_by_urgent.min(region.answer_by_urgent),
            revision_by: self.revision_by.min(region.revision_by),
            publish_by: self.publish_by.min(region.publish_by),
            final_draft_working_days: self
                .final_draft_working_days
                .min(region.final_draft_working_days),
        }
    }

    /// The length of `rule` for a message of `priority`.
    pub fn length(&self, rule: DeadlineRule, priority: Priority) -> RuleLength {
        match (rule, priority) {
            (DeadlineRule::ReturnBy, _) => RuleLength::Working(self.return_by),
            (DeadlineRule::DraftBy, Priority::Normal) => RuleLength::Working(self.draft_by),
            (DeadlineRule::DraftBy, Priority::Urgent) => RuleLength::Working(self.draft_by_urgent),
            (DeadlineRule::AnswerBy, Priority::Normal) => RuleLength::Working(self.answer_by),
            (DeadlineRule::AnswerBy, Priority::Urgent) => {
                RuleLength::Working(self.answer_by_urgent)
            }
            (DeadlineRule::RevisionBy, _) => RuleLength::Working(self.revision_by),
            (DeadlineRule::PublishBy, _) => RuleLength::Working(self.publish_by),
            (DeadlineRule::FinalDraftBy, _) => {
                RuleLength::WorkingDays(self.final_draft_working_days)
            }
        }
    }
}

/// When `rule`, started at `start`, is due.
pub fn due(
    rule: DeadlineRule,
    start: DateTime<Utc>,
    priority: Priority,
    settings: &DeadlineSettings,
    cal: &WorkingCalendar,
) -> Result<DateTime<Utc>, CalendarError> {
    match settings.length(rule, priority) {
        RuleLength::Working(d) => cal.add(start, d),
        // §10: counted in days from the local day of publication.
        RuleLength::WorkingDays(n) => cal.end_of_nth_working_day_after(cal.local_date(start), n),
    }
}

mod ledger;
pub use ledger::*;

#[cfg(test)]
mod tests;
