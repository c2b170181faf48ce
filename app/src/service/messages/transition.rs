//! Workflow actions: load the message and its deadline ledger, let `decide` rule and
//! `deadline::apply` carry out its effects, then write state, drafts, publications,
//! deadlines and the journal in one transaction.

use super::{begin_write, Caller, STALE_VERSION};
use crate::domain::administration::route;
use crate::domain::case::{self, Membership, Post};
use crate::domain::deadline::{self, Deadline, DeadlineNote, DeadlineRule, Priority};
use crate::domain::ids::{AdministrationId, DepartmentId, FileId, MessageId, UserId};
use crate::domain::network::{Network, NetworkLimits};
use crate::domain::role::Role;
use crate::domain::workflow::{
    decide, Actor, AnswerKind, Change, Command, Decision, MessageState, MessageView,
};
use crate::error::AppError;
use crate::on_tx;
use crate::service::ctx::Ctx;
use crate::service::db::Tx;
use chrono::{DateTime, Utc};

#[derive(sqlx::FromRow)]
struct Row {
    administration_id: AdministrationId,
    state: MessageState,
    network: Network,
    assignee_id: Option<UserId>,
    assignee_active: bool,
    department_id: Option<DepartmentId>,
    urgent: bool,
    version: i64,
    draft_id: Option<i64>,
    draft_kind: Option<AnswerKind>,
    approved_at: Option<DateTime<Utc>>,
    case_lead_id: Option<MessageId>,
    case_posts: i64,
}

impl Row {
    /// What the case rules read of message `id`.
    fn post(&self, id: MessageId) -> Post {
        Post {
            id,
            state: self.state,
            administration: self.administration_id,
            lead: self.case_lead_id,
            followers: usize::try_from(self.case_posts).unwrap_or_default(),
        }
    }

    /// What `decide` reads of the stored message, in its administration's `ctx`.
    fn view(&self, ctx: &Ctx, final_draft_started: bool) -> MessageView {
        MessageView {
            state: self.state,
            network: self.network,
            tz: ctx.tz(),
            link_hosts: ctx.settings.link_hosts.get(self.network),
            assignee: self.assignee_id,
            assignee_active: self.assignee_active,
            department: self.department_id,
            urgent: self.urgent,
            draft_kind: self.draft_kind,
            approved_at: self.approved_at,
            final_draft_started,
            case: Membership::of(self.case_lead_id, self.case_posts),
        }
    }
}

/// Message `id` for an action, if it is of an administration the caller acts on.
async fn load(tx: &mut Tx, caller: &Caller, id: MessageId) -> Result<Row, AppError> {
    on_tx!(tx, c => sqlx::query_as(
        "SELECT m.administration_id, m.state, m.network, m.assignee_id, m.department_id, m.urgent, m.version, \
                COALESCE((SELECT u.active FROM users u WHERE u.id = m.assignee_id), TRUE) AS assignee_active, \
                m.case_lead_id, m.case_posts, d.id AS draft_id, d.kind AS draft_kind, \
                CASE WHEN d.decision = 'approved' THEN d.decided_at END AS approved_at \
         FROM messages m \
         LEFT JOIN drafts d ON d.id = (SELECT MAX(id) FROM drafts WHERE message_id = m.id) \
         WHERE m.id = $1 AND ($2 IS NULL OR m.administration_id = $2)",
    )
    .bind(id)
    .bind(caller.scope().only())
    .fetch_optional(c)
    .await)?
    .ok_or_else(|| super::query::not_found(id))
}

/// What publishing message `id` through a network needs, once `caller` may publish it now.
pub(crate) struct Publishable {
    /// Its administration.
    pub administration_id: AdministrationId,
    /// Its network.
    pub network: Network,
    /// The post's link.
    pub url: String,
    /// The approved draft.
    pub draft_id: i64,
    /// When it was approved.
    pub approved_at: Option<DateTime<Utc>>,
}

