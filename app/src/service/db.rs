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

/// Opens (creating if missing) the database in `data_dir` and runs pending migrations.
pub async fn open(data_dir: &Path) -> Result<SqlitePool, DbError> {
    std::fs::create_dir_all(data_dir.join("files")).map_err(|source| DbError::DataDir {
        path: data_dir.display().to_string(),
        source,
    })?;
    let url = format!("sqlite://{}", database_path(data_dir).display());
    let options = SqliteConnectOptions::from_str(&url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
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

/// Writes a consistent copy of the live database to `to` (`VACUUM INTO`), safe while the
/// server runs: SQLite takes a read transaction for the copy.
pub async fn backup(pool: &SqlitePool, to: &Path) -> Result<(), sqlx::Error> {
    sqlx::query("VACUUM INTO ?")
        .bind(to.display().to_string())
        .execute(pool)
        .await?;
    Ok(())
}
