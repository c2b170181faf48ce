//! Deadline alerts: a background scan raises an alert once per deadline per threshold when
//! a running deadline enters the last share of its working-time budget (due soon) and
//! when it is breached, only in working time. The assignee gets it (nobody assigned: the
//! coordinators); a breach also goes to every coordinator. Alerts are stored (the bell),
//! published live by the event pump, and e-mailed to users who asked for it.

use crate::domain::calendar::WorkingCalendar;
use crate::domain::countdown::format_datetime;
use crate::domain::deadline::{Deadline, Pressure};
use crate::domain::ids::{AdministrationId, DeadlineId, MessageId, UserId};
use crate::domain::role::Role;
use crate::domain::workflow::MessageState;
use crate::dto::live::{AlertDto, AlertKind, AlertsDto};
use crate::error::AppError;
use crate::service::ctx::Ctx;
use crate::service::db::Db;
use crate::service::events::{self, AlertRow, ALERT_COLUMNS};
use crate::service::mail;
use crate::service::messages::begin_write;
use crate::service::messages::deadlines::DEADLINE_COLUMNS;
use crate::service::settings::Layer;
use crate::{on_db, on_tx};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Settings key of [`AlertSettings`].
pub const ALERTS_KEY: &str = "alerts";

/// When a deadline counts as due soon.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AlertSettings {
    /// A running deadline is due soon in the last this many percent of its budget.
    pub due_soon_percent: u8,
}

impl Default for AlertSettings {
    fn default() -> Self {
        Self {
            due_soon_percent: 25,
        }
    }
}

/// The alert settings of `layer` (the due-soon threshold is also the colours' and the
/// escalation list's).
pub async fn settings(db: &Db, layer: Layer) -> Result<AlertSettings, AppError> {
    crate::service::settings::get(db, layer, ALERTS_KEY).await
}

