//! Publishing the approved answer through the network's API (issue 20).
//!
//! The request is written to `publish_outbox` (claimed by one caller) before the network
//! is called, so nothing is lost and concurrent clicks publish once. The network's answer
//! is recorded as the publication, in one transaction with the outbox row; a failure
//! leaves the message `approved`, with the network's reason in Russian, and the request
//! in the outbox: flood control and a network that is down are retried by the leader; a
//! timeout is retried only where the network dedupes by our key (VK's `guid`), and
//! elsewhere waits for a person, who checks the post: never a second post.

/// Where the APIs are, the HTTP client, uploads.
pub mod client;
/// Connections: tokens kept on the server.
pub mod connections;
/// MAX Bot API.
pub mod max;
/// Telegram Bot API.
pub mod telegram;
/// VK API.
pub mod vk;

pub use client::Networks;

use crate::domain::ids::{MessageId, UserId};
use crate::domain::moment::Moment;
use crate::domain::network::Network;
use crate::domain::publishing::{idempotency_key, parse_post, Failure, PostRef};
use crate::domain::role::Role;
use crate::domain::workflow::Command;
use crate::dto::message::MessageDto;
use crate::dto::networks::{OutboxStatus, PublishingDto};
use crate::error::AppError;
use crate::service::ctx::Ctx;
use crate::service::messages::{begin_write, transition, Caller};
use crate::{on_db, on_tx};
use chrono::{DateTime, Duration, Utc};
use client::{Sent, Upload};
use connections::Connection;

/// Attempts after which a request that keeps failing is given up to a person.
const MAX_ATTEMPTS: i64 = 8;

/// One request of the outbox, ready to send.
struct Job {
    outbox: i64,
    message: MessageId,
    draft: i64,
    network: Network,
    post: PostRef,
    connection: Connection,
    approved_at: Option<DateTime<Utc>>,
}

/// «Проверить»: a harmless call with the connection (`groups.getById`, `getMe`, `/me`);
/// what the network said, in Russian.
pub async fn check(n: &Networks, c: &Connection) -> Result<String, String> {
    let result = match c.network {
        Network::Vk => vk::check(n, c).await,
        Network::Telegram => telegram::check(n, c).await,
        Network::Max => max::check(n, c).await,
        other => return Err(other.manual_only_reason()),
    };
    result.map_err(|f| f.reason(c.network))
}

/// Sends `text` and `files` as the reply to `post`.
async fn send(n: &Networks, job: &Job, text: &str, files: &[Upload]) -> Result<Sent, Failure> {
    let c = &job.connection;
    match &job.post {
        PostRef::Vk {
            owner_id,
            post_id,
            reply_to,
        } => {
            let key = idempotency_key(job.message.0, job.draft);
            vk::send(n, c, (*owner_id, *post_id, *reply_to), text, files, &key).await
        }
        PostRef::Telegram {
            channel,
            post_id,
            comment,
        } => telegram::send(n, c, (channel, *post_id, *comment), text, files).await,
        PostRef::Max { chat_id, mid } => max::send(n, c, (*chat_id, mid), text, files).await,
    }
}

/// The publication's connection, or a Russian reason why there is none.
async fn connection_for(
    ctx: &Ctx,
    administration: crate::domain::ids::AdministrationId,
    network: Network,
) -> Result<Connection, AppError> {
    if !network.has_publishing_api() {
        return Err(AppError::validation("via", network.manual_only_reason()));
    }
    connections::load(&ctx.pool, administration, network)
        .await?
        .ok_or_else(|| {
            AppError::validation(
                "via",
                format!(
                    "Сеть {} не подключена: подключите её на странице «Сети» или опубликуйте \
                     ответ вручную",
                    network.label()
                ),
            )
        })
}

