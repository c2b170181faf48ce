//! The deployment's working calendar: the schedule from settings and the built-in
//! production calendar with the deployment's corrections laid on top. An administration
//! may have its own schedule and corrections (a [`Layer`]): its corrections are laid over
//! the region's, date by date.

use crate::domain::calendar::{DayMark, ProductionCalendar, Schedule, WorkingCalendar};
use crate::domain::deadline::DeadlineSettings;
use crate::error::AppError;
use crate::service::db::{Db, Tx};
use crate::service::settings::Layer;
use crate::{on_db, on_tx};
use chrono::NaiveDate;
use std::sync::{Arc, Mutex};

/// Settings key of the weekly schedule (JSON of [`Schedule`]).
pub const SCHEDULE_KEY: &str = "schedule";

/// The schedule of `layer` (the SPEC default until an admin changes it).
pub async fn schedule(db: &Db, layer: Layer) -> Result<Schedule, AppError> {
    super::settings::get(db, layer, SCHEDULE_KEY).await
}

/// The region's corrections and the layer's own, the layer's last on a date.
const OVERRIDES: &str = "SELECT date, mark FROM calendar_overrides \
     WHERE administration_id IN (0, $1) ORDER BY date, administration_id";

/// Correction rows (ordered by date, the region's before an administration's) as marks,
/// one per date: an administration's own correction wins over the region's.
pub(crate) fn marks(rows: Vec<(NaiveDate, Option<String>)>) -> Vec<(NaiveDate, Option<DayMark>)> {
    let mut out: Vec<(NaiveDate, Option<DayMark>)> = Vec::with_capacity(rows.len());
    for (date, mark) in rows {
        let mark = mark.as_deref().and_then(DayMark::from_name);
        match out.last_mut() {
            Some(last) if last.0 == date => last.1 = mark,
            _ => out.push((date, mark)),
        }
    }
    out
}

/// The corrections of the production calendar in `layer` (`None`: back to the weekday
/// rule).
pub async fn overrides(
    db: &Db,
    layer: Layer,
) -> Result<Vec<(NaiveDate, Option<DayMark>)>, AppError> {
    let rows = on_db!(db, p => sqlx::query_as(OVERRIDES).bind(layer.id()).fetch_all(p).await)?;
    Ok(marks(rows))
}

/// The inputs of a calendar built, and the calendar.
type Built = (
    Schedule,
    Vec<(NaiveDate, Option<DayMark>)>,
    Arc<WorkingCalendar>,
);

/// Calendars kept built: the region's and those of administrations with their own.
const KEEP_BUILT: usize = 64;

/// The last working calendars built, kept in `AppState`: rebuilding precomputes 21 years
/// of working intervals, so one is reused while its schedule and corrections are
/// unchanged (the inputs decide; no invalidation to forget, also when another process
/// changed them). With it, the calendar and settings of the last
/// `config_version` a request read (`Ctx::load`: one row decides), and the ids broad
/// searches matched.
#[derive(Default)]
pub struct CalendarCache {
    built: Mutex<Vec<Built>>,
    pub(crate) config: crate::service::ctx::ConfigCache,
    pub(crate) matches: Arc<crate::service::db::dialect::MatchCache>,
    pub(crate) board: Arc<crate::service::board::BoardCache>,
}

impl std::fmt::Debug for CalendarCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CalendarCache")
    }
}

/// The working calendar of `layer`, ready for arithmetic.
pub async fn load(
    db: &Db,
    cache: &CalendarCache,
    layer: Layer,
) -> Result<Arc<WorkingCalendar>, AppError> {
    let schedule = schedule(db, layer).await?;
    let overrides = overrides(db, layer).await?;
    build(cache, schedule, overrides)
}

/// The working calendar of `layer` as transaction `tx` sees it: inside a transaction
/// that changes the schedule or the corrections, the changed one.
pub async fn load_in(
    tx: &mut Tx,
    cache: &CalendarCache,
    layer: Layer,
) -> Result<Arc<WorkingCalendar>, AppError> {
    let schedule = super::settings::get_in(tx, layer, SCHEDULE_KEY).await?;
    let rows = on_tx!(tx, c => sqlx::query_as(OVERRIDES).bind(layer.id()).fetch_all(c).await)?;
    build(cache, schedule, marks(rows))
}

/// The calendar of `schedule` and `overrides`: a kept one if built before.
pub(crate) fn build(
    cache: &CalendarCache,
    schedule: Schedule,
    overrides: Vec<(NaiveDate, Option<DayMark>)>,
) -> Result<Arc<WorkingCalendar>, AppError> {
    let kept = cache
        .built
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .iter()
        .find(|(s, o, _)| *s == schedule && *o == overrides)
        .map(|(_, _, cal)| cal.clone());
    if let Some(cal) = kept {
        return Ok(cal);
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
    let mut built = cache
        .built
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    built.insert(0, (schedule, overrides, cal.clone()));
    built.truncate(KEEP_BUILT);
    Ok(cal)
}

/// Settings key of the deadline lengths (JSON of [`DeadlineSettings`]).
pub const DEADLINES_KEY: &str = "deadlines";

/// The deadline lengths of `layer` (SPEC defaults until an admin changes them); an
/// administration's are each at most the region's.
pub async fn deadline_settings(pool: &Db, layer: Layer) -> Result<DeadlineSettings, AppError> {
    let own: DeadlineSettings = super::settings::get(pool, layer, DEADLINES_KEY).await?;
    Ok(match layer {
        Layer::Region => own,
        Layer::Administration(_) => {
            own.bounded_by(&super::settings::get(pool, Layer::Region, DEADLINES_KEY).await?)
        }
    })
}
