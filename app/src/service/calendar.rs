//! The deployment's working calendar: the schedule from settings and the built-in
//! production calendar with the deployment's corrections laid on top.

use crate::domain::calendar::{DayMark, ProductionCalendar, Schedule, WorkingCalendar};
use crate::domain::deadline::DeadlineSettings;
use crate::error::AppError;
use crate::service::db::{Db, Tx};
use crate::{on_db, on_tx};
use chrono::NaiveDate;
use std::sync::{Arc, Mutex};

/// Settings key of the weekly schedule (JSON of [`Schedule`]).
pub const SCHEDULE_KEY: &str = "schedule";

/// The deployment's schedule (the SPEC default until an admin changes it).
pub async fn schedule(db: &Db) -> Result<Schedule, AppError> {
    super::settings::get(db, SCHEDULE_KEY).await
}

const OVERRIDES: &str = "SELECT date, mark FROM calendar_overrides ORDER BY date";

fn marks(rows: Vec<(NaiveDate, Option<String>)>) -> Vec<(NaiveDate, Option<DayMark>)> {
    rows.into_iter()
        .map(|(date, mark)| (date, mark.as_deref().and_then(DayMark::from_name)))
        .collect()
}

/// The deployment's corrections of the production calendar (`None`: back to the weekday
/// rule).
pub async fn overrides(db: &Db) -> Result<Vec<(NaiveDate, Option<DayMark>)>, AppError> {
    let rows = on_db!(db, p => sqlx::query_as(OVERRIDES).fetch_all(p).await)?;
    Ok(marks(rows))
}

/// The inputs of the last calendar built, and the calendar.
type Built = (
    Schedule,
    Vec<(NaiveDate, Option<DayMark>)>,
    Arc<WorkingCalendar>,
);

/// The last working calendar built, kept in `AppState`: rebuilding precomputes 21 years
/// of working intervals, so it is reused while the schedule and the corrections are
/// unchanged (two small queries decide; no invalidation to forget, also when another
/// process changed them). With it, the calendar and settings of the last
/// `config_version` a request read (`Ctx::load`: one row decides), and the ids broad
/// searches matched.
#[derive(Default)]
pub struct CalendarCache {
    built: Mutex<Option<Built>>,
    pub(crate) config: crate::service::ctx::ConfigCache,
    pub(crate) matches: Arc<crate::service::db::dialect::MatchCache>,
}

impl std::fmt::Debug for CalendarCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CalendarCache")
    }
}

/// The deployment's working calendar, ready for arithmetic.
pub async fn load(db: &Db, cache: &CalendarCache) -> Result<Arc<WorkingCalendar>, AppError> {
    let schedule = schedule(db).await?;
    let overrides = overrides(db).await?;
    build(cache, schedule, overrides)
}

/// The working calendar as transaction `tx` sees it: inside a transaction that changes
/// the schedule or the corrections, the changed one.
pub async fn load_in(tx: &mut Tx, cache: &CalendarCache) -> Result<Arc<WorkingCalendar>, AppError> {
    let schedule = super::settings::get_in(tx, SCHEDULE_KEY).await?;
    let rows = on_tx!(tx, c => sqlx::query_as(OVERRIDES).fetch_all(c).await)?;
    build(cache, schedule, marks(rows))
}

fn build(
    cache: &CalendarCache,
    schedule: Schedule,
    overrides: Vec<(NaiveDate, Option<DayMark>)>,
) -> Result<Arc<WorkingCalendar>, AppError> {
    let lock = |c: &CalendarCache| {
        c.built
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    };
    if let Some((s, o, cal)) = lock(cache) {
        if s == schedule && o == overrides {
            return Ok(cal);
        }
    }
    let built_in = ProductionCalendar::built_in().map_err(|e| {
        tracing::error!(error = %e, "built-in production calendar is broken");
        AppError::Internal
    })?;
    let production = built_in.with_overrides(overrides.iter().copied());
    let cal = Arc::new(
        WorkingCalendar::new(schedule.clone(), production).map_err(|e| {
            tracing::error!(error = %e, "cannot build the working calendar");
            AppError::Internal
        })?,
    );
    *cache
        .built
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) =
        Some((schedule, overrides, cal.clone()));
    Ok(cal)
}

/// Settings key of the deadline lengths (JSON of [`DeadlineSettings`]).
pub const DEADLINES_KEY: &str = "deadlines";

/// The deployment's deadline lengths (SPEC defaults until an admin changes them).
pub async fn deadline_settings(pool: &Db) -> Result<DeadlineSettings, AppError> {
    super::settings::get(pool, DEADLINES_KEY).await
}