/// The `publish` action with `"via": "network"`: sends the approved answer through the
/// network's API and records the link and time it returns. Both doors call this.
pub async fn publish(
    ctx: &Ctx,
    n: &Networks,
    id: MessageId,
    version: Option<i64>,
    caller: &Caller,
) -> Result<MessageDto, AppError> {
    let job = claim(ctx, n, id, version, caller).await?;
    attempt(ctx, n, &job, caller).await?;
    crate::service::messages::query::message(ctx, caller, id).await
}

/// Checks the action and claims the outbox row of the approved draft for this caller.
async fn claim(
    ctx: &Ctx,
    n: &Networks,
    id: MessageId,
    version: Option<i64>,
    caller: &Caller,
) -> Result<Job, AppError> {
    let mut tx = begin_write(&ctx.pool).await?;
    let p = transition::publishable(&mut tx, ctx, id, version, caller).await?;
    let connection = connection_for(ctx, p.administration_id, p.network).await?;
    let post = parse_post(p.network, &p.url).map_err(|m| AppError::validation("via", m))?;
    let now = ctx.now;
    let until = now + Duration::seconds(claim_secs(n));
    let existing: Option<(i64, OutboxStatus, Option<DateTime<Utc>>)> = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT id, status, claimed_until FROM publish_outbox WHERE draft_id = $1",
    )
    .bind(p.draft_id)
    .fetch_optional(c)
    .await)?;
    let label = p.network.label();
    let outbox = match existing {
        None => on_tx!(&mut tx, c => sqlx::query_scalar(
            "INSERT INTO publish_outbox (message_id, draft_id, network, requested_by, requested_role, \
             requested_label, requested_at, status, claimed_until) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'sending', $8) RETURNING id",
        )
        .bind(id)
        .bind(p.draft_id)
        .bind(p.network)
        .bind(caller.user)
        .bind(caller.role)
        .bind(&caller.label)
        .bind(now)
        .bind(until)
        .fetch_one(c)
        .await)?,
        Some((_, OutboxStatus::Sending, Some(t))) if t > now => {
            return Err(AppError::Conflict(format!(
                "Ответ уже отправляется в сеть {label}: дождитесь результата"
            )))
        }
        Some((_, OutboxStatus::Unknown, _)) if !Networks::idempotent(p.network) => {
            return Err(AppError::Conflict(format!(
                "Прошлая отправка в сеть {label} осталась без ответа сети, и ответ мог быть \
                 опубликован. Проверьте пост: если ответ есть, внесите ссылку вручную"
            )))
        }
        Some((outbox, _, _)) => {
            on_tx!(&mut tx, c => sqlx::query(
                "UPDATE publish_outbox SET status = 'sending', claimed_until = $1, requested_by = $2, \
                 requested_role = $3, requested_label = $4 WHERE id = $5",
            )
            .bind(until)
            .bind(caller.user)
            .bind(caller.role)
            .bind(&caller.label)
            .bind(outbox)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
            outbox
        }
    };
    tx.commit().await?;
    Ok(Job {
        outbox,
        message: id,
        draft: p.draft_id,
        network: p.network,
        post,
        connection,
        approved_at: p.approved_at,
    })
}

/// How long a claim holds: longer than every call of one attempt can take.
fn claim_secs(n: &Networks) -> i64 {
    i64::try_from(n.timeout.as_secs()).unwrap_or(60) * 12 + 30
}

/// The draft's text and files.
async fn answer(ctx: &Ctx, n: &Networks, job: &Job) -> Result<(String, Vec<Upload>), AppError> {
    let text: String = on_db!(&ctx.pool, p => sqlx::query_scalar("SELECT text FROM drafts WHERE id = $1")
        .bind(job.draft)
        .fetch_one(p)
        .await)?;
    let files: Vec<(String, String, String)> = on_db!(&ctx.pool, p => sqlx::query_as(
        "SELECT sha256, mime, original_name FROM attachments WHERE draft_id = $1 ORDER BY id",
    )
    .bind(job.draft)
    .fetch_all(p)
    .await)?;
    let mut uploads = Vec::with_capacity(files.len());
    for (sha256, mime, name) in files {
        let path = crate::service::attachments::file_path(&n.data_dir, &sha256)?;
        let bytes = tokio::fs::read(&path).await.map_err(|e| {
            tracing::error!(error = %e, file = %sha256, "attachment missing from the data directory");
            AppError::Internal
        })?;
        uploads.push(Upload { name, mime, bytes });
    }
    Ok((text.trim().to_owned(), uploads))
}

