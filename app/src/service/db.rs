//! Opening the SQLite database: WAL, foreign keys, busy timeout, embedded migrations.

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// The migrations in `app/migrations`, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

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
    /// SQLite refused to open or configure the file.
    #[error("cannot open database: {0}")]
    Open(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Completing data the migrations left for the application failed.
    #[error("cannot complete migrated data: {0}")]
    Backfill(crate::error::AppError),
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

/// Opens (creating if missing) the database in `data_dir` and runs pending migrations,
/// with `synchronous=FULL`.
pub async fn open(data_dir: &Path) -> Result<SqlitePool, DbError> {
    open_with(data_dir, Synchronous::Full).await
}

/// [`open`] with the given durability.
pub async fn open_with(data_dir: &Path, synchronous: Synchronous) -> Result<SqlitePool, DbError> {
    std::fs::create_dir_all(data_dir.join("files")).map_err(|source| DbError::DataDir {
        path: data_dir.display().to_string(),
        source,
    })?;
    let url = format!("sqlite://{}", database_path(data_dir).display());
    let options = SqliteConnectOptions::from_str(&url)?
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
    let cal = crate::service::calendar::load(&pool, &Default::default())
        .await
        .map_err(DbError::Backfill)?;
    crate::service::messages::deadlines::backfill_lateness(&pool, &cal)
        .await
        .map_err(DbError::Backfill)?;
    backfill_list_keys(&pool, &cal)
        .await
        .map_err(DbError::Backfill)?;
    Ok(pool)
}

/// Gives messages written before list keys existed (migration 0010) their keys.
async fn backfill_list_keys(
    pool: &SqlitePool,
    cal: &crate::domain::calendar::WorkingCalendar,
) -> Result<(), crate::error::AppError> {
    use crate::service::messages::keys;
    let mut tx = crate::service::messages::begin_write(pool).await?;
    if keys::missing(&mut tx).await? {
        let percent = crate::service::alerts::settings(&mut *tx)
            .await?
            .due_soon_percent;
        keys::refresh_all(&mut tx, percent, cal).await?;
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a failed setup should panic
mod tests {
    use super::*;

    async fn synchronous_of(pool: &SqlitePool) -> i64 {
        sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(pool)
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
