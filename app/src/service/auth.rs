//! Signing in: argon2id password hashes, the failed-attempt limit, the session's user,
//! and API tokens (random, shown once, stored as SHA-256).

use crate::domain::ids::UserId;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::service::users::{self, UserRow};
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use sha2::{Digest, Sha256};
use sqlx::SqlitePool;
use tower_sessions::Session;

/// Session key holding the signed-in user's id.
pub const SESSION_USER_KEY: &str = "uid";
/// Failed sign-ins allowed per login within [`FAILURE_WINDOW_MINUTES`].
pub const MAX_FAILURES: i64 = 5;
/// The window (and lock-out) of the failed-attempt limit.
pub const FAILURE_WINDOW_MINUTES: i64 = 15;

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

/// Checks `password` against a stored argon2 hash.
pub async fn verify_password(password: String, hash: String) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&hash).map_err(|e| {
            tracing::error!(error = %e, "stored password hash is malformed");
            AppError::Internal
        })?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
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

/// Checks login and password, enforcing the failed-attempt limit, and returns the user.
pub async fn sign_in(
    pool: &SqlitePool,
    login: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<UserRow, AppError> {
    let login = login.trim();
    if login.is_empty() || password.is_empty() {
        return Err(AppError::validation("login", "Введите логин и пароль"));
    }
    let since = now - Duration::minutes(FAILURE_WINDOW_MINUTES);
    let failures: Vec<DateTime<Utc>> =
        sqlx::query_scalar("SELECT at FROM login_failures WHERE login = ? AND at > ? ORDER BY at")
            .bind(login)
            .bind(since)
            .fetch_all(pool)
            .await?;
    if failures.len() as i64 >= MAX_FAILURES {
        let oldest = failures.first().copied().unwrap_or(now);
        let wait = (oldest + Duration::minutes(FAILURE_WINDOW_MINUTES) - now).num_minutes() + 1;
        return Err(AppError::TooManyAttempts {
            minutes: wait.max(1),
        });
    }
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT id, password_hash FROM users WHERE login = ? AND active = 1")
            .bind(login)
            .fetch_optional(pool)
            .await?;
    let ok = match &row {
        Some((_, hash)) => verify_password(password.to_owned(), hash.clone()).await?,
        None => {
            // Spend the same time as a real check so timing does not reveal logins.
            let _ = hash_password(password.to_owned()).await?;
            false
        }
    };
    match row {
        Some((id, _)) if ok => {
            sqlx::query("DELETE FROM login_failures WHERE login = ?")
                .bind(login)
                .execute(pool)
                .await?;
            users::by_id(pool, UserId(id))
                .await?
                .ok_or(AppError::BadCredentials)
        }
        _ => {
            sqlx::query("INSERT INTO login_failures (login, at) VALUES (?, ?)")
                .bind(login)
                .bind(now)
                .execute(pool)
                .await?;
            Err(AppError::BadCredentials)
        }
    }
}

/// The user signed in on this session, if any.
pub async fn session_user(
    pool: &SqlitePool,
    session: &Session,
) -> Result<Option<UserRow>, AppError> {
    match session.get::<i64>(SESSION_USER_KEY).await? {
        Some(id) => users::by_id(pool, UserId(id)).await,
        None => Ok(None),
    }
}

/// Starts a session for `user` (a fresh session id against fixation).
pub async fn start_session(session: &Session, user: &UserRow) -> Result<(), AppError> {
    session.cycle_id().await?;
    session.insert(SESSION_USER_KEY, user.id.0).await?;
    Ok(())
}

/// SHA-256 hex of an API token: tokens are long random strings, so a fast hash is enough
/// and lets a request find its token by an indexed lookup.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Issues an API token with `role`; returns the token, which is never stored or shown again.
pub async fn issue_token(
    pool: &SqlitePool,
    name: &str,
    role: Role,
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
    sqlx::query("INSERT INTO api_tokens (name, role, token_hash, created_at) VALUES (?, ?, ?, ?)")
        .bind(name)
        .bind(role)
        .bind(token_hash(&token))
        .bind(now)
        .execute(pool)
        .await?;
    Ok(token)
}

/// The role of a valid, unrevoked API token, with the token's id and name.
pub async fn token_role(
    pool: &SqlitePool,
    token: &str,
) -> Result<Option<(i64, String, Role)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, name, role FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL",
    )
    .bind(token_hash(token))
    .fetch_optional(pool)
    .await?)
}
