//! `GET /api/v1/reports`: the report of a period, grouped (issue 18).

use super::caller::{ApiCaller, ApiCtx};
use super::error::ApiError;
use super::extract::ApiQuery;
use app::dto::report::{ReportDto, ReportQuery};
use app::service::reports;
use axum::Json;

/// The report of a period: one row per group and the total. Figures come from the
/// recorded deadline outcomes, journal actions and publications.
#[utoipa::path(
    get, path = "/api/v1/reports", tag = "reports",
    params(ReportQuery),
    responses(
        (status = 200, body = ReportDto),
        (status = 401, description = "No valid token"),
        (status = 403, description = "The role may not read reports (executors)"),
        (status = 422, description = "A date not in YYYY-MM-DD, `to` before `from`, a period over five years, or an unknown grouping"),
    ),
    security(("bearer" = []))
)]
pub async fn report(
    ApiCtx(ctx): ApiCtx,
    ApiCaller(caller): ApiCaller,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Json<ReportDto>, ApiError> {
    Ok(Json(reports::report(&ctx, &caller, &q).await?))
}
