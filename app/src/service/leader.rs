//! The background work (the deadline-alert scan and the mail outbox) runs on exactly one
//! instance at a time. On PostgreSQL the leader holds a session-level advisory lock on a
//! connection of its own; when that instance dies, PostgreSQL ends its session, the lock
//! is free, and the next instance to try (every [`TRY_EVERY`]) takes over. A lone SQLite
//! server is always the leader.

use crate::service::db::{dialect::LEADER_LOCK, Db};
use crate::service::state::AppState;
use sqlx::{Connection, PgConnection};
use std::time::Duration;

/// How often an instance that is not the leader tries to become it, and how often the
/// leader checks that it still is: a dead leader is replaced within this plus
/// PostgreSQL's noticing the lost connection.
pub const TRY_EVERY: Duration = Duration::from_secs(10);

/// One instance's standing.
#[derive(Default)]
pub struct Leadership {
    /// The connection that holds (or tries for) the lock, outside the pool.
    conn: Option<PgConnection>,
    leader: bool,
}

impl Leadership {
    /// Whether this instance is the leader now: keeps the lock, or tries to take it.
    pub async fn check(&mut self, db: &Db) -> bool {
        let Db::Postgres(pool) = db else {
            return true;
        };
        if self.conn.is_none() {
            match pool.acquire().await {
                Ok(c) => self.conn = Some(c.detach()),
                Err(e) => {
                    tracing::warn!(error = %e, "leader: no connection");
                    return false;
                }
            }
        }
        let Some(conn) = self.conn.as_mut() else {
            return false;
        };
        let result = if self.leader {
            conn.ping().await.map(|()| true)
        } else {
            sqlx::query_scalar::<_, bool>("SELECT pg_try_advisory_lock($1)")
                .bind(LEADER_LOCK)
                .fetch_one(&mut *conn)
                .await
        };
        match result {
            Ok(now) => {
                if now && !self.leader {
                    tracing::info!("leader: this instance runs the alert scan and the mail outbox");
                }
                self.leader = now;
            }
            Err(e) => {
                if self.leader {
                    tracing::warn!(error = %e, "leader: lost the database connection, standing down");
                }
                self.leader = false;
                self.conn = None;
            }
        }
        self.leader
    }
}

/// Runs the alert scan every `alerts_every` and the mail outbox every `mail_every`
/// while this instance is the leader (checked every [`TRY_EVERY`] at most).
pub async fn run_background(state: AppState, alerts_every: Duration, mail_every: Duration) {
    let mut standing = Leadership::default();
    let tick = alerts_every.min(mail_every).min(TRY_EVERY);
    let (mut since_alerts, mut since_mail) = (alerts_every, mail_every);
    loop {
        if standing.check(&state.pool).await {
            if since_alerts >= alerts_every {
                crate::service::alerts::scan_once(&state).await;
                since_alerts = Duration::ZERO;
            }
            if since_mail >= mail_every {
                crate::service::mail::send_once(&state).await;
                crate::service::publishing::retry_once(&state).await;
                since_mail = Duration::ZERO;
            }
        }
        tokio::time::sleep(tick).await;
        since_alerts += tick;
        since_mail += tick;
    }
}
