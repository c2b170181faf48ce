//! The recorded deadlines of one message (its ledger). Each deadline is started with its due
//! instant and who was responsible, and closed once with its outcome: `met`, `breached`
//! (with the lateness in working seconds, computed with the calendar of that moment),
//! `cancelled` or `superseded`. A deadline is never moved in place: a change of urgency
//! closes it as superseded and starts a new one. Workflow actions describe what they do
//! as [`DeadlineEffect`]s; [`apply`] carries them out on the ledger, purely, and the
//! service stores the rows that changed.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::{due, DeadlineRule, DeadlineSettings, Priority};
use crate::domain::calendar::{CalendarError, WorkingCalendar};
use crate::domain::ids::{DeadlineId, UserId};

/// How a deadline ended (SPEC "Deadlines"); stored, never recomputed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type, utoipa::ToSchema),
    sqlx(type_name = "TEXT", rename_all = "snake_case")
)]
pub enum Outcome {
    /// Its task was done in time.
    Met,
    /// Its task was done after working time had passed since it was due.
    Breached,
    /// The message was returned or rejected: neither met nor breached.
    Cancelled,
    /// Replaced by a new deadline of the same rule (the urgency changed).
    Superseded,
}

named_enum!(Outcome {
    Met => ("met", "выполнен в срок"),
    Breached => ("breached", "нарушен"),
    Cancelled => ("cancelled", "отменён"),
    Superseded => ("superseded", "заменён"),
});

/// Who answers for a deadline (§13): the assigned executor, or the coordinators while the
/// message is new or nobody is assigned. JSON: `{"kind": "executor", "user": 3}` or
/// `{"kind": "coordinators"}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "user", rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Responsible {
    /// The coordinators (the message is new, or nobody is assigned).
    Coordinators,
    /// The assigned executor.
    Executor(UserId),
}

/// A deadline as recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    /// The stored row; `None` until the service has stored it.
    pub id: Option<DeadlineId>,
    /// The rule.
    pub rule: DeadlineRule,
    /// When its clock started.
    pub started_at: DateTime<Utc>,
    /// When it is due.
    pub due_at: DateTime<Utc>,
    /// When it closed (its task done, cancelled or superseded); `None` while running.
    pub done_at: Option<DateTime<Utc>>,
    /// How it ended; `None` while running.
    pub outcome: Option<Outcome>,
    /// Working seconds between `due_at` and `done_at` when its task was done (0 when met);
    /// `None` while running and for cancelled or superseded deadlines.
    pub late_by_secs: Option<i64>,
    /// Who was responsible when it started (`None`: recorded before this was kept).
    pub responsible_at_start: Option<Responsible>,
    /// Who was responsible when it closed (`None` while running).
    pub responsible_at_end: Option<Responsible>,
}

/// Compliance of a finished deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Met,
    /// Done this many working seconds after `due_at`.
    Breached {
        by_secs: i64,
    },
}

/// How close a running deadline is to its due instant (alerts, colours, escalation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pressure {
    /// In the last `due_soon_percent` of its working-time budget.
    DueSoon,
    /// Working time has passed since it was due.
    Overdue,
}

/// The pressure on a running deadline with `remaining` of its `budget` working seconds
/// left: overdue once working time has passed since it was due, due soon in the last
/// `due_soon_percent` of the budget (the admin's setting, the same for alerts, colours and
/// the escalation list).
pub fn pressure(remaining: i64, budget: i64, due_soon_percent: u8) -> Option<Pressure> {
    if remaining < 0 {
        Some(Pressure::Overdue)
    } else if remaining * 100 <= budget * i64::from(due_soon_percent) {
        Some(Pressure::DueSoon)
    } else {
        None
    }
}

/// Met or breached for a task due at `due` and done at `done`, with the lateness in
/// working seconds: a task due 18:00 and done 18:30 the same evening, with no working time
/// in between, is met.
pub fn judge(due: DateTime<Utc>, done: DateTime<Utc>, cal: &WorkingCalendar) -> (Outcome, i64) {
    let late = cal.between(due, done);
    if late > 0 {
        (Outcome::Breached, late)
    } else {
        (Outcome::Met, 0)
    }
}

impl Deadline {
    /// Starts `rule` at `started_at`, computing `due_at`; nobody recorded as responsible.
    pub fn start(
        rule: DeadlineRule,
        started_at: DateTime<Utc>,
        priority: Priority,
        settings: &DeadlineSettings,
        cal: &WorkingCalendar,
    ) -> Result<Self, CalendarError> {
        let due_at = due(rule, started_at, priority, settings, cal)?;
        Ok(Self {
            id: None,
            rule,
            started_at,
            due_at,
            done_at: None,
            outcome: None,
            late_by_secs: None,
            responsible_at_start: None,
            responsible_at_end: None,
        })
    }

    /// Whether its task is still pending (it alerts, escalates and counts as overdue).
    pub fn is_running(&self) -> bool {
        self.done_at.is_none()
    }

