//! Accounts (issue 22): a user changes their own password; the admin resets one to a
//! one-time password, edits a user's name, role and department, deactivates a user
//! (ending their sessions and revoking their tokens at once) and hands their open
//! messages to another executor. Each write is one transaction with its entry in the
//! journal of account events, which the admin reads.
//!
//! Sessions end by raising `users.session_epoch` (`service::auth::signed`), so it works
//! with several instances and with either database.

use crate::domain::account::{AccountEventKind, PasswordError, ONE_TIME_PASSWORD_CHARS};
use crate::domain::countdown::format_datetime;
use crate::domain::ids::{AdministrationId, MessageId, UserId};
use crate::domain::role::Role;
use crate::domain::workflow::Command;
use crate::dto::account::{AccountEvent, EditUserForm, OneTimePassword, OpenMessage};
use crate::error::AppError;
use crate::service::admin::Admin;
use crate::service::auth::{hash_password, password, random_secret, HashGate};
use crate::service::ctx::Ctx;
use crate::service::db::{Db, Tx};
use crate::service::messages::{begin_write, Caller};
use crate::{on_db, on_tx};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

/// Users an admin manages: of their administration, or every one for the region's admin;
/// the regional roles' users too while the deployment has only one administration.
const IN_SCOPE: &str = "($2 IS NULL OR u.administration_id = $2 \
     OR (u.administration_id IS NULL AND (SELECT COUNT(*) FROM administrations) = 1))";

/// A message of `m` still to be answered, and not a case's post (a post follows its lead):
/// what a deactivated executor hands over.
pub(crate) fn open_to_hand_over() -> String {
    format!(
        "m.case_lead_id IS NULL AND m.state NOT IN {}",
        crate::service::messages::query::CLOSED_STATES
    )
}

/// A user as an account edit reads them.
#[derive(sqlx::FromRow)]
struct Target {
    login: String,
    full_name: String,
    role: Role,
    department: Option<String>,
    administration_id: Option<AdministrationId>,
    administration_code: Option<String>,
    active: bool,
}

/// User `id` within the admin's reach, inside `tx`.
async fn target(tx: &mut Tx, me: &Admin, id: UserId) -> Result<Target, AppError> {
    let sql = format!(
        "SELECT u.login, u.full_name, u.role, d.name AS department, u.administration_id, \
                a.code AS administration_code, u.active = TRUE AS active \
         FROM users u LEFT JOIN departments d ON d.id = u.department_id \
         LEFT JOIN administrations a ON a.id = u.administration_id \
         WHERE u.id = $1 AND {IN_SCOPE}"
    );
    on_tx!(tx, c => sqlx::query_as::<_, Target>(&sql)
        .bind(id)
        .bind(me.scope.only())
        .fetch_optional(c)
        .await)?
    .ok_or_else(|| AppError::NotFound("Пользователь не найден".to_owned()))
}

/// Records an account event inside `tx`.
pub(crate) async fn record(
    tx: &mut Tx,
    at: DateTime<Utc>,
    actor: Option<UserId>,
    user: UserId,
    kind: AccountEventKind,
    details: Value,
) -> Result<(), AppError> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO account_events (at, actor_id, user_id, administration_id, kind, details) \
         SELECT $1, $2, $3, administration_id, $4, $5 FROM users WHERE id = $3",
    )
    .bind(at)
    .bind(actor)
    .bind(user)
    .bind(kind.as_str())
    .bind(details.to_string())
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Raises the user's session epoch inside `tx`, ending every session they have; returns
/// the new epoch.
async fn end_sessions(tx: &mut Tx, user: UserId) -> Result<i64, AppError> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "UPDATE users SET session_epoch = session_epoch + 1 WHERE id = $1 RETURNING session_epoch",
    )
    .bind(user)
    .fetch_one(c)
    .await)?)
}