/// Checks, as `decide` would, that `caller` may publish message `id` (seen at
/// `expected_version`) now, without publishing it.
pub(crate) async fn publishable(
    tx: &mut Tx,
    ctx: &Ctx,
    id: MessageId,
    expected_version: Option<i64>,
    caller: &Caller,
) -> Result<Publishable, AppError> {
    let row = load(tx, caller, id).await?;
    if expected_version.is_some_and(|v| v != row.version) {
        return Err(AppError::Conflict(STALE_VERSION.to_owned()));
    }
    let ctx = &ctx.in_administration(row.administration_id);
    let view = row.view(ctx, false);
    let actor = Actor {
        user: caller.user,
        role: caller.role,
    };
    crate::domain::workflow::permitted(
        &view,
        crate::domain::workflow::ActionKind::Publish,
        &actor,
    )?;
    let draft_id = row
        .draft_id
        .ok_or_else(|| AppError::Conflict("Нет согласованного проекта ответа".into()))?;
    let url: String = on_tx!(tx, c => sqlx::query_scalar("SELECT url FROM messages WHERE id = $1")
        .bind(id)
        .fetch_one(c)
        .await)?;
    Ok(Publishable {
        administration_id: row.administration_id,
        network: row.network,
        url,
        draft_id,
        approved_at: row.approved_at,
    })
}

/// Appends a journal event.
pub(crate) async fn journal(
    tx: &mut Tx,
    id: MessageId,
    at: DateTime<Utc>,
    caller: &Caller,
    decision: &Decision,
    details: serde_json::Value,
) -> Result<(), AppError> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO journal (message_id, at, actor_id, actor_label, action, from_state, to_state, details) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(at)
    .bind(caller.user)
    .bind(&caller.label)
    .bind(decision.action.as_str())
    .bind(decision.from)
    .bind(decision.to)
    .bind(details.to_string())
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Carries out `decision`'s deadline effects on the message's `ledger`, stores what
/// changed and the message's list keys; returns the journal's notes.
pub(crate) async fn settle_deadlines(
    tx: &mut Tx,
    ctx: &Ctx,
    id: MessageId,
    ledger: &mut Vec<Deadline>,
    decision: &Decision,
    urgent: bool,
) -> Result<Vec<DeadlineNote>, AppError> {
    let before = ledger.clone();
    let notes = deadline::apply(
        ledger,
        &decision.effects,
        &deadline::Context {
            priority: if urgent {
                Priority::Urgent
            } else {
                Priority::Normal
            },
            settings: &ctx.settings.deadlines,
            cal: &ctx.cal,
            before: decision.responsible_before,
            after: decision.responsible_after,
        },
    )?;
    super::deadlines::store(tx, id, &before, ledger).await?;
    let percent = ctx.settings.alerts.due_soon_percent;
    super::keys::store(tx, id, decision.to, ledger, percent, &ctx.cal).await?;
    Ok(notes)
}

/// Takes `cmd` on message `id` at `ctx.now`. `expected_version`, when given, must be the
/// current version (a stale one is a conflict). Returns the new version.
///
/// One transaction: `decide` rules on the message as stored; the service persists what
/// it returns — the change (assignee, draft, decision, publication, urgency), the
/// deadlines closed and started (outcomes computed once with `ctx.cal`), the state, the
/// list keys, and the journal event that records all of it.
pub async fn act(
    ctx: &Ctx,
    id: MessageId,
    expected_version: Option<i64>,
    cmd: Command,
    caller: &Caller,
) -> Result<i64, AppError> {
    let mut tx = begin_write(&ctx.pool).await?;
    let version = act_in(&mut tx, ctx, id, expected_version, cmd, caller).await?;
    tx.commit().await?;
    crate::service::events::committed();
    Ok(version)
}

/// [`act`] inside the open writing transaction `tx` (committed by the caller, who then
/// calls `events::committed`).
pub async fn act_in(
    tx: &mut Tx,
    ctx: &Ctx,
    id: MessageId,
    expected_version: Option<i64>,
    cmd: Command,
    caller: &Caller,
) -> Result<i64, AppError> {
    act_in_noting(tx, ctx, id, expected_version, cmd, caller, None).await
}

/// [`act_in`], with `note`'s keys added to the journal event's details: what the service
/// knows beyond the command (the network an answer went through).
pub(crate) async fn act_in_noting(
    tx: &mut Tx,
    ctx: &Ctx,
    id: MessageId,
    expected_version: Option<i64>,
    cmd: Command,
    caller: &Caller,
    note: Option<serde_json::Map<String, serde_json::Value>>,
) -> Result<i64, AppError> {
    act_one(tx, ctx, id, expected_version, cmd, caller, note, None).await
}

