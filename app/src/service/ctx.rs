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
use crate::service::alerts::{AlertSettings, ALERTS_KEY};
use crate::service::calendar::{CalendarCache, DEADLINES_KEY, SCHEDULE_KEY};
use crate::service::db::dialect::MatchCache;
use crate::service::db::{Db, Tx};
use crate::service::settings::{LINK_HOSTS_KEY, NETWORKS_KEY, TEMPLATES_KEY};
use crate::{on_db, on_tx};
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

/// The keys [`RuleSettings`] and the calendar read.
const RULE_KEYS: [&str; 6] = [
    DEADLINES_KEY,
    ALERTS_KEY,
    NETWORKS_KEY,
    LINK_HOSTS_KEY,
    TEMPLATES_KEY,
    SCHEDULE_KEY,
];

/// Stored setting rows and correction rows of every layer, as read.
struct Stored {
    /// (administration id or 0, key, JSON value).
    settings: Vec<(i64, String, String)>,
    /// (administration id or 0, date, mark), by date, the region's first on a date.
    overrides: Vec<(i64, chrono::NaiveDate, Option<String>)>,
    administrations: Vec<Known>,
}

fn read<T: DeserializeOwned + Default>(
    stored: &HashMap<&str, &str>,
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

/// The settings and calendar of one layer: the region's, or an administration's own over
/// the region's.
fn layer(
    stored: &Stored,
    id: i64,
    region: Option<&RuleSettings>,
    cache: &CalendarCache,
) -> Result<(Arc<WorkingCalendar>, RuleSettings), AppError> {
    let mut values: HashMap<&str, &str> = HashMap::new();
    for (a, key, value) in &stored.settings {
        if *a == 0 {
            values.entry(key.as_str()).or_insert(value.as_str());
        }
    }
    for (a, key, value) in &stored.settings {
        if *a == id && id != 0 {
            values.insert(key.as_str(), value.as_str());
        }
    }
    let deadlines: DeadlineSettings = read(&values, DEADLINES_KEY)?;
    let settings = RuleSettings {
        deadlines: match region {
            Some(r) => deadlines.bounded_by(&r.deadlines),
            None => deadlines,
        },
        alerts: read(&values, ALERTS_KEY)?,
        limits: read(&values, NETWORKS_KEY)?,
        link_hosts: read(&values, LINK_HOSTS_KEY)?,
        templates: read(&values, TEMPLATES_KEY)?,
        administrations: stored.administrations.clone(),
    };
    let rows = stored
        .overrides
        .iter()
        .filter(|(a, _, _)| *a == 0 || *a == id)
        .map(|(_, date, mark)| (*date, mark.clone()))
        .collect();
    let schedule = read(&values, SCHEDULE_KEY)?;
    let cal =
        crate::service::calendar::build(cache, schedule, crate::service::calendar::marks(rows))?;
    Ok((cal, settings))
}

/// The calendar and settings the rules read: the region's and those of each
/// administration with settings or corrections of its own.
#[derive(Clone, Debug)]
pub struct Config {
    /// The region's (every administration's without its own).
    pub region: Layered,
    /// Administrations with their own settings or corrections.
    pub local: HashMap<AdministrationId, Layered>,
}

/// One layer's calendar and settings.
#[derive(Clone, Debug)]
pub struct Layered {
    /// The working calendar.
    pub cal: Arc<WorkingCalendar>,
    /// The settings.
    pub settings: Arc<RuleSettings>,
}

const STORED_SETTINGS: &str =
    "SELECT administration_id, key, value FROM settings WHERE key IN ($1, $2, $3, $4, $5, $6)";
const STORED_OVERRIDES: &str =
    "SELECT administration_id, date, mark FROM calendar_overrides ORDER BY date, administration_id";

impl Config {
    fn build(stored: Stored, cache: &CalendarCache) -> Result<Self, AppError> {
        let (cal, settings) = layer(&stored, 0, None, cache)?;
        let region = Layered {
            cal,
            settings: Arc::new(settings),
        };
        let mut own: Vec<i64> = stored
            .settings
            .iter()
            .map(|(a, _, _)| *a)
            .chain(stored.overrides.iter().map(|(a, _, _)| *a))
            .filter(|a| *a != 0)
            .collect();
        own.sort_unstable();
        own.dedup();
        let mut local = HashMap::new();
        for id in own {
            let (cal, settings) = layer(&stored, id, Some(&region.settings), cache)?;
            local.insert(
                AdministrationId(id),
                Layered {
                    cal,
                    settings: Arc::new(settings),
                },
            );
        }
        Ok(Self { region, local })
    }

    /// Every layer's calendar and settings.
    pub async fn load(db: &Db, cache: &CalendarCache) -> Result<Self, AppError> {
        let settings = on_db!(db, p => {
            let mut q = sqlx::query_as(STORED_SETTINGS);
            for key in RULE_KEYS {
                q = q.bind(key);
            }
            q.fetch_all(p).await
        })?;
        let overrides = on_db!(db, p => sqlx::query_as(STORED_OVERRIDES).fetch_all(p).await)?;
        let administrations = crate::service::administrations::known(db).await?;
        Self::build(
            Stored {
                settings,
                overrides,
                administrations,
            },
            cache,
        )
    }

    /// Every layer's calendar and settings as transaction `tx` sees them.
    pub async fn load_in(tx: &mut Tx, cache: &CalendarCache) -> Result<Self, AppError> {
        let settings = on_tx!(tx, c => {
            let mut q = sqlx::query_as(STORED_SETTINGS);
            for key in RULE_KEYS {
                q = q.bind(key);
            }
            q.fetch_all(c).await
        })?;
        let overrides = on_tx!(tx, c => sqlx::query_as(STORED_OVERRIDES).fetch_all(c).await)?;
        let administrations: Vec<Known> = on_tx!(tx, c => sqlx::query_as(
            "SELECT id, code FROM administrations ORDER BY id"
        )
        .fetch_all(c)
        .await)?
        .into_iter()
        .map(|(id, code): (AdministrationId, String)| Known { id, code })
        .collect();
        Self::build(
            Stored {
                settings,
                overrides,
                administrations,
            },
            cache,
        )
    }

    /// The calendar and settings of `administration`'s messages.
    pub fn of(&self, administration: AdministrationId) -> &Layered {
        self.local.get(&administration).unwrap_or(&self.region)
    }
}

/// One request's view of the deployment.
#[derive(Clone)]
pub struct Ctx {
    /// The database.
    pub pool: Db,
    /// The request's "now" (whole seconds), read once from the clock.
    pub now: DateTime<Utc>,
    /// The working calendar: the region's, or one administration's after
    /// [`Ctx::in_administration`].
    pub cal: Arc<WorkingCalendar>,
    /// The settings the rules read (the same layer as `cal`).
    pub settings: Arc<RuleSettings>,
    /// Every layer's calendar and settings.
    pub config: Arc<Config>,
    /// The ids broad searches matched, kept by the process.
    pub matches: Arc<MatchCache>,
    /// The `config_version` the settings were read at.
    pub version: i64,
    /// The `config_version.search` read with it: the ids a search reads afterwards are
    /// at least as new as this number.
    pub search_version: i64,
    /// The last board counted, kept by the process.
    pub board: Arc<crate::service::board::BoardCache>,
}

/// The calendar and settings of the last `config_version` a request read: reused while no
/// transaction (on any instance) has changed the settings or the calendar corrections
/// since, so a request reads one row instead of three tables.
#[derive(Default)]
pub struct ConfigCache(Mutex<Option<Configured>>);

/// A `config_version` with the configuration read for it.
type Configured = (i64, Arc<Config>);

impl std::fmt::Debug for ConfigCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ConfigCache")
    }
}

