//! The message workflow of SPEC "Workflow" as pure code: states, commands, who may do
//! what from which state, and which deadlines each transition starts or completes.
//! `decide` is the one choke-point: the server persists what it returns, and the UI asks
//! `permitted` what to show.

use crate::domain::case::{CaseError, Membership};
pub use crate::domain::deadline::DeadlineEffect;
use crate::domain::deadline::{DeadlineRule, Responsible};
use crate::domain::ids::{DepartmentId, FileId, MessageId, TopicId, UserId};
use crate::domain::moment::Moment;
use crate::domain::network::Network;
use crate::domain::role::Role;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The state of a message (stored as its snake_case name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type, utoipa::ToSchema),
    sqlx(type_name = "TEXT", rename_all = "snake_case")
)]
pub enum MessageState {
    /// новое — the coordinator assigns, returns or rejects.
    New,
    /// в работе — the executor writes a draft.
    InWork,
    /// на согласовании — the authority approves or returns for revision.
    OnApproval,
    /// на доработке — the executor reworks and resubmits.
    Revision,
    /// согласовано — the executor publishes and records the link.
    Approved,
    /// промежуточный ответ размещён — the final draft is due (§10).
    AwaitingFinal,
    /// запрошено уточнение — waiting for the author's reply.
    AwaitingAuthor,
    /// ответ размещён — closed.
    Answered,
    /// возвращено в ОИВ — the authority may send it back.
    Returned,
    /// не подлежит обработке — closed (§12).
    Rejected,
}

named_enum!(MessageState {
    New => ("new", "новое"),
    InWork => ("in_work", "в работе"),
    OnApproval => ("on_approval", "на согласовании"),
    Revision => ("revision", "на доработке"),
    Approved => ("approved", "согласовано"),
    AwaitingFinal => ("awaiting_final", "промежуточный ответ размещён"),
    AwaitingAuthor => ("awaiting_author", "запрошено уточнение"),
    Answered => ("answered", "ответ размещён"),
    Returned => ("returned", "возвращено в ОИВ"),
    Rejected => ("rejected", "не подлежит обработке"),
});

impl MessageState {
    /// True while someone of the administration still has to act (deadlines run).
    pub fn is_active(self) -> bool {
        !matches!(
            self,
            MessageState::Answered | MessageState::Returned | MessageState::Rejected
        )
    }

    /// The deadline of the stage the message is in (what must happen next), besides
    /// `answer_by`; `None` while the authority or the author has the next move.
    pub fn stage_deadline(self) -> Option<DeadlineRule> {
        match self {
            MessageState::New => Some(DeadlineRule::ReturnBy),
            MessageState::InWork => Some(DeadlineRule::DraftBy),
            MessageState::Revision => Some(DeadlineRule::RevisionBy),
            MessageState::Approved => Some(DeadlineRule::PublishBy),
            MessageState::AwaitingFinal => Some(DeadlineRule::FinalDraftBy),
            MessageState::OnApproval
            | MessageState::AwaitingAuthor
            | MessageState::Answered
            | MessageState::Returned
            | MessageState::Rejected => None,
        }
    }
}

impl std::str::FromStr for MessageState {
    type Err = TransitionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MessageState::from_name(s).ok_or_else(|| TransitionError::Invalid {
            field: "status".into(),
            message: format!("Неизвестное состояние «{s}»"),
        })
    }
}

/// The kind of a draft answer (§7).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type, utoipa::ToSchema),
    sqlx(type_name = "TEXT", rename_all = "snake_case")
)]
pub enum AnswerKind {
    /// ответ — the final answer.
    #[default]
    Final,
    /// промежуточный ответ — buys 7 working days for the final one (§10).
    Intermediate,
    /// запрос уточнения — a clarification request to the author.
    Clarification,
}

named_enum!(AnswerKind {
    Final => ("final", "ответ"),
    Intermediate => ("intermediate", "промежуточный ответ"),
    Clarification => ("clarification", "запрос уточнения"),
});

