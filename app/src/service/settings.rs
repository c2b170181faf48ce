//! Deployment settings: JSON values in the `settings` table, each with a default used until
//! an admin stores another (deadline lengths, schedule, network limits, upload limits).

use crate::domain::ids::UserId;
use crate::domain::network::{AnswerTemplates, LinkHosts, NetworkLimits};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sqlx::SqlitePool;

/// Settings key of the per-network answer limits (JSON of [`NetworkLimits`]).
pub const NETWORKS_KEY: &str = "networks";

/// The stored value of `key`, or `T::default()` when none is stored.
pub async fn get<'e, T: DeserializeOwned + Default>(
    conn: impl sqlx::SqliteExecutor<'e>,
    key: &str,
) -> Result<T, AppError> {
    let stored: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
        .bind(key)
        .fetch_optional(conn)
        .await?;
    match stored {
        Some(json) => serde_json::from_str(&json).map_err(|e| {
            tracing::error!(error = %e, key, "stored setting is not valid JSON");
            AppError::Internal
        }),
        None => Ok(T::default()),
    }
}

/// Stores `value` under `key` (replacing any previous value), on a pool or inside a
/// transaction.
pub async fn put<'e, T: Serialize>(
    conn: impl sqlx::SqliteExecutor<'e>,
    key: &str,
    value: &T,
    by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let json = serde_json::to_string(value).map_err(|e| {
        tracing::error!(error = %e, key, "cannot serialise a setting");
        AppError::Internal
    })?;
    sqlx::query(
        "INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
    )
    .bind(key)
    .bind(json)
    .bind(now)
    .bind(by)
    .execute(conn)
    .await?;
    Ok(())
}

/// Settings key of the answer templates (JSON of [`AnswerTemplates`]).
pub const TEMPLATES_KEY: &str = "templates";

/// The answer templates offered in the draft editor.
pub async fn templates(pool: &SqlitePool) -> Result<AnswerTemplates, AppError> {
    get(pool, TEMPLATES_KEY).await
}

/// The per-network answer limits (§11).
pub async fn network_limits(pool: &SqlitePool) -> Result<NetworkLimits, AppError> {
    get(pool, NETWORKS_KEY).await
}

/// Settings key of the hosts a published answer's link may point to (JSON of [`LinkHosts`]).
pub const LINK_HOSTS_KEY: &str = "link_hosts";

/// The hosts a published answer's link may point to, per network (§9).
pub async fn link_hosts(pool: &SqlitePool) -> Result<LinkHosts, AppError> {
    get(pool, LINK_HOSTS_KEY).await
}
