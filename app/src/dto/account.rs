//! The shapes of account management (issue 22): editing a user, the one-time password,
//! a deactivated user's open messages, the journal of account events.

use crate::domain::ids::{MessageId, UserId};
use crate::domain::network::Network;
use crate::domain::workflow::MessageState;
use serde::{Deserialize, Serialize};

/// The admin's edit of a user (`input[...]`): name, role and department.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EditUserForm {
    /// Full name.
    pub full_name: String,
    /// Role name (`admin`, `coordinator`, …).
    pub role: String,
    /// Department name; created if missing, empty for none.
    pub department: String,
}

/// A one-time password, shown once to the admin who reset it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OneTimePassword {
    /// Whose.
    pub login: String,
    /// The password; the user must replace it at the next sign-in.
    pub password: String,
}

/// An open message assigned to a user, for handing over.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct OpenMessage {
    /// Id.
    pub id: MessageId,
    /// Network.
    pub network: Network,
    /// Author.
    pub author: String,
    /// The beginning of the text.
    pub text: String,
    /// State.
    pub state: MessageState,
}

/// An entry of the journal of account events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountEvent {
    /// Id.
    pub id: i64,
    /// When, in the deployment's time zone («03.12.2026 14:05»).
    pub at: String,
    /// Who did it (none: the command line, or the user themselves before signing in).
    pub actor: Option<String>,
    /// Whose account.
    pub user: String,
    /// The user's id.
    pub user_id: UserId,
    /// Stable name of what happened (`domain::account::AccountEventKind`).
    pub kind: String,
    /// What happened, in Russian.
    pub label: String,
    /// The details in Russian («Роль: исполнитель → координатор»), empty when none.
    pub details: String,
}
