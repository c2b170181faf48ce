//! Messages: intake and every workflow action, each in one transaction that writes the new
//! state, the journal event and the deadlines the engine says start or end.

/// A message's deadline ledger in the database.
pub mod deadlines;
/// The list as an XLSX or CSV file.
pub mod export;
/// Intake of a new message (UI form, API, CSV import, demo).
pub mod intake;
/// The list keys a message keeps (sort key, threshold instants).
pub mod keys;
/// Reading messages: one, a filtered list, who may see what.
pub mod query;
/// Workflow actions through `domain::workflow::decide`.
pub mod transition;

use crate::domain::administration::Scope;
use crate::domain::calendar::CalendarError;
use crate::domain::case::CaseError;
use crate::domain::ids::{AdministrationId, DepartmentId, UserId};
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
    /// The caller's department (an executor sees its messages).
    pub department: Option<DepartmentId>,
    /// The caller's administration (`None`: a regional role or the region's admin).
    pub administration: Option<AdministrationId>,
}

impl Caller {
    /// A signed-in person.
    pub fn person(user: &crate::service::users::UserRow) -> Self {
        Self {
            user: Some(user.id),
            role: user.role,
            label: user.full_name.clone(),
            department: user.department_id,
            administration: user.administration_id,
        }
    }

    /// Which messages of its administrations the caller may read.
    pub fn visibility(&self) -> crate::domain::listing::Visibility {
        crate::domain::listing::Visibility::of(self.role, self.user, self.department)
    }

    /// Which administrations' messages the caller reads and acts on.
    pub fn scope(&self) -> Scope {
        Scope::of(self.role, self.administration)
    }

    /// An API token (not tied to a person) of `administration` (`None`: the region).
    pub fn token(name: &str, role: Role, administration: Option<AdministrationId>) -> Self {
        Self {
            user: None,
            role,
            label: format!("API: {name}"),
            department: None,
            administration,
        }
    }
}

impl From<TransitionError> for AppError {
    fn from(e: TransitionError) -> Self {
        match e {
            TransitionError::RoleForbidden { .. } | TransitionError::NotAssignee => {
                AppError::Forbidden(e.to_string())
            }
            TransitionError::WrongState { .. } => AppError::Conflict(e.to_string()),
            TransitionError::Invalid { field, message } => AppError::Validation { field, message },
            TransitionError::Case(e) => e.into(),
        }
    }
}

impl From<CaseError> for AppError {
    /// The message named in `to` is bad input (422); the rest is the cases' state (409).
    fn from(e: CaseError) -> Self {
        match e {
            CaseError::Itself | CaseError::OtherAdministration => {
                AppError::validation("to", e.to_string())
            }
            _ => AppError::Conflict(e.to_string()),
        }
    }
}

impl From<CalendarError> for AppError {
    fn from(e: CalendarError) -> Self {
        AppError::validation("detected_at", e.to_string())
    }
}

/// Starts a write transaction that serialises with every other writer
/// (`service::db::begin_write`).
pub(crate) async fn begin_write(
    db: &crate::service::db::Db,
) -> Result<crate::service::db::Tx, AppError> {
    Ok(crate::service::db::begin_write(db).await?)
}
