//! The second backend (issue 17): the two schemas agree, journal events of concurrent
//! writers are never skipped, sessions and events cross app instances, one instance leads
//! the background work, `transfer` moves a district up and `backup` runs pg_dump.
//! The PostgreSQL tests need `OTKLIK_TEST_DATABASE_URL` (the test script starts a
//! throwaway cluster); without it they say so and pass, and the SQLite pass covers the rest.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;

use app::domain::role::Role;
use app::service::db::{Db, Target};
use app::service::events::Frame;
use app::service::messages::Caller;
use common::*;
use serde_json::json;
use std::collections::BTreeSet;
use std::time::Duration;

fn skip(test: &str) -> bool {
    if on_postgres() {
        return false;
    }
    eprintln!("{test}: needs OTKLIK_TEST_DATABASE_URL (PostgreSQL), skipped on SQLite");
    true
}

fn authority() -> Caller {
    Caller {
        user: None,
        role: Role::Authority,
        label: "API: тест".into(),
        department: None,
        administration: None,
    }
}

/// (table, column) of every table the application owns.
async fn columns(db: &Db) -> BTreeSet<(String, String)> {
    let rows: Vec<(String, String)> = match db {
        Db::Sqlite(p) => sqlx::query_as(
            "SELECT m.name, c.name FROM sqlite_master m, pragma_table_info(m.name) c \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '\\_%' ESCAPE '\\' \
             AND m.name NOT LIKE 'messages_search%' AND m.name <> 'tower_sessions'",
        )
        .fetch_all(p)
        .await
        .unwrap(),
        Db::Postgres(p) => sqlx::query_as(
            "SELECT table_name::text, column_name::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_%' \
             AND is_generated = 'NEVER'",
        )
        .fetch_all(p)
        .await
        .unwrap(),
    };
    rows.into_iter().collect()
}

#[tokio::test]
async fn the_two_schemas_have_the_same_tables_and_columns() {
    if skip("schemas") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let sqlite = app::service::db::open(dir.path()).await.unwrap();
    let pg = app::service::db::connect(&test_target(dir.path()).await)
        .await
        .unwrap();
    let (a, b) = (columns(&sqlite).await, columns(&pg).await);
    assert!(a.len() > 100, "{a:?}");
    let only_sqlite: Vec<_> = a.difference(&b).collect();
    let only_pg: Vec<_> = b.difference(&a).collect();
    assert!(
        only_sqlite.is_empty() && only_pg.is_empty(),
        "only in SQLite: {only_sqlite:?}; only in PostgreSQL: {only_pg:?}"
    );
    // And the same table list as `transfer` copies, but `config_version`: the schema's
    // own counter, created by the migrations on both sides (and bumped by the copy of
    // the settings), not data.
    let tables: BTreeSet<&str> = a
        .iter()
        .map(|(t, _)| t.as_str())
        .filter(|t| *t != "config_version")
        .collect();
    let copied: BTreeSet<&str> = app::service::transfer::TABLES.iter().copied().collect();
    assert_eq!(tables, copied);
}

/// Concurrent intakes (each one transaction with its journal row): the event stream
/// passes every journal id on, in order, none skipped. On PostgreSQL ids are taken before
/// commit, so without serialised writers a reader could pass a later id and miss an
/// earlier one still committing.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn journal_events_of_concurrent_writers_are_never_skipped() {
    let app = TestApp::new().await;
    let token = app.token(Role::Authority).await;
    let mut sub = app
        .state
        .events
        .subscribe(&app.state.pool, authority(), None)
        .await
        .unwrap();
    let Some(Frame::Ready { last_id }) = sub.next().await else {
        panic!("no ready frame")
    };
    const N: usize = 40;
    let mut writers = Vec::new();
    for i in 0..N {
        let router = app.router.clone();
        let token = token.clone();
        writers.push(tokio::spawn(async move {
            use tower::ServiceExt;
            let body = json!({
                "external_id": format!("conc-{i}"),
                "network": "vk",
                "url": format!("https://vk.com/wall-1_{i}"),
                "author": "Житель",
                "text": "Когда починят дорогу?",
                "detected_at": monday_10().to_rfc3339(),
            });
            let req = axum::http::Request::post("/api/v1/messages")
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "application/json")
                .body(axum::body::Body::from(body.to_string()))
                .unwrap();
            let res = router.oneshot(req).await.unwrap();
            assert_eq!(res.status(), axum::http::StatusCode::CREATED);
        }));
    }
    for w in writers {
        w.await.unwrap();
    }
    let expected: Vec<i64> = app::on_db!(&app.state.pool, p => sqlx::query_scalar(
        "SELECT id FROM journal WHERE id > $1 ORDER BY id",
    )
    .bind(last_id)
    .fetch_all(p)
    .await
    .unwrap());
    assert!(expected.len() >= N, "{expected:?}");
    let mut seen = Vec::new();
    while seen.len() < expected.len() {
        match tokio::time::timeout(Duration::from_secs(10), sub.next()).await {
            Ok(Some(Frame::Journal(n))) => seen.push(n.id),
            Ok(Some(Frame::Alert(_))) => {}
            other => panic!(
                "after {} of {} events: {other:?}",
                seen.len(),
                expected.len()
            ),
        }
    }
    assert_eq!(seen, expected);
}

