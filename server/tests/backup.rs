//! Backups with the uploaded files (issue 15): `backup` writes the database, the files and
//! a manifest of sizes and SHA-256 hashes; `restore` verifies them into an empty data dir.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;

use app::domain::role::Role;
use app::service::backup::{self, BackupError};
use axum::http::StatusCode;
use common::*;
use sha2::{Digest, Sha256};

/// A deployment with two attachments (one of them uploaded twice: one file, two rows).
async fn deployment_with_files() -> (TestApp, Vec<Vec<u8>>) {
    // The file-copy backup is SQLite's; PostgreSQL's (pg_dump) is tested in postgres.rs.
    let app = TestApp::sqlite_at(monday_10()).await;
    let coordinator = app.token(Role::Coordinator).await;
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
    jpeg.extend_from_slice(b"JFIF\0");
    jpeg.extend((0..50_000u32).map(|i| (i % 251) as u8));
    for (name, bytes) in [("a.png", PNG), ("b.jpg", &jpeg[..]), ("c.png", PNG)] {
        let (s, body) = app.upload(1, name, bytes, Auth::Token(&coordinator)).await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
    }
    (app, vec![PNG.to_vec(), jpeg])
}

async fn count(pool: &app::service::db::Db, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(pool.as_sqlite().unwrap())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_deployment_with_attachments_round_trips_through_backup_and_restore() {
    let (app, contents) = deployment_with_files().await;
    let work = tempfile::tempdir().unwrap();
    let to = work.path().join("backup");
    let manifest = backup::backup(&app.state.pool, &app.state.data_dir, &to, monday_10())
        .await
        .unwrap();
    // The database and the two distinct files, each with its size and hash.
    assert_eq!(manifest.files.len(), 3);
    assert_eq!(manifest.files[0].path, "otklik.db");
    for content in &contents {
        let sha = hex(&Sha256::digest(content));
        let entry = manifest.files.iter().find(|f| f.sha256 == sha).unwrap();
        assert_eq!(entry.path, format!("files/{}/{sha}", &sha[..2]));
        assert_eq!(entry.size, content.len() as u64);
        assert_eq!(std::fs::read(to.join(&entry.path)).unwrap(), *content);
    }
    let written: backup::Manifest =
        serde_json::from_slice(&std::fs::read(to.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(written, manifest);

    let restored_dir = work.path().join("restored");
    let restored = backup::restore(&to, &restored_dir).await.unwrap();
    assert_eq!(restored.attachments, 3);
    let pool = app::service::db::open(&restored_dir).await.unwrap();
    for table in ["messages", "attachments", "journal", "users"] {
        assert_eq!(
            count(&pool, table).await,
            count(&app.state.pool, table).await,
            "{table}"
        );
    }
    let shas: Vec<String> = sqlx::query_scalar("SELECT sha256 FROM attachments ORDER BY id")
        .fetch_all(pool.as_sqlite().unwrap())
        .await
        .unwrap();
    for sha in shas {
        let path = restored_dir.join("files").join(&sha[..2]).join(&sha);
        assert_eq!(hex(&Sha256::digest(std::fs::read(path).unwrap())), sha);
    }
    let ok: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(pool.as_sqlite().unwrap())
        .await
        .unwrap();
    assert_eq!(ok, "ok");
}

#[tokio::test]
async fn a_damaged_backup_is_refused_before_anything_is_written() {
    let (app, _) = deployment_with_files().await;
    let work = tempfile::tempdir().unwrap();
    let to = work.path().join("backup");
    let manifest = backup::backup(&app.state.pool, &app.state.data_dir, &to, monday_10())
        .await
        .unwrap();
    // One flipped byte in a file.
    let victim = to.join(&manifest.files[1].path);
    let mut bytes = std::fs::read(&victim).unwrap();
    bytes[20] ^= 0xFF;
    std::fs::write(&victim, bytes).unwrap();
    let target = work.path().join("restored");
    let err = backup::restore(&to, &target).await.unwrap_err();
    assert!(matches!(err, BackupError::Mismatch { .. }), "{err}");
    assert!(!target.exists() || std::fs::read_dir(&target).unwrap().next().is_none());

    // A missing file is refused as well.
    std::fs::remove_file(&victim).unwrap();
    assert!(backup::restore(&to, &target).await.is_err());
}

#[tokio::test]
async fn backup_and_restore_only_write_into_new_or_empty_directories() {
    let (app, _) = deployment_with_files().await;
    let work = tempfile::tempdir().unwrap();
    let busy = work.path().join("busy");
    std::fs::create_dir_all(&busy).unwrap();
    std::fs::write(busy.join("something"), b"x").unwrap();
    let err = backup::backup(&app.state.pool, &app.state.data_dir, &busy, monday_10())
        .await
        .unwrap_err();
    assert!(matches!(err, BackupError::NotEmpty(_)), "{err}");
    let to = work.path().join("backup");
    backup::backup(&app.state.pool, &app.state.data_dir, &to, monday_10())
        .await
        .unwrap();
    let err = backup::restore(&to, &busy).await.unwrap_err();
    assert!(matches!(err, BackupError::NotEmpty(_)), "{err}");
    // Restoring over the live data directory is refused the same way.
    assert!(backup::restore(&to, &app.state.data_dir).await.is_err());
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