impl std::str::FromStr for AnswerKind {
    type Err = TransitionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AnswerKind::from_name(s).ok_or_else(|| TransitionError::Invalid {
            field: "kind".into(),
            message: "Вид ответа: final, intermediate или clarification".into(),
        })
    }
}

/// Why a message is not to be processed: the five grounds of §12.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type, utoipa::ToSchema),
    sqlx(type_name = "TEXT", rename_all = "snake_case")
)]
pub enum RejectCategory {
    /// The intent to harm another person.
    Harm,
    /// Obscene language.
    Obscenity,
    /// Insulting language.
    Insult,
    /// A threat to an official's life, health or property (also what earlier versions
    /// stored for every threat).
    Threat,
    /// The same threat to an official's family.
    ThreatFamily,
}

named_enum!(RejectCategory {
    Harm => ("harm", "намерение причинить вред другому лицу"),
    Obscenity => ("obscenity", "нецензурные выражения"),
    Insult => ("insult", "оскорбительные выражения"),
    Threat => ("threat", "угроза жизни, здоровью или имуществу должностного лица"),
    ThreatFamily => ("threat_family", "угроза членам семьи должностного лица"),
});

impl std::str::FromStr for RejectCategory {
    type Err = TransitionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RejectCategory::from_name(s).ok_or_else(|| TransitionError::Invalid {
            field: "category".into(),
            message: "Основание (§12): harm, obscenity, insult, threat или threat_family".into(),
        })
    }
}

/// What `decide` needs to know about a message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageView {
    /// Current state.
    pub state: MessageState,
    /// The network the post is in.
    pub network: Network,
    /// The deployment's time zone (a local publication time is read in it).
    pub tz: chrono_tz::Tz,
    /// The hosts a published answer's link may point to (§9, a setting of the network;
    /// empty: any `https` address).
    pub link_hosts: Vec<String>,
    /// The assigned executor.
    pub assignee: Option<UserId>,
    /// False when the assigned executor's account is deactivated: the admin may then hand
    /// the message to another executor (issue 22). True without an assignee.
    pub assignee_active: bool,
    /// The responsible department.
    pub department: Option<DepartmentId>,
    /// Marked urgent (shorter `answer_by`).
    pub urgent: bool,
    /// Kind of the latest draft (decides where `publish` leads).
    pub draft_kind: Option<AnswerKind>,
    /// When the latest draft was approved (publication cannot be earlier).
    pub approved_at: Option<DateTime<Utc>>,
    /// Whether `final_draft_by` has ever started: only the first intermediate answer
    /// published starts it (§10).
    pub final_draft_started: bool,
    /// Its place in a case (issue 21): alone, leading posts, or a post of a lead.
    pub case: Membership,
}

impl MessageView {
    /// Who answers for the message's deadlines now (§13): the assigned executor, or the
    /// coordinators while the message is new or nobody is assigned.
    pub fn responsible(&self) -> Responsible {
        match (self.state, self.assignee) {
            (MessageState::New, _) | (_, None) => Responsible::Coordinators,
            (_, Some(user)) => Responsible::Executor(user),
        }
    }
}

/// Who acts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The user (None for an API token not tied to a user).
    pub user: Option<UserId>,
    /// The role.
    pub role: Role,
}

/// The kinds of action, for permissions and the journal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum ActionKind {
    /// Create a message (→ new).
    Intake,
    /// Assign or reassign the executor.
    Assign,
    /// Return to the authority (§5).
    Return,
    /// The authority sends a returned message back.
    SendBack,
    /// Not to be processed (§12).
    Reject,
    /// Send a draft for approval.
    SubmitDraft,
    /// The authority approves the draft.
    Approve,
    /// The authority returns the draft with remarks (§8).
    RequestRevision,
    /// The approved answer is published (§9).
    Publish,
    /// The author answered a clarification request.
    AuthorReplied,
    /// Mark or unmark urgent.
    SetUrgent,
    /// Link the message to a lead as the same problem (issue 21).
    Link,
    /// Unlink it from its case.
    Unlink,
    /// Set or change the topic (issue 21).
    SetTopic,
}

