//! Reading messages: who may see which, one message with everything about it, and the
//! filtered list the dashboard and `GET /api/v1/messages` show.

use super::Caller;
use crate::domain::calendar::WorkingCalendar;
use crate::domain::deadline::{next_due, Deadline, DeadlineRule, Pressure};
use crate::domain::ids::{DepartmentId, MessageId, UserId};
use crate::domain::moderation::Flags;
use crate::domain::network::Network;
use crate::domain::role::Role;
use crate::domain::workflow::{available_actions, Actor, AnswerKind, MessageState, MessageView};
use crate::dto::message::{
    AttachmentDto, DeadlineDto, DeadlineRecordDto, DepartmentRef, DraftDto, JournalEntryDto,
    MessageDetailDto, MessageDto, MessageFilter, PublicationDto, Time, UserRef,
};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sqlx::SqlitePool;
use std::collections::{BTreeMap, HashMap};

/// Most messages one list returns.
pub const MAX_LIST: u32 = 5000;

/// Whether `caller` may read a message with this assignee and department: an executor
/// sees the messages of their department and those assigned to them; every other role
/// reads everything (SPEC "Roles").
pub fn can_read(
    caller: &Caller,
    assignee: Option<UserId>,
    department: Option<DepartmentId>,
) -> bool {
    match caller.role {
        Role::Executor => {
            (caller.user.is_some() && assignee == caller.user)
                || (caller.department.is_some() && department == caller.department)
        }
        Role::Admin | Role::Coordinator | Role::Authority | Role::Observer => true,
    }
}

fn local(t: DateTime<Utc>, tz: Tz) -> Time {
    t.with_timezone(&tz).fixed_offset()
}

#[derive(sqlx::FromRow)]
struct MessageRow {
    id: MessageId,
    external_id: String,
    network: Network,
    url: String,
    author: String,
    author_url: Option<String>,
    text: String,
    topic: Option<String>,
    urgent: bool,
    state: MessageState,
    detected_at: DateTime<Utc>,
    received_at: DateTime<Utc>,
    assignee_id: Option<UserId>,
    assignee_name: Option<String>,
    department_id: Option<DepartmentId>,
    department_name: Option<String>,
    flags: String,
    version: i64,
}

const MESSAGE_COLUMNS: &str = "SELECT m.id, m.external_id, m.network, m.url, m.author, m.author_url, m.text, m.topic, \
            m.urgent, m.state, m.detected_at, m.received_at, m.assignee_id, u.full_name AS assignee_name, \
            m.department_id, d.name AS department_name, m.flags, m.version \
     FROM messages m LEFT JOIN users u ON u.id = m.assignee_id LEFT JOIN departments d ON d.id = m.department_id";

impl MessageRow {
    fn dto(self, deadlines: &[Deadline], tz: Tz) -> MessageDto {
        // Later rows of a rule replace earlier ones: the object shows the latest.
        let deadlines = deadlines
            .iter()
            .map(|d| (d.rule.as_str().to_owned(), DeadlineDto::of(d, tz)))
            .collect::<BTreeMap<_, _>>();
        let flags = serde_json::from_str::<Flags>(&self.flags).unwrap_or_else(|e| {
            tracing::warn!(error = %e, id = %self.id, "stored §12 flags unreadable");
            Flags::default()
        });
        MessageDto {
            id: self.id,
            external_id: self.external_id,
            status: self.state,
            network: self.network,
            url: self.url,
            author: self.author,
            author_url: self.author_url,
            text: self.text,
            topic: self.topic,
            urgent: self.urgent,
            detected_at: local(self.detected_at, tz),
            received_at: local(self.received_at, tz),
            assignee: self
                .assignee_id
                .zip(self.assignee_name)
                .map(|(id, name)| UserRef { id, name }),
            department: self
                .department_id
                .zip(self.department_name)
                .map(|(id, name)| DepartmentRef { id, name }),
            flags,
            version: self.version,
            deadlines,
        }
    }
}

async fn load_row(pool: &SqlitePool, id: MessageId) -> Result<MessageRow, AppError> {
    sqlx::query_as(&format!("{MESSAGE_COLUMNS} WHERE m.id = ?"))
        .bind(id)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("Сообщение №{id} не найдено")))
}

fn forbidden_to_read() -> AppError {
    AppError::Forbidden("Сообщение относится к другому отделу".into())
}

/// The message as the caller may see it (without drafts and journal).
pub async fn message(
    pool: &SqlitePool,
    tz: Tz,
    caller: &Caller,
    id: MessageId,
) -> Result<MessageDto, AppError> {
    let row = load_row(pool, id).await?;
    if !can_read(caller, row.assignee_id, row.department_id) {
        return Err(forbidden_to_read());
    }
    let deadlines = deadlines_of(pool, id).await?;
    Ok(row.dto(&deadlines, tz))
}