/// One action on one message. `echo_of`: the action is its lead's, carried to this post
/// of the lead's case (ruled as on a message alone; the journal names the lead).
#[allow(clippy::too_many_arguments)]
async fn act_one(
    tx: &mut Tx,
    ctx: &Ctx,
    id: MessageId,
    expected_version: Option<i64>,
    cmd: Command,
    caller: &Caller,
    note: Option<serde_json::Map<String, serde_json::Value>>,
    echo_of: Option<MessageId>,
) -> Result<i64, AppError> {
    let now = ctx.now;
    let row = load(tx, caller, id).await?;
    // The message's administration's calendar and settings rule it.
    let ctx = &ctx.in_administration(row.administration_id);
    if expected_version.is_some_and(|v| v != row.version) {
        return Err(AppError::Conflict(STALE_VERSION.to_owned()));
    }
    let mut ledger = super::deadlines::load(tx, id).await?;
    let mut view = row.view(
        ctx,
        ledger.iter().any(|d| d.rule == DeadlineRule::FinalDraftBy),
    );
    if echo_of.is_some() {
        view.case = Membership::Alone;
    }
    let actor = Actor {
        user: caller.user,
        role: caller.role,
    };
    let decision = decide(&view, &cmd, &actor, now)?;
    if let Change::DraftSubmitted {
        text, attachments, ..
    } = &decision.change
    {
        check_answer_format(row.network, text, attachments.len(), &ctx.settings.limits)?;
    }
    let (mut details, urgent) = persist(tx, ctx, id, &row, &decision.change, caller).await?;
    let notes = settle_deadlines(tx, ctx, id, &mut ledger, &decision, urgent).await?;
    if !notes.is_empty() {
        details["deadlines"] = serde_json::to_value(&notes).map_err(|e| {
            tracing::error!(error = %e, "cannot serialise deadline notes");
            AppError::Internal
        })?;
    }
    let done = on_tx!(tx, c => sqlx::query("UPDATE messages SET state = $1, urgent = $2, version = version + 1 WHERE id = $3 AND version = $4")
        .bind(decision.to)
        .bind(urgent)
        .bind(id)
        .bind(row.version)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    if done != 1 {
        return Err(AppError::Conflict(STALE_VERSION.to_owned()));
    }
    for (key, value) in note.into_iter().flatten() {
        details[key] = value;
    }
    if let Some(lead) = echo_of {
        details["case"] = serde_json::json!(lead);
    }
    journal(tx, id, now, caller, &decision, details).await?;
    let mut version = row.version + 1;
    match &decision.change {
        // The case's executor, draft and approval, once: carried to each post.
        _ if echo_of.is_none() && row.case_posts > 0 && case::mirrored(decision.action) => {
            carry(tx, ctx, id, &cmd, caller).await?;
        }
        Change::Linked { .. } => {
            version = catch_up(tx, ctx, id, version, caller).await?;
        }
        _ => {}
    }
    Ok(version)
}

/// Carries the lead's `cmd` to each post of its case; a post that cannot follow (its
/// network's limits, its state) refuses the whole action, named.
async fn carry(
    tx: &mut Tx,
    ctx: &Ctx,
    lead: MessageId,
    cmd: &Command,
    caller: &Caller,
) -> Result<(), AppError> {
    let posts: Vec<MessageId> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT id FROM messages WHERE case_lead_id = $1 ORDER BY id",
    )
    .bind(lead)
    .fetch_all(c)
    .await)?;
    for post in posts {
        let cmd = match cmd {
            Command::SubmitDraft {
                kind,
                text,
                attachments,
            } => Command::SubmitDraft {
                kind: *kind,
                text: text.clone(),
                attachments: copy_files(tx, attachments, post).await?,
            },
            other => other.clone(),
        };
        Box::pin(act_one(tx, ctx, post, None, cmd, caller, None, Some(lead)))
            .await
            .map_err(|e| about_post(post, e))?;
    }
    Ok(())
}