/// One attempt of a claimed job: send, then record the publication or the failure.
async fn attempt(ctx: &Ctx, n: &Networks, job: &Job, caller: &Caller) -> Result<(), AppError> {
    let (text, files) = answer(ctx, n, job).await?;
    let result = if files.iter().any(|f| !f.mime.starts_with("image/")) {
        Err(Failure::Setup {
            detail: "через API отправляются только фотографии; ответ с видео или другими \
                     файлами опубликуйте вручную"
                .to_owned(),
        })
    } else {
        send(n, job, &text, &files).await
    };
    match result {
        Ok(sent) => record(ctx, job, &sent, caller).await,
        Err(failure) => {
            let reason = failure.reason(job.network);
            fail(ctx, job, &failure, &reason).await?;
            Err(AppError::Network(reason))
        }
    }
}

/// Records the publication the network returned, and the outbox row as sent, in one
/// transaction; the journal says through which network's API.
async fn record(ctx: &Ctx, job: &Job, sent: &Sent, caller: &Caller) -> Result<(), AppError> {
    let now = ctx.now;
    // The network's own time when it gives one: not after now, not before the approval.
    let mut at = sent.at.unwrap_or(now).min(now);
    if let Some(approved) = job.approved_at {
        at = at.max(approved);
    }
    let mut tx = begin_write(&ctx.pool).await?;
    let cmd = Command::Publish {
        link: sent.link.clone(),
        published_at: Some(Moment::At(at)),
    };
    let mut note = serde_json::Map::new();
    note.insert("via".into(), serde_json::json!(job.network));
    note.insert(
        "note".into(),
        serde_json::json!(format!("опубликовано через API {}", job.network.label())),
    );
    let note = Some(note);
    let done = transition::act_in_noting(&mut tx, ctx, job.message, None, cmd, caller, note).await;
    if let Err(e) = done {
        drop(tx);
        // Posted, but the message moved on meanwhile (published by hand, say): keep the
        // network's link in the outbox so nothing is lost.
        tracing::warn!(message = job.message.0, error = %e, "published through the network, but the message could not record it");
        mark(
            ctx,
            job.outbox,
            OutboxStatus::Sent,
            Some(&format!(
                "Опубликовано ({}), но сообщение уже изменено: {e}",
                sent.link
            )),
            None,
            Some(sent),
        )
        .await?;
        return Err(e);
    }
    on_tx!(&mut tx, c => sqlx::query(
        "UPDATE publish_outbox SET status = 'sent', attempts = attempts + 1, claimed_until = NULL, \
         last_error = NULL, next_attempt_at = NULL, link = $1, published_at = $2 WHERE id = $3",
    )
    .bind(&sent.link)
    .bind(at)
    .bind(job.outbox)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    crate::service::events::committed();
    Ok(())
}

/// Sets the outbox row's state outside a publication.
async fn mark(
    ctx: &Ctx,
    outbox: i64,
    status: OutboxStatus,
    error: Option<&str>,
    next: Option<DateTime<Utc>>,
    sent: Option<&Sent>,
) -> Result<(), AppError> {
    let mut tx = begin_write(&ctx.pool).await?;
    on_tx!(&mut tx, c => sqlx::query(
        "UPDATE publish_outbox SET status = $1, attempts = attempts + 1, claimed_until = NULL, \
         last_error = $2, next_attempt_at = $3, link = COALESCE($4, link) WHERE id = $5",
    )
    .bind(status)
    .bind(error)
    .bind(next)
    .bind(sent.map(|s| s.link.clone()))
    .bind(outbox)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(())
}

/// Keeps a failed attempt in the outbox: to be retried, to be checked (a timeout without
/// an idempotency key), or for a person (the network refused).
async fn fail(ctx: &Ctx, job: &Job, failure: &Failure, reason: &str) -> Result<(), AppError> {
    let before: i64 = on_db!(&ctx.pool, p => sqlx::query_scalar("SELECT attempts FROM publish_outbox WHERE id = $1")
        .bind(job.outbox)
        .fetch_one(p)
        .await)?;
    let attempts = before + 1;
    let retried =
        failure.retried() || (*failure == Failure::Timeout && Networks::idempotent(job.network));
    let (status, next) = if retried && attempts < MAX_ATTEMPTS {
        let wait = match failure {
            Failure::Flood {
                retry_after: Some(s),
            } => Duration::seconds(i64::try_from(*s).unwrap_or(60).clamp(1, 3600)),
            _ => crate::service::mail::retry_after(attempts),
        };
        (OutboxStatus::Pending, Some(ctx.now + wait))
    } else if *failure == Failure::Timeout {
        (OutboxStatus::Unknown, None)
    } else {
        (OutboxStatus::Failed, None)
    };
    tracing::warn!(
        message = job.message.0,
        outbox = job.outbox,
        attempts,
        ?status,
        "not published through the network: {reason}"
    );
    mark(ctx, job.outbox, status, Some(reason), next, None).await
}

/// The last attempt of a message's publication through the network.
#[derive(sqlx::FromRow)]
struct LastAttempt {
    status: OutboxStatus,
    last_error: Option<String>,
    next_attempt_at: Option<DateTime<Utc>>,
    attempts: i64,
}

/// The message page's publishing block: whether the network can be used, and the last
/// attempt.
pub async fn status(
    ctx: &Ctx,
    administration: crate::domain::ids::AdministrationId,
    id: MessageId,
    network: Network,
) -> Result<PublishingDto, AppError> {
    let connected = network.has_publishing_api()
        && connections::load(&ctx.pool, administration, network)
            .await?
            .is_some();
    let last: Option<LastAttempt> = on_db!(&ctx.pool, p => sqlx::query_as(
        "SELECT status, last_error, next_attempt_at, attempts FROM publish_outbox \
         WHERE message_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(id)
    .fetch_optional(p)
    .await)?;
    let manual_reason = if !network.has_publishing_api() {
        Some(network.manual_only_reason())
    } else if !connected {
        Some(format!(
            "Сеть {} не подключена к Откликам: опубликуйте ответ вручную",
            network.label()
        ))
    } else {
        None
    };
    Ok(PublishingDto {
        available: connected,
        label: network.publish_label(),
        manual_reason,
        status: last.as_ref().map(|l| l.status),
        last_error: last.as_ref().and_then(|l| l.last_error.clone()),
        next_attempt_at: last.as_ref().and_then(|l| l.next_attempt_at),
        attempts: last.map_or(0, |l| l.attempts),
    })
}

/// What one pass of the outbox did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct RetryReport {
    /// Published.
    pub sent: usize,
    /// Failed again (kept or given up).
    pub failed: usize,
}

#[derive(sqlx::FromRow)]
struct Due {
    id: i64,
    message_id: MessageId,
    draft_id: i64,
    status: OutboxStatus,
    requested_by: Option<UserId>,
    requested_role: Role,
    requested_label: String,
}

/// Retries the outbox's due requests (the leader's background task): `pending` ones
/// whose time has come, and `sending` ones whose claim ran out (an instance stopped
/// midway) — those only where the network dedupes, else they wait for a person.
pub async fn retry_due(ctx: &Ctx, n: &Networks) -> Result<RetryReport, AppError> {
    let now = ctx.now;
    let due: Vec<Due> = on_db!(&ctx.pool, p => sqlx::query_as(
        "SELECT id, message_id, draft_id, status, requested_by, requested_role, requested_label \
         FROM publish_outbox WHERE (status = 'pending' AND next_attempt_at <= $1) \
         OR (status = 'sending' AND claimed_until < $1) ORDER BY id LIMIT 20",
    )
    .bind(now)
    .fetch_all(p)
    .await)?;
    let mut report = RetryReport::default();
    for d in due {
        let administration: Option<crate::domain::ids::AdministrationId> = on_db!(&ctx.pool, p => sqlx::query_scalar(
            "SELECT administration_id FROM messages WHERE id = $1",
        )
        .bind(d.message_id)
        .fetch_optional(p)
        .await)?;
        let caller = Caller {
            user: d.requested_by,
            role: d.requested_role,
            label: d.requested_label.clone(),
            department: None,
            administration,
        };
        let job = match reclaim(ctx, n, &d, &caller).await {
            Ok(Some(job)) => job,
            Ok(None) => continue,
            Err(e) => {
                // The message moved on (published by hand) or the connection is gone.
                mark(
                    ctx,
                    d.id,
                    OutboxStatus::Failed,
                    Some(&e.to_string()),
                    None,
                    None,
                )
                .await?;
                report.failed += 1;
                continue;
            }
        };
        match attempt(ctx, n, &job, &caller).await {
            Ok(()) => report.sent += 1,
            Err(_) => report.failed += 1,
        }
    }
    Ok(report)
}

/// Claims a due row for a retry; `None` when another instance took it, or when an
/// expired claim of a network without an idempotency key becomes `unknown`.
async fn reclaim(
    ctx: &Ctx,
    n: &Networks,
    d: &Due,
    caller: &Caller,
) -> Result<Option<Job>, AppError> {
    let mut tx = begin_write(&ctx.pool).await?;
    let p = transition::publishable(&mut tx, ctx, d.message_id, None, caller).await?;
    if p.draft_id != d.draft_id {
        return Err(AppError::Conflict("Согласован другой проект ответа".into()));
    }
    if d.status == OutboxStatus::Sending && !Networks::idempotent(p.network) {
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE publish_outbox SET status = 'unknown', claimed_until = NULL, \
             last_error = $1 WHERE id = $2 AND status = 'sending'",
        )
        .bind(Failure::Timeout.reason(p.network))
        .bind(d.id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        tx.commit().await?;
        return Ok(None);
    }
    let connection = connection_for(ctx, p.administration_id, p.network).await?;
    let post = parse_post(p.network, &p.url).map_err(|m| AppError::validation("via", m))?;
    let claimed = on_tx!(&mut tx, c => sqlx::query(
        "UPDATE publish_outbox SET status = 'sending', claimed_until = $1 WHERE id = $2 AND status = $3",
    )
    .bind(ctx.now + Duration::seconds(claim_secs(n)))
    .bind(d.id)
    .bind(d.status)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok((claimed == 1).then_some(Job {
        outbox: d.id,
        message: d.message_id,
        draft: d.draft_id,
        network: p.network,
        post,
        connection,
        approved_at: p.approved_at,
    }))
}

/// One pass of the outbox, failures logged (the leader's background task).
pub async fn retry_once(state: &crate::service::state::AppState) {
    let ctx = match Ctx::of(state).await {
        Ok(ctx) => ctx,
        Err(e) => {
            tracing::warn!(error = %e, "publishing outbox: no context");
            return;
        }
    };
    match retry_due(&ctx, &state.networks).await {
        Ok(r) if r.sent + r.failed > 0 => {
            tracing::info!(sent = r.sent, failed = r.failed, "publishing outbox")
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "publishing outbox failed"),
    }
}
