//! The database: the embedded SQLite file of a district (the default) or a region's
//! PostgreSQL, chosen at run time by URL; both native sqlx drivers are compiled in (not
//! `Any`: it has no chrono types and does not rewrite placeholders). SQL is written once
//! where both accept it (`$1` placeholders, `RETURNING`, `ON CONFLICT`); [`on_db!`] and
//! [`on_tx!`] run the same statement on whichever pool or transaction is open, and the
//! few statements that differ live in [`dialect`].

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Postgres, Sqlite, SqlitePool, Transaction};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

pub mod dialect;

/// The SQLite migrations in `app/migrations`, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");
/// The PostgreSQL migrations in `app/migrations/postgres` (the same schema meaning).
pub static PG_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Runs `$body` with `$p` bound to the pool (and `$DB` to the database type) of
/// whichever backend `$db` is: the body is compiled once per backend.
#[macro_export]
macro_rules! on_db {
    ($db:expr, $p:ident => $body:expr) => {
        match $db {
            $crate::service::db::Db::Sqlite($p) => $body,
            $crate::service::db::Db::Postgres($p) => $body,
        }
    };
    ($db:expr, $p:ident, $DB:ident => $body:expr) => {
        match $db {
            $crate::service::db::Db::Sqlite($p) => {
                #[allow(dead_code)]
                type $DB = ::sqlx::Sqlite;
                $body
            }
            $crate::service::db::Db::Postgres($p) => {
                #[allow(dead_code)]
                type $DB = ::sqlx::Postgres;
                $body
            }
        }
    };
}

/// Runs `$body` with `$c` bound to the connection of the open transaction `$tx`
/// (`&mut Tx`), whichever backend it is on.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match $tx {
            $crate::service::db::Tx::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::service::db::Tx::Postgres(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
    ($tx:expr, $c:ident, $DB:ident => $body:expr) => {
        match $tx {
            $crate::service::db::Tx::Sqlite(t) => {
                #[allow(dead_code)]
                type $DB = ::sqlx::Sqlite;
                let $c = &mut **t;
                $body
            }
            $crate::service::db::Tx::Postgres(t) => {
                #[allow(dead_code)]
                type $DB = ::sqlx::Postgres;
                let $c = &mut **t;
                $body
            }
        }
    };
}

/// Implements `sqlx::FromRow` for a row of either backend with one body.
#[macro_export]
macro_rules! from_row {
    ($t:ty, |$row:ident| $body:expr) => {
        impl<'r> ::sqlx::FromRow<'r, ::sqlx::sqlite::SqliteRow> for $t {
            fn from_row($row: &'r ::sqlx::sqlite::SqliteRow) -> Result<Self, ::sqlx::Error> {
                use ::sqlx::Row;
                $body
            }
        }
        impl<'r> ::sqlx::FromRow<'r, ::sqlx::postgres::PgRow> for $t {
            fn from_row($row: &'r ::sqlx::postgres::PgRow) -> Result<Self, ::sqlx::Error> {
                use ::sqlx::Row;
                $body
            }
        }
    };
}

/// A connection pool to the deployment's database.
#[derive(Clone, Debug)]
pub enum Db {
    /// The embedded SQLite file.
    Sqlite(SqlitePool),
    /// A region's PostgreSQL.
    Postgres(PgPool),
}

/// Which database engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl Db {
    /// The engine.
    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Whether the pool was closed.
    pub fn is_closed(&self) -> bool {
        on_db!(self, p => p.is_closed())
    }

    /// Closes every connection.
    pub async fn close(&self) {
        on_db!(self, p => p.close().await)
    }

    /// The SQLite pool, for what only SQLite has (its file copy, its integrity check).
    pub fn as_sqlite(&self) -> Option<&SqlitePool> {
        match self {
            Db::Sqlite(p) => Some(p),
            Db::Postgres(_) => None,
        }
    }
}

/// An open transaction on either backend.
pub enum Tx {
    /// On SQLite.
    Sqlite(Transaction<'static, Sqlite>),
    /// On PostgreSQL.
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    /// Commits. On PostgreSQL the commit notifies every app instance's event pump
    /// (`pg_notify`, delivered when the transaction commits).
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(t) => t.commit().await,
            Tx::Postgres(mut t) => {
                sqlx::query("SELECT pg_notify($1, '')")
                    .bind(dialect::EVENTS_CHANNEL)
                    .execute(&mut *t)
                    .await?;
                t.commit().await
            }
        }
    }

    /// Rolls back.
    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(t) => t.rollback().await,
            Tx::Postgres(t) => t.rollback().await,
        }
    }
}

/// Starts a write transaction that serialises with every other writer: SQLite takes its
/// write lock at once (`BEGIN IMMEDIATE`), PostgreSQL a transaction-scoped advisory lock.
/// Two concurrent actions on one message (also through two app instances) then run one
/// after the other, and the loser sees the new version (a conflict, not a database
/// error); journal ids commit in the order they were taken, so the event reader never
/// skips one.
pub async fn begin_write(db: &Db) -> Result<Tx, sqlx::Error> {
    match db {
        Db::Sqlite(p) => Ok(Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?)),
        Db::Postgres(p) => {
            let mut tx = p.begin().await?;
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(dialect::WRITE_LOCK)
                .execute(&mut *tx)
                .await?;
            Ok(Tx::Postgres(tx))
        }
    }
}

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The data directory could not be created.
    #[error("cannot create data directory {path}: {source}")]
    DataDir {
        /// The directory.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The database refused to open or configure.
    #[error("cannot open database: {0}")]
    Open(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Completing data the migrations left for the application failed.
    #[error("cannot complete migrated data: {0}")]
    Backfill(crate::error::AppError),
    /// The database URL names no supported engine.
    #[error("unsupported database URL (expected sqlite://… or postgres://…)")]
    Url,
}

/// The SQLite file inside a data directory.
pub fn database_path(data_dir: &Path) -> std::path::PathBuf {
    data_dir.join("otklik.db")
}

/// When SQLite waits for the disk (`PRAGMA synchronous`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Synchronous {
    /// Every commit is on the disk before it is acknowledged: a power loss loses no
    /// acknowledged write. The default.
    #[default]
    Full,
    /// In WAL mode, commits reach the disk at checkpoints: faster, but a power loss (not a
    /// crash of the process) can drop the last acknowledged commits.
    Normal,
}

