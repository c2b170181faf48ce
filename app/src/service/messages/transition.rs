//! Workflow actions: load the message and its deadline ledger, let `decide` rule and
//! `deadline::apply` carry out its effects, then write state, drafts, publications,
//! deadlines and the journal in one transaction.

use super::{begin_write, Caller, STALE_VERSION};
use crate::domain::administration::route;
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
    department_id: Option<DepartmentId>,
    urgent: bool,
    version: i64,
    draft_id: Option<i64>,
    draft_kind: Option<AnswerKind>,
    approved_at: Option<DateTime<Utc>>,
}

impl Row {
    /// What `decide` reads of the stored message, in its administration's `ctx`.
    fn view(&self, ctx: &Ctx, final_draft_started: bool) -> MessageView {
        MessageView {
            state: self.state,
            network: self.network,
            tz: ctx.tz(),
            link_hosts: ctx.settings.link_hosts.get(self.network),
            assignee: self.assignee_id,
            department: self.department_id,
            urgent: self.urgent,
            draft_kind: self.draft_kind,
            approved_at: self.approved_at,
            final_draft_started,
        }
    }
}

/// Message `id` for an action, if it is of an administration the caller acts on.
async fn load(tx: &mut Tx, caller: &Caller, id: MessageId) -> Result<Row, AppError> {
    on_tx!(tx, c => sqlx::query_as(
        "SELECT m.administration_id, m.state, m.network, m.assignee_id, m.department_id, m.urgent, m.version, \
                d.id AS draft_id, d.kind AS draft_kind, \
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
    let now = ctx.now;
    let row = load(tx, caller, id).await?;
    // The message's administration's calendar and settings rule it.
    let ctx = &ctx.in_administration(row.administration_id);
    if expected_version.is_some_and(|v| v != row.version) {
        return Err(AppError::Conflict(STALE_VERSION.to_owned()));
    }
    let mut ledger = super::deadlines::load(tx, id).await?;
    let view = row.view(
        ctx,
        ledger.iter().any(|d| d.rule == DeadlineRule::FinalDraftBy),
    );
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
    journal(tx, id, now, caller, &decision, details).await?;
    Ok(row.version + 1)
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
