//! Data sent between the server and the browser (server-function results) and the REST
//! API's JSON shapes: one definition for both doors.

/// Account management: edits, one-time passwords, handover, account events.
pub mod account;
/// The body of a workflow action, read into the domain's `Command`.
pub mod action;
/// The administration pages and their forms.
pub mod admin;
/// The region's live board.
pub mod board;
/// Days of the working calendar.
pub mod calendar;
/// The CSV import report.
pub mod import;
/// What the live event stream carries, and alerts.
pub mod live;
/// SMTP settings and the outbox.
pub mod mail;
/// Messages as the API and the pages show them.
pub mod message;
/// Network connections and publishing through them.
pub mod networks;
pub mod report;

use crate::domain::ids::{DepartmentId, UserId};
use crate::domain::role::Role;
use serde::{Deserialize, Serialize};

/// A part of a page rendered by the server as HTML (every text in it escaped by Leptos),
/// put in place by the browser without code of its own for it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Markup {
    /// The HTML.
    pub html: String,
}

/// The signed-in user as the interface needs them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    /// Id.
    pub id: UserId,
    /// Login.
    pub login: String,
    /// Full name.
    pub full_name: String,
    /// Role.
    pub role: Role,
    /// Department, if any.
    pub department_id: Option<DepartmentId>,
    /// Department name, if any.
    pub department_name: Option<String>,
    /// Signed in with a one-time password: only the password page works until it is
    /// replaced.
    #[serde(default)]
    pub must_change_password: bool,
}
