//! Signing in: argon2id password hashes, the sign-in throttle and hashing gate, the
//! session's user, and API tokens (random, shown once, stored as SHA-256).

use crate::domain::ids::{AdministrationId, UserId};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::on_db;
use crate::service::db::Db;
use crate::service::messages::Caller;
use crate::service::users::{self, UserRow};
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Utc};
use rand::Rng;
use sha2::{Digest, Sha256};
use tower_sessions::Session;

/// The password-hashing gate (bounded concurrent argon2 checks).
pub mod gate;
/// The list of common passwords.
pub mod password;
/// The sign-in throttle (per login and address, counted before the check).
pub mod throttle;

pub use gate::HashGate;

/// Session key holding the signed-in user's id.
pub const SESSION_USER_KEY: &str = "uid";

/// The client address a request came from (the peer, or the header a trusted proxy
/// sets); the sign-in throttle counts attempts per login and per address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub String);

/// Hashes a password with argon2id (default parameters), off the async threads.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| {
                tracing::error!(error = %e, "password hashing failed");
                AppError::Internal
            })
    })
    .await?
}

/// A random secret of `len` characters from an unambiguous alphabet.
pub fn random_secret(len: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..len)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Checks login and password and returns the user. The attempt is counted by the
/// throttle before the password is checked (`TooManyAttempts` while its delay runs); the
/// check waits for a turn at the hashing gate (`Busy` when it is full, and then the attempt
/// does not count). An unknown or inactive login is checked against a dummy hash with the
/// same parameters, so both cost the same.
pub async fn sign_in(
    pool: &Db,
    gate: &HashGate,
    login: &str,
    password: &str,
    client: &ClientAddr,
    now: DateTime<Utc>,
) -> Result<UserRow, AppError> {
    let login = login.trim();
    if login.is_empty() || password.is_empty() {
        return Err(AppError::validation("login", "Введите логин и пароль"));
    }
    let attempt = throttle::begin(pool, login, &client.0, now).await?;
    let row: Option<(i64, String)> = on_db!(pool, p => sqlx::query_as("SELECT id, password_hash FROM users WHERE lower(login) = lower($1) AND active = TRUE")
            .bind(login)
            .fetch_optional(p)
            .await)?;
    let (id, hash) = match row {
        Some((id, hash)) => (Some(id), hash),
        None => (None, gate::DUMMY_HASH.to_owned()),
    };
    let matched = match gate.verify(password.to_owned(), hash).await {
        Ok(matched) => matched,
        Err(AppError::Busy) => {
            attempt.withdraw(pool).await?;
            return Err(AppError::Busy);
        }
        Err(e) => return Err(e),
    };
    match id {
        Some(id) if matched => {
            attempt.succeeded(pool).await?;
            users::by_id(pool, UserId(id))
                .await?
                .ok_or(AppError::BadCredentials)
        }
        // The failure is already counted.
        _ => Err(AppError::BadCredentials),
    }
}

/// The page where a user chooses their own password (the only one a user with a
/// one-time password may open).
pub const CHANGE_PASSWORD_PATH: &str = "/account/password";

/// The refusal of everything else to a user with a one-time password.
pub const CHANGE_PASSWORD_FIRST: &str =
    "Сначала смените временный пароль на собственный (страница «Смена пароля»)";

/// Session key holding the epoch of the user's sessions the session started in
/// (`users.session_epoch`; a session from before issue 22 has none and counts as 0).
pub const SESSION_EPOCH_KEY: &str = "ep";

/// Who a session belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Signed {
    /// Nobody: no session, a deactivated user, or a session their epoch has ended.
    Out,
    /// A user who may work.
    In(UserRow),
    /// A user with a one-time password, who must choose their own before anything else.
    MustChangePassword(UserRow),
}

/// Who is signed in on this session. A session of a deactivated user, or one started
/// before the user's sessions were ended (a reset, a change of password), is nobody's.
pub async fn signed(pool: &Db, session: &Session) -> Result<Signed, AppError> {
    let Some(id) = session.get::<i64>(SESSION_USER_KEY).await? else {
        return Ok(Signed::Out);
    };
    let epoch = session.get::<i64>(SESSION_EPOCH_KEY).await?.unwrap_or(0);
    Ok(match users::account(pool, UserId(id)).await? {
        Some(a) if a.session_epoch == epoch && a.must_change_password => {
            Signed::MustChangePassword(a.user)
        }
        Some(a) if a.session_epoch == epoch => Signed::In(a.user),
        _ => Signed::Out,
    })
}

/// The user signed in on this session who may work, if any (not one who must change a
/// one-time password first).
pub async fn session_user(pool: &Db, session: &Session) -> Result<Option<UserRow>, AppError> {
    Ok(match signed(pool, session).await? {
        Signed::In(user) => Some(user),
        Signed::Out | Signed::MustChangePassword(_) => None,
    })
}

/// Starts a session for `user` (a fresh session id against fixation) in their current
/// session epoch. True when they must change a one-time password first.
pub async fn start_session(pool: &Db, session: &Session, user: UserId) -> Result<bool, AppError> {
    let account = users::account(pool, user)
        .await?
        .ok_or(AppError::BadCredentials)?;
    session.cycle_id().await?;
    session.insert(SESSION_USER_KEY, user.0).await?;
    session
        .insert(SESSION_EPOCH_KEY, account.session_epoch)
        .await?;
    Ok(account.must_change_password)
}

/// SHA-256 hex of an API token: tokens are long random strings, so a fast hash is enough
/// and lets a request find its token by an indexed lookup.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Issues an API token with `role` for `administration` (`None`: the region), by admin
/// `owner` (`None`: the command line; deactivating the owner revokes it); returns the
/// token, which is never stored or shown again.
pub async fn issue_token(
    pool: &Db,
    name: &str,
    role: Role,
    administration: Option<AdministrationId>,
    owner: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::validation(
            "name",
            "Укажите название токена (до 200 символов)",
        ));
    }
    let token = format!("otk_{}", random_secret(40));
    on_db!(pool, p => sqlx::query(
        "INSERT INTO api_tokens (name, role, token_hash, created_at, administration_id, user_id) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
        .bind(name)
        .bind(role)
        .bind(token_hash(&token))
        .bind(now)
        .bind(administration)
        .bind(owner)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(token)
}

/// A valid, unrevoked API token as the caller it acts as.
pub async fn token_caller(pool: &Db, token: &str) -> Result<Option<Caller>, AppError> {
    let row: Option<(String, Role, Option<AdministrationId>)> = on_db!(pool, p => sqlx::query_as(
        "SELECT name, role, administration_id FROM api_tokens \
         WHERE token_hash = $1 AND revoked_at IS NULL",
    )
    .bind(token_hash(token))
    .fetch_optional(p)
    .await)?;
    Ok(row.map(|(name, role, administration)| Caller::token(&name, role, administration)))
}
