//! Intake: validate, deduplicate by `external_id`, store the message in `new` with the
//! deadlines that start at receipt and detection, and journal it.

use super::{begin_write, Caller};
use crate::domain::administration::route;
use crate::domain::ids::{AdministrationId, MessageId};
use crate::domain::network::Network;
use crate::domain::workflow::{decide_intake, Actor, MessageState};
use crate::error::AppError;
use crate::on_tx;
use crate::service::ctx::Ctx;
use crate::service::db::Tx;
use chrono::{DateTime, Duration, SubsecRound, Utc};
use serde::{Deserialize, Serialize};

/// How far in the future `detected_at` may lie (clock skew of the regional systems).
pub const MAX_CLOCK_SKEW_MINUTES: i64 = 5;

/// A message to take in (the body of `POST /api/v1/messages`, the columns of the CSV
/// import). Unknown fields are refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMessage {
    /// The regional system's id; intake is idempotent on it.
    pub external_id: String,
    /// The network.
    pub network: Network,
    /// Link to the post or comment.
    pub url: String,
    /// The author's name.
    pub author: String,
    /// Link to the author's page.
    #[serde(default)]
    pub author_url: Option<String>,
    /// The text of the message.
    pub text: String,
    /// Topic, if the authority gave one.
    #[serde(default)]
    pub topic: Option<String>,
    /// When the authority detected it (the 9-hour clock starts here).
    pub detected_at: DateTime<Utc>,
    /// The code of the administration the message is for; required from a regional
    /// caller when the deployment has several.
    #[serde(default)]
    pub administration: Option<String>,
}

/// What intake did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Intake {
    /// A new message was stored.
    Created(MessageId),
    /// The same message had been taken in before (same `external_id` and content).
    Existing(MessageId),
}

fn check_len(field: &str, value: &str, what: &str, max: usize) -> Result<(), AppError> {
    let n = value.trim().chars().count();
    if n == 0 {
        return Err(AppError::validation(field, format!("Укажите {what}")));
    }
    if n > max {
        return Err(AppError::validation(
            field,
            format!("Поле «{what}» длиннее {max} символов"),
        ));
    }
    Ok(())
}

fn check_url(field: &str, value: &str) -> Result<(), AppError> {
    let v = value.trim();
    let ok = (v.starts_with("https://") || v.starts_with("http://"))
        && v.len() > 8
        && v.len() <= 2000
        && !v.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(())
    } else {
        Err(AppError::validation(
            field,
            "Ссылка должна начинаться с http:// или https://",
        ))
    }
}

impl NewMessage {
    /// Checks every field; `now` bounds `detected_at`.
    pub fn validate(&self, now: DateTime<Utc>) -> Result<(), AppError> {
        check_len(
            "external_id",
            &self.external_id,
            "внешний идентификатор",
            200,
        )?;
        check_url("url", &self.url)?;
        check_len("author", &self.author, "автора", 300)?;
        if let Some(u) = &self.author_url {
            check_url("author_url", u)?;
        }
        check_len("text", &self.text, "текст сообщения", 20_000)?;
        if let Some(t) = &self.topic {
            if t.chars().count() > 300 {
                return Err(AppError::validation("topic", "Тема длиннее 300 символов"));
            }
        }
        if self.detected_at > now + Duration::minutes(MAX_CLOCK_SKEW_MINUTES) {
            return Err(AppError::validation(
                "detected_at",
                "Момент выявления не может быть в будущем",
            ));
        }
        Ok(())
    }

    /// The same message with trimmed fields, empty optionals as `None`, whole seconds.
    pub fn normalized(mut self) -> Self {
        self.external_id = self.external_id.trim().to_owned();
        self.url = self.url.trim().to_owned();
        self.author = self.author.trim().to_owned();
        self.author_url = self
            .author_url
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty());
        self.topic = self
            .topic
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty());
        self.detected_at = self.detected_at.trunc_subsecs(0);
        self
    }
}

#[derive(sqlx::FromRow)]
struct Stored {
    id: MessageId,
    administration_id: AdministrationId,
    network: Network,
    url: String,
    author: String,
    author_url: Option<String>,
    text: String,
    topic: Option<String>,
    detected_at: DateTime<Utc>,
}

