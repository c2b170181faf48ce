//! The REST API for the regional systems and scripts, under `/api/v1` (SPEC "Integration
//! API"). Each handler is a thin door into `app::service`; the rules live there.

/// Files: upload and download.
pub mod attachments;
/// `GET /calendar`.
pub mod calendar;
/// Bearer token or session → `Caller`.
pub mod caller;
/// The JSON error body and request-shape errors.
pub mod error;
/// `GET /events`: the live event stream.
pub mod events;
/// Extractors answering the API's JSON errors (path, query, declared body types).
pub mod extract;
/// `POST /import` (CSV).
pub mod import;
/// Intake, reading, workflow actions.
pub mod messages;
/// `GET /openapi.json`.
pub mod openapi;
/// `GET /api/v1/reports`.
pub mod reports;
/// `GET /users`.
pub mod users;

use app::service::state::AppState;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;

/// Largest JSON body accepted.
pub const MAX_JSON_BODY: usize = 256 * 1024;

/// The routes of `/api/v1` (to be nested under that prefix).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/messages", post(messages::create).get(messages::list))
        .route("/messages.xlsx", get(messages::list_xlsx))
        .route("/messages.csv", get(messages::list_csv))
        .route("/messages/{id}", get(messages::get))
        .route(
            "/messages/{id}/attachments",
            post(attachments::upload).layer(DefaultBodyLimit::max(attachments::MAX_UPLOAD_REQUEST)),
        )
        .route("/messages/{id}/link", post(messages::link))
        .route("/messages/{id}/unlink", post(messages::unlink))
        .route("/messages/{id}/{action}", post(messages::act))
        .route("/attachments/{id}", get(attachments::download))
        .route("/calendar", get(calendar::days))
        .route(
            "/import",
            post(import::csv).layer(DefaultBodyLimit::max(import::MAX_CSV_BYTES)),
        )
        .route("/reports", get(reports::report))
        .route("/reports.xlsx", get(reports::xlsx))
        .route("/reports/rating.xlsx", get(reports::rating_xlsx))
        .route("/board", get(reports::board))
        .route("/reports.csv", get(reports::csv))
        .route("/users", get(users::list))
        .route("/events", get(events::stream))
        .route("/openapi.json", get(openapi::document))
        .fallback(error::no_route)
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY))
        .layer(axum::middleware::from_fn(error::json_errors))
}