#[derive(sqlx::FromRow)]
struct DraftRow {
    id: i64,
    number: i64,
    kind: AnswerKind,
    text: String,
    submitted_at: DateTime<Utc>,
    submitted_by: Option<String>,
    decision: Option<String>,
    remarks: Option<String>,
    decided_by: Option<String>,
    decided_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct JournalRow {
    id: i64,
    at: DateTime<Utc>,
    actor_label: String,
    action: String,
    from_state: Option<MessageState>,
    to_state: MessageState,
    details: String,
}

/// Everything about one message: drafts, publications, files, journal, every deadline,
/// and the actions the caller may take now.
pub async fn detail(
    pool: &SqlitePool,
    tz: Tz,
    caller: &Caller,
    id: MessageId,
) -> Result<MessageDetailDto, AppError> {
    let row = load_row(pool, id).await?;
    if !can_read(caller, row.assignee_id, row.department_id) {
        return Err(forbidden_to_read());
    }
    let drafts: Vec<DraftRow> = sqlx::query_as(
        "SELECT d.id, d.number, d.kind, d.text, d.submitted_at, s.full_name AS submitted_by, d.decision, \
                d.remarks, a.full_name AS decided_by, d.decided_at \
         FROM drafts d LEFT JOIN users s ON s.id = d.submitted_by LEFT JOIN users a ON a.id = d.decided_by \
         WHERE d.message_id = ? ORDER BY d.number",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    let number_of: HashMap<i64, i64> = drafts.iter().map(|d| (d.id, d.number)).collect();
    let publications: Vec<(i64, String, DateTime<Utc>, Option<String>)> = sqlx::query_as(
        "SELECT p.draft_id, p.link, p.published_at, u.full_name FROM publications p \
         LEFT JOIN users u ON u.id = p.published_by WHERE p.message_id = ? ORDER BY p.id",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    let files = crate::service::attachments::for_message(pool, id).await?;
    let journal: Vec<JournalRow> = sqlx::query_as(
        "SELECT id, at, actor_label, action, from_state, to_state, details FROM journal \
         WHERE message_id = ? ORDER BY id",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    let deadlines = deadlines_of(pool, id).await?;
    let view = MessageView {
        state: row.state,
        network: row.network,
        // Which hosts a link may point to matters only to `publish` itself.
        link_hosts: Vec::new(),
        final_draft_started: deadlines
            .iter()
            .any(|d| d.rule == DeadlineRule::FinalDraftBy),
        assignee: row.assignee_id,
        department: row.department_id,
        urgent: row.urgent,
        draft_kind: drafts.last().map(|d| d.kind),
        approved_at: drafts
            .last()
            .filter(|d| d.decision.as_deref() == Some("approved"))
            .and_then(|d| d.decided_at),
    };
    let actions = available_actions(
        &view,
        &Actor {
            user: caller.user,
            role: caller.role,
        },
    );
    Ok(MessageDetailDto {
        drafts: drafts
            .iter()
            .enumerate()
            .map(|(i, d)| DraftDto {
                changes: i
                    .checked_sub(1)
                    .and_then(|p| drafts.get(p))
                    .map(|prev| crate::domain::diff::words(&prev.text, &d.text)),
                number: d.number,
                kind: d.kind,
                text: d.text.clone(),
                submitted_at: local(d.submitted_at, tz),
                submitted_by: d.submitted_by.clone(),
                decision: d.decision.clone(),
                remarks: d.remarks.clone(),
                decided_by: d.decided_by.clone(),
                decided_at: d.decided_at.map(|t| local(t, tz)),
            })
            .collect(),
        publications: publications
            .into_iter()
            .map(|(draft, link, at, by)| PublicationDto {
                draft: number_of.get(&draft).copied().unwrap_or_default(),
                link,
                published_at: local(at, tz),
                published_by: by,
            })
            .collect(),
        attachments: files
            .into_iter()
            .map(|f| AttachmentDto {
                id: f.id,
                url: format!("/api/v1/attachments/{}", f.id),
                mime: f.mime,
                size: f.size,
                name: f.original_name,
                draft: f.draft_id.and_then(|d| number_of.get(&d).copied()),
            })
            .collect(),
        journal: journal
            .into_iter()
            .filter_map(|j| {
                let action = crate::domain::workflow::ActionKind::from_name(&j.action)?;
                Some(JournalEntryDto {
                    id: j.id,
                    at: local(j.at, tz),
                    actor: j.actor_label,
                    action,
                    from: j.from_state,
                    to: j.to_state,
                    details: serde_json::from_str(&j.details).unwrap_or_default(),
                })
            })
            .collect(),
        deadline_history: deadlines
            .iter()
            .map(|d| DeadlineRecordDto {
                rule: d.rule.as_str().to_owned(),
                deadline: DeadlineDto::of(d, tz),
            })
            .collect(),
        actions,
        message: row.dto(&deadlines, tz),
    })
}

/// Parses the `status` filter (`new,in_work`) into state names.
fn states(filter: &MessageFilter) -> Result<Option<Vec<MessageState>>, AppError> {
    let Some(list) = filter.status.as_deref().filter(|s| !s.trim().is_empty()) else {
        return Ok(None);
    };
    list.split(',')
        .map(|s| {
            MessageState::from_name(s.trim()).ok_or_else(|| {
                AppError::validation("status", format!("Неизвестное состояние «{}»", s.trim()))
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// Every deadline of one message, in the order they were started.
async fn deadlines_of(pool: &SqlitePool, id: MessageId) -> Result<Vec<Deadline>, AppError> {
    Ok(super::deadlines::of_messages(pool, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default())
}

/// The messages the caller may see that match `filter`, the most pressing first: by the
/// earliest running deadline, then the newest without one.
pub async fn list(
    pool: &SqlitePool,
    cal: &WorkingCalendar,
    caller: &Caller,
    filter: &MessageFilter,
    now: DateTime<Utc>,
) -> Result<Vec<MessageDto>, AppError> {
    let tz = cal.tz();
    let states = states(filter)?;
    let states = states
        .map(|s| serde_json::to_string(&s))
        .transpose()
        .map_err(|e| {
            tracing::error!(error = %e, "cannot serialise states");
            AppError::Internal
        })?;
    let active = filter.active.unwrap_or(false);
    let active_states = serde_json::to_string(
        &MessageState::ALL
            .into_iter()
            .filter(|s| s.is_active())
            .collect::<Vec<_>>(),
    )
    .map_err(|_| AppError::Internal)?;
    let (visible_user, visible_department) = match caller.role {
        Role::Executor => (Some(caller.user.unwrap_or(UserId(-1))), caller.department),
        _ => (None, None),
    };
    let rows: Vec<MessageRow> = sqlx::query_as(&format!(
        "{MESSAGE_COLUMNS} WHERE (?1 IS NULL OR m.state IN (SELECT value FROM json_each(?1))) \
           AND (?2 = 0 OR m.state IN (SELECT value FROM json_each(?3))) \
           AND (?4 IS NULL OR m.assignee_id = ?4) \
           AND (?5 IS NULL OR m.department_id = ?5) \
           AND (?6 IS NULL OR m.network = ?6) \
           AND (?7 IS NULL OR m.urgent = ?7) \
           AND (?8 IS NULL OR m.assignee_id = ?8 OR m.department_id = ?9) \
         ORDER BY m.id DESC"
    ))
    .bind(states)
    .bind(active)
    .bind(active_states)
    .bind(filter.assignee)
    .bind(filter.department)
    .bind(filter.network)
    .bind(filter.urgent)
    .bind(visible_user)
    .bind(visible_department)
    .fetch_all(pool)
    .await?;
    let needle = filter
        .q
        .as_deref()
        .map(|q| q.trim().to_lowercase())
        .filter(|q| !q.is_empty());
    let rows: Vec<MessageRow> = rows
        .into_iter()
        .filter(|r| {
            needle.as_deref().is_none_or(|q| {
                [
                    Some(r.text.as_str()),
                    Some(r.author.as_str()),
                    Some(r.external_id.as_str()),
                    r.topic.as_deref(),
                ]
                .into_iter()
                .flatten()
                .any(|field| field.to_lowercase().contains(q))
            })
        })
        .collect();
    let ids: Vec<MessageId> = rows.iter().map(|r| r.id).collect();
    let mut deadlines = super::deadlines::of_messages(pool, &ids).await?;
    let overdue_only = filter.overdue.unwrap_or(false);
    let flagged_only = filter.flagged.unwrap_or(false);
    let pressing_only = filter.pressing.unwrap_or(false);
    let due_soon_percent = crate::service::alerts::settings(pool)
        .await?
        .due_soon_percent;
    let mut out: Vec<(Option<DateTime<Utc>>, MessageDto)> = rows
        .into_iter()
        .filter_map(|r| {
            let ds = deadlines.remove(&r.id).unwrap_or_default();
            let due = next_due(&ds).map(|d| d.due_at);
            // Only running deadlines (pending tasks) press; overdue means working time
            // has passed since the due instant, as everywhere else.
            let pressures = || {
                ds.iter()
                    .filter_map(|d| d.pressure(now, cal, due_soon_percent))
            };
            if overdue_only && !pressures().any(|p| p == Pressure::Overdue) {
                return None;
            }
            if pressing_only && pressures().next().is_none() {
                return None;
            }
            let dto = r.dto(&ds, tz);
            if flagged_only && !dto.flags.is_flagged() {
                return None;
            }
            Some((due, dto))
        })
        .collect();
    // Running deadlines first, earliest due first; then the rest, newest first (stable).
    out.sort_by_key(|(due, _)| (due.is_none(), *due));
    let limit = filter.limit.unwrap_or(MAX_LIST).min(MAX_LIST) as usize;
    let offset = filter.offset.unwrap_or(0) as usize;
    Ok(out
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|(_, m)| m)
        .collect())
}
