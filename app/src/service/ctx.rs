//! `Ctx`: what one request needs from the deployment, read once at its door: the pool,
//! the time, the working calendar and the settings the rules use. The REST routes get it
//! as an axum extractor (`server::api`), the server functions from `api::ssr::ctx`;
//! every service function that applies a rule takes it.

use crate::domain::administration::Known;
use crate::domain::calendar::WorkingCalendar;
use crate::domain::deadline::DeadlineSettings;
use crate::domain::ids::AdministrationId;
use crate::domain::network::{AnswerTemplates, LinkHosts, NetworkLimits};
use crate::error::AppError;
use crate::on_db;
use crate::service::alerts::{AlertSettings, ALERTS_KEY};
use crate::service::calendar::{CalendarCache, DEADLINES_KEY};
use crate::service::db::dialect::MatchCache;
use crate::service::db::Db;
use crate::service::settings::{LINK_HOSTS_KEY, NETWORKS_KEY, TEMPLATES_KEY};
use chrono::{DateTime, SubsecRound, Utc};
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// The settings the rules read, from one query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleSettings {
    /// Deadline lengths.
    pub deadlines: DeadlineSettings,
    /// The due-soon threshold.
    pub alerts: AlertSettings,
    /// Answer limits per network (§11).
    pub limits: NetworkLimits,
    /// The hosts of publication links per network (§9).
    pub link_hosts: LinkHosts,
    /// Answer templates.
    pub templates: AnswerTemplates,
    /// The deployment's administrations (id and code), for routing.
    pub administrations: Vec<Known>,
}

impl RuleSettings {
    /// Every setting the rules read, each its default until an admin stored another.
    pub async fn load(db: &Db) -> Result<Self, AppError> {
        let rows: Vec<(String, String)> = on_db!(db, p => {
            sqlx::query_as("SELECT key, value FROM settings WHERE key IN ($1, $2, $3, $4, $5)")
                .bind(DEADLINES_KEY)
                .bind(ALERTS_KEY)
                .bind(NETWORKS_KEY)
                .bind(LINK_HOSTS_KEY)
                .bind(TEMPLATES_KEY)
                .fetch_all(p)
                .await
        })?;
        let stored: HashMap<String, String> = rows.into_iter().collect();
        fn read<T: DeserializeOwned + Default>(
            stored: &HashMap<String, String>,
            key: &str,
        ) -> Result<T, AppError> {
            match stored.get(key) {
                Some(json) => serde_json::from_str(json).map_err(|e| {
                    tracing::error!(error = %e, key, "stored setting is not valid JSON");
                    AppError::Internal
                }),
                None => Ok(T::default()),
            }
        }
        Ok(Self {
            deadlines: read(&stored, DEADLINES_KEY)?,
            alerts: read(&stored, ALERTS_KEY)?,
            limits: read(&stored, NETWORKS_KEY)?,
            link_hosts: read(&stored, LINK_HOSTS_KEY)?,
            templates: read(&stored, TEMPLATES_KEY)?,
            administrations: crate::service::administrations::known(db).await?,
        })
    }
}

/// One request's view of the deployment.
#[derive(Clone)]
pub struct Ctx {
    /// The database.
    pub pool: Db,
    /// The request's "now" (whole seconds), read once from the clock.
    pub now: DateTime<Utc>,
    /// The working calendar.
    pub cal: Arc<WorkingCalendar>,
    /// The settings the rules read.
    pub settings: Arc<RuleSettings>,
    /// The ids broad searches matched, kept by the process.
    pub matches: Arc<MatchCache>,
}

/// The calendar and settings of the last `config_version` a request read: reused while no
/// transaction (on any instance) has changed the settings or the calendar corrections
/// since, so a request reads one row instead of three tables.
#[derive(Default)]
pub struct ConfigCache(Mutex<Option<Configured>>);

/// A `config_version` with the calendar and settings read for it.
type Configured = (i64, Arc<WorkingCalendar>, Arc<RuleSettings>);

impl std::fmt::Debug for ConfigCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ConfigCache")
    }
}

impl ConfigCache {
    fn get(&self, version: i64) -> Option<(Arc<WorkingCalendar>, Arc<RuleSettings>)> {
        let slot = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        match &*slot {
            Some((v, cal, settings)) if *v == version => Some((cal.clone(), settings.clone())),
            _ => None,
        }
    }

    fn put(&self, version: i64, cal: Arc<WorkingCalendar>, settings: Arc<RuleSettings>) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some((version, cal, settings));
    }
}

impl Ctx {
    /// The one administration a list or report of `caller` is limited to: their own in a
    /// deployment of several; none for the regional roles, and none in a deployment of
    /// one (everything is its own, and the plain list keeps its query plan).
    pub fn within(&self, caller: &crate::service::messages::Caller) -> Option<AdministrationId> {
        if self.settings.administrations.len() > 1 {
            caller.scope().only()
        } else {
            None
        }
    }

    /// The context at `now`, with the calendar from `cache`.
    pub async fn load(
        pool: &Db,
        cache: &CalendarCache,
        now: DateTime<Utc>,
    ) -> Result<Self, AppError> {
        // Read first: what is loaded below is at least as new as this number, so a
        // change committed in between is seen by the next request (the number moved on).
        let version: i64 = on_db!(pool, p => {
            sqlx::query_scalar("SELECT n FROM config_version WHERE id = 1")
                .fetch_one(p)
                .await
        })?;
        let (cal, settings) = match cache.config.get(version) {
            Some(hit) => hit,
            None => {
                let cal = crate::service::calendar::load(pool, cache).await?;
                let settings = Arc::new(RuleSettings::load(pool).await?);
                cache.config.put(version, cal.clone(), settings.clone());
                (cal, settings)
            }
        };
        Ok(Self {
            pool: pool.clone(),
            now: now.trunc_subsecs(0),
            cal,
            settings,
            matches: cache.matches.clone(),
        })
    }

    /// The context of a request to the running server.
    pub async fn of(state: &crate::service::state::AppState) -> Result<Self, AppError> {
        Self::load(&state.pool, &state.calendars, state.clock.now()).await
    }

    /// The same context at another instant (tests, demo data, replays).
    pub fn at(&self, now: DateTime<Utc>) -> Self {
        Self {
            now: now.trunc_subsecs(0),
            ..self.clone()
        }
    }

    /// The deployment's time zone.
    pub fn tz(&self) -> chrono_tz::Tz {
        self.cal.tz()
    }
}
