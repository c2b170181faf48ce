//! Test harness: a real database (a SQLite file in a temp dir, or, when
//! `OTKLIK_TEST_DATABASE_URL` names a PostgreSQL server, a new database on it), the real
//! router, a fixed clock.
#![allow(dead_code)]

pub mod random;
pub mod sse;

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

/// The host the tests' requests name, and the origin of the app's own pages there.
pub const HOST: &str = "otklik.test";
pub const ORIGIN: &str = "http://otklik.test";

/// Marks a request as sent by the app's own page, as a browser does (`Host` + `Origin`):
/// cookie-authenticated writes need it.
pub fn same_origin(req: axum::http::request::Builder) -> axum::http::request::Builder {
    req.header(header::HOST, HOST)
        .header(header::ORIGIN, ORIGIN)
}

/// Monday 16.03.2026 10:00 Moscow (07:00 UTC): an ordinary working morning.
pub fn monday_10() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 16, 7, 0, 0).unwrap()
}

/// The database of a test: the SQLite file in `dir`, or a new PostgreSQL database when
/// `OTKLIK_TEST_DATABASE_URL` is set (the test script runs the tests on both).
pub async fn test_target(dir: &std::path::Path) -> app::service::db::Target {
    let mut target = app::service::db::Target::data_dir(dir);
    if let Some(url) = pg_database().await {
        target.url = Some(url);
    }
    target
}

/// A new, empty PostgreSQL database on the test server, if there is one.
pub async fn pg_database() -> Option<String> {
    use sqlx::Connection;
    let base = std::env::var("OTKLIK_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())?;
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let name = format!(
        "t{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst),
        Utc::now().timestamp_micros()
    );
    let mut conn = sqlx::PgConnection::connect(&base).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    let (server, _) = base.rsplit_once('/').unwrap();
    Some(format!("{server}/{name}"))
}

/// The URL of the PostgreSQL database `db` is connected to (the test server trusts
/// local connections: no password).
pub fn pg_url(db: &app::service::db::Db) -> String {
    let app::service::db::Db::Postgres(p) = db else {
        panic!("not PostgreSQL")
    };
    let o = p.connect_options();
    format!(
        "postgres://{}@{}:{}/{}",
        o.get_username(),
        o.get_host(),
        o.get_port(),
        o.get_database().unwrap()
    )
}

/// Whether the tests run on PostgreSQL.
pub fn on_postgres() -> bool {
    std::env::var("OTKLIK_TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty())
}

impl TestApp {
    /// A fresh database with the demo users.
    pub async fn new() -> Self {
        Self::at(monday_10()).await
    }

    /// A fresh database with the demo users and the clock fixed at `now`.
    pub async fn at(now: DateTime<Utc>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let target = test_target(dir.path()).await;
        Self::on(dir, target, now).await
    }

    /// [`TestApp::at`] on SQLite whatever the environment (what only SQLite has).
    pub async fn sqlite_at(now: DateTime<Utc>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let target = app::service::db::Target::data_dir(dir.path());
        Self::on(dir, target, now).await
    }

    async fn on(
        dir: tempfile::TempDir,
        target: app::service::db::Target,
        now: DateTime<Utc>,
    ) -> Self {
        let options = LeptosOptions::builder()
            .output_name("otklik")
            .site_root("target/site")
            .build();
        let state = server::open_state_at(&target, options, Clock::fixed(now))
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

    /// Changes the state (e.g. a smaller hashing gate) and rebuilds the router on it.
    pub fn with_state(mut self, change: impl FnOnce(&mut AppState)) -> Self {
        change(&mut self.state);
        self.router = server::router(self.state.clone());
        self
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
        let mut req = same_origin(Request::post(path))
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

/// How a REST request authenticates.
#[derive(Clone, Copy, Debug)]
pub enum Auth<'a> {
    /// No credentials.
    Anonymous,
    /// `Authorization: Bearer <token>`.
    Token(&'a str),
    /// A session cookie (`name=value`).
    Cookie(&'a str),
}

impl TestApp {
    /// Issues an API token with `role`, of the first administration (`main`) unless
    /// the role is regional.
    pub async fn token(&self, role: app::domain::role::Role) -> String {
        let administration = (!role.is_regional()).then_some(app::domain::ids::AdministrationId(1));
        self.token_of(role, administration).await
    }

    /// Issues an API token with `role` for `administration` (`None`: the region).
    pub async fn token_of(
        &self,
        role: app::domain::role::Role,
        administration: Option<app::domain::ids::AdministrationId>,
    ) -> String {
        app::service::auth::issue_token(
            &self.state.pool,
            "тест",
            role,
            administration,
            None,
            self.state.clock.now(),
        )
        .await
        .unwrap()
    }

    /// A REST call; returns the status and the JSON body (`Null` when empty).
    pub async fn api(
        &self,
        method: &str,
        path: &str,
        auth: Auth<'_>,
        body: Option<&str>,
    ) -> (StatusCode, serde_json::Value) {
        let mut req = Request::builder().method(method).uri(path);
        match auth {
            Auth::Anonymous => {}
            Auth::Token(t) => req = req.header(header::AUTHORIZATION, format!("Bearer {t}")),
            Auth::Cookie(c) => req = same_origin(req).header(header::COOKIE, c),
        }
        if body.is_some() {
            req = req.header(header::CONTENT_TYPE, "application/json");
        }
        let res = self
            .send(req.body(Body::from(body.unwrap_or("").to_owned())).unwrap())
            .await;
        let status = res.status();
        let text = body_text(res).await;
        let json = if text.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
        };
        (status, json)
    }

    /// Registers a message through the API with `token`; the created message.
    pub async fn register(&self, token: &str, body: &serde_json::Value) -> serde_json::Value {
        let (s, m) = self
            .api(
                "POST",
                "/api/v1/messages",
                Auth::Token(token),
                Some(&body.to_string()),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{m}");
        m
    }

    /// The request context at the clock's time now.
    pub async fn ctx(&self) -> app::service::ctx::Ctx {
        app::service::ctx::Ctx::of(&self.state).await.unwrap()
    }

    /// The id of the user with `login`.
    pub async fn user_id(&self, login: &str) -> i64 {
        app::on_db!(&self.state.pool, p => sqlx::query_scalar("SELECT id FROM users WHERE login = $1")
            .bind(login)
            .fetch_one(p)
            .await
            .unwrap())
    }
}

impl TestApp {
    /// Uploads `bytes` as the multipart part `file` named `name`.
    pub async fn upload(
        &self,
        message: i64,
        name: &str,
        bytes: &[u8],
        auth: Auth<'_>,
    ) -> (StatusCode, serde_json::Value) {
        let boundary = "----otklik-test-boundary";
        let mut body = Vec::new();
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: image/jpeg\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let mut req = Request::post(format!("/api/v1/messages/{message}/attachments")).header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        );
        match auth {
            Auth::Anonymous => {}
            Auth::Token(t) => req = req.header(header::AUTHORIZATION, format!("Bearer {t}")),
            Auth::Cookie(c) => req = same_origin(req).header(header::COOKIE, c),
        }
        let res = self.send(req.body(Body::from(body)).unwrap()).await;
        let status = res.status();
        (status, body_json(res).await)
    }
}

/// A tiny valid PNG (1×1, signature + IHDR + IDAT + IEND).
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];
