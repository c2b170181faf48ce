//! The region's live board (issue 19): per administration within the caller's scope, the
//! open messages, those due soon, those overdue, and the final answers published today.
//! Counted in SQL on the keys each message keeps (`domain::listing`), compared with the
//! request's "now"; the answers of today come from a partial index of the journal.

use crate::domain::listing::SORT_CLOSED;
use crate::domain::workflow::MessageState;
use crate::dto::board::BoardRow;
use crate::error::AppError;
use crate::on_db;
use crate::service::ctx::Ctx;
use crate::service::messages::Caller;
use chrono::{TimeZone, Utc};

#[derive(sqlx::FromRow)]
struct Row {
    code: String,
    name: String,
    open: i64,
    due_soon: i64,
    overdue: i64,
    answered_today: i64,
}

/// The board as `caller` may read it: every administration for the regional roles, its
/// own for anyone else who reads reports; by name.
pub async fn board(ctx: &Ctx, caller: &Caller) -> Result<Vec<BoardRow>, AppError> {
    if !crate::service::reports::may_read(caller.role) {
        return Err(AppError::Forbidden(format!(
            "Роль «{}» не видит табло",
            caller.role.label()
        )));
    }
    let tz = ctx.tz();
    let midnight = ctx
        .now
        .with_timezone(&tz)
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    let today = tz
        .from_local_datetime(&midnight)
        .earliest()
        .map_or(ctx.now, |t| t.with_timezone(&Utc));
    let now = ctx.now.timestamp();
    let rows: Vec<Row> = on_db!(&ctx.pool, p => sqlx::query_as(
        "SELECT a.code, a.name, \
                COUNT(m.id) AS open, \
                COALESCE(SUM(CASE WHEN m.due_soon_at <= $2 \
                                   AND (m.overdue_after IS NULL OR m.overdue_after >= $2) \
                                  THEN 1 ELSE 0 END), 0) AS due_soon, \
                COALESCE(SUM(CASE WHEN m.overdue_after < $2 THEN 1 ELSE 0 END), 0) AS overdue, \
                (SELECT COUNT(DISTINCT j.message_id) FROM journal j \
                   JOIN messages jm ON jm.id = j.message_id \
                  WHERE j.to_state = $3 AND j.at >= $4 AND jm.administration_id = a.id) \
                  AS answered_today \
         FROM administrations a \
         LEFT JOIN messages m ON m.administration_id = a.id AND m.sort_key < $1 \
         WHERE $5 IS NULL OR a.id = $5 \
         GROUP BY a.id, a.code, a.name \
         ORDER BY a.name",
    )
    .bind(SORT_CLOSED)
    .bind(now)
    .bind(MessageState::Answered)
    .bind(today)
    .bind(caller.scope().only())
    .fetch_all(p)
    .await)?;
    let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(rows
        .into_iter()
        .map(|r| BoardRow {
            administration: r.code,
            name: r.name,
            open: count(r.open),
            due_soon: count(r.due_soon),
            overdue: count(r.overdue),
            answered_today: count(r.answered_today),
        })
        .collect())
}