named_enum!(ActionKind {
    Intake => ("intake", "Поступило"),
    Assign => ("assign", "Назначить исполнителя"),
    Return => ("return", "Вернуть в ОИВ"),
    SendBack => ("send_back", "Направить повторно"),
    Reject => ("reject", "Не подлежит обработке"),
    SubmitDraft => ("submit_draft", "Отправить на согласование"),
    Approve => ("approve", "Согласовать"),
    RequestRevision => ("request_revision", "Вернуть на доработку"),
    Publish => ("publish", "Ответ размещён"),
    AuthorReplied => ("author_replied", "Автор ответил"),
    SetUrgent => ("set_urgent", "Срочно"),
    Link => ("link", "Связать с делом"),
    Unlink => ("unlink", "Отвязать от дела"),
    SetTopic => ("set_topic", "Изменить тему"),
});

impl ActionKind {
    /// The states this action may be taken from (Intake: none, it creates).
    pub fn from_states(self) -> &'static [MessageState] {
        use MessageState::*;
        match self {
            ActionKind::Intake => &[],
            ActionKind::Assign => &[New, InWork, Revision, AwaitingFinal, AwaitingAuthor],
            ActionKind::Return => &[New, InWork],
            ActionKind::SendBack => &[Returned],
            ActionKind::Reject => &[New, InWork],
            ActionKind::SubmitDraft => &[InWork, Revision, AwaitingFinal],
            ActionKind::Approve | ActionKind::RequestRevision => &[OnApproval],
            ActionKind::Publish => &[Approved],
            ActionKind::AuthorReplied => &[AwaitingAuthor],
            ActionKind::Link => &[New, InWork, Revision],
            ActionKind::Unlink => &[New, InWork, OnApproval, Revision],
            ActionKind::SetUrgent | ActionKind::SetTopic => &[
                New,
                InWork,
                OnApproval,
                Revision,
                Approved,
                AwaitingFinal,
                AwaitingAuthor,
            ],
        }
    }

    /// Which roles may take the action at all (SPEC "Roles"). Executors additionally must be
    /// the message's assignee where [`ActionKind::needs_assignee`].
    pub fn roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            ActionKind::Intake => &[Authority, Coordinator],
            ActionKind::Assign
            | ActionKind::Reject
            | ActionKind::Link
            | ActionKind::Unlink
            | ActionKind::SetTopic => &[Coordinator],
            ActionKind::Return => &[Coordinator, Executor],
            ActionKind::SendBack | ActionKind::Approve | ActionKind::RequestRevision => {
                &[Authority]
            }
            ActionKind::SubmitDraft | ActionKind::Publish => &[Coordinator, Executor],
            ActionKind::AuthorReplied => &[Coordinator, Executor, Authority],
            ActionKind::SetUrgent => &[Coordinator, Authority],
        }
    }

    /// True if an executor may take it only on a message assigned to them.
    pub fn needs_assignee(self) -> bool {
        matches!(
            self,
            ActionKind::Return
                | ActionKind::SubmitDraft
                | ActionKind::Publish
                | ActionKind::AuthorReplied
        )
    }
}

