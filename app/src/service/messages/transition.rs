//! Workflow actions: load the message and its deadline ledger, let `decide` rule and
//! `deadline::apply` carry out its effects, then write state, drafts, publications,
//! deadlines and the journal in one transaction.

use super::{begin_write, Caller, STALE_VERSION};
use crate::domain::calendar::WorkingCalendar;
use crate::domain::deadline::{self, DeadlineRule, DeadlineSettings, Priority};
use crate::domain::ids::{DepartmentId, MessageId, UserId};
use crate::domain::network::{Network, NetworkLimits};
use crate::domain::role::Role;
use crate::domain::workflow::{
    decide, ActionKind, Actor, AnswerKind, Command, MessageState, MessageView,
};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::{Sqlite, SqlitePool, Transaction};

type Tx = Transaction<'static, Sqlite>;

#[derive(sqlx::FromRow)]
struct Row {
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

async fn load(tx: &mut Tx, id: MessageId) -> Result<Row, AppError> {
    sqlx::query_as(
        "SELECT m.state, m.network, m.assignee_id, m.department_id, m.urgent, m.version, \
                d.id AS draft_id, d.kind AS draft_kind, \
                CASE WHEN d.decision = 'approved' THEN d.decided_at END AS approved_at \
         FROM messages m \
         LEFT JOIN drafts d ON d.id = (SELECT MAX(id) FROM drafts WHERE message_id = m.id) \
         WHERE m.id = ?",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| AppError::NotFound(format!("Сообщение №{id} не найдено")))
}

/// Appends a journal event.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn journal(
    tx: &mut Tx,
    id: MessageId,
    at: DateTime<Utc>,
    caller: &Caller,
    action: ActionKind,
    from: Option<MessageState>,
    to: MessageState,
    details: serde_json::Value,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO journal (message_id, at, actor_id, actor_label, action, from_state, to_state, details) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id)
    .bind(at)
    .bind(caller.user)
    .bind(&caller.label)
    .bind(action.as_str())
    .bind(from)
    .bind(to)
    .bind(details.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Takes `cmd` on message `id`. `expected_version`, when given, must be the current
/// version (a stale one is a conflict). Returns the new version.
///
/// One transaction: the message's state, what the command carries (assignee, draft,
/// decision, publication), the deadlines `decide` closes and starts (with their outcomes,
/// computed here once with `cal`), and the journal event that records all of it.
#[allow(clippy::too_many_arguments)]
pub async fn act(
    pool: &SqlitePool,
    cal: &WorkingCalendar,
    settings: &DeadlineSettings,
    id: MessageId,
    expected_version: Option<i64>,
    cmd: Command,
    caller: &Caller,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let limits = match cmd {
        Command::SubmitDraft { .. } => Some(crate::service::settings::network_limits(pool).await?),
        _ => None,
    };
    let hosts = crate::service::settings::link_hosts(pool).await?;
    let mut tx = begin_write(pool).await?;
    let row = load(&mut tx, id).await?;
    if expected_version.is_some_and(|v| v != row.version) {
        return Err(AppError::Conflict(STALE_VERSION.to_owned()));
    }
    let mut ledger = super::deadlines::load(&mut tx, id).await?;
    let view = MessageView {
        state: row.state,
        network: row.network,
        link_hosts: hosts.get(row.network),
        assignee: row.assignee_id,
        department: row.department_id,
        urgent: row.urgent,
        draft_kind: row.draft_kind,
        approved_at: row.approved_at,
        final_draft_started: ledger.iter().any(|d| d.rule == DeadlineRule::FinalDraftBy),
    };
    let actor = Actor {
        user: caller.user,
        role: caller.role,
    };
    let decision = decide(&view, &cmd, &actor, now)?;
    let mut urgent = row.urgent;
    if let (
        Command::SubmitDraft {
            text, attachments, ..
        },
        Some(limits),
    ) = (&cmd, &limits)
    {
        check_answer_format(row.network, text, attachments.len(), limits)?;
    }
    let mut details = apply_command(&mut tx, id, &row, &cmd, caller, now, &mut urgent).await?;
    let before = ledger.clone();
    let notes = deadline::apply(
        &mut ledger,
        &decision.effects,
        &deadline::Context {
            priority: if urgent {
                Priority::Urgent
            } else {
                Priority::Normal
            },
            settings,
            cal,
            before: decision.responsible_before,
            after: decision.responsible_after,
        },
    )?;
    super::deadlines::store(&mut tx, id, &before, &mut ledger).await?;
    let percent = crate::service::alerts::settings(&mut *tx)
        .await?
        .due_soon_percent;
    super::keys::store(&mut tx, id, decision.to, &ledger, percent, cal).await?;
    if !notes.is_empty() {
        details["deadlines"] = serde_json::to_value(&notes).map_err(|e| {
            tracing::error!(error = %e, "cannot serialise deadline notes");
            AppError::Internal
        })?;
    }
    let done = sqlx::query("UPDATE messages SET state = ?, urgent = ?, version = version + 1 WHERE id = ? AND version = ?")
        .bind(decision.to)
        .bind(urgent)
        .bind(id)
        .bind(row.version)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::Conflict(STALE_VERSION.to_owned()));
    }
    journal(
        &mut tx,
        id,
        now,
        caller,
        decision.action,
        Some(decision.from),
        decision.to,
        details,
    )
    .await?;
    tx.commit().await?;
    crate::service::events::committed();
    Ok(row.version + 1)
}

