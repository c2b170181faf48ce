//! Live events: every committed journal event and every raised alert, published to the
//! connected browsers (and API clients) that may see it.
//!
//! One pump task per server reads what was committed since it last looked (woken at once
//! by [`committed`] after a write, and every [`POLL`] in case a write came from elsewhere,
//! such as the command line) and sends it into a bounded broadcast channel. Each
//! connection holds a [`Subscription`]: it first replays the events after the client's
//! last event id from the database, then follows the channel, passing on only what its
//! caller may read. A subscriber too slow to keep up loses its place in the channel (the
//! channel keeps at most [`CAPACITY`] events, whoever is behind) and gets
//! [`Frame::Resync`]: re-read everything. Memory stays bounded whatever the clients do.

use crate::domain::deadline::DeadlineRule;
use crate::domain::ids::{AdministrationId, DepartmentId, MessageId, UserId};
use crate::domain::workflow::MessageState;
use crate::dto::live::{AlertDto, AlertKind, JournalNotice};
use crate::error::AppError;
use crate::on_db;
use crate::service::db::Db;
use crate::service::messages::query::can_read;
use crate::service::messages::Caller;
use chrono::{DateTime, Utc};
use std::collections::VecDeque;
use std::str::FromStr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;
use tokio::sync::{broadcast, Notify};

/// Events the channel keeps for subscribers that are behind.
pub const CAPACITY: usize = 1024;
/// At most this many journal events are replayed on a resume; further behind, a resync.
pub const REPLAY_MAX: i64 = 1000;
/// How often the pump looks for commits nobody told it about.
pub const POLL: Duration = Duration::from_millis(500);

static COMMITTED: Notify = Notify::const_new();

/// Tells the pumps that something was committed (call after `commit`).
pub fn committed() {
    COMMITTED.notify_waiters();
}

/// One published event with what its receivers are filtered by.
#[derive(Clone, Debug)]
pub enum Event {
    /// A journal event, with the message's administration, department and assignee after it.
    Journal {
        notice: JournalNotice,
        administration: AdministrationId,
        department: Option<DepartmentId>,
        assignee: Option<UserId>,
    },
    /// An alert for one user.
    Alert { user: UserId, alert: AlertDto },
}

/// What a subscription yields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Frame {
    /// First frame: the stream is live from this journal event id on.
    Ready { last_id: i64 },
    /// A journal event the caller may see.
    Journal(JournalNotice),
    /// An alert for the caller.
    Alert(AlertDto),
    /// Events were lost for this subscriber: re-read everything.
    Resync,
}

struct Inner {
    tx: broadcast::Sender<Arc<Event>>,
    /// Set when the server shuts down: every subscription ends.
    closed: tokio::sync::watch::Sender<bool>,
    /// The last journal id the pump has published.
    last_journal: AtomicI64,
}

/// The server's event hub (cheap to clone).
#[derive(Clone)]
pub struct EventHub(Arc<Inner>);

impl std::fmt::Debug for EventHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventHub")
            .field("subscribers", &self.0.tx.receiver_count())
            .finish()
    }
}

#[derive(sqlx::FromRow)]
struct JournalRow {
    id: i64,
    message_id: MessageId,
    action: String,
    to_state: MessageState,
    at: DateTime<Utc>,
    administration_id: AdministrationId,
    department_id: Option<DepartmentId>,
    assignee_id: Option<UserId>,
    sort_key: Option<i64>,
}

impl JournalRow {
    fn event(self) -> Event {
        Event::Journal {
            notice: JournalNotice {
                id: self.id,
                message_id: self.message_id,
                action: self.action,
                state: self.to_state,
                at: self.at,
                sort_key: self.sort_key,
            },
            administration: self.administration_id,
            department: self.department_id,
            assignee: self.assignee_id,
        }
    }
}

const JOURNAL_AFTER: &str = "SELECT j.id, j.message_id, j.action, j.to_state, j.at, \
            m.administration_id, m.department_id, m.assignee_id, m.sort_key \
     FROM journal j JOIN messages m ON m.id = j.message_id \
     WHERE j.id > $1 ORDER BY j.id LIMIT $2";

