//! Where sessions live: in the deployment's own database, so that with several app
//! instances a sign-in through one is honoured by every other.

use app::service::db::Db;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

/// The session store of whichever database the deployment runs on.
#[derive(Clone, Debug)]
pub enum Store {
    /// The `tower_sessions` table of the SQLite file.
    Sqlite(SqliteStore),
    /// The `tower_sessions.session` table of PostgreSQL.
    Postgres(PostgresStore),
}

impl Store {
    /// The store for `db`.
    pub fn new(db: &Db) -> Self {
        match db {
            Db::Sqlite(p) => Store::Sqlite(SqliteStore::new(p.clone())),
            Db::Postgres(p) => Store::Postgres(PostgresStore::new(p.clone())),
        }
    }

    /// Creates the session table if missing. Two instances starting at once may race to
    /// create PostgreSQL's schema; the loser tries again and finds it there.
    pub async fn migrate(&self) -> Result<(), sqlx::Error> {
        match self {
            Store::Sqlite(s) => s.migrate().await,
            Store::Postgres(s) => match s.migrate().await {
                Ok(()) => Ok(()),
                Err(_) => {
                    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                    s.migrate().await
                }
            },
        }
    }
}

macro_rules! each {
    ($self:ident, $s:ident => $body:expr) => {
        match $self {
            Store::Sqlite($s) => $body,
            Store::Postgres($s) => $body,
        }
    };
}

#[async_trait::async_trait]
impl SessionStore for Store {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        each!(self, s => s.create(record).await)
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        each!(self, s => s.save(record).await)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        each!(self, s => s.load(id).await)
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        each!(self, s => s.delete(id).await)
    }
}

#[async_trait::async_trait]
impl ExpiredDeletion for Store {
    async fn delete_expired(&self) -> session_store::Result<()> {
        each!(self, s => s.delete_expired().await)
    }
}
