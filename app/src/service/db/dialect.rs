//! The few statements SQLite and PostgreSQL spell differently. Everything else is written
//! once (`$1` placeholders, `RETURNING`, `ON CONFLICT`, `IN (…)` lists built with
//! `QueryBuilder`).

use sqlx::{Database, QueryBuilder};

/// The key of the advisory lock every writing transaction takes on PostgreSQL
/// (`pg_advisory_xact_lock`): writers run one at a time, as on SQLite.
pub const WRITE_LOCK: i64 = 0x6f74_6b6c_696b; // "otklik"

/// The key of the session-level advisory lock held by the instance that runs the
/// background work (alert scan, mail outbox): one leader at a time.
pub const LEADER_LOCK: i64 = 0x6f74_6b6c_6c64; // "otklld"

/// The channel the writing transactions notify and every instance listens on.
pub const EVENTS_CHANNEL: &str = "otklik_events";

/// Full-text search: which engine a query builder is for.
pub trait Search: Database {
    /// Appends `AND <message matches the words>` for the `messages m` alias: FTS5 on
    /// SQLite, a `tsvector` on PostgreSQL. `words` are lowercased alphanumeric words
    /// (`domain::listing::search_words`), each matched as a prefix.
    fn push_search(q: &mut QueryBuilder<'_, Self>, words: &[String]);
}

impl Search for sqlx::Sqlite {
    fn push_search(q: &mut QueryBuilder<'_, Self>, words: &[String]) {
        let expr = words
            .iter()
            .map(|w| format!("\"{w}\"*"))
            .collect::<Vec<_>>()
            .join(" ");
        q.push(" AND m.id IN (SELECT rowid FROM messages_search WHERE messages_search MATCH ")
            .push_bind(expr)
            .push(")");
    }
}

impl Search for sqlx::Postgres {
    fn push_search(q: &mut QueryBuilder<'_, Self>, words: &[String]) {
        let expr = words
            .iter()
            .map(|w| format!("{w}:*"))
            .collect::<Vec<_>>()
            .join(" & ");
        q.push(" AND m.search @@ to_tsquery('simple', ")
            .push_bind(expr)
            .push(")");
    }
}
