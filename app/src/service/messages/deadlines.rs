//! Storing a message's deadline ledger: reading the rows as `domain::deadline::Deadline`,
//! and writing back what `domain::deadline::apply` changed (new rows inserted, closed rows
//! updated), inside the action's transaction.

use crate::domain::calendar::WorkingCalendar;
use crate::domain::deadline::{judge, Deadline, DeadlineRule, Responsible};
use crate::domain::ids::{DeadlineId, MessageId, UserId};
use crate::error::AppError;
use crate::service::db::{Db, Tx};
use crate::{from_row, on_db, on_tx};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::str::FromStr;

/// The columns [`Deadline`] is read from.
pub(crate) const DEADLINE_COLUMNS: &str = "d.id, d.message_id, d.rule, d.started_at, d.due_at, \
     d.done_at, d.outcome, d.late_by_seconds, d.responsible_start, d.responsible_start_id, \
     d.responsible_end, d.responsible_end_id";

fn responsible(kind: Option<String>, user: Option<UserId>) -> Option<Responsible> {
    match (kind.as_deref(), user) {
        (Some("coordinators"), _) => Some(Responsible::Coordinators),
        (Some("executor"), Some(user)) => Some(Responsible::Executor(user)),
        _ => None,
    }
}

fn columns(r: Option<Responsible>) -> (Option<&'static str>, Option<UserId>) {
    match r {
        None => (None, None),
        Some(Responsible::Coordinators) => (Some("coordinators"), None),
        Some(Responsible::Executor(user)) => (Some("executor"), Some(user)),
    }
}

fn rule_of(rule: &str) -> Result<DeadlineRule, sqlx::Error> {
    DeadlineRule::from_str(rule).map_err(|e| sqlx::Error::ColumnDecode {
        index: "rule".into(),
        source: Box::new(e),
    })
}

from_row!(Deadline, |row| {
    let rule: String = row.try_get("rule")?;
    Ok(Deadline {
        id: Some(row.try_get("id")?),
        rule: rule_of(&rule)?,
        started_at: row.try_get("started_at")?,
        due_at: row.try_get("due_at")?,
        done_at: row.try_get("done_at")?,
        outcome: row.try_get("outcome")?,
        late_by_secs: row.try_get("late_by_seconds")?,
        responsible_at_start: responsible(
            row.try_get("responsible_start")?,
            row.try_get("responsible_start_id")?,
        ),
        responsible_at_end: responsible(
            row.try_get("responsible_end")?,
            row.try_get("responsible_end_id")?,
        ),
    })
});

/// A deadline with the message it belongs to.
pub(crate) struct OfMessage {
    pub message: MessageId,
    pub deadline: Deadline,
}

from_row!(OfMessage, |row| {
    Ok(OfMessage {
        message: row.try_get("message_id")?,
        deadline: sqlx::FromRow::from_row(row)?,
    })
});

/// Every deadline of message `id`, in the order they were started.
pub(crate) async fn load(tx: &mut Tx, id: MessageId) -> Result<Vec<Deadline>, AppError> {
    let sql =
        format!("SELECT {DEADLINE_COLUMNS} FROM deadlines d WHERE d.message_id = $1 ORDER BY d.id");
    Ok(on_tx!(tx, c => sqlx::query_as(&sql).bind(id).fetch_all(c).await)?)
}

/// One deadline as [`of_messages`] reads it: the [`DEADLINE_COLUMNS`] as one JSON array.
type JsonDeadline = (
    DeadlineId,
    MessageId,
    String,
    DateTime<Utc>,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<crate::domain::deadline::Outcome>,
    Option<i64>,
    Option<String>,
    Option<UserId>,
    Option<String>,
    Option<UserId>,
);