    /// Met or breached (by how much working time), from the stored outcome; `None` while
    /// running and for cancelled or superseded deadlines.
    pub fn verdict(&self) -> Option<Verdict> {
        match self.outcome? {
            Outcome::Met => Some(Verdict::Met),
            Outcome::Breached => Some(Verdict::Breached {
                by_secs: self.late_by_secs.unwrap_or_default(),
            }),
            Outcome::Cancelled | Outcome::Superseded => None,
        }
    }

    /// The API's `met`: true or false once judged, `null` while running and for cancelled or
    /// superseded deadlines (neither met nor breached).
    pub fn met(&self) -> Option<bool> {
        self.verdict().map(|v| v == Verdict::Met)
    }

    /// Working seconds left until `due_at` ("осталось 1 ч 12 мин"), negative when overdue
    /// ("просрочено на 35 мин"). Frozen at `done_at` once closed.
    pub fn remaining(&self, now: DateTime<Utc>, cal: &WorkingCalendar) -> i64 {
        cal.between(self.done_at.unwrap_or(now), self.due_at)
    }

    /// The pressure at `now` on a running deadline (`None` once closed).
    pub fn pressure(
        &self,
        now: DateTime<Utc>,
        cal: &WorkingCalendar,
        due_soon_percent: u8,
    ) -> Option<Pressure> {
        if !self.is_running() {
            return None;
        }
        let budget = cal.between(self.started_at, self.due_at);
        pressure(self.remaining(now, cal), budget, due_soon_percent)
    }

    fn close(
        &mut self,
        at: DateTime<Utc>,
        outcome: Outcome,
        late_by_secs: Option<i64>,
        who: Responsible,
    ) {
        self.done_at = Some(at);
        self.outcome = Some(outcome);
        self.late_by_secs = late_by_secs;
        self.responsible_at_end = Some(who);
    }
}

/// The running deadline due first (the earliest first on ties).
pub fn next_due(deadlines: &[Deadline]) -> Option<&Deadline> {
    deadlines
        .iter()
        .filter(|d| d.is_running())
        .min_by_key(|d| d.due_at)
}

/// What a workflow action does to the deadlines (the output of `workflow::decide`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeadlineEffect {
    /// A deadline of this rule starts at the instant given (a running one of the same rule
    /// is superseded first).
    Start(DeadlineRule, DateTime<Utc>),
    /// The running deadline of this rule is done at the instant given: met, or breached by
    /// the working time passed since it was due.
    Complete(DeadlineRule, DateTime<Utc>),
    /// The running deadline of this rule closes as met because the message was taken into
    /// work: the window to return it was not used (§5, «принято в работу»).
    Accept(DeadlineRule, DateTime<Utc>),
    /// An action judged against the latest deadline of this rule even though it closed
    /// before (a return from `in_work` against the original `return_by`): recorded as a
    /// closed deadline of its own with the same start and due, met or breached.
    Judge(DeadlineRule, DateTime<Utc>),
    /// The running deadline of this rule closes as superseded at the instant given, and a
    /// new one starts from the same start with the message's priority now.
    Supersede(DeadlineRule, DateTime<Utc>),
    /// Every running deadline closes as cancelled at the instant given.
    CancelRunning(DateTime<Utc>),
}

/// What applying an effect did to one deadline, for the journal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum DeadlineNote {
    /// A deadline started.
    Started {
        /// The rule.
        rule: DeadlineRule,
        /// When it is due.
        due: DateTime<Utc>,
    },
    /// A deadline closed with an outcome.
    Closed {
        /// The rule.
        rule: DeadlineRule,
        /// How it ended.
        outcome: Outcome,
        /// Lateness in working seconds (met or breached only).
        late_by_seconds: Option<i64>,
    },
    /// `return_by` closed as met because the message was taken into work.
    Accepted {
        /// The rule.
        rule: DeadlineRule,
    },
    /// An action recorded against a deadline that had closed before.
    Judged {
        /// The rule.
        rule: DeadlineRule,
        /// Met (in time) or breached (late).
        outcome: Outcome,
        /// Lateness in working seconds.
        late_by_seconds: Option<i64>,
    },
}

impl DeadlineNote {
    /// The rule the note is about.
    pub fn rule(&self) -> DeadlineRule {
        match self {
            DeadlineNote::Started { rule, .. }
            | DeadlineNote::Closed { rule, .. }
            | DeadlineNote::Accepted { rule }
            | DeadlineNote::Judged { rule, .. } => *rule,
        }
    }

    /// The journal's Russian line: «Проект ответа: нарушен на 35 мин», «Возврат в ОИВ:
    /// принято в работу», «Ответ: отменён», «Ответ: до 16.03.2026 14:48».
    pub fn text(&self, tz: Tz) -> String {
        use crate::domain::countdown::{format_datetime, format_lateness};
        let what = match self {
            DeadlineNote::Started { due, .. } => format!("до {}", format_datetime(*due, tz)),
            DeadlineNote::Accepted { .. } => "принято в работу".to_owned(),
            DeadlineNote::Closed {
                outcome: Outcome::Breached,
                late_by_seconds,
                ..
            } => format!(
                "нарушен на {}",
                format_lateness(late_by_seconds.unwrap_or_default())
            ),
            DeadlineNote::Closed { outcome, .. } => outcome.label().to_owned(),
            DeadlineNote::Judged {
                outcome: Outcome::Breached,
                late_by_seconds,
                ..
            } => format!(
                "возврат с опозданием на {}",
                format_lateness(late_by_seconds.unwrap_or_default())
            ),
            DeadlineNote::Judged { .. } => "возврат в срок".to_owned(),
        };
        format!("{}: {what}", self.rule().label())
    }
}

