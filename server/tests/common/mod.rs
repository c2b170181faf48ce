//! Test harness: a real SQLite file in a temp dir, the real router, a fixed clock.
#![allow(dead_code)]

use app::service::clock::Clock;
use app::service::state::AppState;
use axum::body::Body;
use axum::http::{header, Request, Response, StatusCode};
use axum::Router;
use chrono::{DateTime, TimeZone, Utc};
use http_body_util::BodyExt;
use leptos::config::LeptosOptions;
use tower::ServiceExt;

/// A running app on a temporary database.
pub struct TestApp {
    pub state: AppState,
    pub router: Router,
    pub _dir: tempfile::TempDir,
}

/// Monday 16.03.2026 10:00 Moscow (07:00 UTC): an ordinary working morning.
pub fn monday_10() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 16, 7, 0, 0).unwrap()
}

impl TestApp {
    /// A fresh database with the demo users.
    pub async fn new() -> Self {
        Self::at(monday_10()).await
    }

    /// A fresh database with the demo users and the clock fixed at `now`.
    pub async fn at(now: DateTime<Utc>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let options = LeptosOptions::builder()
            .output_name("otklik")
            .site_root("target/site")
            .build();
        let state = server::open_state(dir.path(), options, Clock::fixed(now))
            .await
            .unwrap();
        app::service::demo::seed(&state.pool, now).await.unwrap();
        let router = server::router(state.clone());
        Self {
            state,
            router,
            _dir: dir,
        }
    }

    /// Sends a request through the router.
    pub async fn send(&self, req: Request<Body>) -> Response<Body> {
        self.router.clone().oneshot(req).await.unwrap()
    }

    /// Posts a form to a server function, with an optional session cookie.
    pub async fn server_fn(
        &self,
        path: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> Response<Body> {
        let body = form
            .iter()
            .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut req = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::from(body)).unwrap()).await
    }

    /// Signs in and returns the session cookie (`name=value`).
    pub async fn sign_in(&self, login: &str, password: &str) -> String {
        let res = self
            .server_fn(
                "/serverfn/login",
                &[("login", login), ("password", password)],
                None,
            )
            .await;
        assert!(
            res.status().is_success() || res.status().is_redirection(),
            "sign-in failed: {}",
            res.status()
        );
        session_cookie(&res).expect("a session cookie")
    }
}

/// The `name=value` part of the session cookie set by a response.
pub fn session_cookie(res: &Response<Body>) -> Option<String> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("otklik_session="))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

/// The full `Set-Cookie` header of the session cookie.
pub fn session_set_cookie(res: &Response<Body>) -> Option<String> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("otklik_session="))
        .map(str::to_owned)
}

/// The body as a string.
pub async fn body_text(res: Response<Body>) -> String {
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The body as JSON.
pub async fn body_json(res: Response<Body>) -> serde_json::Value {
    let text = body_text(res).await;
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// application/x-www-form-urlencoded encoding of one value.
pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A GET with an optional cookie.
pub fn get(path: &str, cookie: Option<&str>) -> Request<Body> {
    let mut req = Request::get(path);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    req.body(Body::empty()).unwrap()
}

pub const OK: StatusCode = StatusCode::OK;

/// A server function's error, decoded as the browser decodes it.
pub async fn app_error(res: Response<Body>) -> app::error::AppError {
    let text = body_text(res).await;
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not an AppError ({e}): {text}"))
}