/// A second app instance on the same database: its own hub, its own router.
async fn second_instance(first: &TestApp) -> (app::service::state::AppState, axum::Router) {
    let mut target = Target::data_dir(&first.state.data_dir);
    target.url = Some(pg_url(&first.state.pool));
    let options = first.state.leptos_options.clone();
    let state = server::open_state_at(&target, options, first.state.clock.clone())
        .await
        .unwrap();
    let router = server::router(state.clone());
    (state, router)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_and_an_event_cross_to_another_instance() {
    if skip("instances") {
        return;
    }
    let first = TestApp::new().await;
    let (second, second_router) = second_instance(&first).await;
    // Signed in through the first, still signed in through the second.
    let cookie = first.sign_in("coordinator", "demo").await;
    let res = tower::ServiceExt::oneshot(second_router, get("/", Some(&cookie)))
        .await
        .unwrap();
    assert_eq!(res.status(), axum::http::StatusCode::OK);
    // An intake through the first reaches the second's subscribers.
    let mut sub = second
        .events
        .subscribe(&second.pool, authority(), None)
        .await
        .unwrap();
    assert!(matches!(sub.next().await, Some(Frame::Ready { .. })));
    let token = first.token(Role::Authority).await;
    let id = first
        .register(
            &token,
            &json!({
                "external_id": "cross-1",
                "network": "vk",
                "url": "https://vk.com/wall-1_77",
                "author": "Житель",
                "text": "Не горит фонарь",
                "detected_at": monday_10().to_rfc3339(),
            }),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let frame = tokio::time::timeout(Duration::from_secs(5), sub.next())
        .await
        .expect("the event reached the other instance");
    match frame {
        Some(Frame::Journal(n)) => assert_eq!(n.message_id.0, id),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn one_instance_leads_and_another_takes_over_when_it_dies() {
    if skip("leader") {
        return;
    }
    let app = TestApp::new().await;
    let (second, _) = second_instance(&app).await;
    let mut a = app::service::leader::Leadership::default();
    let mut b = app::service::leader::Leadership::default();
    assert!(a.check(&app.state.pool).await);
    assert!(!b.check(&second.pool).await);
    assert!(
        a.check(&app.state.pool).await,
        "the leader stays the leader"
    );
    assert!(!b.check(&second.pool).await);
    // The leader's process ends: its session, and with it the lock, is gone.
    drop(a);
    let mut took_over = false;
    for _ in 0..50 {
        if b.check(&second.pool).await {
            took_over = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(took_over);
}

async fn count(db: &Db, table: &str) -> i64 {
    app::on_db!(db, p => sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(p)
        .await
        .unwrap())
}

#[tokio::test]
async fn transfer_copies_a_district_into_an_empty_database_and_refuses_a_full_one() {
    if skip("transfer") {
        return;
    }
    // A SQLite district with history: demo messages, an upload-free action, a token.
    let district = TestApp::sqlite_at(monday_10()).await;
    let token = district.token(Role::Authority).await;
    let id = district
        .register(
            &token,
            &json!({
                "external_id": "move-1",
                "network": "telegram",
                "url": "https://t.me/c/1/2",
                "author": "Ёлкин",
                "text": "Яма на дороге у школы",
                "detected_at": monday_10().to_rfc3339(),
            }),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let url = pg_database().await.unwrap();
    let from = Target::data_dir(&district.state.data_dir);
    let mut progress = Vec::new();
    let copied = app::service::transfer::transfer(&from, &url, |c| progress.push(c.table))
        .await
        .unwrap();
    assert_eq!(progress, app::service::transfer::TABLES);
    let target = Target {
        url: Some(url.clone()),
        ..Target::data_dir(&district.state.data_dir)
    };
    let pg = app::service::db::connect(&target).await.unwrap();
    for c in &copied {
        assert_eq!(
            count(&pg, c.table).await,
            count(&district.state.pool, c.table).await
        );
    }
    assert!(copied.iter().find(|c| c.table == "journal").unwrap().rows > 10);
    // The moved message reads the same, and search and new ids work on the target.
    let region = TestApp {
        router: server::router(
            server::open_state_at(
                &target,
                district.state.leptos_options.clone(),
                district.state.clock.clone(),
            )
            .await
            .unwrap(),
        ),
        state: district.state.clone(),
        _dir: tempfile::tempdir().unwrap(),
    };
    let path = format!("/api/v1/messages/{id}");
    let (_, before) = district.api("GET", &path, Auth::Token(&token), None).await;
    let (s, after) = region.api("GET", &path, Auth::Token(&token), None).await;
    assert_eq!(s, axum::http::StatusCode::OK, "{after}");
    assert_eq!(before, after);
    let (_, found) = region
        .api("GET", "/api/v1/messages?q=елкин", Auth::Token(&token), None)
        .await;
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    // A second transfer into the same database is refused, and changes nothing.
    let err = app::service::transfer::transfer(&from, &url, |_| {})
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not empty"), "{err}");
    assert_eq!(
        count(&pg, "messages").await,
        count(&district.state.pool, "messages").await
    );
}

#[tokio::test]
async fn backup_on_postgres_is_a_pg_dump_archive_that_restores() {
    if skip("pg_dump") {
        return;
    }
    let app = TestApp::new().await;
    let url = pg_url(&app.state.pool);
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("otklik.dump");
    let line = app::service::backup::pg_dump(&url, &app.state.data_dir, &file).unwrap();
    assert!(line.contains("pg_dump --format=custom"), "{line}");
    assert_eq!(&std::fs::read(&file).unwrap()[..5], b"PGDMP");
    // An existing file is never overwritten.
    assert!(app::service::backup::pg_dump(&url, &app.state.data_dir, &file).is_err());
    // Restore into a new database: the same rows.
    let restored = pg_database().await.unwrap();
    let out = std::process::Command::new("pg_restore")
        .args(["--no-owner", "--dbname", &restored])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let db = app::service::db::connect(&Target {
        url: Some(restored),
        ..Target::data_dir(work.path())
    })
    .await
    .unwrap();
    for table in ["messages", "journal", "deadlines", "users"] {
        assert_eq!(
            count(&db, table).await,
            count(&app.state.pool, table).await,
            "{table}"
        );
    }
}