#[derive(sqlx::FromRow)]
pub(crate) struct AlertRow {
    pub id: i64,
    pub user_id: UserId,
    pub message_id: MessageId,
    pub rule: String,
    pub kind: AlertKind,
    pub due_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

impl AlertRow {
    pub(crate) fn dto(self) -> Option<AlertDto> {
        Some(AlertDto {
            id: self.id,
            message_id: self.message_id,
            rule: DeadlineRule::from_str(&self.rule).ok()?,
            kind: self.kind,
            due_at: self.due_at,
            created_at: self.created_at,
            read: self.read_at.is_some(),
        })
    }
}

pub(crate) const ALERT_COLUMNS: &str =
    "SELECT a.id, a.user_id, a.message_id, d.rule, a.kind, d.due_at, a.created_at, a.read_at \
     FROM alerts a JOIN deadlines d ON d.id = a.deadline_id";

/// The newest journal event id (0 when none).
pub async fn last_journal_id(pool: &Db) -> Result<i64, AppError> {
    Ok(
        on_db!(pool, p => sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(id) FROM journal")
            .fetch_one(p)
            .await)?
        .unwrap_or(0),
    )
}

impl EventHub {
    /// A hub with no pump: events come only through [`EventHub::publish`] (tests).
    pub fn detached() -> Self {
        let (tx, _) = broadcast::channel(CAPACITY);
        Self(Arc::new(Inner {
            tx,
            closed: tokio::sync::watch::Sender::new(false),
            last_journal: AtomicI64::new(0),
        }))
    }

    /// A hub whose pump publishes what is committed to `pool` from now on. On PostgreSQL it
    /// also listens for the writers' notifications (`pg_notify` at every commit, from any
    /// app instance), so events cross instances at once; the pump's 500 ms poll covers a
    /// reconnect of the listener (it reads on after the last id it published: nothing is
    /// missed).
    pub async fn start(pool: Db) -> Result<Self, AppError> {
        let hub = Self::detached();
        let last_journal = last_journal_id(&pool).await?;
        let last_alert: i64 =
            on_db!(&pool, p => sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(id) FROM alerts")
            .fetch_one(p)
            .await)?
            .unwrap_or(0);
        hub.0.last_journal.store(last_journal, Ordering::SeqCst);
        if let Db::Postgres(pg) = &pool {
            tokio::spawn(listen(Arc::downgrade(&hub.0), pg.clone()));
        }
        tokio::spawn(pump(Arc::downgrade(&hub.0), pool, last_journal, last_alert));
        Ok(hub)
    }

    /// Sends `event` to every subscriber (the pump's job; tests call it directly).
    pub fn publish(&self, event: Event) {
        if let Event::Journal { notice, .. } = &event {
            self.0.last_journal.fetch_max(notice.id, Ordering::SeqCst);
        }
        // No receiver is not an error: nobody is connected.
        let _ = self.0.tx.send(Arc::new(event));
    }

    /// Ends every subscription (server shutdown).
    pub fn close(&self) {
        self.0.closed.send_replace(true);
    }

    /// Events held in the channel for the slowest subscriber (at most [`CAPACITY`]).
    pub fn buffered(&self) -> usize {
        self.0.tx.len()
    }

    /// Connected subscribers.
    pub fn subscribers(&self) -> usize {
        self.0.tx.receiver_count()
    }

