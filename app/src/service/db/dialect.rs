//! The few statements SQLite and PostgreSQL spell differently. Everything else is written
//! once (`$1` placeholders, `RETURNING`, `ON CONFLICT`, `IN (…)` lists built with
//! `QueryBuilder`).

use super::Db;
use sqlx::{Database, Postgres, QueryBuilder, Sqlite};

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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SearchPlan {
    /// Few matches: look each one up by id and sort them.
    Few,
    /// Many matches: walk the list's index in order and keep the rows that match, which
    /// stops after one page instead of sorting every match.
    Many,
}

/// Up to this many matches a search looks them up by id ([`SearchPlan::Few`]).
const FEW_MATCHES: i64 = 500;

/// The words as a prefix query of the backend's full-text engine.
fn search_expr<DB: Search>(words: &[String]) -> String {
    let (one, sep) = DB::PREFIX;
    words
        .iter()
        .map(|w| one.replace("{}", w))
        .collect::<Vec<_>>()
        .join(sep)
}

/// Chooses the plan of a search for `words`: on SQLite, counts the matches up to
/// [`FEW_MATCHES`] in the full-text index (a bounded read of its doclists).
pub async fn search_plan(db: &Db, words: &[String]) -> Result<SearchPlan, sqlx::Error> {
    let Db::Sqlite(p) = db else {
        return Ok(SearchPlan::Few);
    };
    let (n,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM (SELECT rowid FROM messages_search \
         WHERE messages_search MATCH $1 LIMIT $2)",
    )
    .bind(search_expr::<Sqlite>(words))
    .bind(FEW_MATCHES + 1)
    .fetch_one(p)
    .await?;
    Ok(if n > FEW_MATCHES {
        SearchPlan::Many
    } else {
        SearchPlan::Few
    })
}

/// Full-text search: which engine a query builder is for.
pub trait Search: Database {
    /// One word as a prefix term (`{}` is the word) and the operator between terms.
    const PREFIX: (&'static str, &'static str);

    /// Appends `AND <message matches the words>` for the `messages m` alias: FTS5 on
    /// SQLite, a `tsvector` on PostgreSQL. `words` are lowercased alphanumeric words
    /// (`domain::listing::search_words`), each matched as a prefix.
    fn push_search(q: &mut QueryBuilder<'_, Self>, words: &[String], plan: SearchPlan);
}

impl Search for Sqlite {
    const PREFIX: (&'static str, &'static str) = ("\"{}\"*", " ");

    fn push_search(q: &mut QueryBuilder<'_, Self>, words: &[String], plan: SearchPlan) {
        // `m.id + 0` keeps SQLite from driving the query by id, so that it walks the
        // list's index and tests each row against the matches (a Bloom filter).
        q.push(match plan {
            SearchPlan::Few => " AND m.id IN",
            SearchPlan::Many => " AND m.id + 0 IN",
        })
        .push(" (SELECT rowid FROM messages_search WHERE messages_search MATCH ")
        .push_bind(search_expr::<Self>(words))
        .push(")");
    }
}

impl Search for Postgres {
    const PREFIX: (&'static str, &'static str) = ("{}:*", " & ");

    fn push_search(q: &mut QueryBuilder<'_, Self>, words: &[String], _plan: SearchPlan) {
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
