//! The few statements SQLite and PostgreSQL spell differently. Everything else is written
//! once (`$1` placeholders, `RETURNING`, `ON CONFLICT`, `IN (…)` lists built with
//! `QueryBuilder`).

use super::Db;
use sqlx::{Database, Postgres, QueryBuilder, Sqlite};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// The key of the advisory lock every writing transaction takes on PostgreSQL
/// (`pg_advisory_xact_lock`): writers run one at a time, as on SQLite.
pub const WRITE_LOCK: i64 = 0x6f74_6b6c_696b; // "otklik"

/// The key of the session-level advisory lock held by the instance that runs the
/// background work (alert scan, mail outbox): one leader at a time.
pub const LEADER_LOCK: i64 = 0x6f74_6b6c_6c64; // "otklld"

/// The channel the writing transactions notify and every instance listens on.
pub const EVENTS_CHANNEL: &str = "otklik_events";

/// How a search's matches are joined to the list (SQLite; PostgreSQL's planner has the
/// statistics to choose by itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SearchPlan {
    /// In the list's SQL ([`Search::push_search`]): on SQLite when there are few matches,
    /// looked up by id and sorted.
    InSql,
    /// Many matches (SQLite), their ids in ascending order: the list's index is walked in
    /// order and each row is tested against them, which stops after one page instead of
    /// sorting every match (`service::messages::query`).
    Walk(Arc<[i64]>),
}

/// Up to this many matches a search looks them up by id ([`SearchPlan::InSql`]).
const FEW_MATCHES: usize = 500;

/// The words as a prefix query of the backend's full-text engine.
fn search_expr<DB: Search>(words: &[String]) -> String {
    let (one, sep) = DB::PREFIX;
    words
        .iter()
        .map(|w| one.replace("{}", w))
        .collect::<Vec<_>>()
        .join(sep)
}

/// The ids matching broad searches (SQLite): building the set of thousands of matches is
/// most of a broad search's cost, so it is kept while no message's searchable text has
/// changed (`config_version.search`, bumped by triggers on `messages` in the same
/// transaction, on any process). Paging through the results, a dashboard's live refresh
/// and the next user's same search reuse it.
#[derive(Default)]
pub struct MatchCache(Mutex<Matches>);

#[derive(Default)]
struct Matches {
    /// The `config_version.search` the sets were read at (or after).
    version: i64,
    /// The sets by full-text query.
    sets: HashMap<String, Arc<[i64]>>,
    /// How many ids the sets hold together.
    ids: usize,
}

/// Most ids the cache holds (8 MB); when a new set would pass it, the others are dropped.
const MATCH_CACHE_IDS: usize = 1 << 20;

impl std::fmt::Debug for MatchCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MatchCache")
    }
}

impl MatchCache {
    fn get(&self, version: i64, expr: &str) -> Option<Arc<[i64]>> {
        let m = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if m.version != version {
            return None;
        }
        m.sets.get(expr).cloned()
    }

    fn put(&self, version: i64, expr: String, ids: Arc<[i64]>) {
        let mut m = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if m.version != version || m.ids + ids.len() > MATCH_CACHE_IDS {
            *m = Matches {
                version,
                ..Matches::default()
            };
        }
        m.ids += ids.len();
        if let Some(old) = m.sets.insert(expr, ids) {
            m.ids -= old.len();
        }
    }
}

/// Chooses the plan of a search for `words`. On SQLite: a broad search's ids from `cache`
/// when they are still current; otherwise the ids of the matches are read (one JSON
/// value), and kept when there are more than [`FEW_MATCHES`].
pub async fn search_plan(
    db: &Db,
    cache: &MatchCache,
    version: i64,
    words: &[String],
) -> Result<SearchPlan, sqlx::Error> {
    let Db::Sqlite(p) = db else {
        return Ok(SearchPlan::InSql);
    };
    let expr = search_expr::<Sqlite>(words);
    // `version` was read before (with the request's context): the ids read below are at
    // least as new as it.
    if let Some(ids) = cache.get(version, &expr) {
        return Ok(SearchPlan::Walk(ids));
    }
    let json: Option<String> = sqlx::query_scalar(
        "SELECT json_group_array(rowid) FROM \
         (SELECT rowid FROM messages_search WHERE messages_search MATCH $1 ORDER BY rowid)",
    )
    .bind(&expr)
    .fetch_one(p)
    .await?;
    let ids: Vec<i64> = serde_json::from_str(json.as_deref().unwrap_or("[]"))
        .map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    if ids.len() <= FEW_MATCHES {
        return Ok(SearchPlan::InSql);
    }
    let ids: Arc<[i64]> = ids.into();
    cache.put(version, expr, ids.clone());
    Ok(SearchPlan::Walk(ids))
}

/// Full-text search: which engine a query builder is for.
pub trait Search: Database {
    /// One word as a prefix term (`{}` is the word) and the operator between terms.
    const PREFIX: (&'static str, &'static str);

    /// Appends `AND <message matches the words>` for the `messages m` alias: FTS5 on
    /// SQLite, a `tsvector` on PostgreSQL. `words` are lowercased alphanumeric words
    /// (`domain::listing::search_words`), each matched as a prefix.
    fn push_search(q: &mut QueryBuilder<'_, Self>, words: &[String]);
}

impl Search for Sqlite {
    const PREFIX: (&'static str, &'static str) = ("\"{}\"*", " ");

    fn push_search(q: &mut QueryBuilder<'_, Self>, words: &[String]) {
        q.push(" AND m.id IN (SELECT rowid FROM messages_search WHERE messages_search MATCH ")
            .push_bind(search_expr::<Self>(words))
            .push(")");
    }
}

impl Search for Postgres {
    const PREFIX: (&'static str, &'static str) = ("{}:*", " & ");

    fn push_search(q: &mut QueryBuilder<'_, Self>, words: &[String]) {
        q.push(" AND m.search @@ to_tsquery('simple', ")
            .push_bind(search_expr::<Self>(words))
            .push(")");
    }
}

/// An aggregate that turns a query's rows into one JSON array of arrays, `[[…], …]`, in
/// `order` (any order without one: no sort), read back as text (`[]` or NULL when there is no row): `items` are the row's
/// expressions. A result of many thousands of rows then crosses from the database to the
/// service as one value: on SQLite each row otherwise costs a hand-off between the
/// connection's thread and the task (a wake-up and an allocation freed on another
/// thread), which dominates bulk reads such as a year's report.
pub fn json_rows(db: &Db, items: &str, order: Option<&str>) -> String {
    let order = order.map(|o| format!(" ORDER BY {o}")).unwrap_or_default();
    match db {
        Db::Sqlite(_) => format!("json_group_array(json_array({items}){order})"),
        Db::Postgres(_) => format!("json_agg(json_build_array({items}){order})::text"),
    }
}