/// Writes what a command carries (assignee, draft, decision, publication) and returns the
/// journal details.
#[allow(clippy::too_many_arguments)]
async fn apply_command(
    tx: &mut Tx,
    id: MessageId,
    row: &Row,
    cmd: &Command,
    caller: &Caller,
    now: DateTime<Utc>,
    urgent: &mut bool,
) -> Result<serde_json::Value, AppError> {
    use serde_json::json;
    Ok(match cmd {
        Command::Assign {
            executor,
            department,
        } => {
            let target: Option<(Role, Option<DepartmentId>, String)> = sqlx::query_as(
                "SELECT role, department_id, full_name FROM users WHERE id = ? AND active = 1",
            )
            .bind(executor)
            .fetch_optional(&mut **tx)
            .await?;
            let Some((Role::Executor, user_department, name)) = target else {
                return Err(AppError::validation(
                    "executor",
                    "Выберите исполнителя из списка",
                ));
            };
            let department = department.or(user_department);
            sqlx::query("UPDATE messages SET assignee_id = ?, department_id = ? WHERE id = ?")
                .bind(executor)
                .bind(department)
                .bind(id)
                .execute(&mut **tx)
                .await?;
            json!({ "before": { "assignee": row.assignee_id, "department": row.department_id },
                    "after": { "assignee": executor, "assignee_name": name, "department": department } })
        }
        Command::SubmitDraft {
            kind,
            text,
            attachments,
        } => {
            let number: i64 = sqlx::query_scalar(
                "SELECT COALESCE(MAX(number), 0) + 1 FROM drafts WHERE message_id = ?",
            )
            .bind(id)
            .fetch_one(&mut **tx)
            .await?;
            sqlx::query(
                "INSERT INTO drafts (message_id, number, kind, text, submitted_at, submitted_by) VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(number)
            .bind(kind)
            .bind(text.trim())
            .bind(now)
            .bind(caller.user)
            .execute(&mut **tx)
            .await?;
            let draft_id: i64 = sqlx::query_scalar("SELECT last_insert_rowid()")
                .fetch_one(&mut **tx)
                .await?;
            attach(tx, id, draft_id, attachments).await?;
            json!({ "draft": number, "kind": kind, "attachments": attachments })
        }
        Command::Approve | Command::RequestRevision { .. } => {
            let (decision, remarks) = match cmd {
                Command::RequestRevision { remarks } => ("returned", Some(remarks.trim())),
                _ => ("approved", None),
            };
            sqlx::query("UPDATE drafts SET decision = ?, remarks = ?, decided_by = ?, decided_at = ? WHERE id = ?")
                .bind(decision)
                .bind(remarks)
                .bind(caller.user)
                .bind(now)
                .bind(row.draft_id)
                .execute(&mut **tx)
                .await?;
            json!({ "decision": decision, "remarks": remarks })
        }
        Command::Publish { link, published_at } => {
            let draft_id = row
                .draft_id
                .ok_or_else(|| AppError::Conflict("Нет согласованного проекта ответа".into()))?;
            sqlx::query(
                "INSERT INTO publications (message_id, draft_id, link, published_at, published_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(draft_id)
            .bind(link.trim())
            .bind(published_at)
            .bind(caller.user)
            .bind(now)
            .execute(&mut **tx)
            .await?;
            json!({ "link": link.trim(), "published_at": published_at })
        }
        Command::SetUrgent { urgent: u } => {
            *urgent = *u;
            json!({ "before": { "urgent": row.urgent }, "after": { "urgent": u } })
        }
        Command::Return { justification } => json!({ "justification": justification.trim() }),
        Command::SendBack { reason } => json!({ "reason": reason.trim() }),
        Command::Reject { category, reason } => {
            json!({ "category": category, "reason": reason.trim() })
        }
        Command::AuthorReplied { text } => json!({ "reply": text.trim() }),
    })
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
async fn attach(tx: &mut Tx, id: MessageId, draft_id: i64, files: &[i64]) -> Result<(), AppError> {
    for file in files {
        let done = sqlx::query(
            "UPDATE attachments SET draft_id = ? WHERE id = ? AND message_id = ? AND draft_id IS NULL",
        )
        .bind(draft_id)
        .bind(file)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        if done.rows_affected() != 1 {
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

/// One door's request: turns the action's fields into a command with the deployment's
/// calendar and deadline settings, takes it, and returns the message after it as the caller
/// sees it. The REST route and the pages' server function both call this.
pub async fn act_on(
    pool: &SqlitePool,
    id: MessageId,
    action: ActionKind,
    input: crate::dto::action::ActionInput,
    caller: &Caller,
    now: DateTime<Utc>,
) -> Result<crate::dto::message::MessageDto, AppError> {
    let cal = crate::service::calendar::load(pool).await?;
    let settings = crate::service::calendar::deadline_settings(pool).await?;
    let version = input.version;
    let cmd = input.into_command(action, cal.tz(), now)?;
    act(pool, &cal, &settings, id, version, cmd, caller, now).await?;
    super::query::message(pool, cal.tz(), caller, id).await
}
