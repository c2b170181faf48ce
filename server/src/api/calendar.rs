//! `GET /api/v1/calendar`: the deployment's working days and intervals.

use super::caller::ApiCaller;
use super::error::ApiError;
use app::dto::calendar::CalendarDayDto;
use app::error::AppError;
use app::service::settings::Layer;
use app::service::state::AppState;
use axum::extract::{Query, State};
use axum::Json;
use chrono::NaiveDate;
use serde::Deserialize;

/// Most days one request may ask for.
pub const MAX_DAYS: i64 = 731;

/// The date range, both ends included.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Range {
    /// First date, `YYYY-MM-DD`.
    #[param(format = Date)]
    pub from: String,
    /// Last date, `YYYY-MM-DD` (at most 731 days after `from`).
    #[param(format = Date)]
    pub to: String,
}

fn date(field: &str, value: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map_err(|_| {
        AppError::validation(
            field,
            format!("Неверная дата «{value}»: ожидается ГГГГ-ММ-ДД"),
        )
    })
}

/// Each day of `from..=to` with its kind and working intervals (local time).
#[utoipa::path(
    get, path = "/api/v1/calendar", tag = "calendar",
    params(Range),
    responses(
        (status = 200, body = Vec<CalendarDayDto>),
        (status = 401, description = "No valid token"),
        (status = 422, description = "Bad dates, `from` after `to`, or more than 731 days"),
    ),
    security(("bearer" = []))
)]
pub async fn days(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    range: Result<Query<Range>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<CalendarDayDto>>, ApiError> {
    let Query(range) =
        range.map_err(|_| AppError::validation("from", "Укажите from и to в виде ГГГГ-ММ-ДД"))?;
    let (from, to) = (date("from", &range.from)?, date("to", &range.to)?);
    if from > to {
        return Err(AppError::validation("to", "Дата to раньше даты from").into());
    }
    if (to - from).num_days() >= MAX_DAYS {
        return Err(AppError::validation(
            "to",
            format!("Не больше {MAX_DAYS} дней за один запрос"),
        )
        .into());
    }
    // The caller's administration's calendar (its own corrections over the region's).
    let layer = caller
        .administration
        .map_or(Layer::Region, Layer::Administration);
    let cal = app::service::calendar::load(&state.pool, &state.calendars, layer).await?;
    Ok(Json(
        cal.days(from, to)
            .map(|(d, info)| CalendarDayDto::new(d, info))
            .collect(),
    ))
}
