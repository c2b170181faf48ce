//! Pages need a session: a request for a page without one is sent to `/login`.
//! Server functions and the REST API check the caller themselves (they answer 401, not a
//! redirect); static assets are public.

use app::error::AppError;
use app::service::auth::{signed, Signed, CHANGE_PASSWORD_PATH};
use app::service::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

/// True for paths anyone may fetch without signing in.
pub fn is_public(path: &str) -> bool {
    path == "/login"
        || path.starts_with("/pkg/")
        || path.starts_with("/serverfn/")
        || path.starts_with("/api/")
        || path.starts_with("/icons/")
        || matches!(
            path,
            "/favicon.ico" | "/manifest.webmanifest" | "/robots.txt"
        )
}

/// Redirects page requests without a signed-in user to `/login`.
pub async fn require_session(
    State(state): State<AppState>,
    session: Session,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    if request.method() != Method::GET || is_public(path) {
        return next.run(request).await;
    }
    match signed(&state.pool, &session).await {
        Ok(Signed::In(_)) => next.run(request).await,
        // A one-time password: only the page that replaces it.
        Ok(Signed::MustChangePassword(_)) if path == CHANGE_PASSWORD_PATH => {
            next.run(request).await
        }
        Ok(Signed::MustChangePassword(_)) => Redirect::to(CHANGE_PASSWORD_PATH).into_response(),
        Ok(Signed::Out) => Redirect::to("/login").into_response(),
        Err(e) => (
            axum::http::StatusCode::from_u16(e.status()).unwrap_or_default(),
            e.to_string(),
        )
            .into_response(),
    }
}

/// Gives a failed server function the HTTP status of its error. The function body sets it
/// itself (`api::finish`), but a request whose arguments cannot be decoded never reaches the
/// body and would be answered 500; its error (a Russian validation message) says 422.
pub async fn server_fn_status(request: Request, next: Next) -> Response {
    let is_server_fn = request.uri().path().starts_with("/serverfn/");
    let response = next.run(request).await;
    if !is_server_fn || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, ERROR_BODY_LIMIT).await {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::error!(error = %e, "unreadable server function error");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        if let Ok(status) = StatusCode::from_u16(error.status()) {
            parts.status = status;
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Error bodies are a short JSON object; anything longer is not one of ours.
const ERROR_BODY_LIMIT: usize = 64 * 1024;