/// Stores the alert settings of `layer` and moves the messages' due-soon instants with
/// the new share, in one transaction.
pub async fn save_settings(
    pool: &Db,
    layer: Layer,
    settings: &AlertSettings,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = begin_write(pool).await?;
    crate::service::settings::put_in(&mut tx, layer, ALERTS_KEY, settings, Some(by), now).await?;
    crate::service::messages::keys::after_config_change(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// The alert a deadline's pressure raises.
fn alert_kind(p: Pressure) -> AlertKind {
    match p {
        Pressure::DueSoon => AlertKind::DueSoon,
        Pressure::Overdue => AlertKind::Breached,
    }
}

/// A running deadline with what raising its alerts needs.
struct OpenDeadline {
    deadline: Deadline,
    id: DeadlineId,
    message_id: MessageId,
    assignee_id: Option<UserId>,
    administration_id: AdministrationId,
    breached_raised: bool,
    due_soon_raised: bool,
}

crate::from_row!(OpenDeadline, |row| {
    Ok(OpenDeadline {
        deadline: sqlx::FromRow::from_row(row)?,
        id: row.try_get("id")?,
        message_id: row.try_get("message_id")?,
        assignee_id: row.try_get("assignee_id")?,
        administration_id: row.try_get("administration_id")?,
        breached_raised: row.try_get("breached_raised")?,
        due_soon_raised: row.try_get("due_soon_raised")?,
    })
});

/// What one scan did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScanReport {
    /// Deadline thresholds raised.
    pub raised: usize,
    /// Alerts delivered to users.
    pub delivered: usize,
}

/// Raises the alerts due at `now`. Outside working time nothing is raised (a deadline
/// due Monday 09:10 wakes nobody on Sunday night; it is alerted at 09:00): the working
/// time, the calendar and the threshold of the message's administration.
pub async fn scan(ctx: &Ctx) -> Result<ScanReport, AppError> {
    let (pool, now) = (&ctx.pool, ctx.now);
    let mut report = ScanReport::default();
    let config = &ctx.config;
    let any_working = std::iter::once(&config.region)
        .chain(config.local.values())
        .any(|l| l.cal.is_working(now));
    if !any_working {
        return Ok(report);
    }
    // Only running deadlines: a task no longer pending never alerts (its deadline closed
    // when the message was taken into work, returned, rejected or answered); and only of
    // messages under pressure (their stored due-soon instant has come).
    let open: Vec<OpenDeadline> = on_db!(pool, p, DB => {
        let mut q = sqlx::QueryBuilder::<DB>::new(format!(
            "SELECT {DEADLINE_COLUMNS}, m.assignee_id, m.administration_id, \
                EXISTS (SELECT 1 FROM deadline_alerts x WHERE x.deadline_id = d.id AND x.kind = 'breached') AS breached_raised, \
                EXISTS (SELECT 1 FROM deadline_alerts x WHERE x.deadline_id = d.id AND x.kind = 'due_soon') AS due_soon_raised \
             FROM deadlines d JOIN messages m ON m.id = d.message_id \
             WHERE d.done_at IS NULL AND m.due_soon_at <= "
        ));
        q.push_bind(now.timestamp()).push(" AND m.state IN (");
        let mut list = q.separated(", ");
        for s in MessageState::ALL.into_iter().filter(|s| s.is_active()) {
            list.push_bind(s);
        }
        q.push(") ORDER BY d.due_at");
        q.build_query_as().fetch_all(p).await
    })?;
    for d in open.into_iter().filter(|d| !d.breached_raised) {
        let layer = config.of(d.administration_id);
        let cal = &*layer.cal;
        if !cal.is_working(now) {
            continue;
        }
        let Some(kind) = d
            .deadline
            .pressure(now, cal, layer.settings.alerts.due_soon_percent)
            .map(alert_kind)
        else {
            continue;
        };
        if kind == AlertKind::DueSoon && d.due_soon_raised {
            continue;
        }
        report.delivered += raise(pool, cal, &d, kind, now).await?;
        report.raised += 1;
    }
    if report.raised > 0 {
        events::committed();
    }
    Ok(report)
}

/// Raises `kind` for deadline `d` in one transaction: the once-only mark, the users'
/// alerts and their e-mails. Returns how many users got it (0 if it was already raised).
async fn raise(
    pool: &Db,
    cal: &WorkingCalendar,
    d: &OpenDeadline,
    kind: AlertKind,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let mut tx = begin_write(pool).await?;
    let mut kinds = vec![kind];
    if kind == AlertKind::Breached {
        // A breach also closes the due-soon threshold (never raised after it).
        kinds.push(AlertKind::DueSoon);
    }
    let mut fresh = false;
    for k in kinds {
        let done = on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO deadline_alerts (deadline_id, kind, raised_at) VALUES ($1, $2, $3) \
             ON CONFLICT DO NOTHING",
        )
        .bind(d.id)
        .bind(k)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        fresh |= k == kind && done == 1;
    }
    if !fresh {
        tx.rollback().await?;
        return Ok(0);
    }
    // The coordinators of the message's administration, never another's.
    let coordinators: Vec<UserId> = on_tx!(&mut tx, c => sqlx::query_scalar(
        "SELECT id FROM users WHERE role = $1 AND active = TRUE AND administration_id = $2 \
         ORDER BY id",
    )
    .bind(Role::Coordinator)
    .bind(d.administration_id)
    .fetch_all(c)
    .await)?;
    let mut to: Vec<UserId> = d.assignee_id.into_iter().collect();
    if kind == AlertKind::Breached || to.is_empty() {
        to.extend(coordinators);
    }
    to.sort();
    to.dedup();
    let smtp = mail::settings(pool, Layer::Administration(d.administration_id)).await?;
    let rule = d.deadline.rule;
    for user in &to {
        let alert_id: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(
            "INSERT INTO alerts (user_id, message_id, deadline_id, kind, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(user)
        .bind(d.message_id)
        .bind(d.id)
        .bind(kind)
        .bind(now)
        .fetch_one(c)
        .await)?;
        if !smtp.enabled {
            continue;
        }
        let email: Option<String> = on_tx!(&mut tx, c => sqlx::query_scalar(
            "SELECT email FROM users WHERE id = $1 AND email_alerts = TRUE AND active = TRUE",
        )
        .bind(user)
        .fetch_optional(c)
        .await)?
        .flatten();
        if let Some(email) = email.filter(|e| !e.trim().is_empty()) {
            let dto = AlertDto {
                id: alert_id,
                message_id: d.message_id,
                rule,
                kind,
                due_at: d.deadline.due_at,
                created_at: now,
                read: false,
            };
            let body = format!(
                "{}\nСрок: {}\nОткрыть сообщение: {}\n\n— Отклик (письмо отправлено автоматически)\n",
                dto.title(),
                format_datetime(d.deadline.due_at, cal.tz()),
                smtp.message_link(d.message_id),
            );
            let subject = format!("Отклик: {}", dto.title());
            mail::enqueue(&mut tx, Some(alert_id), &email, &subject, &body, now).await?;
        }
    }
    tx.commit().await?;
    Ok(to.len())
}

