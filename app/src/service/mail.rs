//! E-mail alerts: the SMTP settings, the outbox (what is to be sent, what was sent, what
//! failed and why) and the sender that works through it with retries (`lettre`).

use crate::domain::ids::AdministrationId;
use crate::dto::mail::{OutboxEntry, SmtpSettings};
use crate::error::AppError;
use crate::service::db::Db;
use crate::service::settings::Layer;
use crate::{on_db, on_tx};
use chrono::{DateTime, Duration, Utc};
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::collections::HashMap;
use std::str::FromStr;

/// Settings key of [`SmtpSettings`].
pub const SMTP_KEY: &str = "smtp";
/// Attempts before an e-mail is given up as failed.
pub const MAX_ATTEMPTS: i64 = 5;

/// Whether `s` is an e-mail address SMTP accepts.
pub fn valid_address(s: &str) -> bool {
    lettre::Address::from_str(s).is_ok()
}

/// The SMTP settings of `layer` (with the password): an administration's own server, or
/// the region's.
pub async fn settings(pool: &Db, layer: Layer) -> Result<SmtpSettings, AppError> {
    let mut s: SmtpSettings = crate::service::settings::get(pool, layer, SMTP_KEY).await?;
    s.password_set = !s.password.is_empty();
    Ok(s)
}

/// The settings for the administration page: the password blanked.
pub async fn settings_for_page(pool: &Db, layer: Layer) -> Result<SmtpSettings, AppError> {
    let mut s = settings(pool, layer).await?;
    s.password.clear();
    Ok(s)
}

/// Checks and stores `new` in `layer` (an empty password keeps the stored one).
pub async fn save_settings(
    pool: &Db,
    layer: Layer,
    mut new: SmtpSettings,
    by: Option<crate::domain::ids::UserId>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    new.host = new.host.trim().to_owned();
    new.from = new.from.trim().to_owned();
    new.username = new.username.trim().to_owned();
    new.base_url = new.base_url.trim().trim_end_matches('/').to_owned();
    if new.enabled && new.host.is_empty() {
        return Err(AppError::validation("host", "Укажите адрес SMTP-сервера"));
    }
    if new.host.chars().any(|c| c.is_whitespace() || c == '/') {
        return Err(AppError::validation(
            "host",
            "Адрес SMTP-сервера — имя или IP-адрес без пробелов (пример: smtp.admin.ru)",
        ));
    }
    if new.port == 0 {
        return Err(AppError::validation("port", "Порт — число от 1 до 65535"));
    }
    if !valid_address(&new.from) {
        return Err(AppError::validation(
            "from",
            "Адрес отправителя указан неверно (пример: otklik@admin.ru)",
        ));
    }
    if !(new.base_url.starts_with("http://") || new.base_url.starts_with("https://")) {
        return Err(AppError::validation(
            "base_url",
            "Адрес Отклика должен начинаться с http:// или https://",
        ));
    }
    if new.password.is_empty() {
        new.password = settings(pool, layer).await?.password;
    }
    new.password_set = false;
    crate::service::settings::put(pool, layer, SMTP_KEY, &new, by, now).await
}

