//! The region's live board (issue 19): per administration within the caller's scope, the
//! open messages, those due soon, those overdue, and the final answers published today.
//! Counted in SQL on the keys each message keeps (`domain::listing`), compared with the
//! request's "now"; the answers of today come from a partial index of the journal.
//!
//! Counting is a pass over every open message of the region (a million in the benchmark:
//! about 0.3 s on PostgreSQL), so the process keeps the last count ([`BoardCache`]) and
//! reuses it while no journal event and no settings change came, for at most
//! [`MAX_AGE`]; one request counts while the others wait for its result.

use crate::domain::listing::SORT_CLOSED;
use crate::domain::workflow::MessageState;
use crate::dto::board::BoardRow;
use crate::error::AppError;
use crate::on_db;
use crate::service::ctx::Ctx;
use crate::service::messages::Caller;
use chrono::{DateTime, TimeZone, Utc};
use std::sync::Arc;
use std::time::Duration;

/// How long a count may be reused while nothing was written (a deadline runs out with no
/// event: the figures are at most this old).
pub const MAX_AGE: Duration = Duration::from_secs(5);

/// What a count was taken at: the last journal event and the settings' version.
type Key = (i64, i64);

/// A board counted: its key, when, and the rows.
type Counted = (Key, DateTime<Utc>, Arc<Vec<Row>>);

/// The last board counted.
#[derive(Default)]
pub struct BoardCache(tokio::sync::Mutex<Option<Counted>>);

impl std::fmt::Debug for BoardCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BoardCache")
    }
}

#[derive(Clone, sqlx::FromRow)]
struct Row {
    id: i64,
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
    let rows = counted(ctx).await?;
    let only = caller.scope().only().map(|a| a.0);
    let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(rows
        .iter()
        .filter(|r| only.is_none_or(|a| a == r.id))
        .map(|r| BoardRow {
            administration: r.code.clone(),
            name: r.name.clone(),
            open: count(r.open),
            due_soon: count(r.due_soon),
            overdue: count(r.overdue),
            answered_today: count(r.answered_today),
        })
        .collect())
}

/// Every administration's counts: the kept ones while still current, else counted now.
async fn counted(ctx: &Ctx) -> Result<Arc<Vec<Row>>, AppError> {
    let journal = crate::service::events::last_journal_id(&ctx.pool).await?;
    let key = (journal, ctx.version);
    // One count at a time: who comes while it runs takes its result.
    let mut kept = ctx.board.0.lock().await;
    if let Some((k, at, rows)) = kept.as_ref() {
        let age = (ctx.now - *at).to_std().unwrap_or_default();
        if *k == key && age <= MAX_AGE && *at <= ctx.now {
            return Ok(rows.clone());
        }
    }
    let rows = Arc::new(count(ctx).await?);
    *kept = Some((key, ctx.now, rows.clone()));
    Ok(rows)
}

/// Counts every administration's board at `ctx.now`.
async fn count(ctx: &Ctx) -> Result<Vec<Row>, AppError> {
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
    Ok(on_db!(&ctx.pool, p => sqlx::query_as(
        "SELECT a.id, a.code, a.name, \
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
         GROUP BY a.id, a.code, a.name \
         ORDER BY a.name",
    )
    .bind(SORT_CLOSED)
    .bind(now)
    .bind(MessageState::Answered)
    .bind(today)
    .fetch_all(p)
    .await)?)
}
