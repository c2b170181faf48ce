//! What the event stream (`GET /api/v1/events`) carries to a browser or a regional system:
//! small notices, never a message's text. A receiver re-reads what changed through the
//! usual doors, which apply its role's visibility.

use crate::domain::deadline::DeadlineRule;
use crate::domain::ids::MessageId;
use crate::domain::workflow::MessageState;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A committed journal event (`event: journal`, `id:` the journal event id).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalNotice {
    /// The journal event id (increasing; the stream's `id:`).
    pub id: i64,
    /// The message it happened to.
    pub message_id: MessageId,
    /// The action (`intake`, `assign`, `submit_draft`, ...).
    pub action: String,
    /// The message's state after the event.
    pub state: MessageState,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// The message's place in the list now (`domain::listing::ListKeys::sort_key`): a
    /// list re-reads only when the change can reach the page it shows.
    #[serde(default)]
    pub sort_key: Option<i64>,
}

/// How close a deadline is when its alert is raised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "TEXT", rename_all = "snake_case")
)]
pub enum AlertKind {
    /// The deadline entered the last share (25 % by default) of its working-time budget.
    DueSoon,
    /// Working time has passed since the deadline.
    Breached,
}

impl AlertKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::DueSoon => "due_soon",
            AlertKind::Breached => "breached",
        }
    }

    /// The Russian label.
    pub fn label(self) -> &'static str {
        match self {
            AlertKind::DueSoon => "Срок истекает",
            AlertKind::Breached => "Срок нарушен",
        }
    }
}

/// One alert of the signed-in user (`event: alert`, and the alerts list).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertDto {
    /// Id.
    pub id: i64,
    /// The message.
    pub message_id: MessageId,
    /// Which deadline.
    pub rule: DeadlineRule,
    /// Which threshold.
    pub kind: AlertKind,
    /// The deadline's due time.
    pub due_at: DateTime<Utc>,
    /// When the alert was raised.
    pub created_at: DateTime<Utc>,
    /// Whether the user has marked it read.
    pub read: bool,
}

impl AlertDto {
    /// The one-line Russian title: «Срок истекает: подготовка ответа, сообщение №12».
    pub fn title(&self) -> String {
        format!(
            "{}: «{}», сообщение №{}",
            self.kind.label(),
            self.rule.label(),
            self.message_id
        )
    }
}

/// The signed-in user's alerts page: the newest alerts and the e-mail choice.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertsDto {
    /// Newest first (at most 100).
    pub alerts: Vec<AlertDto>,
    /// How many are unread.
    pub unread: i64,
    /// The user's e-mail address for alerts.
    pub email: Option<String>,
    /// Whether the user wants alerts by e-mail.
    pub email_alerts: bool,
}