/// Brings a post just linked to where its lead is: the lead's executor, and the lead's
/// draft when it is on approval. Returns the post's version after.
async fn catch_up(
    tx: &mut Tx,
    ctx: &Ctx,
    post: MessageId,
    mut version: i64,
    caller: &Caller,
) -> Result<i64, AppError> {
    let lead: MessageId = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT case_lead_id FROM messages WHERE id = $1",
    )
    .bind(post)
    .fetch_one(c)
    .await)?;
    let (state, assignee, department): (MessageState, Option<UserId>, Option<DepartmentId>) = on_tx!(tx, c => sqlx::query_as(
            "SELECT state, assignee_id, department_id FROM messages WHERE id = $1",
        )
        .bind(lead)
        .fetch_one(c)
        .await)?;
    let (own_state, own_assignee): (MessageState, Option<UserId>) = on_tx!(tx, c => sqlx::query_as(
        "SELECT state, assignee_id FROM messages WHERE id = $1",
    )
    .bind(post)
    .fetch_one(c)
    .await)?;
    let mut steps = Vec::new();
    if let Some(executor) =
        assignee.filter(|a| own_assignee != Some(*a) || own_state == MessageState::New)
    {
        steps.push(Command::Assign {
            executor,
            department,
        });
    }
    if state == MessageState::OnApproval {
        let (kind, text, draft): (AnswerKind, String, i64) = on_tx!(tx, c => sqlx::query_as(
            "SELECT kind, text, id FROM drafts WHERE message_id = $1 ORDER BY number DESC LIMIT 1",
        )
        .bind(lead)
        .fetch_one(c)
        .await)?;
        let files: Vec<FileId> = on_tx!(tx, c => sqlx::query_scalar(
            "SELECT id FROM attachments WHERE draft_id = $1 ORDER BY id",
        )
        .bind(draft)
        .fetch_all(c)
        .await)?;
        steps.push(Command::SubmitDraft {
            kind,
            text,
            attachments: copy_files(tx, &files, post).await?,
        });
    }
    for cmd in steps {
        version = Box::pin(act_one(tx, ctx, post, None, cmd, caller, None, Some(lead))).await?;
    }
    Ok(version)
}

/// Copies the lead's attached `files` to `post` (the same stored content), for its own
/// draft; returns the copies' ids.
async fn copy_files(
    tx: &mut Tx,
    files: &[FileId],
    post: MessageId,
) -> Result<Vec<FileId>, AppError> {
    let mut copies = Vec::with_capacity(files.len());
    for file in files {
        let copy: Option<FileId> = on_tx!(tx, c => sqlx::query_scalar(
            "INSERT INTO attachments (message_id, draft_id, sha256, mime, size, original_name, uploaded_by, uploaded_at) \
             SELECT $1, NULL, sha256, mime, size, original_name, uploaded_by, uploaded_at \
             FROM attachments WHERE id = $2 RETURNING id",
        )
        .bind(post)
        .bind(file)
        .fetch_optional(c)
        .await)?;
        copies.extend(copy);
    }
    Ok(copies)
}

/// A post's refusal during its lead's action, naming the post.
fn about_post(post: MessageId, e: AppError) -> AppError {
    let named = |m: String| format!("Пост №{post}: {m}");
    match e {
        AppError::Validation { field, message } => AppError::Validation {
            field,
            message: named(message),
        },
        AppError::Conflict(m) => AppError::Conflict(named(m)),
        AppError::Forbidden(m) => AppError::Forbidden(named(m)),
        other => other,
    }
}

