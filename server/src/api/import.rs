//! `POST /api/v1/import`: CSV import of messages with a per-row report.

use super::caller::{ApiCaller, ApiCtx};
use super::error::ApiError;
use super::extract::CsvBody;
use app::service::import::{import_csv, ImportReport};
use axum::Json;

/// Largest CSV file accepted.
pub const MAX_CSV_BYTES: usize = 10 * 1024 * 1024;

/// Imports messages from a CSV file (UTF-8, `,` or `;`, a header row with the intake
/// fields); each row is imported, skipped as a duplicate, or refused with the reason.
#[utoipa::path(
    post, path = "/api/v1/import", tag = "messages",
    request_body(content = String, content_type = "text/csv",
        description = "Header: external_id;network;url;author;text;detected_at[;topic;author_url]"),
    responses(
        (status = 200, description = "Per-row report", body = ImportReport),
        (status = 401, description = "No valid token"),
        (status = 403, description = "Only the coordinator and the authority import; or a session's write from another origin"),
        (status = 413, description = "File larger than 10 MiB"),
        (status = 415, description = "A body not sent as `text/csv`"),
        (status = 422, description = "Not UTF-8, missing or unknown column, too many rows"),
    ),
    security(("bearer" = []))
)]
pub async fn csv(
    ApiCtx(ctx): ApiCtx,
    ApiCaller(caller): ApiCaller,
    CsvBody(body): CsvBody,
) -> Result<Json<ImportReport>, ApiError> {
    Ok(Json(import_csv(&ctx, &body, &caller).await?))
}