/// Takes a message in: `Created`, or `Existing` for a repeat with the same content; a
/// repeat with different content is a conflict.
pub async fn intake(ctx: &Ctx, msg: NewMessage, caller: &Caller) -> Result<Intake, AppError> {
    let mut tx = begin_write(&ctx.pool).await?;
    let intake = intake_in(&mut tx, ctx, msg, caller).await?;
    tx.commit().await?;
    if let Intake::Created(_) = intake {
        crate::service::events::committed();
    }
    Ok(intake)
}

/// [`intake`] inside the open writing transaction `tx` (committed by the caller, who then
/// calls `events::committed`): the bulk seeder takes many messages in one transaction.
pub async fn intake_in(
    tx: &mut Tx,
    ctx: &Ctx,
    msg: NewMessage,
    caller: &Caller,
) -> Result<Intake, AppError> {
    let now = ctx.now;
    let msg = msg.normalized();
    let decision = decide_intake(
        &Actor {
            user: caller.user,
            role: caller.role,
        },
        msg.detected_at,
        now,
    )
    .map_err(|_| {
        AppError::Forbidden(format!(
            "Роль «{}» не может регистрировать сообщения",
            caller.role.label()
        ))
    })?;
    let msg = msg.normalized();
    msg.validate(now)?;
    let administration = route(
        caller.scope(),
        msg.administration.as_deref(),
        &ctx.settings.administrations,
    )?;
    // The administration's calendar and settings start the deadlines.
    let ctx = &ctx.in_administration(administration);
    // §12: flag for the coordinator; a person decides.
    let flags = crate::domain::moderation::check(&msg.text);
    let flagged = flags.is_flagged();
    let flags = serde_json::to_string(&flags).map_err(|e| {
        tracing::error!(error = %e, "cannot serialise §12 flags");
        AppError::Internal
    })?;
    let existing: Option<Stored> = on_tx!(tx, c => sqlx::query_as(
        "SELECT id, administration_id, network, url, author, author_url, text, topic, detected_at \
         FROM messages WHERE external_id = $1",
    )
    .bind(&msg.external_id)
    .fetch_optional(c)
    .await)?;
    if let Some(s) = existing {
        if !caller.scope().allows(s.administration_id) {
            // Another administration's message: say no more than that the id is taken.
            return Err(AppError::Conflict(format!(
                "external_id «{}» уже занят другим сообщением",
                msg.external_id
            )));
        }
        let same = (
            s.network,
            &s.url,
            &s.author,
            &s.author_url,
            &s.text,
            &s.topic,
            s.detected_at,
        ) == (
            msg.network,
            &msg.url,
            &msg.author,
            &msg.author_url,
            &msg.text,
            &msg.topic,
            msg.detected_at,
        );
        return if same {
            Ok(Intake::Existing(s.id))
        } else {
            Err(AppError::Conflict(format!(
                "Сообщение с external_id «{}» уже получено с другим содержимым",
                msg.external_id
            )))
        };
    }
    // A known active topic is the catalogue's; another is kept as received, flagged.
    let topic_id =
        crate::service::topics::resolve_in(tx, administration, msg.topic.as_deref()).await?;
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO messages (external_id, network, url, author, author_url, text, topic, detected_at, \
                               received_at, state, flags, flagged, administration_id, topic_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
    )
    .bind(&msg.external_id)
    .bind(msg.network)
    .bind(&msg.url)
    .bind(&msg.author)
    .bind(&msg.author_url)
    .bind(&msg.text)
    .bind(&msg.topic)
    .bind(msg.detected_at)
    .bind(now)
    .bind(MessageState::New)
    .bind(flags)
    .bind(flagged)
    .bind(administration)
    .bind(topic_id)
    .fetch_one(c)
    .await)?;
    let mut ledger = Vec::new();
    let notes =
        super::transition::settle_deadlines(tx, ctx, MessageId(id), &mut ledger, &decision, false)
            .await?;
    super::transition::journal(
        tx,
        MessageId(id),
        now,
        caller,
        &decision,
        serde_json::json!({ "external_id": msg.external_id, "detected_at": msg.detected_at,
                            "deadlines": notes }),
    )
    .await?;
    Ok(Intake::Created(MessageId(id)))
}