/// What the case rules read of message `id` (any administration's: linking across
/// administrations is refused by the rule, in words).
async fn post_of(tx: &mut Tx, id: MessageId) -> Result<Post, AppError> {
    let row: Option<(MessageState, AdministrationId, Option<MessageId>, i64)> = on_tx!(tx, c => sqlx::query_as(
            "SELECT state, administration_id, case_lead_id, case_posts FROM messages WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(c)
        .await)?;
    let (state, administration, lead, posts) =
        row.ok_or_else(|| AppError::validation("to", format!("Сообщение №{id} не найдено")))?;
    Ok(Post {
        id,
        state,
        administration,
        lead,
        followers: usize::try_from(posts).unwrap_or_default(),
    })
}

/// Records a link or an unlink on the case's lead: its post count, its version, and its
/// journal (the post named).
async fn note_on_lead(
    tx: &mut Tx,
    ctx: &Ctx,
    lead: MessageId,
    post: MessageId,
    change: Change,
    caller: &Caller,
) -> Result<(), AppError> {
    let delta: i64 = if matches!(change, Change::Linked { .. }) {
        1
    } else {
        -1
    };
    let state: MessageState = on_tx!(tx, c => sqlx::query_scalar(
        "UPDATE messages SET case_posts = case_posts + $1, version = version + 1 WHERE id = $2 RETURNING state",
    )
    .bind(delta)
    .bind(lead)
    .fetch_one(c)
    .await)?;
    let decision = case::on_lead(state, change);
    journal(
        tx,
        lead,
        ctx.now,
        caller,
        &decision,
        serde_json::json!({ "post": post }),
    )
    .await
}

/// Stores what the change carries (assignee, draft, decision, publication, urgency) and
/// returns the journal details with what only the database knows, and the urgency after.
async fn persist(
    tx: &mut Tx,
    ctx: &Ctx,
    id: MessageId,
    row: &Row,
    change: &Change,
    caller: &Caller,
) -> Result<(serde_json::Value, bool), AppError> {
    let now = ctx.now;
    let mut details = change.details();
    let mut urgent = row.urgent;
    match change {
        Change::Assigned {
            executor,
            department,
        } => {
            // The executor and the department are of the message's administration.
            let target: Option<(Role, Option<DepartmentId>, String)> = on_tx!(tx, c => sqlx::query_as(
                "SELECT role, department_id, full_name FROM users \
                 WHERE id = $1 AND active = TRUE AND administration_id = $2",
            )
            .bind(executor)
            .bind(row.administration_id)
            .fetch_optional(c)
            .await)?;
            let Some((Role::Executor, user_department, name)) = target else {
                return Err(AppError::validation(
                    "executor_id",
                    "Выберите исполнителя из списка",
                ));
            };
            if let Some(d) = department {
                let ours: Option<i64> = on_tx!(tx, c => sqlx::query_scalar(
                    "SELECT id FROM departments WHERE id = $1 AND administration_id = $2",
                )
                .bind(d)
                .bind(row.administration_id)
                .fetch_optional(c)
                .await)?;
                if ours.is_none() {
                    return Err(AppError::validation(
                        "department_id",
                        "Выберите отдел из списка",
                    ));
                }
            }
            let department = department.or(user_department);
            on_tx!(tx, c => sqlx::query("UPDATE messages SET assignee_id = $1, department_id = $2 WHERE id = $3")
                .bind(executor)
                .bind(department)
                .bind(id)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
            details["before"] =
                serde_json::json!({ "assignee": row.assignee_id, "department": row.department_id });
            details["after"]["department"] = serde_json::json!(department);
            details["after"]["assignee_name"] = serde_json::json!(name);
            details["assignee_name"] = serde_json::json!(name);
        }
        Change::DraftSubmitted {
            kind,
            text,
            attachments,
        } => {
            let number: i64 = on_tx!(tx, c => sqlx::query_scalar(
                "SELECT COALESCE(MAX(number), 0) + 1 FROM drafts WHERE message_id = $1",
            )
            .bind(id)
            .fetch_one(c)
            .await)?;
            let draft_id: i64 = on_tx!(tx, c => sqlx::query_scalar(
                "INSERT INTO drafts (message_id, number, kind, text, submitted_at, submitted_by) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(id)
            .bind(number)
            .bind(kind)
            .bind(text)
            .bind(now)
            .bind(caller.user)
            .fetch_one(c)
            .await)?;
            attach(tx, id, draft_id, attachments).await?;
            details["draft"] = serde_json::json!(number);
        }
        Change::DraftApproved | Change::RevisionRequested { .. } => {
            let (decision, remarks) = match change {
                Change::RevisionRequested { remarks } => ("returned", Some(remarks.as_str())),
                _ => ("approved", None),
            };
            on_tx!(tx, c => sqlx::query("UPDATE drafts SET decision = $1, remarks = $2, decided_by = $3, decided_at = $4 WHERE id = $5")
                .bind(decision)
                .bind(remarks)
                .bind(caller.user)
                .bind(now)
                .bind(row.draft_id)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
        }
        Change::Published { link, published_at } => {
            let draft_id = row
                .draft_id
                .ok_or_else(|| AppError::Conflict("Нет согласованного проекта ответа".into()))?;
            on_tx!(tx, c => sqlx::query(
                "INSERT INTO publications (message_id, draft_id, link, published_at, published_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(draft_id)
            .bind(link)
            .bind(published_at)
            .bind(caller.user)
            .bind(now)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        }
        Change::UrgencySet { urgent: u } => {
            urgent = *u;
            details["before"] = serde_json::json!({ "urgent": row.urgent });
        }
        Change::SentBack {
            administration: Some(code),
            ..
        } => {
            // Routed to another administration (the region's authority): the message
            // leaves the one that returned it, with its journal; nobody there holds it.
            let known = &ctx.settings.administrations;
            let to = route(caller.scope(), Some(code), known)?;
            if to == row.administration_id {
                return Err(AppError::validation(
                    "administration",
                    "Сообщение уже в этой администрации: выберите другую или оставьте поле пустым",
                ));
            }
            on_tx!(tx, c => sqlx::query(
                "UPDATE messages SET administration_id = $1, assignee_id = NULL, department_id = NULL \
                 WHERE id = $2",
            )
            .bind(to)
            .bind(id)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
            let from = known
                .iter()
                .find(|k| k.id == row.administration_id)
                .map(|k| k.code.clone());
            details["administration"]["from"] = serde_json::json!(from);
        }
        Change::Linked { to } => {
            let post = row.post(id);
            let to = post_of(tx, *to).await?;
            let to_lead = match to.lead {
                Some(l) => Some(post_of(tx, l).await?),
                None => None,
            };
            let lead = case::link(&post, &to, to_lead.as_ref())?;
            on_tx!(tx, c => sqlx::query("UPDATE messages SET case_lead_id = $1 WHERE id = $2")
                .bind(lead)
                .bind(id)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
            note_on_lead(tx, ctx, lead, id, change.clone(), caller).await?;
            details["lead"] = serde_json::json!(lead);
        }
        Change::Unlinked { lead } => {
            case::unlink(&row.post(id), &post_of(tx, *lead).await?)?;
            on_tx!(tx, c => sqlx::query("UPDATE messages SET case_lead_id = NULL WHERE id = $1")
                .bind(id)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
            note_on_lead(tx, ctx, *lead, id, change.clone(), caller).await?;
        }
        Change::TopicSet { topic } => {
            let name: Option<String> = on_tx!(tx, c => sqlx::query_scalar(
                "SELECT name FROM topics WHERE id = $1 AND administration_id = $2 AND active = TRUE",
            )
            .bind(topic)
            .bind(row.administration_id)
            .fetch_optional(c)
            .await)?;
            let name = name
                .ok_or_else(|| AppError::validation("topic_id", "Выберите тему из справочника"))?;
            let before: Option<String> = on_tx!(tx, c => sqlx::query_scalar(
                "SELECT COALESCE(t.name, m.topic) FROM messages m LEFT JOIN topics t ON t.id = m.topic_id \
                 WHERE m.id = $1",
            )
            .bind(id)
            .fetch_one(c)
            .await)?;
            on_tx!(tx, c => sqlx::query("UPDATE messages SET topic_id = $1 WHERE id = $2")
                .bind(topic)
                .bind(id)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
            details["before"] = serde_json::json!({ "topic": before });
            details["after"]["topic"] = serde_json::json!(name);
            details["topic"] = serde_json::json!(name);
        }
        Change::Received
        | Change::Returned { .. }
        | Change::SentBack { .. }
        | Change::Rejected { .. }
        | Change::AuthorReplied { .. } => {}
    }
    Ok((details, urgent))
}

/// The answer fits the network (§11): length in characters and number of media files.
fn check_answer_format(
    network: Network,
    text: &str,
    media: usize,
    limits: &NetworkLimits,
) -> Result<(), AppError> {
    let limit = limits.get(network);
    let chars = text.trim().chars().count();
    let max = limit.max_chars_with(media);
    if chars > max as usize {
        let what = if max < limit.max_chars {
            "Подпись к фото или видео длиннее допустимой"
        } else {
            "Ответ длиннее допустимого"
        };
        return Err(AppError::validation(
            "text",
            format!(
                "{what} для сети {}: {chars} символов при лимите {max}",
                network.label(),
            ),
        ));
    }
    if media > limit.max_media as usize {
        return Err(AppError::validation(
            "attachments",
            format!(
                "Слишком много файлов для сети {}: {media} при лимите {}",
                network.label(),
                limit.max_media
            ),
        ));
    }
    Ok(())
}

/// Attaches uploaded files of this message that belong to no draft yet to `draft_id`.
async fn attach(
    tx: &mut Tx,
    id: MessageId,
    draft_id: i64,
    files: &[FileId],
) -> Result<(), AppError> {
    for file in files {
        let done = on_tx!(tx, c => sqlx::query(
            "UPDATE attachments SET draft_id = $1 WHERE id = $2 AND message_id = $3 AND draft_id IS NULL",
        )
        .bind(draft_id)
        .bind(file)
        .bind(id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        if done != 1 {
            return Err(AppError::validation(
                "attachments",
                format!(
                    "Файл №{file} не загружен к этому сообщению или уже приложен к другому проекту"
                ),
            ));
        }
    }
    Ok(())
}

/// One door's request: takes `cmd` and returns the message after it as the caller sees
/// it. The REST route and the pages' server function both call this.
pub async fn act_on(
    ctx: &Ctx,
    id: MessageId,
    version: Option<i64>,
    cmd: Command,
    caller: &Caller,
) -> Result<crate::dto::message::MessageDto, AppError> {
    act(ctx, id, version, cmd, caller).await?;
    super::query::message(ctx, caller, id).await
}