/// A request to change a message, as it comes from a door: the `action` tag and the
/// action's own fields under their API names (`executor_id`, `justification`, …). A field
/// of another action is refused (`deny_unknown_fields`). Numbers and booleans may come
/// as form strings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Command {
    /// Assign (or reassign) an executor and department.
    Assign {
        /// The executor.
        #[serde(rename = "executor_id")]
        executor: UserId,
        /// Their department (default: the executor's).
        #[serde(rename = "department_id", default)]
        department: Option<DepartmentId>,
    },
    /// Return to the authority as outside our competence, with a justification (§5).
    Return {
        /// Why (required).
        justification: String,
    },
    /// The authority disagrees with a return and sends the message back: to the same
    /// administration, or (a region's deployment) routed to another one by its code.
    SendBack {
        /// Why (required).
        reason: String,
        /// The administration to route it to (`None`: the one that returned it).
        #[serde(default)]
        administration: Option<String>,
    },
    /// Not to be processed (§12).
    Reject {
        /// The ground.
        category: RejectCategory,
        /// Details (optional).
        #[serde(default)]
        reason: String,
    },
    /// Send a draft for approval.
    SubmitDraft {
        /// Kind of answer (default: the final answer).
        #[serde(default)]
        kind: AnswerKind,
        /// The text.
        text: String,
        /// Ids of uploaded files to attach (photo/video evidence, §11).
        #[serde(default)]
        #[cfg_attr(feature = "ssr", schema(value_type = Vec<i64>))]
        attachments: Vec<FileId>,
    },
    /// Approve the draft on approval.
    Approve,
    /// Return the draft for revision with remarks (§8).
    RequestRevision {
        /// The remarks (required).
        remarks: String,
    },
    /// The approved answer was published at `published_at` under `link`.
    Publish {
        /// Link to the published reply.
        link: String,
        /// When it was published: RFC 3339, or local `YYYY-MM-DDTHH:MM` in the
        /// deployment's zone; default now. Not in the future, not before the approval.
        #[serde(default, deserialize_with = "crate::domain::moment::optional")]
        #[cfg_attr(feature = "ssr", schema(value_type = Option<String>))]
        published_at: Option<Moment>,
    },
    /// The author replied to a clarification request.
    AuthorReplied {
        /// The reply.
        text: String,
    },
    /// Mark (or unmark) the message urgent.
    SetUrgent {
        /// Urgent or not.
        #[serde(deserialize_with = "crate::domain::lenient::boolean")]
        urgent: bool,
    },
    /// Link this message to another as the same problem: it joins that message's case
    /// (the other's lead when the other is itself a post of a case).
    Link {
        /// The message to link to.
        #[cfg_attr(feature = "ssr", schema(value_type = i64))]
        to: MessageId,
    },
    /// Unlink this post from its case (until the case's draft is approved).
    Unlink,
    /// Set or change the topic: an active entry of the administration's catalogue.
    SetTopic {
        /// The topic.
        #[serde(rename = "topic_id")]
        #[cfg_attr(feature = "ssr", schema(value_type = i64))]
        topic: TopicId,
    },
}

impl Command {
    /// The action this command takes.
    pub fn kind(&self) -> ActionKind {
        match self {
            Command::Assign { .. } => ActionKind::Assign,
            Command::Return { .. } => ActionKind::Return,
            Command::SendBack { .. } => ActionKind::SendBack,
            Command::Reject { .. } => ActionKind::Reject,
            Command::SubmitDraft { .. } => ActionKind::SubmitDraft,
            Command::Approve => ActionKind::Approve,
            Command::RequestRevision { .. } => ActionKind::RequestRevision,
            Command::Publish { .. } => ActionKind::Publish,
            Command::AuthorReplied { .. } => ActionKind::AuthorReplied,
            Command::SetUrgent { .. } => ActionKind::SetUrgent,
            Command::Link { .. } => ActionKind::Link,
            Command::Unlink => ActionKind::Unlink,
            Command::SetTopic { .. } => ActionKind::SetTopic,
        }
    }
}

