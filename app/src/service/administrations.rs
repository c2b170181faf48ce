//! The administrations of the deployment (issue 19): listing, adding, and the lookups the
//! rules in `domain::administration` need.

use crate::domain::administration::{check_code, check_name, AdministrationError, Known};
use crate::domain::ids::AdministrationId;
use crate::error::AppError;
use crate::on_db;
use crate::service::db::Db;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An administration as listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct AdministrationRow {
    /// Id.
    pub id: AdministrationId,
    /// Short code (`luga`), used by the API and the CLI.
    pub code: String,
    /// Name (`Лужский муниципальный район`).
    pub name: String,
}

impl From<AdministrationError> for AppError {
    fn from(e: AdministrationError) -> Self {
        AppError::validation("administration", e.to_string())
    }
}

/// Every administration, in the order they were added.
pub async fn list(db: &Db) -> Result<Vec<AdministrationRow>, AppError> {
    Ok(
        on_db!(db, p => sqlx::query_as("SELECT id, code, name FROM administrations ORDER BY id")
        .fetch_all(p)
        .await)?,
    )
}

/// Every administration's id and code, for `domain::administration`'s rules.
pub async fn known(db: &Db) -> Result<Vec<Known>, AppError> {
    Ok(list(db)
        .await?
        .into_iter()
        .map(|a| Known {
            id: a.id,
            code: a.code,
        })
        .collect())
}

/// Adds an administration; a taken code or name is a conflict.
pub async fn add(
    db: &Db,
    code: &str,
    name: &str,
    now: DateTime<Utc>,
) -> Result<AdministrationRow, AppError> {
    let (code, name) = (check_code(code)?, check_name(name)?);
    let mut tx = crate::service::messages::begin_write(db).await?;
    let res: Result<AdministrationId, sqlx::Error> = crate::on_tx!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO administrations (code, name, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(&code)
    .bind(&name)
    .bind(now)
    .fetch_one(c)
    .await);
    match res {
        Ok(id) => {
            // Its own topic catalogue, the default one to start with.
            crate::service::topics::seed_in(&mut tx, id).await?;
            tx.commit().await?;
            Ok(AdministrationRow { id, code, name })
        }
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(AppError::Conflict(
            format!("Администрация с кодом «{code}» или названием «{name}» уже есть"),
        )),
        Err(e) => Err(e.into()),
    }
}