/// The deadlines of the messages `ids`, each list in the order they were started. The
/// rows cross from the database as one JSON value (`dialect::json_rows`): a page's
/// hundred deadlines one by one would cost a hand-off between threads each.
pub(crate) async fn of_messages(
    db: &Db,
    ids: &[MessageId],
) -> Result<HashMap<MessageId, Vec<Deadline>>, AppError> {
    let mut by_message: HashMap<MessageId, Vec<Deadline>> = HashMap::new();
    if ids.is_empty() {
        return Ok(by_message);
    }
    let items = DEADLINE_COLUMNS.replace("d.", "");
    let json: Option<String> = on_db!(db, p, DB => {
        let mut q = sqlx::QueryBuilder::<DB>::new(format!(
            "SELECT {} FROM (SELECT {DEADLINE_COLUMNS} FROM deadlines d WHERE d.message_id IN (",
            crate::service::db::dialect::json_rows(db, &items, Some("id")),
        ));
        let mut list = q.separated(", ");
        for id in ids {
            list.push_bind(*id);
        }
        q.push(")) d");
        q.build_query_scalar().fetch_one(p).await
    })?;
    let rows: Vec<JsonDeadline> =
        serde_json::from_str(json.as_deref().unwrap_or("[]")).map_err(|e| {
            tracing::error!(error = %e, "stored deadlines are not the expected JSON");
            AppError::Internal
        })?;
    for (
        id,
        message,
        rule,
        started_at,
        due_at,
        done_at,
        outcome,
        late,
        start,
        start_id,
        end,
        end_id,
    ) in rows
    {
        by_message.entry(message).or_default().push(Deadline {
            id: Some(id),
            rule: rule_of(&rule)?,
            started_at,
            due_at,
            done_at,
            outcome,
            late_by_secs: late,
            responsible_at_start: responsible(start, start_id),
            responsible_at_end: responsible(end, end_id),
        });
    }
    Ok(by_message)
}

/// Writes what changed between `before` (as loaded) and `after` (as applied): rows that
/// are new are inserted, rows that closed are updated. A stored deadline never changes its
/// rule, start or due (a deadline is never moved in place).
pub(crate) async fn store(
    tx: &mut Tx,
    id: MessageId,
    before: &[Deadline],
    after: &mut [Deadline],
) -> Result<(), AppError> {
    for (i, d) in after.iter_mut().enumerate() {
        match before.get(i) {
            Some(old) if old == d => {}
            Some(old) => {
                debug_assert!(old.id.is_some() && old.id == d.id && old.due_at == d.due_at);
                let (end, end_id) = columns(d.responsible_at_end);
                on_tx!(tx, c => sqlx::query(
                    "UPDATE deadlines SET done_at = $1, outcome = $2, late_by_seconds = $3, \
                     responsible_end = $4, responsible_end_id = $5 WHERE id = $6 AND done_at IS NULL",
                )
                .bind(d.done_at)
                .bind(d.outcome)
                .bind(d.late_by_secs)
                .bind(end)
                .bind(end_id)
                .bind(d.id)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
            }
            None => {
                let (start, start_id) = columns(d.responsible_at_start);
                let (end, end_id) = columns(d.responsible_at_end);
                let new_id: DeadlineId = on_tx!(tx, c => sqlx::query_scalar(
                    "INSERT INTO deadlines (message_id, rule, started_at, due_at, done_at, outcome, \
                     late_by_seconds, responsible_start, responsible_start_id, responsible_end, \
                     responsible_end_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                )
                .bind(id)
                .bind(d.rule.as_str())
                .bind(d.started_at)
                .bind(d.due_at)
                .bind(d.done_at)
                .bind(d.outcome)
                .bind(d.late_by_secs)
                .bind(start)
                .bind(start_id)
                .bind(end)
                .bind(end_id)
                .fetch_one(c)
                .await)?;
                d.id = Some(new_id);
            }
        }
    }
    Ok(())
}

/// Gives deadlines breached before outcomes were stored (migration 0005) their lateness,
/// computed once with the calendar of now; later calendar corrections do not touch it.
pub async fn backfill_lateness(db: &Db, cal: &WorkingCalendar) -> Result<u64, AppError> {
    let rows: Vec<(DeadlineId, DateTime<Utc>, DateTime<Utc>)> = on_db!(db, p => sqlx::query_as(
        "SELECT id, due_at, done_at FROM deadlines \
         WHERE outcome = 'breached' AND late_by_seconds IS NULL AND done_at IS NOT NULL",
    )
    .fetch_all(p)
    .await)?;
    let mut done = 0;
    for (id, due, at) in rows {
        let (_, late) = judge(due, at, cal);
        done += on_db!(db, p => sqlx::query(
            "UPDATE deadlines SET late_by_seconds = $1 WHERE id = $2 AND late_by_seconds IS NULL",
        )
        .bind(late)
        .bind(id)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    }
    Ok(done)
}