/// The user's newest alerts, unread count and e-mail choice.
pub async fn list(pool: &Db, user: UserId) -> Result<AlertsDto, AppError> {
    let rows: Vec<AlertRow> = on_db!(pool, p => sqlx::query_as(&format!(
        "{ALERT_COLUMNS} WHERE a.user_id = $1 ORDER BY a.id DESC LIMIT 100"
    ))
    .bind(user)
    .fetch_all(p)
    .await)?;
    let unread = unread(pool, user).await?;
    let (email, email_alerts): (Option<String>, bool) =
        on_db!(pool, p => sqlx::query_as("SELECT email, email_alerts FROM users WHERE id = $1")
            .bind(user)
            .fetch_optional(p)
            .await)?
        .unwrap_or((None, false));
    Ok(AlertsDto {
        alerts: rows.into_iter().filter_map(AlertRow::dto).collect(),
        unread,
        email,
        email_alerts,
    })
}

/// How many of the user's alerts are unread.
pub async fn unread(pool: &Db, user: UserId) -> Result<i64, AppError> {
    Ok(
        on_db!(pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM alerts WHERE user_id = $1 AND read_at IS NULL")
            .bind(user)
            .fetch_one(p)
            .await)?,
    )
}

/// Marks the user's alert `id` read (`None`: all of them). Someone else's alert is not
/// found.
pub async fn mark_read(
    pool: &Db,
    user: UserId,
    id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let done = on_db!(pool, p => sqlx::query(
        "UPDATE alerts SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL AND ($3 IS NULL OR id = $3)",
    )
    .bind(now)
    .bind(user)
    .bind(id)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))?;
    if let (Some(id), 0) = (id, done) {
        let exists: bool = on_db!(pool, p => sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM alerts WHERE id = $1 AND user_id = $2)")
                .bind(id)
                .bind(user)
                .fetch_one(p)
                .await)?;
        if !exists {
            return Err(AppError::NotFound(format!("Уведомление №{id} не найдено")));
        }
    }
    Ok(())
}

/// Stores the user's e-mail choice. The address is checked when e-mail is wanted.
pub async fn set_email(
    pool: &Db,
    user: UserId,
    email: Option<String>,
    email_alerts: bool,
) -> Result<(), AppError> {
    let email = email.map(|e| e.trim().to_owned()).filter(|e| !e.is_empty());
    match &email {
        Some(e) if !mail::valid_address(e) => {
            return Err(AppError::validation(
                "email",
                "Адрес электронной почты указан неверно (пример: ivanov@admin.ru)",
            ))
        }
        None if email_alerts => {
            return Err(AppError::validation(
                "email",
                "Укажите адрес электронной почты, чтобы получать уведомления письмом",
            ))
        }
        _ => {}
    }
    on_db!(pool, p => sqlx::query("UPDATE users SET email = $1, email_alerts = $2 WHERE id = $3")
        .bind(email)
        .bind(email_alerts)
        .bind(user)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// One scan, its failure logged (the leader's background task, `service::leader`).
pub async fn scan_once(state: &crate::service::state::AppState) {
    match Ctx::of(state).await {
        Ok(ctx) => match scan(&ctx).await {
            Ok(r) if r.raised > 0 => {
                tracing::info!(
                    raised = r.raised,
                    delivered = r.delivered,
                    "deadline alerts"
                )
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "deadline alert scan failed"),
        },
        Err(e) => tracing::warn!(error = %e, "deadline alert scan: no context"),
    }
}
