//! The password-hashing gate: argon2 takes 19 MiB and a core for a tenth of a second per
//! check, so the number of checks running at once is bounded by the cores, a short queue
//! waits for a turn, and everyone else is answered at once with [`AppError::Busy`] (503).
//! Without it, 100 parallel sign-ins (unknown logins included) took the server from
//! 20 MB to 2.3 GB (issue 15).

use crate::error::AppError;
use argon2::password_hash::{PasswordHash, PasswordVerifier};
use argon2::Argon2;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// A hash with the parameters of every stored password (`Argon2::default()`: argon2id,
/// m=19456 KiB, t=2, p=1) that no password matches. An unknown login is checked against
/// it, so it costs exactly what a known one costs: the timing does not reveal logins.
pub const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$+cutA1bF6/MiWljIpD4fXA$hniiZBxDuVXP0+iGHrahs+0HnIxaWFhJMpi03ujxqjs";

/// Bounds concurrent password checks. Cheap to clone (shared).
#[derive(Clone, Debug)]
pub struct HashGate(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    /// Checks running now (one per permit).
    running: Semaphore,
    /// Checks running or waiting for a turn; when none is left, the answer is `Busy`.
    admitted: Semaphore,
    /// The longest a check waits for a turn.
    wait: Duration,
    in_flight: AtomicUsize,
    peak: AtomicUsize,
    done: AtomicU64,
    refused: AtomicU64,
}

/// What the gate has done (for tests and logs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GateStats {
    /// The most checks that ever ran at the same time.
    pub peak: usize,
    /// Checks performed.
    pub done: u64,
    /// Checks refused as busy.
    pub refused: u64,
}

impl HashGate {
    /// `concurrent` checks at once, `queue` more waiting at most `wait` for a turn.
    pub fn new(concurrent: usize, queue: usize, wait: Duration) -> Self {
        let concurrent = concurrent.max(1);
        Self(Arc::new(Inner {
            running: Semaphore::new(concurrent),
            admitted: Semaphore::new(concurrent + queue),
            wait,
            in_flight: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            done: AtomicU64::new(0),
            refused: AtomicU64::new(0),
        }))
    }

    /// One check per core, four per core waiting up to two seconds.
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self::new(cores, 4 * cores, Duration::from_secs(2))
    }

    /// What the gate has done so far.
    pub fn stats(&self) -> GateStats {
        GateStats {
            peak: self.0.peak.load(Ordering::Relaxed),
            done: self.0.done.load(Ordering::Relaxed),
            refused: self.0.refused.load(Ordering::Relaxed),
        }
    }

    fn busy(&self) -> AppError {
        self.0.refused.fetch_add(1, Ordering::Relaxed);
        AppError::Busy
    }

    /// Checks `password` against a stored argon2 hash (PHC string) when a turn is free;
    /// `Busy` when the queue is full or no turn came within the wait.
    pub async fn verify(&self, password: String, hash: String) -> Result<bool, AppError> {
        let Ok(_admitted) = self.0.admitted.try_acquire() else {
            return Err(self.busy());
        };
        let permit = match tokio::time::timeout(self.0.wait, self.0.running.acquire()).await {
            Ok(Ok(permit)) => permit,
            Ok(Err(_)) | Err(_) => return Err(self.busy()),
        };
        let now = self.0.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.0.peak.fetch_max(now, Ordering::SeqCst);
        let result = tokio::task::spawn_blocking(move || check(&password, &hash)).await;
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
        self.0.done.fetch_add(1, Ordering::Relaxed);
        drop(permit);
        result?
    }
}

fn check(password: &str, hash: &str) -> Result<bool, AppError> {
    let parsed = PasswordHash::new(hash).map_err(|e| {
        tracing::error!(error = %e, "stored password hash is malformed");
        AppError::Internal
    })?;
    Ok(Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic
mod tests {
    use super::*;
    use argon2::password_hash::{PasswordHasher, SaltString};

    #[test]
    fn the_dummy_hash_has_the_parameters_of_real_hashes() {
        let salt = SaltString::from_b64("c29tZXNhbHRzb21lc2FsdA").unwrap();
        let real = Argon2::default().hash_password(b"x", &salt).unwrap();
        let dummy = PasswordHash::new(DUMMY_HASH).unwrap();
        assert_eq!(dummy.algorithm, real.algorithm);
        assert_eq!(dummy.version, real.version);
        assert_eq!(dummy.params, real.params);
        assert_eq!(dummy.salt.unwrap().len(), real.salt.unwrap().len());
        assert_eq!(dummy.hash.unwrap().len(), real.hash.unwrap().len());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn no_more_checks_run_than_permits_and_the_rest_are_refused() {
        let gate = HashGate::new(1, 1, Duration::from_secs(30));
        let tasks: Vec<_> = (0..6)
            .map(|_| {
                let gate = gate.clone();
                tokio::spawn(async move { gate.verify("x".into(), DUMMY_HASH.into()).await })
            })
            .collect();
        let mut busy = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(matched) => assert!(!matched),
                Err(AppError::Busy) => busy += 1,
                Err(e) => panic!("{e:?}"),
            }
        }
        let stats = gate.stats();
        assert_eq!(stats.peak, 1);
        assert!(busy >= 4, "{busy} of 6 refused; one runs, one may wait");
        assert_eq!(stats.refused, busy);
        assert_eq!(stats.done + stats.refused, 6);
    }
}
