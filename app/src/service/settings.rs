//! Deployment settings: JSON values in the `settings` table, each with a default used until
//! an admin stores another (deadline lengths, schedule, network limits, upload limits).
//!
//! Settings come in two layers: the region's (the deployment's, `administration_id` 0)
//! and an administration's own, which overrides the region's key by key for that
//! administration (issue 19). A deployment of one administration has only the first.

use crate::domain::ids::{AdministrationId, UserId};
use crate::domain::network::{AnswerTemplates, LinkHosts, NetworkLimits};
use crate::error::AppError;
use crate::service::db::{Db, Tx};
use crate::{on_db, on_tx};
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Settings key of the per-network answer limits (JSON of [`NetworkLimits`]).
pub const NETWORKS_KEY: &str = "networks";

/// Whose value a setting is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Layer {
    /// The region's: every administration's value unless it has its own.
    #[default]
    Region,
    /// One administration's own, over the region's.
    Administration(AdministrationId),
}

impl Layer {
    /// The `administration_id` of the layer's rows (0: the region's).
    pub fn id(self) -> i64 {
        match self {
            Self::Region => 0,
            Self::Administration(a) => a.0,
        }
    }

    /// The administration, if the layer is one's.
    pub fn administration(self) -> Option<AdministrationId> {
        match self {
            Self::Region => None,
            Self::Administration(a) => Some(a),
        }
    }
}

/// The layer's own value, else the region's.
const GET: &str = "SELECT value FROM settings WHERE key = $1 AND administration_id IN (0, $2) \
     ORDER BY administration_id DESC LIMIT 1";
const PUT: &str = "INSERT INTO settings (key, value, updated_at, updated_by, administration_id) \
     VALUES ($1, $2, $3, $4, $5) \
     ON CONFLICT (administration_id, key) DO UPDATE SET value = excluded.value, \
     updated_at = excluded.updated_at, updated_by = excluded.updated_by";

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

/// The value of `key` in `layer` (the administration's own, else the region's), or
/// `T::default()` when none is stored.
pub async fn get<T: DeserializeOwned + Default>(
    db: &Db,
    layer: Layer,
    key: &str,
) -> Result<T, AppError> {
    let stored: Option<String> = on_db!(db, p => sqlx::query_scalar(GET)
        .bind(key)
        .bind(layer.id())
        .fetch_optional(p)
        .await)?;
    parse(key, stored)
}

/// [`get`] inside a transaction (it sees the transaction's own writes).
pub async fn get_in<T: DeserializeOwned + Default>(
    tx: &mut Tx,
    layer: Layer,
    key: &str,
) -> Result<T, AppError> {
    let stored: Option<String> = on_tx!(tx, c => sqlx::query_scalar(GET)
        .bind(key)
        .bind(layer.id())
        .fetch_optional(c)
        .await)?;
    parse(key, stored)
}

/// The keys `layer` stores itself (for an administration: where it differs from the
/// region; for the region: every stored key).
pub async fn own_keys(db: &Db, layer: Layer) -> Result<Vec<String>, AppError> {
    Ok(on_db!(db, p => sqlx::query_scalar(
        "SELECT key FROM settings WHERE administration_id = $1 ORDER BY key"
    )
    .bind(layer.id())
    .fetch_all(p)
    .await)?)
}

/// Removes an administration's own values of `keys`: the region's apply again.
pub async fn reset_in(tx: &mut Tx, layer: Layer, keys: &[&str]) -> Result<(), AppError> {
    if layer == Layer::Region {
        return Ok(());
    }
    for key in keys {
        on_tx!(tx, c => sqlx::query("DELETE FROM settings WHERE administration_id = $1 AND key = $2")
            .bind(layer.id())
            .bind(*key)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Stores `value` under `key` in `layer` (replacing any previous value).
pub async fn put<T: Serialize>(
    db: &Db,
    layer: Layer,
    key: &str,
    value: &T,
    by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let json = json(key, value)?;
    on_db!(db, p => sqlx::query(PUT)
        .bind(key)
        .bind(json)
        .bind(now)
        .bind(by)
        .bind(layer.id())
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// [`put`] inside a transaction.
pub async fn put_in<T: Serialize>(
    tx: &mut Tx,
    layer: Layer,
    key: &str,
    value: &T,
    by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let json = json(key, value)?;
    on_tx!(tx, c => sqlx::query(PUT)
        .bind(key)
        .bind(json)
        .bind(now)
        .bind(by)
        .bind(layer.id())
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Settings key of the answer templates (JSON of [`AnswerTemplates`]).
pub const TEMPLATES_KEY: &str = "templates";

/// The answer templates offered in the draft editor.
pub async fn templates(pool: &Db, layer: Layer) -> Result<AnswerTemplates, AppError> {
    get(pool, layer, TEMPLATES_KEY).await
}

/// The per-network answer limits (§11).
pub async fn network_limits(pool: &Db, layer: Layer) -> Result<NetworkLimits, AppError> {
    get(pool, layer, NETWORKS_KEY).await
}

/// Settings key of the hosts a published answer's link may point to (JSON of [`LinkHosts`]).
pub const LINK_HOSTS_KEY: &str = "link_hosts";

/// The hosts a published answer's link may point to, per network (§9).
pub async fn link_hosts(pool: &Db, layer: Layer) -> Result<LinkHosts, AppError> {
    get(pool, layer, LINK_HOSTS_KEY).await
}
