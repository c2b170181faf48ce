//! Upgrading a database written by an earlier version: nothing is lost, and the data the
//! new rules need is completed (migration 0005: deadline outcomes).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

use app::service::db::{database_path, MIGRATOR};
use sqlx::migrate::Migrator;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::SqlitePool;
use std::borrow::Cow;

/// A deadline row: id, done_at, outcome, late_by_seconds.
type Row = (i64, Option<String>, Option<String>, Option<i64>);

/// A database with the migrations before `version` applied, as an earlier release left it.
async fn database_before(dir: &std::path::Path, version: i64) -> SqlitePool {
    std::fs::create_dir_all(dir.join("files")).unwrap();
    let options = SqliteConnectOptions::new()
        .filename(database_path(dir))
        .create_if_missing(true)
        .foreign_keys(true);
    let pool = SqlitePool::connect_with(options).await.unwrap();
    let earlier = Migrator {
        migrations: Cow::Owned(
            MIGRATOR
                .iter()
                .filter(|m| m.version < version)
                .cloned()
                .collect(),
        ),
        ignore_missing: false,
        locking: true,
        no_tx: false,
    };
    earlier.run(&pool).await.unwrap();
    pool
}

#[tokio::test]
async fn deadlines_of_an_earlier_version_get_their_outcomes() {
    let dir = tempfile::tempdir().unwrap();
    let pool = database_before(dir.path(), 5).await;
    // Monday 16.03.2026, times in UTC (Moscow − 3 h). Message 1 was assigned at 07:10 and
    // its return_by left running (the old rule); its draft was 35 working minutes late.
    // Message 2 was returned at 07:20 with draft_by and answer_by left running.
    sqlx::raw_sql(
        "INSERT INTO users (id, login, full_name, role, password_hash, created_at) VALUES \
           (1, 'c', 'К', 'coordinator', 'x', '2026-03-16T07:00:00+00:00'), \
           (2, 'e', 'И', 'executor', 'x', '2026-03-16T07:00:00+00:00'); \
         INSERT INTO messages (id, external_id, network, url, author, text, detected_at, received_at, state, assignee_id) VALUES \
           (1, 'a', 'vk', 'https://vk.com/wall-1_1', 'А', 'т', '2026-03-16T07:00:00+00:00', '2026-03-16T07:00:00+00:00', 'on_approval', 2), \
           (2, 'b', 'vk', 'https://vk.com/wall-1_2', 'Б', 'т', '2026-03-16T07:00:00+00:00', '2026-03-16T07:00:00+00:00', 'returned', NULL); \
         INSERT INTO journal (message_id, at, actor_label, action, from_state, to_state) VALUES \
           (1, '2026-03-16T07:00:00+00:00', 'API', 'intake', NULL, 'new'), \
           (1, '2026-03-16T07:10:00+00:00', 'К', 'assign', 'new', 'in_work'), \
           (1, '2026-03-16T13:23:00+00:00', 'И', 'submit_draft', 'in_work', 'on_approval'), \
           (2, '2026-03-16T07:00:00+00:00', 'API', 'intake', NULL, 'new'), \
           (2, '2026-03-16T07:20:00+00:00', 'К', 'return', 'new', 'returned'); \
         INSERT INTO deadlines (id, message_id, rule, started_at, due_at, done_at, met) VALUES \
           (1, 1, 'return_by', '2026-03-16T07:00:00+00:00', '2026-03-16T07:30:00+00:00', NULL, NULL), \
           (2, 1, 'draft_by', '2026-03-16T07:00:00+00:00', '2026-03-16T12:48:00+00:00', '2026-03-16T13:23:00+00:00', 0), \
           (3, 1, 'answer_by', '2026-03-16T07:00:00+00:00', '2026-03-17T07:48:00+00:00', NULL, NULL), \
           (4, 2, 'return_by', '2026-03-16T07:00:00+00:00', '2026-03-16T07:30:00+00:00', '2026-03-16T07:20:00+00:00', 1), \
           (5, 2, 'draft_by', '2026-03-16T07:00:00+00:00', '2026-03-16T12:48:00+00:00', NULL, NULL), \
           (6, 2, 'answer_by', '2026-03-16T07:00:00+00:00', '2026-03-17T07:48:00+00:00', NULL, NULL);",
    )
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;

    // The new version opens it: migrations, then the lateness of old breaches.
    let db = app::service::db::open(dir.path()).await.unwrap();
    let pool = db.as_sqlite().unwrap().clone();
    let rows: Vec<Row> =
        sqlx::query_as("SELECT id, done_at, outcome, late_by_seconds FROM deadlines ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    let at = |t: &str| Some(format!("2026-03-16T{t}:00+00:00"));
    let s = |v: &str| Some(v.to_owned());
    assert_eq!(
        rows,
        [
            // Accepted when it was assigned.
            (1, at("07:10"), s("met"), Some(0)),
            // Breached by 35 working minutes, computed once at the upgrade.
            (2, at("13:23"), s("breached"), Some(35 * 60)),
            // Still running: the message waits for approval within answer_by.
            (3, None, None, None),
            (4, at("07:20"), s("met"), Some(0)),
            // A returned message's clocks stop when it was returned.
            (5, at("07:20"), s("cancelled"), None),
            (6, at("07:20"), s("cancelled"), None),
        ]
    );
    // Opening again changes nothing.
    pool.close().await;
    let db = app::service::db::open(dir.path()).await.unwrap();
    let pool = db.as_sqlite().unwrap().clone();
    let again: Vec<Row> =
        sqlx::query_as("SELECT id, done_at, outcome, late_by_seconds FROM deadlines ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(again, rows);
}

/// Issue 21: the free-text topics of a database written before the catalogue are mapped
/// to it; the ones it does not know become inactive entries, and every message keeps the
/// topic it was received with.
#[tokio::test]
async fn received_topics_are_mapped_to_the_catalogue_and_unknown_ones_kept_inactive() {
    let dir = tempfile::tempdir().unwrap();
    let pool = database_before(dir.path(), 18).await;
    sqlx::raw_sql(
        "INSERT INTO messages (id, external_id, network, url, author, text, topic, detected_at, received_at, state, administration_id) VALUES \
           (1, 'a', 'vk', 'https://vk.com/wall-1_1', 'А', 'т', 'ЖКХ', '2026-03-16T07:00:00+00:00', '2026-03-16T07:00:00+00:00', 'new', 1), \
           (2, 'b', 'vk', 'https://vk.com/wall-1_2', 'Б', 'т', ' жкх ', '2026-03-16T07:00:00+00:00', '2026-03-16T07:00:00+00:00', 'new', 1), \
           (3, 'c', 'vk', 'https://vk.com/wall-1_3', 'В', 'т', 'Ёлки', '2026-03-16T07:00:00+00:00', '2026-03-16T07:00:00+00:00', 'new', 1), \
           (4, 'd', 'vk', 'https://vk.com/wall-1_4', 'Г', 'т', 'Ёлки', '2026-03-16T07:00:00+00:00', '2026-03-16T07:00:00+00:00', 'new', 1), \
           (5, 'e', 'vk', 'https://vk.com/wall-1_5', 'Д', 'т', NULL, '2026-03-16T07:00:00+00:00', '2026-03-16T07:00:00+00:00', 'new', 1);",
    )
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;

    let db = app::service::db::open(dir.path()).await.unwrap();
    let pool = db.as_sqlite().unwrap().clone();
    // (message, topic as received, catalogue name, entry active)
    type Mapped = (i64, Option<String>, Option<String>, Option<bool>);
    let rows: Vec<Mapped> = sqlx::query_as(
        "SELECT m.id, m.topic, t.name, t.active FROM messages m \
         LEFT JOIN topics t ON t.id = m.topic_id ORDER BY m.id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let s = |v: &str| Some(v.to_owned());
    assert_eq!(
        rows,
        [
            (1, s("ЖКХ"), s("ЖКХ"), Some(true)),
            (2, s(" жкх "), s("ЖКХ"), Some(true)),
            (3, s("Ёлки"), s("Ёлки"), Some(false)),
            (4, s("Ёлки"), s("Ёлки"), Some(false)),
            (5, None, None, None),
        ]
    );
    let catalogue: Vec<(String, bool)> =
        sqlx::query_as("SELECT name, active FROM topics WHERE administration_id = 1 ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        catalogue.len(),
        11,
        "the ten defaults and «Ёлки»: {catalogue:?}"
    );
    assert_eq!(catalogue[0], ("ЖКХ".to_owned(), true));
}
