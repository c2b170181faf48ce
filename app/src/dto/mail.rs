//! The SMTP settings of the administration page (alerts by e-mail).

use serde::{Deserialize, Serialize};

/// How alerts are e-mailed. The password never travels back to a browser: the page gets
/// it empty with `password_set`, and an empty password on save keeps the stored one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SmtpSettings {
    /// Whether alerts are e-mailed at all.
    pub enabled: bool,
    /// SMTP server host name.
    pub host: String,
    /// SMTP port (587 with STARTTLS, 25 without).
    pub port: u16,
    /// Whether to upgrade the connection with STARTTLS (required when set).
    pub starttls: bool,
    /// User name (empty: no authentication).
    pub username: String,
    /// Password (empty from the page: unchanged).
    pub password: String,
    /// Whether a password is stored (for the page).
    pub password_set: bool,
    /// The sender address.
    pub from: String,
    /// The address of Otklik that links in e-mails point to.
    pub base_url: String,
}

impl Default for SmtpSettings {
    fn default() -> Self {
        Self {
            enabled: false,
            host: String::new(),
            port: 587,
            starttls: true,
            username: String::new(),
            password: String::new(),
            password_set: false,
            from: "otklik@localhost".to_owned(),
            base_url: "http://127.0.0.1:3000".to_owned(),
        }
    }
}

impl SmtpSettings {
    /// The link to a message in e-mails.
    pub fn message_link(&self, id: crate::domain::ids::MessageId) -> String {
        format!("{}/messages/{id}", self.base_url.trim_end_matches('/'))
    }
}

/// One e-mail of the outbox, for the administration page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct OutboxEntry {
    /// Id.
    pub id: i64,
    /// Recipient address.
    pub recipient: String,
    /// Subject.
    pub subject: String,
    /// `pending`, `sent` or `failed`.
    pub status: String,
    /// Attempts made.
    pub attempts: i64,
    /// The last error, if any.
    pub last_error: Option<String>,
    /// Queued at.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Sent at.
    pub sent_at: Option<chrono::DateTime<chrono::Utc>>,
}