/// What applying effects needs besides the ledger.
#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    /// The message's priority after the action (lengths of deadlines it starts).
    pub priority: Priority,
    /// The deployment's deadline lengths.
    pub settings: &'a DeadlineSettings,
    /// The working calendar of this moment (due instants and lateness).
    pub cal: &'a WorkingCalendar,
    /// Who was responsible before the action (recorded on the deadlines it closes).
    pub before: Responsible,
    /// Who is responsible after it (recorded on the deadlines it starts).
    pub after: Responsible,
}

/// The latest running deadline of `rule`.
fn running(ledger: &[Deadline], rule: DeadlineRule) -> Option<usize> {
    ledger
        .iter()
        .rposition(|d| d.rule == rule && d.is_running())
}

/// Carries out `effects` on a message's `ledger`: closes rows in place and appends the
/// ones started. Returns what happened, for the journal. An effect on a rule with no
/// running deadline does nothing.
pub fn apply(
    ledger: &mut Vec<Deadline>,
    effects: &[DeadlineEffect],
    cx: &Context,
) -> Result<Vec<DeadlineNote>, CalendarError> {
    let mut notes = Vec::new();
    for effect in effects {
        match *effect {
            DeadlineEffect::Start(rule, at) => {
                if let Some(i) = running(ledger, rule) {
                    ledger[i].close(at, Outcome::Superseded, None, cx.before);
                    notes.push(DeadlineNote::Closed {
                        rule,
                        outcome: Outcome::Superseded,
                        late_by_seconds: None,
                    });
                }
                start(ledger, &mut notes, rule, at, cx)?;
            }
            DeadlineEffect::Complete(rule, at) => {
                if let Some(i) = running(ledger, rule) {
                    let (outcome, late) = judge(ledger[i].due_at, at, cx.cal);
                    ledger[i].close(at, outcome, Some(late), cx.before);
                    notes.push(DeadlineNote::Closed {
                        rule,
                        outcome,
                        late_by_seconds: Some(late),
                    });
                }
            }
            DeadlineEffect::Accept(rule, at) => {
                if let Some(i) = running(ledger, rule) {
                    ledger[i].close(at, Outcome::Met, Some(0), cx.before);
                    notes.push(DeadlineNote::Accepted { rule });
                }
            }
            DeadlineEffect::Judge(rule, at) => {
                let judged = match running(ledger, rule) {
                    Some(i) => Some(i),
                    None => ledger.iter().rposition(|d| d.rule == rule).map(|i| {
                        let original = &ledger[i];
                        ledger.push(Deadline {
                            id: None,
                            done_at: None,
                            outcome: None,
                            late_by_secs: None,
                            responsible_at_end: None,
                            ..original.clone()
                        });
                        ledger.len() - 1
                    }),
                };
                if let Some(i) = judged {
                    let (outcome, late) = judge(ledger[i].due_at, at, cx.cal);
                    ledger[i].close(at, outcome, Some(late), cx.before);
                    notes.push(DeadlineNote::Judged {
                        rule,
                        outcome,
                        late_by_seconds: Some(late),
                    });
                }
            }
            DeadlineEffect::Supersede(rule, at) => {
                if let Some(i) = running(ledger, rule) {
                    let started_at = ledger[i].started_at;
                    ledger[i].close(at, Outcome::Superseded, None, cx.before);
                    notes.push(DeadlineNote::Closed {
                        rule,
                        outcome: Outcome::Superseded,
                        late_by_seconds: None,
                    });
                    start(ledger, &mut notes, rule, started_at, cx)?;
                }
            }
            DeadlineEffect::CancelRunning(at) => {
                for d in ledger.iter_mut().filter(|d| d.is_running()) {
                    d.close(at, Outcome::Cancelled, None, cx.before);
                    notes.push(DeadlineNote::Closed {
                        rule: d.rule,
                        outcome: Outcome::Cancelled,
                        late_by_seconds: None,
                    });
                }
            }
        }
    }
    Ok(notes)
}

fn start(
    ledger: &mut Vec<Deadline>,
    notes: &mut Vec<DeadlineNote>,
    rule: DeadlineRule,
    at: DateTime<Utc>,
    cx: &Context,
) -> Result<(), CalendarError> {
    let mut d = Deadline::start(rule, at, cx.priority, cx.settings, cx.cal)?;
    d.responsible_at_start = Some(cx.after);
    notes.push(DeadlineNote::Started {
        rule,
        due: d.due_at,
    });
    ledger.push(d);
    Ok(())
}
