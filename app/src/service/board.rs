//! The region's live board (issue 19): per administration within the caller's scope, the
//! open messages, those due soon, those overdue, and the final answers published today.
//! Counted in SQL on the keys each message keeps (`domain::listing`), compared with the
//! request's "now"; the answers of today come from a partial index of the journal.
//!
//! Counting is a pass over every open message of the region (a million in the benchmark),
//! so the process keeps the last count ([`BoardCache`]): after an event it counts again
//! before answering; without one, it answers with the kept count and re-counts in the
//! background once that is [`MAX_AGE`] old.

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

/// How old a kept count may be before it is counted again in the background (a deadline
/// runs out with no event: without events the figures are this old, plus one count).
pub const MAX_AGE: Duration = Duration::from_secs(5);

/// What a count was taken at: the last journal event and the settings' version.
type Key = (i64, i64);

/// A board counted: its key, when, and the rows.
type Counted = (Key, DateTime<Utc>, Arc<Vec<Row>>);

/// The last board counted, and the turn to count.
#[derive(Default)]
pub struct BoardCache {
    kept: std::sync::Mutex<Option<Counted>>,
    /// Held while counting: one count at a time.
    counting: tokio::sync::Mutex<()>,
    /// A count in the background is under way.
    refreshing: std::sync::atomic::AtomicBool,
}

impl BoardCache {
    fn kept(&self) -> Option<Counted> {
        self.kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn keep(&self, counted: Counted) {
        *self
            .kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(counted);
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

/// Every administration's counts. After a journal event or a settings change, counted
/// now (one count at a time; who comes meanwhile takes its result). Without either, the
/// kept count, re-counted in the background once it is [`MAX_AGE`] old (deadlines run out
/// with no event), so readers never wait for it.
async fn counted(ctx: &Ctx) -> Result<Arc<Vec<Row>>, AppError> {
    use std::sync::atomic::Ordering;
    let journal = crate::service::events::last_journal_id(&ctx.pool).await?;
    let key = (journal, ctx.version);
    let cache = &ctx.board;
    let current = |kept: &Option<Counted>| match kept {
        Some((k, _, rows)) if *k == key => Some(rows.clone()),
        _ => None,
    };
    let kept = cache.kept();
    if let Some(rows) = current(&kept) {
        let at = kept.as_ref().map_or(ctx.now, |(_, at, _)| *at);
        let old = (ctx.now - at).to_std().unwrap_or_default() > MAX_AGE;
        if old && !cache.refreshing.swap(true, Ordering::SeqCst) {
            let ctx = ctx.clone();
            tokio::spawn(async move {
                let cache = ctx.board.clone();
                let _turn = cache.counting.lock().await;
                match count(&ctx).await {
                    Ok(rows) => cache.keep((key, ctx.now, Arc::new(rows))),
                    Err(e) => tracing::warn!(error = %e, "board: background count failed"),
                }
                cache.refreshing.store(false, Ordering::SeqCst);
            });
        }
        return Ok(rows);
    }
    let _turn = cache.counting.lock().await;
    if let Some(rows) = current(&cache.kept()) {
        return Ok(rows);
    }
    let rows = Arc::new(count(ctx).await?);
    cache.keep((key, ctx.now, rows.clone()));
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