/// Queues an e-mail inside the caller's transaction (sent by [`send_due`]).
pub(crate) async fn enqueue(
    tx: &mut crate::service::db::Tx,
    alert_id: Option<i64>,
    recipient: &str,
    subject: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO email_outbox (alert_id, recipient, subject, body, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(alert_id)
    .bind(recipient)
    .bind(subject)
    .bind(body)
    .bind(now)
    .bind(now)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// What one pass of the sender did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SendReport {
    /// Delivered to the SMTP server.
    pub sent: usize,
    /// Failed this time (retried later, or given up).
    pub failed: usize,
}

#[derive(sqlx::FromRow)]
struct Pending {
    id: i64,
    recipient: String,
    subject: String,
    body: String,
    attempts: i64,
    /// The administration of the alert's message (0: none, the region's server).
    layer: i64,
}

type Mailer = AsyncSmtpTransport<Tokio1Executor>;

/// Why an e-mail could not be sent (recorded in the outbox).
#[derive(Debug, thiserror::Error)]
enum SendError {
    #[error("address: {0}")]
    Address(#[from] lettre::address::AddressError),
    #[error("message: {0}")]
    Message(#[from] lettre::error::Error),
    #[error("smtp: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
}

fn transport(s: &SmtpSettings) -> Result<AsyncSmtpTransport<Tokio1Executor>, SendError> {
    let builder = if s.starttls {
        AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.host)?
    } else {
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host)
    };
    let builder = builder
        .port(s.port)
        .timeout(Some(std::time::Duration::from_secs(20)));
    Ok(if s.username.is_empty() {
        builder.build()
    } else {
        builder
            .credentials(Credentials::new(s.username.clone(), s.password.clone()))
            .build()
    })
}

async fn send_one(
    mailer: &AsyncSmtpTransport<Tokio1Executor>,
    from: &str,
    p: &Pending,
) -> Result<(), SendError> {
    let email = Message::builder()
        .from(from.parse()?)
        .to(p.recipient.parse()?)
        .subject(p.subject.clone())
        .header(ContentType::TEXT_PLAIN)
        .body(p.body.clone())?;
    mailer.send(email).await?;
    Ok(())
}

/// The wait before attempt `n + 1` after `n` failed ones: 1, 5, 15, 60 minutes.
pub fn retry_after(attempts: i64) -> Duration {
    match attempts {
        ..=1 => Duration::minutes(1),
        2 => Duration::minutes(5),
        3 => Duration::minutes(15),
        _ => Duration::minutes(60),
    }
}

/// Sends the queued e-mails that are due at `now`, each through the SMTP server of its
/// message's administration (nothing where SMTP is off).
pub async fn send_due(pool: &Db, now: DateTime<Utc>) -> Result<SendReport, AppError> {
    let mut report = SendReport::default();
    let pending: Vec<Pending> = on_db!(pool, p => sqlx::query_as(
        "SELECT o.id, o.recipient, o.subject, o.body, o.attempts, \
                COALESCE(m.administration_id, 0) AS layer \
         FROM email_outbox o LEFT JOIN alerts a ON a.id = o.alert_id \
         LEFT JOIN messages m ON m.id = a.message_id \
         WHERE o.status = 'pending' AND o.next_attempt_at <= $1 ORDER BY o.id LIMIT 50",
    )
    .bind(now)
    .fetch_all(p)
    .await)?;
    let mut servers: HashMap<i64, (SmtpSettings, Result<Mailer, String>)> = HashMap::new();
    for p in pending {
        if let std::collections::hash_map::Entry::Vacant(slot) = servers.entry(p.layer) {
            let layer = match p.layer {
                0 => Layer::Region,
                a => Layer::Administration(AdministrationId(a)),
            };
            let s = settings(pool, layer).await?;
            let mailer = transport(&s).map_err(|e| e.to_string());
            slot.insert((s, mailer));
        }
        let Some((s, mailer)) = servers.get(&p.layer) else {
            continue;
        };
        if !s.enabled || s.host.is_empty() {
            continue;
        }
        let result = match mailer {
            Ok(m) => send_one(m, &s.from, &p).await.map_err(|e| e.to_string()),
            Err(e) => Err(e.clone()),
        };
        let attempts = p.attempts + 1;
        match result {
            Ok(()) => {
                report.sent += 1;
                on_db!(pool, db => sqlx::query(
                    "UPDATE email_outbox SET status = 'sent', attempts = $1, sent_at = $2, last_error = NULL WHERE id = $3",
                )
                .bind(attempts)
                .bind(now)
                .bind(p.id)
                .execute(db)
                .await
                .map(|r| r.rows_affected()))?;
            }
            Err(e) => {
                report.failed += 1;
                tracing::warn!(outbox = p.id, attempts, error = %e, "e-mail not sent");
                let status = if attempts >= MAX_ATTEMPTS {
                    "failed"
                } else {
                    "pending"
                };
                on_db!(pool, db => sqlx::query(
                    "UPDATE email_outbox SET status = $1, attempts = $2, last_error = $3, next_attempt_at = $4 WHERE id = $5",
                )
                .bind(status)
                .bind(attempts)
                .bind(e)
                .bind(now + retry_after(attempts))
                .bind(p.id)
                .execute(db)
                .await
                .map(|r| r.rows_affected()))?;
            }
        }
    }
    Ok(report)
}

/// The newest e-mails of the outbox (administration page): those about `within`'s
/// messages only, when given.
pub async fn outbox(
    pool: &Db,
    within: Option<AdministrationId>,
    limit: i64,
) -> Result<Vec<OutboxEntry>, AppError> {
    const COLUMNS: &str = "SELECT o.id, o.recipient, o.subject, o.status, o.attempts, \
         o.last_error, o.created_at, o.sent_at FROM email_outbox o";
    Ok(match within {
        None => on_db!(pool, p => sqlx::query_as(&format!("{COLUMNS} ORDER BY o.id DESC LIMIT $1"))
            .bind(limit)
            .fetch_all(p)
            .await)?,
        Some(a) => on_db!(pool, p => sqlx::query_as(&format!(
            "{COLUMNS} JOIN alerts a ON a.id = o.alert_id JOIN messages m ON m.id = a.message_id \
             WHERE m.administration_id = $1 ORDER BY o.id DESC LIMIT $2"
        ))
        .bind(a)
        .bind(limit)
        .fetch_all(p)
        .await)?,
    })
}

/// Sends the due e-mails once, failures logged (the leader's background task).
pub async fn send_once(state: &crate::service::state::AppState) {
    match send_due(&state.pool, state.clock.now()).await {
        Ok(r) if r.sent + r.failed > 0 => {
            tracing::info!(sent = r.sent, failed = r.failed, "e-mail alerts")
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "e-mail sender failed"),
    }
}
