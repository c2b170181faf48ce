//! Cross-site request forgery. SameSite=Lax keeps the session cookie off cross-site
//! POSTs, but not off same-site ones (a sibling subdomain), and the REST API accepted a
//! JSON body sent as `text/plain` — a "simple" request no preflight stops. So every write
//! (any method but GET/HEAD/OPTIONS) that the session cookie authenticates must come from
//! the app's own pages: `Sec-Fetch-Site: same-origin`, or, from browsers without it, an
//! `Origin` equal to the app's. That is every write to a server function (only the app's
//! pages call them; signing in included), and every write to `/api/v1` that carries the
//! session cookie and no `Authorization`. Bearer-token calls are not affected (a browser
//! never adds that header to a cross-site request), and an API call with no credentials
//! at all is left to answer 401.

use super::SecurityConfig;
use crate::api::error::ApiError;
use app::error::AppError;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::sync::Arc;

/// Refuses cross-origin writes (403) before they reach a handler.
pub async fn same_origin_writes(
    State(config): State<Arc<SecurityConfig>>,
    request: Request,
    next: Next,
) -> Response {
    if is_exempt(&request) || is_same_origin(request.headers(), &config) {
        return next.run(request).await;
    }
    let error = AppError::Forbidden(
        "Запрос отклонён: изменения принимаются только со страниц самого приложения".to_owned(),
    );
    tracing::warn!(
        path = %request.uri().path(),
        origin = ?request.headers().get(header::ORIGIN),
        "cross-origin write refused"
    );
    if request.uri().path().starts_with("/api/") {
        ApiError::http(StatusCode::FORBIDDEN, "cross_origin", error.to_string()).into_response()
    } else {
        // Server functions: the error type their callers decode.
        (StatusCode::FORBIDDEN, Json(error)).into_response()
    }
}

fn is_exempt(request: &Request) -> bool {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let api = request.uri().path().starts_with("/api/");
    safe || (api
        && (request.headers().contains_key(header::AUTHORIZATION)
            || !has_session_cookie(request.headers())))
}

/// True when the request carries the session cookie.
fn has_session_cookie(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|c| {
            c.trim_start()
                .strip_prefix(crate::SESSION_COOKIE)
                .is_some_and(|rest| rest.starts_with('='))
        })
}

/// True when the browser says the request comes from the app's own origin.
pub fn is_same_origin(headers: &HeaderMap, config: &SecurityConfig) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return site.as_bytes() == b"same-origin";
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    match &config.public_origin {
        Some(expected) => origin.eq_ignore_ascii_case(expected),
        None => {
            let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
            let authority = origin
                .strip_prefix("https://")
                .or_else(|| origin.strip_prefix("http://"));
            matches!((authority, host), (Some(a), Some(h)) if a.eq_ignore_ascii_case(h))
        }
    }
}
