//! Messages: intake and every workflow action, each in one transaction that writes the new
//! state, the journal event and the deadlines the engine says start or end.

/// Intake of a new message (UI form, API, CSV import, demo).
pub mod intake;
/// Workflow actions through `domain::workflow::decide`.
pub mod transition;

use crate::domain::calendar::CalendarError;
use crate::domain::ids::UserId;
use crate::domain::role::Role;
use crate::domain::workflow::TransitionError;
use crate::error::AppError;

/// Message shown when an action was based on an outdated version of the message.
pub const STALE_VERSION: &str = "Сообщение уже изменено другим пользователем, обновите страницу";

/// Who calls the service: a signed-in user or an API token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    /// The user, if the caller is a person (`None` for an API token).
    pub user: Option<UserId>,
    /// The role the caller acts in.
    pub role: Role,
    /// How the journal names the caller (full name, or "API: token name").
    pub label: String,
}

impl From<TransitionError> for AppError {
    fn from(e: TransitionError) -> Self {
        match e {
            TransitionError::RoleForbidden { .. } | TransitionError::NotAssignee => {
                AppError::Forbidden(e.to_string())
            }
            TransitionError::WrongState { .. } => AppError::Conflict(e.to_string()),
            TransitionError::Invalid { field, message } => AppError::Validation { field, message },
        }
    }
}

impl From<CalendarError> for AppError {
    fn from(e: CalendarError) -> Self {
        AppError::validation("detected_at", e.to_string())
    }
}

/// Starts a write transaction that takes SQLite's write lock at once, so that two
/// concurrent actions serialise instead of failing on an upgraded read snapshot.
pub(crate) async fn begin_write(
    pool: &sqlx::SqlitePool,
) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, AppError> {
    Ok(pool.begin_with("BEGIN IMMEDIATE").await?)
}
