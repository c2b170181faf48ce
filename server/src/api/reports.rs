//! `GET /api/v1/reports`: the report of a period, grouped (issue 18).

use super::caller::{ApiCaller, ApiCtx};
use super::error::ApiError;
use super::extract::ApiQuery;
use app::dto::report::{ReportDto, ReportQuery};
use app::service::reports;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
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
        (status = 422, description = "A date not in YYYY-MM-DD or outside 2000–2100, `to` before `from`, a period over five years, or an unknown grouping"),
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

/// A file download: content type, `attachment` disposition with the file name.
pub(super) fn download(content_type: &'static str, (name, bytes): (String, Vec<u8>)) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// The report as an Excel workbook: sheet «Отчёт» (the rows and the total, the period in
/// the title) and sheet «Сообщения» (every message of the period with its deadlines).
#[utoipa::path(
    get, path = "/api/v1/reports.xlsx", tag = "reports",
    params(ReportQuery),
    responses(
        (status = 200, description = "The workbook",
         content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         body = Vec<u8>),
        (status = 401, description = "No valid token"),
        (status = 403, description = "The role may not read reports (executors)"),
        (status = 422, description = "A date not in YYYY-MM-DD or outside 2000–2100, `to` before `from`, a period over five years, or an unknown grouping"),
    ),
    security(("bearer" = []))
)]
pub async fn xlsx(
    ApiCtx(ctx): ApiCtx,
    ApiCaller(caller): ApiCaller,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Response, ApiError> {
    Ok(download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        reports::xlsx(&ctx, &caller, &q).await?,
    ))
}

/// The monthly rating as an Excel workbook (sheet «Рейтинг»): of the departments, or of
/// the administrations for the regional roles of a deployment with several. The month is
/// that of the period's last day (`to`, default today), by the method the admin set.
#[utoipa::path(
    get, path = "/api/v1/reports/rating.xlsx", tag = "reports",
    params(ReportQuery),
    responses(
        (status = 200, description = "The workbook",
         content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         body = Vec<u8>),
        (status = 401, description = "No valid token"),
        (status = 403, description = "The role may not read reports (executors)"),
        (status = 422, description = "A date not in YYYY-MM-DD or outside 2000–2100, `to` before `from`, a period over five years, or an unknown grouping"),
    ),
    security(("bearer" = []))
)]
pub async fn rating_xlsx(
    ApiCtx(ctx): ApiCtx,
    ApiCaller(caller): ApiCaller,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Response, ApiError> {
    Ok(download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        reports::rating_xlsx(&ctx, &caller, &q).await?,
    ))
}

/// The live board: per administration, the open messages, those due soon, those
/// overdue, and the final answers published today. The regional roles (authority,
/// regional_observer) see every administration; the other roles that read reports, their
/// own.
#[utoipa::path(
    get, path = "/api/v1/board", tag = "reports",
    responses(
        (status = 200, description = "One row per administration, by name", body = Vec<app::dto::board::BoardRow>),
        (status = 401, description = "No valid token"),
        (status = 403, description = "The role may not read the board (executors)"),
    ),
    security(("bearer" = []))
)]
pub async fn board(
    ApiCtx(ctx): ApiCtx,
    ApiCaller(caller): ApiCaller,
) -> Result<Json<Vec<app::dto::board::BoardRow>>, ApiError> {
    Ok(Json(app::service::board::board(&ctx, &caller).await?))
}

/// The report's table as CSV: UTF-8 with BOM, `;` between fields (Excel in Russian
/// locales).
#[utoipa::path(
    get, path = "/api/v1/reports.csv", tag = "reports",
    params(ReportQuery),
    responses(
        (status = 200, description = "The table", content_type = "text/csv", body = String),
        (status = 401, description = "No valid token"),
        (status = 403, description = "The role may not read reports (executors)"),
        (status = 422, description = "A date not in YYYY-MM-DD or outside 2000–2100, `to` before `from`, a period over five years, or an unknown grouping"),
    ),
    security(("bearer" = []))
)]
pub async fn csv(
    ApiCtx(ctx): ApiCtx,
    ApiCaller(caller): ApiCaller,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Response, ApiError> {
    Ok(download(
        "text/csv; charset=utf-8",
        reports::csv(&ctx, &caller, &q).await?,
    ))
}