impl ConfigCache {
    fn get(&self, version: i64) -> Option<Arc<Config>> {
        let slot = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        match &*slot {
            Some((v, config)) if *v == version => Some(config.clone()),
            _ => None,
        }
    }

    fn put(&self, version: i64, config: Arc<Config>) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some((version, config));
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
        // The search counter comes in the same read (one query less per search).
        let (version, search_version): (i64, i64) = on_db!(pool, p => {
            sqlx::query_as("SELECT n, search FROM config_version WHERE id = 1")
                .fetch_one(p)
                .await
        })?;
        let config = match cache.config.get(version) {
            Some(hit) => hit,
            None => {
                let config = Arc::new(Config::load(pool, cache).await?);
                cache.config.put(version, config.clone());
                config
            }
        };
        Ok(Self {
            pool: pool.clone(),
            now: now.trunc_subsecs(0),
            cal: config.region.cal.clone(),
            settings: config.region.settings.clone(),
            config,
            matches: cache.matches.clone(),
            version,
            search_version,
            board: cache.board.clone(),
        })
    }

    /// The context of what `caller` sees ticking: their administration's calendar and
    /// settings, the region's for a regional caller.
    pub fn for_caller(&self, caller: &crate::service::messages::Caller) -> Self {
        match caller.administration {
            Some(a) => self.in_administration(a),
            None => self.clone(),
        }
    }

    /// The context for `administration`'s messages: its own calendar and settings where
    /// it has them, the region's otherwise.
    pub fn in_administration(&self, administration: AdministrationId) -> Self {
        let layer = self.config.of(administration);
        Self {
            cal: layer.cal.clone(),
            settings: layer.settings.clone(),
            ..self.clone()
        }
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
