//! The sign-in throttle: a growing delay per login and client address, and a cap on the
//! failures of one address. Each attempt is counted, as a failure, *before* its password
//! is checked, in one write transaction: parallel guesses see each other's count, so a
//! burst gets [`FREE_FAILURES`] checks and then waits like a sequence would (issue 15:
//! 40 parallel wrong passwords were all checked, and the right one at position 30 signed
//! in). A success takes its count back. There is no lock-out of a login as such: a
//! stranger's failures delay only their own address, so nobody can lock the admin out.

use crate::error::AppError;
use crate::on_tx;
use crate::service::db::Db;
use chrono::{DateTime, Duration, Utc};

/// Failed attempts of one login from one address that cost no delay.
pub const FREE_FAILURES: i64 = 3;
/// The longest delay between two attempts of one login from one address.
pub const MAX_DELAY_SECONDS: i64 = 15 * 60;
/// Failed attempts one address may make (over all logins) within [`ADDRESS_WINDOW_MINUTES`].
pub const ADDRESS_CAP: i64 = 50;
/// The window of the per-address cap.
pub const ADDRESS_WINDOW_MINUTES: i64 = 15;
/// The longest login kept as a key (longer ones are cut: no row grows with the input).
const MAX_KEY_CHARS: usize = 100;

/// The delay after the `n`-th consecutive failure of a login from an address: none for
/// the first few, then 1 s, 2 s, 4 s, … up to 15 minutes.
pub fn delay_after(n: i64) -> Duration {
    if n < FREE_FAILURES {
        return Duration::zero();
    }
    let exp = (n - FREE_FAILURES).min(20);
    Duration::seconds((1_i64 << exp).min(MAX_DELAY_SECONDS))
}

/// The key of a login in the throttle tables: trimmed and cut to a bounded length (the
/// tables compare it without regard to ASCII case, as `users.login` does).
fn key(login: &str) -> String {
    login.trim().chars().take(MAX_KEY_CHARS).collect()
}

/// An attempt counted before its check; settle it with [`Attempt::succeeded`] or
/// [`Attempt::withdraw`] (a failure needs nothing more: it is already counted).
#[derive(Debug)]
pub struct Attempt {
    login: String,
    address: String,
    /// The pair's row before this attempt (failures, not_before), if there was one.
    before: Option<(i64, DateTime<Utc>)>,
}

/// Counts an attempt of `login` from `address` at `now`, or refuses it with the wait
/// (`TooManyAttempts`) when the pair's delay has not passed or the address is at its cap.
pub async fn begin(
    pool: &Db,
    login: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<Attempt, AppError> {
    let login = key(login);
    let mut tx = crate::service::db::begin_write(pool).await?;
    let pair: Option<(i64, DateTime<Utc>)> = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT failures, not_before FROM signin_pairs WHERE login = $1 AND address = $2",
    )
    .bind(&login)
    .bind(address)
    .fetch_optional(c)
    .await)?;
    if let Some((_, not_before)) = pair {
        if not_before > now {
            return Err(too_many(not_before - now));
        }
    }
    let window = Duration::minutes(ADDRESS_WINDOW_MINUTES);
    let addr: Option<(DateTime<Utc>, i64)> = on_tx!(&mut tx, c => sqlx::query_as("SELECT window_start, failures FROM signin_addresses WHERE address = $1")
            .bind(address)
            .fetch_optional(c)
            .await)?;
    let (window_start, addr_failures) = match addr {
        Some((start, n)) if start + window > now => (start, n),
        _ => (now, 0),
    };
    if addr_failures >= ADDRESS_CAP {
        return Err(too_many(window_start + window - now));
    }
    let failures = pair.map_or(0, |(n, _)| n) + 1;
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO signin_pairs (login, address, failures, not_before, last_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (login, address) DO UPDATE SET failures = excluded.failures, \
         not_before = excluded.not_before, last_at = excluded.last_at",
    )
    .bind(&login)
    .bind(address)
    .bind(failures)
    .bind(now + delay_after(failures))
    .bind(now)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO signin_addresses (address, window_start, failures) VALUES ($1, $2, $3) \
         ON CONFLICT (address) DO UPDATE SET window_start = excluded.window_start, \
         failures = excluded.failures",
    )
    .bind(address)
    .bind(window_start)
    .bind(addr_failures + 1)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    // Forget pairs idle for a day and windows over for a day (nothing of them applies).
    let day_ago = now - Duration::days(1);
    on_tx!(&mut tx, c => sqlx::query("DELETE FROM signin_pairs WHERE last_at < $1")
        .bind(day_ago)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    on_tx!(&mut tx, c => sqlx::query("DELETE FROM signin_addresses WHERE window_start < $1")
        .bind(day_ago)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(Attempt {
        login,
        address: address.to_owned(),
        before: pair,
    })
}

fn too_many(wait: Duration) -> AppError {
    AppError::TooManyAttempts {
        seconds: wait.num_seconds().max(1),
    }
}

impl Attempt {
    /// The password was right: the pair starts afresh and the address gets its count back.
    pub async fn succeeded(self, pool: &Db) -> Result<(), AppError> {
        let mut tx = crate::service::db::begin_write(pool).await?;
        on_tx!(&mut tx, c => sqlx::query("DELETE FROM signin_pairs WHERE login = $1 AND address = $2")
            .bind(&self.login)
            .bind(&self.address)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        give_back(&mut tx, &self.address).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The password was not checked (the server was busy): the attempt does not count.
    pub async fn withdraw(self, pool: &Db) -> Result<(), AppError> {
        let mut tx = crate::service::db::begin_write(pool).await?;
        match self.before {
            Some((failures, not_before)) => {
                on_tx!(&mut tx, c => sqlx::query(
                    "UPDATE signin_pairs SET failures = $1, not_before = $2 WHERE login = $3 AND address = $4",
                )
                .bind(failures)
                .bind(not_before)
                .bind(&self.login)
                .bind(&self.address)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
            }
            None => {
                on_tx!(&mut tx, c => sqlx::query("DELETE FROM signin_pairs WHERE login = $1 AND address = $2")
                    .bind(&self.login)
                    .bind(&self.address)
                    .execute(c)
                    .await
                    .map(|r| r.rows_affected()))?;
            }
        }
        give_back(&mut tx, &self.address).await?;
        tx.commit().await?;
        Ok(())
    }
}

async fn give_back(tx: &mut crate::service::db::Tx, address: &str) -> Result<(), AppError> {
    on_tx!(tx, c => sqlx::query("UPDATE signin_addresses SET failures = CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END WHERE address = $1")
        .bind(address)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_grows_from_the_fourth_failure_and_stops_at_fifteen_minutes() {
        let secs: Vec<i64> = (1..=14).map(|n| delay_after(n).num_seconds()).collect();
        assert_eq!(
            secs,
            [0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]
        );
        assert_eq!(delay_after(1_000).num_seconds(), MAX_DELAY_SECONDS);
    }
}
