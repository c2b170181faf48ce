//! Deployment settings: JSON values in the `settings` table, each with a default used until
//! an admin stores another (deadline lengths, schedule, network limits, upload limits).

use crate::domain::ids::UserId;
use crate::domain::network::{AnswerTemplates, LinkHosts, NetworkLimits};
use crate::error::AppError;
use crate::service::db::{Db, Tx};
use crate::{on_db, on_tx};
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Settings key of the per-network answer limits (JSON of [`NetworkLimits`]).
pub const NETWORKS_KEY: &str = "networks";

const GET: &str = "SELECT value FROM settings WHERE key = $1";
const PUT: &str =
    "INSERT INTO settings (key, value, updated_at, updated_by) VALUES ($1, $2, $3, $4) \
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, \
     updated_by = excluded.updated_by";

fn parse<T: DeserializeOwned + Default>(key: &str, stored: Option<String>) -> Result<T, AppError> {
    match stored {
        Some(json) => serde_json::from_str(&json).map_err(|e| {
            tracing::error!(error = %e, key, "stored setting is not valid JSON");
            AppError::Internal
        }),
        None => Ok(T::default()),
    }
}

fn json<T: Serialize>(key: &str, value: &T) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(|e| {
        tracing::error!(error = %e, key, "cannot serialise a setting");
        AppError::Internal
    })
}

/// The stored value of `key`, or `T::default()` when none is stored.
pub async fn get<T: DeserializeOwned + Default>(db: &Db, key: &str) -> Result<T, AppError> {
    let stored: Option<String> =
        on_db!(db, p => sqlx::query_scalar(GET).bind(key).fetch_optional(p).await)?;
    parse(key, stored)
}

/// [`get`] inside a transaction (it sees the transaction's own writes).
pub async fn get_in<T: DeserializeOwned + Default>(tx: &mut Tx, key: &str) -> Result<T, AppError> {
    let stored: Option<String> =
        on_tx!(tx, c => sqlx::query_scalar(GET).bind(key).fetch_optional(c).await)?;
    parse(key, stored)
}

/// Stores `value` under `key` (replacing any previous value).
pub async fn put<T: Serialize>(
    db: &Db,
    key: &str,
    value: &T,
    by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let json = json(key, value)?;
    on_db!(db, p => sqlx::query(PUT).bind(key).bind(json).bind(now).bind(by).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// [`put`] inside a transaction.
pub async fn put_in<T: Serialize>(
    tx: &mut Tx,
    key: &str,
    value: &T,
    by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let json = json(key, value)?;
    on_tx!(tx, c => sqlx::query(PUT).bind(key).bind(json).bind(now).bind(by).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Settings key of the answer templates (JSON of [`AnswerTemplates`]).
pub const TEMPLATES_KEY: &str = "templates";

/// The answer templates offered in the draft editor.
pub async fn templates(pool: &Db) -> Result<AnswerTemplates, AppError> {
    get(pool, TEMPLATES_KEY).await
}

/// The per-network answer limits (§11).
pub async fn network_limits(pool: &Db) -> Result<NetworkLimits, AppError> {
    get(pool, NETWORKS_KEY).await
}

/// Settings key of the hosts a published answer's link may point to (JSON of [`LinkHosts`]).
pub const LINK_HOSTS_KEY: &str = "link_hosts";

/// The hosts a published answer's link may point to, per network (§9).
pub async fn link_hosts(pool: &Db) -> Result<LinkHosts, AppError> {
    get(pool, LINK_HOSTS_KEY).await
}
