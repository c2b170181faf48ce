//! The list keys a message keeps (`domain::listing::list_keys`): written with every action
//! and intake in its transaction, and for every message when a change of the calendar or
//! of the due-soon threshold moves them (in that change's transaction).

use crate::domain::calendar::WorkingCalendar;
use crate::domain::deadline::Deadline;
use crate::domain::ids::MessageId;
use crate::domain::listing::{list_keys, ListKeys, SORT_ACTIVE_WITHOUT_DEADLINE, SORT_CLOSED};
use crate::domain::workflow::MessageState;
use crate::error::AppError;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};
use std::collections::BTreeMap;

/// Writes the keys of message `id`.
pub(crate) async fn write(
    conn: &mut SqliteConnection,
    id: MessageId,
    keys: &ListKeys,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE messages SET next_due_at = ?, stage_rule = ?, due_soon_at = ?, overdue_after = ?, \
         sort_key = ? WHERE id = ?",
    )
    .bind(keys.next_due_at)
    .bind(keys.stage_rule.map(|r| r.as_str()))
    .bind(keys.due_soon_at)
    .bind(keys.overdue_after)
    .bind(keys.sort_key)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Computes and writes the keys of message `id` in `state` with `ledger`.
pub(crate) async fn store(
    conn: &mut SqliteConnection,
    id: MessageId,
    state: MessageState,
    ledger: &[Deadline],
    due_soon_percent: u8,
    cal: &WorkingCalendar,
) -> Result<ListKeys, AppError> {
    let keys = list_keys(state, ledger, due_soon_percent, cal);
    write(conn, id, &keys).await?;
    Ok(keys)
}

/// Recomputes the keys of every message (after a change of the calendar or of the
/// due-soon threshold, or for rows written before the keys existed). Messages without a
/// running deadline get theirs in one statement; the others from their running
/// deadlines. Returns how many messages with running deadlines were recomputed.
pub async fn refresh_all(
    conn: &mut SqliteConnection,
    due_soon_percent: u8,
    cal: &WorkingCalendar,
) -> Result<usize, AppError> {
    let active: Vec<&str> = MessageState::ALL
        .iter()
        .filter(|s| s.is_active())
        .map(|s| s.as_str())
        .collect();
    let active = serde_json::to_string(&active).map_err(|_| AppError::Internal)?;
    sqlx::query(
        "UPDATE messages SET next_due_at = NULL, stage_rule = NULL, due_soon_at = NULL, \
         overdue_after = NULL, \
         sort_key = CASE WHEN state IN (SELECT value FROM json_each(?)) THEN ? ELSE ? END \
         WHERE NOT EXISTS (SELECT 1 FROM deadlines d WHERE d.message_id = messages.id AND d.done_at IS NULL)",
    )
    .bind(active)
    .bind(SORT_ACTIVE_WITHOUT_DEADLINE)
    .bind(SORT_CLOSED)
    .execute(&mut *conn)
    .await?;
    let rows: Vec<SqliteRow> = sqlx::query(&format!(
        "SELECT m.state AS message_state, {} FROM deadlines d JOIN messages m ON m.id = d.message_id \
         WHERE d.done_at IS NULL ORDER BY d.message_id, d.id",
        super::deadlines::DEADLINE_COLUMNS
    ))
    .fetch_all(&mut *conn)
    .await?;
    let mut running: BTreeMap<MessageId, (MessageState, Vec<Deadline>)> = BTreeMap::new();
    for row in &rows {
        let id: MessageId = row.try_get("message_id")?;
        let state: MessageState = row.try_get("message_state")?;
        let deadline = <Deadline as sqlx::FromRow<SqliteRow>>::from_row(row)?;
        running
            .entry(id)
            .or_insert_with(|| (state, Vec::new()))
            .1
            .push(deadline);
    }
    for (id, (state, ledger)) in &running {
        store(conn, *id, *state, ledger, due_soon_percent, cal).await?;
    }
    Ok(running.len())
}

/// Whether some message has no keys yet (written before they existed).
pub(crate) async fn missing(conn: &mut SqliteConnection) -> Result<bool, AppError> {
    Ok(
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM messages WHERE sort_key IS NULL)")
            .fetch_one(conn)
            .await?,
    )
}

/// After the schedule or the calendar corrections changed inside this transaction: every
/// message's threshold instants move with the calendar (recorded due instants do not).
pub(crate) async fn after_calendar_change(conn: &mut SqliteConnection) -> Result<(), AppError> {
    let cal = crate::service::calendar::load_in(&mut *conn, &Default::default()).await?;
    let percent = crate::service::alerts::settings(&mut *conn)
        .await?
        .due_soon_percent;
    refresh_all(conn, percent, &cal).await?;
    Ok(())
}