/// The signed-in `user` replaces their password (the one-time one too): `current` must
/// be right, `new` long enough, not common and not the same. Every other session of
/// theirs ends; returns the new session epoch, which the caller's own session takes.
pub async fn change_own(
    pool: &Db,
    gate: &HashGate,
    user: UserId,
    current: &str,
    new: &str,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    if current.is_empty() {
        return Err(AppError::validation(
            "current_password",
            "Введите текущий пароль",
        ));
    }
    password::chosen(new)?;
    if new == current {
        return Err(PasswordError::Unchanged.into());
    }
    let stored: Option<String> = on_db!(pool, p => sqlx::query_scalar(
        "SELECT password_hash FROM users WHERE id = $1 AND active = TRUE",
    )
    .bind(user)
    .fetch_optional(p)
    .await)?;
    let stored = stored.ok_or(AppError::Unauthorized)?;
    if !gate.verify(current.to_owned(), stored.clone()).await? {
        return Err(AppError::validation(
            "current_password",
            "Текущий пароль указан неверно",
        ));
    }
    let hash = hash_password(new.to_owned()).await?;
    let mut tx = begin_write(pool).await?;
    // The hash read above, still the stored one: a reset in between wins.
    let done = on_tx!(&mut tx, c => sqlx::query(
        "UPDATE users SET password_hash = $1, must_change_password = FALSE \
         WHERE id = $2 AND password_hash = $3 AND active = TRUE",
    )
    .bind(&hash)
    .bind(user)
    .bind(&stored)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    if done != 1 {
        return Err(AppError::Conflict(
            "Пароль только что изменили. Войдите снова".to_owned(),
        ));
    }
    let epoch = end_sessions(&mut tx, user).await?;
    record(
        &mut tx,
        now,
        Some(user),
        user,
        AccountEventKind::PasswordChanged,
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(epoch)
}

/// The admin resets user `id`'s password to a one-time one, shown once: the user's
/// sessions end, and at the next sign-in they must choose their own.
pub async fn reset_password(
    pool: &Db,
    me: &Admin,
    id: UserId,
    now: DateTime<Utc>,
) -> Result<OneTimePassword, AppError> {
    if id == me.id {
        return Err(AppError::Forbidden(
            "Свой пароль меняют на странице «Смена пароля»".to_owned(),
        ));
    }
    let password = random_secret(ONE_TIME_PASSWORD_CHARS);
    let hash = hash_password(password.clone()).await?;
    let mut tx = begin_write(pool).await?;
    let t = target(&mut tx, me, id).await?;
    if !t.active {
        return Err(AppError::Conflict(
            "Учётная запись отключена: сначала включите её".to_owned(),
        ));
    }
    on_tx!(&mut tx, c => sqlx::query(
        "UPDATE users SET password_hash = $1, must_change_password = TRUE WHERE id = $2",
    )
    .bind(&hash)
    .bind(id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    end_sessions(&mut tx, id).await?;
    record(
        &mut tx,
        now,
        Some(me.id),
        id,
        AccountEventKind::PasswordReset,
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(OneTimePassword {
        login: t.login,
        password,
    })
}

/// The admin edits user `id`'s name, role and department; the journal keeps what changed,
/// before and after. The admin's own role stays (nobody is left without an admin).
pub async fn edit(
    pool: &Db,
    me: &Admin,
    id: UserId,
    form: &EditUserForm,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let full_name = crate::service::admin::checked_full_name(&form.full_name)?;
    let role = crate::service::admin::parse_role(&form.role)?;
    let department = match form.department.trim() {
        "" => None,
        d => Some(crate::service::admin::department_name(d)?),
    };
    let mut tx = begin_write(pool).await?;
    let t = target(&mut tx, me, id).await?;
    if id == me.id && role != t.role {
        return Err(AppError::Forbidden(
            "Нельзя изменить собственную роль".to_owned(),
        ));
    }
    // The role decides whether the user belongs to an administration: a regional role to
    // none, any other to theirs (or, for a regional user becoming one, the only one).
    let requested = if role.is_regional() {
        None
    } else {
        t.administration_code.as_deref()
    };
    let administration = crate::service::admin::member_of(pool, me, role, requested).await?;
    let department = crate::service::users::department_of(administration, department)?;
    let department_id = match department {
        Some((a, d)) => Some(crate::service::admin::ensure_department(&mut tx, a, d).await?),
        None => None,
    };
    let mut changes = serde_json::Map::new();
    if t.full_name != full_name {
        changes.insert("full_name".into(), json!([t.full_name, full_name]));
    }
    if t.role != role {
        changes.insert("role".into(), json!([t.role.as_str(), role.as_str()]));
    }
    let new_department = department.map(|(_, d)| d.to_owned());
    if t.department != new_department {
        changes.insert("department".into(), json!([t.department, new_department]));
    }
    if changes.is_empty() {
        return Ok(());
    }
    on_tx!(&mut tx, c => sqlx::query(
        "UPDATE users SET full_name = $1, role = $2, department_id = $3, administration_id = $4 \
         WHERE id = $5",
    )
    .bind(full_name)
    .bind(role)
    .bind(department_id)
    .bind(administration)
    .bind(id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    if t.administration_id != administration {
        changes.insert(
            "administration".into(),
            json!([t.administration_code, administration.map(|a| a.0)]),
        );
    }
    record(
        &mut tx,
        now,
        Some(me.id),
        id,
        AccountEventKind::Edited,
        Value::Object(changes),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deactivates user `id` (not the caller): their sessions end at once and the API
/// tokens they issued are revoked; or makes them active again. Their open messages
/// are then listed for handing over ([`open_messages`]).
pub async fn set_active(
    pool: &Db,
    me: &Admin,
    id: UserId,
    active: bool,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if id == me.id && !active {
        return Err(AppError::Forbidden(
            "Нельзя отключить собственную учётную запись".to_owned(),
        ));
    }
    let mut tx = begin_write(pool).await?;
    let t = target(&mut tx, me, id).await?;
    if t.active == active {
        return Ok(());
    }
    on_tx!(&mut tx, c => sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
        .bind(active)
        .bind(id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    let (kind, details) = if active {
        (AccountEventKind::Reactivated, json!({}))
    } else {
        end_sessions(&mut tx, id).await?;
        let revoked = on_tx!(&mut tx, c => sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        (
            AccountEventKind::Deactivated,
            json!({ "tokens_revoked": revoked }),
        )
    };
    record(&mut tx, now, Some(me.id), id, kind, details).await?;
    tx.commit().await?;
    Ok(())
}

/// The open messages assigned to user `id` (a case's posts follow their lead, so only
/// leads and messages alone), oldest first.
pub async fn open_messages(
    pool: &Db,
    me: &Admin,
    id: UserId,
) -> Result<Vec<OpenMessage>, AppError> {
    let sql = format!(
        "SELECT m.id, m.network, m.author, substr(m.text, 1, 160) AS text, m.state \
         FROM messages m \
         WHERE m.assignee_id = $1 AND ($2 IS NULL OR m.administration_id = $2) \
           AND {} ORDER BY m.detected_at, m.id",
        open_to_hand_over()
    );
    Ok(on_db!(pool, p => sqlx::query_as::<_, OpenMessage>(&sql)
    .bind(id)
    .bind(me.scope.only())
    .fetch_all(p)
    .await)?)
}

/// Hands the open messages of deactivated user `from` (`only`: just that one) to executor
/// `to`, all in one transaction: each is an `assign` ruled by `decide` (the admin may
/// assign only a deactivated executor's message), with its journal entry, and one account
/// event lists them. Returns how many were handed over.
pub async fn hand_over(
    ctx: &Ctx,
    me: &Admin,
    from: UserId,
    to: UserId,
    only: Option<MessageId>,
) -> Result<usize, AppError> {
    let admin = crate::service::users::by_id(&ctx.pool, me.id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let caller = Caller::person(&admin);
    let mut ids: Vec<MessageId> = open_messages(&ctx.pool, me, from)
        .await?
        .into_iter()
        .map(|m| m.id)
        .collect();
    if let Some(one) = only {
        if !ids.contains(&one) {
            return Err(AppError::NotFound(
                "У пользователя нет такого открытого сообщения".to_owned(),
            ));
        }
        ids = vec![one];
    }
    if ids.is_empty() {
        return Ok(0);
    }
    let mut tx = begin_write(&ctx.pool).await?;
    for &id in &ids {
        let cmd = Command::Assign {
            executor: to,
            department: None,
        };
        crate::service::messages::transition::act_in(&mut tx, ctx, id, None, cmd, &caller).await?;
    }
    let numbers: Vec<i64> = ids.iter().map(|m| m.0).collect();
    record(
        &mut tx,
        ctx.now,
        Some(me.id),
        from,
        AccountEventKind::HandedOver,
        json!({ "to": to, "messages": numbers }),
    )
    .await?;
    tx.commit().await?;
    crate::service::events::committed();
    Ok(ids.len())
}

/// A row of `account_events` with the names of the actor and the user.
type EventRow = (
    i64,
    DateTime<Utc>,
    Option<String>,
    String,
    UserId,
    String,
    String,
);

/// The journal of account events the admin may read, newest first (`limit` entries).
pub async fn events(ctx: &Ctx, me: &Admin, limit: i64) -> Result<Vec<AccountEvent>, AppError> {
    let pool = &ctx.pool;
    let rows: Vec<EventRow> = on_db!(pool, p => sqlx::query_as(
        "SELECT e.id, e.at, a.full_name, u.full_name, e.user_id, e.kind, e.details \
         FROM account_events e JOIN users u ON u.id = e.user_id \
         LEFT JOIN users a ON a.id = e.actor_id \
         WHERE ($2 IS NULL OR e.administration_id = $2 \
                OR (e.administration_id IS NULL AND (SELECT COUNT(*) FROM administrations) = 1)) \
         ORDER BY e.id DESC LIMIT $1",
    )
    .bind(limit)
    .bind(me.scope.only())
    .fetch_all(p)
    .await)?;
    let names = executor_names(pool, &rows).await?;
    let tz = ctx.tz();
    Ok(rows
        .into_iter()
        .map(|(id, at, actor, user, user_id, kind, details)| {
            let parsed = AccountEventKind::from_name(&kind);
            let details: Value = serde_json::from_str(&details).unwrap_or(Value::Null);
            AccountEvent {
                id,
                at: format_datetime(at, tz),
                actor,
                user,
                user_id,
                label: parsed.map_or_else(|| kind.clone(), |k| k.label().to_owned()),
                details: describe(&details, &names),
                kind,
            }
        })
        .collect())
}

/// The names of the executors messages were handed to in `rows`.
async fn executor_names(
    pool: &Db,
    rows: &[EventRow],
) -> Result<std::collections::HashMap<i64, String>, AppError> {
    let mut names = std::collections::HashMap::new();
    for (.., kind, details) in rows {
        if kind != AccountEventKind::HandedOver.as_str() {
            continue;
        }
        let to = serde_json::from_str::<Value>(details)
            .ok()
            .and_then(|d| d["to"].as_i64());
        if let Some(to) = to.filter(|to| !names.contains_key(to)) {
            if let Some(u) = crate::service::users::any_by_id(pool, UserId(to)).await? {
                names.insert(to, u);
            }
        }
    }
    Ok(names)
}

/// The details of an event in Russian.
fn describe(details: &Value, names: &std::collections::HashMap<i64, String>) -> String {
    let pair = |key: &str, label: &str, show: &dyn Fn(&Value) -> String| {
        details.get(key).and_then(Value::as_array).map(|v| {
            format!(
                "{label}: {} → {}",
                v.first().map_or_else(String::new, show),
                v.get(1).map_or_else(String::new, show)
            )
        })
    };
    let text = |v: &Value| v.as_str().unwrap_or("—").to_owned();
    let role = |v: &Value| {
        v.as_str()
            .and_then(Role::from_name)
            .map_or_else(|| "—".to_owned(), |r| r.label().to_owned())
    };
    let mut parts: Vec<String> = [
        pair("full_name", "ФИО", &text),
        pair("role", "Роль", &role),
        pair("department", "Отдел", &text),
    ]
    .into_iter()
    .flatten()
    .collect();
    if let Some(n) = details.get("tokens_revoked").and_then(Value::as_u64) {
        parts.push(format!("Отозвано токенов API: {n}"));
    }
    if let Some(messages) = details.get("messages").and_then(Value::as_array) {
        let to = details["to"]
            .as_i64()
            .and_then(|t| names.get(&t).cloned())
            .unwrap_or_default();
        let numbers: Vec<String> = messages.iter().map(|m| format!("№{m}")).collect();
        parts.push(format!("{} → {to}", numbers.join(", ")));
    }
    parts.join("; ")
}