impl Synchronous {
    /// `full` or `normal`.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "full" => Some(Self::Full),
            "normal" => Some(Self::Normal),
            _ => None,
        }
    }
}

/// Where the deployment's data lives.
#[derive(Clone, Debug)]
pub struct Target {
    /// The data directory: uploaded files, and the SQLite file when there is no URL.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…` (`--database-url`); `None`: the SQLite file in
    /// `data_dir`.
    pub url: Option<String>,
    /// SQLite's durability.
    pub synchronous: Synchronous,
}

impl Target {
    /// The database for messages: the SQLite file's path, or the URL without its password.
    pub fn describe(&self) -> String {
        match self.url.as_deref() {
            None => database_path(&self.data_dir).display().to_string(),
            Some(url) => match url::Url::parse(url) {
                Ok(mut u) => {
                    let _ = u.set_password(None);
                    u.to_string()
                }
                Err(_) => "the database URL".to_owned(),
            },
        }
    }

    /// The SQLite file in `data_dir`, fully durable.
    pub fn data_dir(data_dir: &Path) -> Self {
        Self {
            data_dir: data_dir.to_path_buf(),
            url: None,
            synchronous: Synchronous::Full,
        }
    }
}

/// Opens (creating if missing) the SQLite database in `data_dir` and runs pending
/// migrations, with `synchronous=FULL`.
pub async fn open(data_dir: &Path) -> Result<Db, DbError> {
    connect(&Target::data_dir(data_dir)).await
}

/// [`open`] with the given durability.
pub async fn open_with(data_dir: &Path, synchronous: Synchronous) -> Result<Db, DbError> {
    connect(&Target {
        synchronous,
        ..Target::data_dir(data_dir)
    })
    .await
}

/// Opens the database of `target`, runs pending migrations and completes migrated data.
pub async fn connect(target: &Target) -> Result<Db, DbError> {
    std::fs::create_dir_all(target.data_dir.join("files")).map_err(|source| DbError::DataDir {
        path: target.data_dir.display().to_string(),
        source,
    })?;
    let db = match target.url.as_deref() {
        None => {
            sqlite(
                &format!("sqlite://{}", database_path(&target.data_dir).display()),
                target.synchronous,
            )
            .await?
        }
        Some(url) if url.starts_with("sqlite:") => sqlite(url, target.synchronous).await?,
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            let options = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            PG_MIGRATOR.run(&pool).await?;
            Db::Postgres(pool)
        }
        Some(_) => return Err(DbError::Url),
    };
    // Rows before outcomes existed predate administrations: the region's calendar.
    let cal = crate::service::calendar::load(
        &db,
        &Default::default(),
        crate::service::settings::Layer::Region,
    )
    .await
    .map_err(DbError::Backfill)?;
    crate::service::messages::deadlines::backfill_lateness(&db, &cal)
        .await
        .map_err(DbError::Backfill)?;
    backfill_list_keys(&db).await.map_err(DbError::Backfill)?;
    Ok(db)
}

async fn sqlite(url: &str, synchronous: Synchronous) -> Result<Db, DbError> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(match synchronous {
            Synchronous::Full => SqliteSynchronous::Full,
            Synchronous::Normal => SqliteSynchronous::Normal,
        })
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await?;
    MIGRATOR.run(&pool).await?;
    Ok(Db::Sqlite(pool))
}

/// Gives messages written before list keys existed (migration 0010) their keys.
async fn backfill_list_keys(db: &Db) -> Result<(), crate::error::AppError> {
    use crate::service::messages::keys;
    let mut tx = begin_write(db).await?;
    if keys::missing(&mut tx).await? {
        let config = crate::service::ctx::Config::load_in(&mut tx, &Default::default()).await?;
        keys::refresh_all(&mut tx, &config).await?;
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a failed setup should panic
mod tests {
    use super::*;

    async fn synchronous_of(db: &Db) -> i64 {
        sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(db.as_sqlite().unwrap())
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn commits_wait_for_the_disk_unless_a_setting_says_otherwise() {
        let dir = tempfile::tempdir().unwrap();
        // PRAGMA synchronous: 1 = NORMAL, 2 = FULL.
        let pool = open(dir.path()).await.unwrap();
        assert_eq!(synchronous_of(&pool).await, 2);
        pool.close().await;
        let pool = open_with(dir.path(), Synchronous::Normal).await.unwrap();
        assert_eq!(synchronous_of(&pool).await, 1);
        assert_eq!(Synchronous::parse(" FULL "), Some(Synchronous::Full));
        assert_eq!(Synchronous::parse("normal"), Some(Synchronous::Normal));
        assert_eq!(Synchronous::parse("off"), None);
    }
}
