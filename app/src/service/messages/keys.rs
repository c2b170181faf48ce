//! The list keys a message keeps (`domain::listing::list_keys`): written with every action
//! and intake in its transaction, and for every message when a change of the calendar or
//! of the due-soon threshold moves them (in that change's transaction).

use crate::domain::calendar::WorkingCalendar;
use crate::domain::deadline::Deadline;
use crate::domain::ids::{AdministrationId, MessageId};
use crate::domain::listing::{list_keys, ListKeys, SORT_ACTIVE_WITHOUT_DEADLINE, SORT_CLOSED};
use crate::domain::workflow::MessageState;
use crate::error::AppError;
use crate::service::ctx::Config;
use crate::service::db::Tx;
use crate::{from_row, on_tx};
use std::collections::BTreeMap;

/// Writes the keys of message `id`.
pub(crate) async fn write(tx: &mut Tx, id: MessageId, keys: &ListKeys) -> Result<(), AppError> {
    on_tx!(tx, c => sqlx::query(
        "UPDATE messages SET next_due_at = $1, stage_rule = $2, due_soon_at = $3, \
         overdue_after = $4, sort_key = $5 WHERE id = $6",
    )
    .bind(keys.next_due_at)
    .bind(keys.stage_rule.map(|r| r.as_str()))
    .bind(keys.due_soon_at)
    .bind(keys.overdue_after)
    .bind(keys.sort_key)
    .bind(id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Computes and writes the keys of message `id` in `state` with `ledger`.
pub(crate) async fn store(
    tx: &mut Tx,
    id: MessageId,
    state: MessageState,
    ledger: &[Deadline],
    due_soon_percent: u8,
    cal: &WorkingCalendar,
) -> Result<ListKeys, AppError> {
    let keys = list_keys(state, ledger, due_soon_percent, cal);
    write(tx, id, &keys).await?;
    Ok(keys)
}

/// A running deadline with its message's state and administration.
struct Running {
    state: MessageState,
    administration: AdministrationId,
    deadline: super::deadlines::OfMessage,
}

from_row!(Running, |row| {
    Ok(Running {
        state: row.try_get("message_state")?,
        administration: row.try_get("message_administration")?,
        deadline: sqlx::FromRow::from_row(row)?,
    })
});

/// Recomputes the keys of every message (after a change of the calendar or of the
/// due-soon threshold, or for rows written before the keys existed), each with its
/// administration's calendar and threshold from `config`. Messages without a running
/// deadline get theirs in one statement; the others from their running deadlines.
/// Returns how many messages with running deadlines were recomputed.
pub async fn refresh_all(tx: &mut Tx, config: &Config) -> Result<usize, AppError> {
    on_tx!(tx, c, DB => {
        let mut q = sqlx::QueryBuilder::<DB>::new(
            "UPDATE messages SET next_due_at = NULL, stage_rule = NULL, due_soon_at = NULL, \
             overdue_after = NULL, sort_key = CASE WHEN state IN (",
        );
        let mut list = q.separated(", ");
        for s in MessageState::ALL.into_iter().filter(|s| s.is_active()) {
            list.push_bind(s);
        }
        q.push(") THEN ")
            .push_bind(SORT_ACTIVE_WITHOUT_DEADLINE)
            .push(" ELSE ")
            .push_bind(SORT_CLOSED)
            .push(
                " END WHERE NOT EXISTS (SELECT 1 FROM deadlines d \
                 WHERE d.message_id = messages.id AND d.done_at IS NULL)",
            );
        q.build().execute(&mut *c).await.map(|r| r.rows_affected())
    })?;
    let sql = format!(
        "SELECT m.state AS message_state, m.administration_id AS message_administration, {} \
         FROM deadlines d JOIN messages m ON m.id = d.message_id \
         WHERE d.done_at IS NULL ORDER BY d.message_id, d.id",
        super::deadlines::DEADLINE_COLUMNS
    );
    let rows: Vec<Running> = on_tx!(tx, c => sqlx::query_as(&sql).fetch_all(c).await)?;
    let mut running: BTreeMap<MessageId, (MessageState, AdministrationId, Vec<Deadline>)> =
        BTreeMap::new();
    for row in rows {
        running
            .entry(row.deadline.message)
            .or_insert_with(|| (row.state, row.administration, Vec::new()))
            .2
            .push(row.deadline.deadline);
    }
    for (id, (state, administration, ledger)) in &running {
        let layer = config.of(*administration);
        let percent = layer.settings.alerts.due_soon_percent;
        store(tx, *id, *state, ledger, percent, &layer.cal).await?;
    }
    Ok(running.len())
}

/// Whether some message has no keys yet (written before they existed).
pub(crate) async fn missing(tx: &mut Tx) -> Result<bool, AppError> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM messages WHERE sort_key IS NULL)"
    )
    .fetch_one(c)
    .await)?)
}

/// After the schedule, the calendar corrections or the due-soon threshold changed inside
/// this transaction: every message's threshold instants move with them (recorded due
/// instants do not).
pub(crate) async fn after_config_change(tx: &mut Tx) -> Result<(), AppError> {
    let config = Config::load_in(tx, &Default::default()).await?;
    refresh_all(tx, &config).await?;
    Ok(())
}
