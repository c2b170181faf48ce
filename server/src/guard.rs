//! Pages need a session: a request for a page without one is sent to `/login`.
//! Server functions and the REST API check the caller themselves (they answer 401, not a
//! redirect); static assets are public.

use app::service::auth::session_user;
use app::service::state::AppState;
use axum::extract::{Request, State};
use axum::http::Method;
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
    match session_user(&state.pool, &session).await {
        Ok(Some(_)) => next.run(request).await,
        Ok(None) => Redirect::to("/login").into_response(),
        Err(e) => (
            axum::http::StatusCode::from_u16(e.status()).unwrap_or_default(),
            e.to_string(),
        )
            .into_response(),
    }
}