/// What a permitted action changes besides the state and the deadlines, with its data
/// (texts trimmed): the service stores exactly this.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// The message was taken in.
    Received,
    /// An executor (and department) was assigned.
    Assigned {
        /// The executor.
        executor: UserId,
        /// The department given (`None`: the executor's).
        department: Option<DepartmentId>,
    },
    /// Returned to the authority (§5).
    Returned {
        /// Why.
        justification: String,
    },
    /// Sent back by the authority.
    SentBack {
        /// Why.
        reason: String,
        /// The code of the administration it was routed to, if another.
        administration: Option<String>,
    },
    /// Not to be processed (§12).
    Rejected {
        /// The ground.
        category: RejectCategory,
        /// Details.
        reason: String,
    },
    /// A draft was sent for approval.
    DraftSubmitted {
        /// Its kind.
        kind: AnswerKind,
        /// Its text.
        text: String,
        /// The files attached.
        attachments: Vec<FileId>,
    },
    /// The draft on approval was approved.
    DraftApproved,
    /// The draft on approval was returned with remarks (§8).
    RevisionRequested {
        /// The remarks.
        remarks: String,
    },
    /// The approved answer was published (§9).
    Published {
        /// Its link.
        link: String,
        /// When.
        published_at: DateTime<Utc>,
    },
    /// The author answered a clarification request.
    AuthorReplied {
        /// The reply.
        text: String,
    },
    /// The urgency was set.
    UrgencySet {
        /// Urgent or not.
        urgent: bool,
    },
    /// Linked to the message `to` (the service finds the case's lead, `domain::case::link`).
    Linked {
        /// The message named.
        to: MessageId,
    },
    /// Unlinked from the case of `lead`.
    Unlinked {
        /// The case's lead.
        lead: MessageId,
    },
    /// The topic was set.
    TopicSet {
        /// The catalogue's entry.
        topic: TopicId,
    },
}

impl Change {
    /// What the journal records of it (the service adds what only the database knows:
    /// names, draft numbers, the state before).
    pub fn details(&self) -> serde_json::Value {
        use serde_json::json;
        match self {
            Change::Received => json!({}),
            Change::DraftApproved => json!({ "decision": "approved" }),
            Change::Assigned {
                executor,
                department,
            } => json!({ "after": { "assignee": executor, "department": department } }),
            Change::Returned { justification } => json!({ "justification": justification }),
            Change::SentBack {
                reason,
                administration: None,
            } => json!({ "reason": reason }),
            Change::SentBack {
                reason,
                administration: Some(to),
            } => json!({ "reason": reason, "administration": { "to": to } }),
            Change::Rejected { category, reason } => {
                json!({ "category": category, "reason": reason })
            }
            Change::DraftSubmitted {
                kind, attachments, ..
            } => json!({ "kind": kind, "attachments": attachments }),
            Change::RevisionRequested { remarks } => {
                json!({ "decision": "returned", "remarks": remarks })
            }
            Change::Published { link, published_at } => {
                json!({ "link": link, "published_at": published_at })
            }
            Change::AuthorReplied { text } => json!({ "reply": text }),
            Change::UrgencySet { urgent } => json!({ "after": { "urgent": urgent } }),
            Change::Linked { to } => json!({ "to": to }),
            Change::Unlinked { lead } => json!({ "lead": lead }),
            Change::TopicSet { topic } => json!({ "after": { "topic_id": topic } }),
        }
    }
}

/// The outcome of a permitted command.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// The action taken.
    pub action: ActionKind,
    /// State before (`None`: the message is being taken in).
    pub from: Option<MessageState>,
    /// State after.
    pub to: MessageState,
    /// What the action changes besides the state and the deadlines.
    pub change: Change,
    /// Deadlines started or closed.
    pub effects: Vec<DeadlineEffect>,
    /// Who was responsible before the action (recorded on the deadlines it closes).
    pub responsible_before: Responsible,
    /// Who is responsible after it (recorded on the deadlines it starts).
    pub responsible_after: Responsible,
}