    /// Subscribes `caller`. With `after` (the client's last event id), the journal events
    /// since then that the caller may see are replayed first (too many: a resync).
    pub async fn subscribe(
        &self,
        pool: &Db,
        caller: Caller,
        after: Option<i64>,
    ) -> Result<Subscription, AppError> {
        // Subscribe before reading the database: nothing falls between the two.
        let rx = self.0.tx.subscribe();
        let mut pending = VecDeque::new();
        let mut last = self.0.last_journal.load(Ordering::SeqCst);
        if let Some(after) = after.filter(|a| *a >= 0) {
            let rows: Vec<JournalRow> = on_db!(pool, p => sqlx::query_as(JOURNAL_AFTER)
                .bind(after)
                .bind(REPLAY_MAX + 1)
                .fetch_all(p)
                .await)?;
            if rows.len() as i64 > REPLAY_MAX {
                pending.push_back(Frame::Resync);
                last = last.max(rows.last().map_or(after, |r| r.id));
            } else {
                last = rows.last().map_or(after, |r| r.id);
                for row in rows {
                    if let Event::Journal {
                        notice,
                        administration,
                        department,
                        assignee,
                    } = row.event()
                    {
                        if can_read(&caller, administration, assignee, department) {
                            pending.push_back(Frame::Journal(notice));
                        }
                    }
                }
            }
        }
        pending.push_front(Frame::Ready { last_id: last });
        Ok(Subscription {
            rx,
            closed: self.0.closed.subscribe(),
            caller,
            pending,
            last,
        })
    }
}

/// One client's view of the event stream.
pub struct Subscription {
    rx: broadcast::Receiver<Arc<Event>>,
    closed: tokio::sync::watch::Receiver<bool>,
    caller: Caller,
    pending: VecDeque<Frame>,
    /// The last journal id passed on (or skipped as already replayed).
    last: i64,
}

impl Subscription {
    /// The next frame for this caller; `None` when the hub has shut down.
    pub async fn next(&mut self) -> Option<Frame> {
        if *self.closed.borrow() {
            return None;
        }
        if let Some(frame) = self.pending.pop_front() {
            return Some(frame);
        }
        loop {
            let received = tokio::select! {
                r = self.rx.recv() => r,
                _ = self.closed.wait_for(|c| *c) => return None,
            };
            match received {
                Ok(event) => {
                    if let Some(frame) = self.filter(&event) {
                        return Some(frame);
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => return Some(Frame::Resync),
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }

    fn filter(&mut self, event: &Event) -> Option<Frame> {
        match event {
            Event::Journal {
                notice,
                administration,
                department,
                assignee,
            } => {
                if notice.id <= self.last {
                    return None;
                }
                self.last = notice.id;
                can_read(&self.caller, *administration, *assignee, *department)
                    .then(|| Frame::Journal(notice.clone()))
            }
            Event::Alert { user, alert } => {
                (self.caller.user == Some(*user)).then(|| Frame::Alert(alert.clone()))
            }
        }
    }
}

/// Publishes what is committed after `last_journal` / `last_alert` until the hub is gone.
async fn pump(hub: Weak<Inner>, pool: Db, mut last_journal: i64, mut last_alert: i64) {
    loop {
        // Armed before reading, so a commit during the read wakes the next wait.
        let woken = COMMITTED.notified();
        tokio::pin!(woken);
        woken.as_mut().enable();
        let Some(inner) = hub.upgrade() else { return };
        if pool.is_closed() {
            return;
        }
        let hub = EventHub(inner);
        let more = match publish_new(&hub, &pool, &mut last_journal, &mut last_alert).await {
            Ok(more) => more,
            Err(e) => {
                tracing::warn!(error = %e, "event pump could not read new events");
                false
            }
        };
        drop(hub);
        if !more {
            tokio::select! {
                _ = &mut woken => {}
                _ = tokio::time::sleep(POLL) => {}
            }
        }
    }
}

/// Wakes the pump on every notification of a commit on PostgreSQL (any instance), until
/// the hub is gone. A lost connection is re-established by the listener; the pump's poll
/// and its reading after the last id cover what was sent meanwhile.
async fn listen(hub: Weak<Inner>, pool: sqlx::PgPool) {
    let mut listener = loop {
        match sqlx::postgres::PgListener::connect_with(&pool).await {
            Ok(mut l) => match l.listen(crate::service::db::dialect::EVENTS_CHANNEL).await {
                Ok(()) => break l,
                Err(e) => tracing::warn!(error = %e, "cannot listen for events"),
            },
            Err(e) => tracing::warn!(error = %e, "cannot connect the event listener"),
        }
        if hub.upgrade().is_none() || pool.is_closed() {
            return;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    };
    loop {
        if hub.upgrade().is_none() || pool.is_closed() {
            return;
        }
        match tokio::time::timeout(Duration::from_secs(5), listener.try_recv()).await {
            // A notification, or the connection came back (re-read to be safe).
            Ok(Ok(_)) => committed(),
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "event listener");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            Err(_) => {}
        }
    }
}

/// Reads and publishes one batch; `true` when there may be more.
async fn publish_new(
    hub: &EventHub,
    pool: &Db,
    last_journal: &mut i64,
    last_alert: &mut i64,
) -> Result<bool, AppError> {
    const BATCH: i64 = 500;
    let rows: Vec<JournalRow> = on_db!(pool, p => sqlx::query_as(JOURNAL_AFTER)
        .bind(*last_journal)
        .bind(BATCH)
        .fetch_all(p)
        .await)?;
    let more = rows.len() as i64 == BATCH;
    for row in rows {
        *last_journal = row.id;
        hub.publish(row.event());
    }
    let alerts: Vec<AlertRow> = on_db!(pool, p => sqlx::query_as(&format!(
        "{ALERT_COLUMNS} WHERE a.id > $1 ORDER BY a.id LIMIT $2"
    ))
    .bind(*last_alert)
    .bind(BATCH)
    .fetch_all(p)
    .await)?;
    let more = more || alerts.len() as i64 == BATCH;
    for row in alerts {
        *last_alert = row.id;
        let user = row.user_id;
        if let Some(alert) = row.dto() {
            hub.publish(Event::Alert { user, alert });
        }
    }
    Ok(more)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::role::Role;

    fn notice(id: i64) -> JournalNotice {
        JournalNotice {
            id,
            message_id: MessageId(1),
            action: "assign".into(),
            state: MessageState::InWork,
            at: DateTime::<Utc>::UNIX_EPOCH,
            sort_key: None,
        }
    }

    fn journal(id: i64, department: i64) -> Event {
        Event::Journal {
            notice: notice(id),
            administration: AdministrationId(1),
            department: Some(DepartmentId(department)),
            assignee: None,
        }
    }

    fn executor(department: i64) -> Caller {
        Caller {
            user: Some(UserId(7)),
            role: Role::Executor,
            label: "Исполнитель".into(),
            department: Some(DepartmentId(department)),
            administration: Some(AdministrationId(1)),
        }
    }

    /// A detached hub and an executor of department 1 subscribed to it (the temporary
    /// database lives as long as the returned directory).
    async fn subscribed() -> (EventHub, Subscription, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let pool = crate::service::db::open(dir.path()).await.unwrap();
        let hub = EventHub::detached();
        let sub = hub.subscribe(&pool, executor(1), None).await.unwrap();
        (hub, sub, dir)
    }

    #[tokio::test]
    async fn a_subscriber_that_does_not_read_is_bounded_and_gets_a_resync() {
        let (hub, mut slow, _dir) = subscribed().await;
        assert_eq!(slow.next().await, Some(Frame::Ready { last_id: 0 }));
        for id in 1..=(CAPACITY as i64 * 3) {
            hub.publish(journal(id, 1));
            assert!(hub.buffered() <= CAPACITY, "channel grew past its bound");
        }
        assert_eq!(hub.buffered(), CAPACITY);
        assert_eq!(slow.next().await, Some(Frame::Resync));
        // After the resync it follows the retained events again.
        match slow.next().await {
            Some(Frame::Journal(n)) => assert_eq!(n.id, CAPACITY as i64 * 2 + 1),
            other => panic!("expected a journal frame, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn an_executor_gets_only_its_departments_events_and_its_own_alerts() {
        let (hub, mut sub, _dir) = subscribed().await;
        hub.publish(journal(1, 2));
        hub.publish(Event::Alert {
            user: UserId(8),
            alert: alert(1),
        });
        hub.publish(journal(2, 1));
        hub.publish(Event::Alert {
            user: UserId(7),
            alert: alert(2),
        });
        assert_eq!(sub.next().await, Some(Frame::Ready { last_id: 0 }));
        assert_eq!(sub.next().await, Some(Frame::Journal(notice(2))));
        assert_eq!(sub.next().await, Some(Frame::Alert(alert(2))));
    }

    #[tokio::test]
    async fn an_event_is_passed_on_once_even_if_published_twice() {
        let (hub, mut sub, _dir) = subscribed().await;
        hub.publish(journal(3, 1));
        hub.publish(journal(3, 1));
        hub.publish(journal(2, 1));
        hub.publish(journal(4, 1));
        assert_eq!(sub.next().await, Some(Frame::Ready { last_id: 0 }));
        assert_eq!(sub.next().await, Some(Frame::Journal(notice(3))));
        assert_eq!(sub.next().await, Some(Frame::Journal(notice(4))));
    }

    fn alert(id: i64) -> AlertDto {
        AlertDto {
            id,
            message_id: MessageId(1),
            rule: DeadlineRule::DraftBy,
            kind: AlertKind::DueSoon,
            due_at: DateTime::<Utc>::UNIX_EPOCH,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            read: false,
        }
    }
}