/// Why a command is refused (messages in Russian for the UI).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum TransitionError {
    /// The role may not take this action at all.
    #[error("Роль «{role}» не может выполнить действие «{action}»", role = .role.label(), action = .action.label())]
    RoleForbidden {
        /// The role.
        role: Role,
        /// The action.
        action: ActionKind,
    },
    /// An executor acting on a message not assigned to them.
    #[error("Сообщение назначено другому исполнителю")]
    NotAssignee,
    /// The action is not possible in the current state.
    #[error("Действие «{action}» невозможно в состоянии «{state}»", action = .action.label(), state = .state.label())]
    WrongState {
        /// The action.
        action: ActionKind,
        /// The current state.
        state: MessageState,
    },
    /// Bad input.
    #[error("{message}")]
    Invalid {
        /// The field at fault.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// A rule of cases (issue 21).
    #[error("{0}")]
    Case(#[from] CaseError),
}

/// Maximum length of free-text reasons and remarks.
pub const MAX_REASON_CHARS: usize = 4000;
/// Maximum length of a draft text (a network's own limit is checked by the service).
pub const MAX_DRAFT_CHARS: usize = 20_000;

/// Checks whether `actor` may take `action` on a message in `view` (role, assignment, state).
pub fn permitted(
    view: &MessageView,
    action: ActionKind,
    actor: &Actor,
) -> Result<(), TransitionError> {
    // A deactivated executor's message is handed over by the admin (issue 22).
    let handover = action == ActionKind::Assign
        && actor.role == Role::Admin
        && view.assignee.is_some()
        && !view.assignee_active;
    if !handover && !action.roles().contains(&actor.role) {
        return Err(TransitionError::RoleForbidden {
            role: actor.role,
            action,
        });
    }
    // A post's draft is its lead's: said before anything about its state.
    crate::domain::case::allows(action, view.case)?;
    if actor.role == Role::Executor
        && action.needs_assignee()
        && (actor.user.is_none() || view.assignee != actor.user)
    {
        return Err(TransitionError::NotAssignee);
    }
    // A handover follows the message wherever it is still open: on approval and approved
    // too, where nobody else could take the executor's place.
    let handed_over = handover && view.state.is_active();
    if !handed_over && !action.from_states().contains(&view.state) {
        return Err(TransitionError::WrongState {
            action,
            state: view.state,
        });
    }
    Ok(())
}

/// The actions `actor` may take now (for the UI's buttons).
pub fn available_actions(view: &MessageView, actor: &Actor) -> Vec<ActionKind> {
    ActionKind::ALL
        .into_iter()
        .filter(|a| *a != ActionKind::Intake && permitted(view, *a, actor).is_ok())
        // A lead is not offered to be linked (`case::link` would refuse it).
        .filter(|a| !(*a == ActionKind::Link && matches!(view.case, Membership::Lead { .. })))
        .collect()
}

fn required(field: &str, value: &str, what: &str, max: usize) -> Result<(), TransitionError> {
    let n = value.trim().chars().count();
    if n == 0 {
        return Err(TransitionError::Invalid {
            field: field.into(),
            message: format!("Укажите {what}"),
        });
    }
    if n > max {
        return Err(TransitionError::Invalid {
            field: field.into(),
            message: format!("Слишком длинный текст: {n} символов, допустимо не больше {max}"),
        });
    }
    Ok(())
}

/// The deadlines started when a message is taken in (intake): `return_by` from receipt,
/// `draft_by` and `answer_by` from detection.
pub fn intake_effects(
    detected_at: DateTime<Utc>,
    received_at: DateTime<Utc>,
) -> Vec<DeadlineEffect> {
    vec![
        DeadlineEffect::Start(DeadlineRule::ReturnBy, received_at),
        DeadlineEffect::Start(DeadlineRule::DraftBy, detected_at),
        DeadlineEffect::Start(DeadlineRule::AnswerBy, detected_at),
    ]
}

/// Decides a command: the new state and deadline effects, or a typed refusal.
///
/// The deadline rules (SPEC "Workflow", issue 14):
/// - `return_by` is the coordinator's decision window while the message is `new`; taking
///   the message into work closes it as accepted (met). A later return by the executor is
///   judged against its original due.
/// - Return and §12 rejection cancel every running deadline (a rejection is not judged
///   against `return_by`: it is not a return); `send_back` starts a fresh `return_by`,
///   `draft_by` and `answer_by`.
/// - Urgency supersedes the running `draft_by` and `answer_by`, never moves them.
/// - Only the first intermediate answer published starts `final_draft_by` (§10); only a
///   final draft completes it.
pub fn decide(
    view: &MessageView,
    cmd: &Command,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Decision, TransitionError> {
    use DeadlineEffect::{Accept, CancelRunning, Complete, Judge, Start, Supersede};
    use DeadlineRule::*;
    use MessageState::*;
    let action = cmd.kind();
    permitted(view, action, actor)?;
    let mut assignee = view.assignee;
    let trimmed = |s: &str| s.trim().to_owned();
    let (to, change, effects) = match cmd {
        Command::Assign {
            executor,
            department,
        } => {
            assignee = Some(*executor);
            let change = Change::Assigned {
                executor: *executor,
                department: *department,
            };
            if view.state == New {
                (InWork, change, vec![Accept(ReturnBy, now)])
            } else {
                (view.state, change, vec![])
            }
        }
        Command::Return { justification } => {
            required(
                "justification",
                justification,
                "обоснование возврата",
                MAX_REASON_CHARS,
            )?;
            let judged = if view.state == New {
                Complete(ReturnBy, now)
            } else {
                Judge(ReturnBy, now)
            };
            let change = Change::Returned {
                justification: trimmed(justification),
            };
            (Returned, change, vec![judged, CancelRunning(now)])
        }
        Command::SendBack {
            reason,
            administration,
        } => {
            required(
                "reason",
                reason,
                "причину повторного направления",
                MAX_REASON_CHARS,
            )?;
            // Received anew: the time spent with the other body is not ours.
            (
                New,
                Change::SentBack {
                    reason: trimmed(reason),
                    administration: administration
                        .as_deref()
                        .map(str::trim)
                        .filter(|a| !a.is_empty())
                        .map(str::to_lowercase),
                },
                vec![
                    Start(ReturnBy, now),
                    Start(DraftBy, now),
                    Start(AnswerBy, now),
                ],
            )
        }
        Command::Reject { category, reason } => {
            if reason.chars().count() > MAX_REASON_CHARS {
                return Err(TransitionError::Invalid {
                    field: "reason".into(),
                    message: "Слишком длинное пояснение".into(),
                });
            }
            let change = Change::Rejected {
                category: *category,
                reason: trimmed(reason),
            };
            (Rejected, change, vec![CancelRunning(now)])
        }
        Command::SubmitDraft {
            kind,
            text,
            attachments,
        } => {
            required("text", text, "текст ответа", MAX_DRAFT_CHARS)?;
            let mut effects = match view.state {
                Revision => vec![Complete(RevisionBy, now)],
                InWork => vec![Complete(DraftBy, now)],
                _ => vec![],
            };
            // §10: the final draft after an intermediate answer; a further intermediate
            // answer or a clarification leaves the 7 working days running.
            if *kind == AnswerKind::Final {
                effects.push(Complete(FinalDraftBy, now));
            }
            let change = Change::DraftSubmitted {
                kind: *kind,
                text: trimmed(text),
                attachments: attachments.clone(),
            };
            (OnApproval, change, effects)
        }
        Command::Approve => (Approved, Change::DraftApproved, vec![Start(PublishBy, now)]),
        Command::RequestRevision { remarks } => {
            required("remarks", remarks, "замечания", MAX_REASON_CHARS)?;
            let change = Change::RevisionRequested {
                remarks: trimmed(remarks),
            };
            (Revision, change, vec![Start(RevisionBy, now)])
        }
        Command::Publish { link, published_at } => {
            validate_link(link, view.network, &view.link_hosts)?;
            let at = match published_at {
                None => now,
                Some(m) => m.resolve(view.tz).ok_or_else(|| TransitionError::Invalid {
                    field: "published_at".into(),
                    message: "Такого местного времени не было (перевод часов)".into(),
                })?,
            };
            if at > now {
                return Err(TransitionError::Invalid {
                    field: "published_at".into(),
                    message: "Время размещения не может быть в будущем".into(),
                });
            }
            if view.approved_at.is_some_and(|a| at < a) {
                return Err(TransitionError::Invalid {
                    field: "published_at".into(),
                    message: "Время размещения раньше согласования".into(),
                });
            }
            let mut effects = vec![Complete(PublishBy, at), Complete(AnswerBy, at)];
            let to = match view.draft_kind.unwrap_or(AnswerKind::Final) {
                AnswerKind::Final => Answered,
                AnswerKind::Intermediate => {
                    if !view.final_draft_started {
                        effects.push(Start(FinalDraftBy, at));
                    }
                    AwaitingFinal
                }
                AnswerKind::Clarification => AwaitingAuthor,
            };
            let change = Change::Published {
                link: trimmed(link),
                published_at: at,
            };
            (to, change, effects)
        }
        Command::AuthorReplied { text } => {
            required("text", text, "ответ автора", MAX_DRAFT_CHARS)?;
            // The clock paused while waiting; a new pair starts now.
            let change = Change::AuthorReplied {
                text: trimmed(text),
            };
            (
                InWork,
                change,
                vec![Start(DraftBy, now), Start(AnswerBy, now)],
            )
        }
        Command::SetUrgent { urgent } => {
            let effects = if *urgent != view.urgent {
                DeadlineRule::ALL
                    .into_iter()
                    .filter(|r| r.follows_priority())
                    .map(|r| Supersede(r, now))
                    .collect()
            } else {
                vec![]
            };
            (view.state, Change::UrgencySet { urgent: *urgent }, effects)
        }
        // Linking changes no state and no deadline: each post keeps its own.
        Command::Link { to } => (view.state, Change::Linked { to: *to }, vec![]),
        Command::SetTopic { topic } => (view.state, Change::TopicSet { topic: *topic }, vec![]),
        Command::Unlink => {
            let crate::domain::case::Membership::Post { lead } = view.case else {
                return Err(CaseError::NotLinked.into());
            };
            (view.state, Change::Unlinked { lead }, vec![])
        }
    };
    let after = MessageView {
        state: to,
        assignee,
        assignee_active: true,
        ..view.clone()
    };
    Ok(Decision {
        action,
        from: Some(view.state),
        to,
        change,
        effects,
        responsible_before: view.responsible(),
        responsible_after: after.responsible(),
    })
}

/// Decides taking a message in (intake): who may, and the deadlines that start —
/// `return_by` from receipt, `draft_by` and `answer_by` from detection.
pub fn decide_intake(
    actor: &Actor,
    detected_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Decision, TransitionError> {
    if !ActionKind::Intake.roles().contains(&actor.role) {
        return Err(TransitionError::RoleForbidden {
            role: actor.role,
            action: ActionKind::Intake,
        });
    }
    Ok(Decision {
        action: ActionKind::Intake,
        from: None,
        to: MessageState::New,
        change: Change::Received,
        effects: intake_effects(detected_at, now),
        responsible_before: Responsible::Coordinators,
        responsible_after: Responsible::Coordinators,
    })
}

/// §9: a published reply's link is an `https` address of the message's network (`hosts`,
/// a setting per network; empty: any `https` address).
pub fn validate_link(
    link: &str,
    network: Network,
    hosts: &[String],
) -> Result<(), TransitionError> {
    if crate::domain::network::link_on_hosts(link, hosts) {
        return Ok(());
    }
    let message = if hosts.is_empty() {
        "Укажите ссылку на размещённый ответ: адрес, начинающийся с https://".to_owned()
    } else {
        format!(
            "Ссылка на размещённый ответ должна быть адресом сети {} ({}) и начинаться с https://",
            network.label(),
            hosts.join(", ")
        )
    };
    Err(TransitionError::Invalid {
        field: "link".into(),
        message,
    })
}

#[cfg(test)]
#[path = "workflow_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "workflow_deadlines_tests.rs"]
mod deadline_tests;
