//! The Otklik HTTP server: one `router(state)` used by `main` and by every test.

/// The REST API under `/api/v1`.
pub mod api;
/// The `otklik` command line (serve, migrate, user, token, backup, due, calendar).
pub mod cli;
/// Request guards: pages need a session.
pub mod guard;
/// Client address, same-origin writes, security headers (CSP with a nonce).
pub mod security;
/// The session store on either database.
pub mod sessions;

use app::service::clock::Clock;
use app::service::db::Target;
use app::service::state::AppState;
use app::ui::{shell, App};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos_axum::{generate_route_list, LeptosRoutes};
use security::SecurityConfig;
use std::sync::Arc;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The database could not be opened or migrated.
    #[error(transparent)]
    Db(#[from] app::service::db::DbError),
    /// The session table could not be created.
    #[error("session store: {0}")]
    Sessions(#[from] sqlx::Error),
    /// The event hub could not read the journal.
    #[error("event hub: {0}")]
    Events(#[from] app::error::AppError),
}

/// Opens the SQLite database in `data_dir` (migrating it) and builds the state.
pub async fn open_state(
    data_dir: &std::path::Path,
    leptos_options: LeptosOptions,
    clock: Clock,
) -> Result<AppState, StartError> {
    open_state_at(&Target::data_dir(data_dir), leptos_options, clock).await
}

/// Opens the database of `target` (SQLite or PostgreSQL, migrating it), its session
/// table, and the event hub, and builds the state.
pub async fn open_state_at(
    target: &Target,
    leptos_options: LeptosOptions,
    clock: Clock,
) -> Result<AppState, StartError> {
    let pool = app::service::db::connect(target).await?;
    sessions::Store::new(&pool).migrate().await?;
    let events = app::service::events::EventHub::start(pool.clone()).await?;
    Ok(AppState {
        leptos_options,
        pool,
        clock,
        data_dir: target.data_dir.clone(),
        events,
        calendars: Default::default(),
        hashing: app::service::auth::HashGate::for_this_machine(),
        networks: Arc::new(app::service::publishing::Networks::from_env(
            target.data_dir.clone(),
        )),
    })
}

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "otklik_session";

/// Session cookie settings: HttpOnly, SameSite=Lax, 12 h of inactivity; `Secure` when the
/// deployment says it is served over HTTPS (`OTKLIK_SECURE_COOKIES=1`).
fn session_layer(state: &AppState) -> SessionManagerLayer<sessions::Store> {
    let secure = std::env::var("OTKLIK_SECURE_COOKIES").is_ok_and(|v| v == "1" || v == "true");
    SessionManagerLayer::new(sessions::Store::new(&state.pool))
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(secure)
        .with_expiry(Expiry::OnInactivity(
            tower_sessions::cookie::time::Duration::hours(12),
        ))
}

/// The whole HTTP surface: SSR pages, server functions, static assets, `/api/v1`, with
/// the deployment's security settings from the environment.
pub fn router(state: AppState) -> Router {
    router_with(state, SecurityConfig::from_env())
}

/// The app's routes, generated once per process. Generating them runs the app with
/// resource loading suppressed through a process-wide flag (leptos_server's
/// `SuppressResourceLoad`): a page rendered at that moment by another router of the same
/// process would wait forever for its data (leptos-rs/leptos#4773). A server builds one
/// router before it serves, but the tests build one per test, concurrently.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// [`router`] with explicit security settings (tests).
pub fn router_with(state: AppState, security: SecurityConfig) -> Router {
    let routes = route_list();
    let options = state.leptos_options.clone();
    let security = Arc::new(security);
    Router::new()
        .nest("/api/v1", api::router())
        .leptos_routes_with_context(
            &state,
            routes,
            security::headers::provide_request_nonce,
            move || shell(options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(security::headers::provide_request_nonce, shell))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::require_session,
        ))
        .layer(session_layer(&state))
        .layer(axum::middleware::from_fn(guard::server_fn_status))
        .layer(axum::middleware::from_fn_with_state(
            security.clone(),
            security::origin::same_origin_writes,
        ))
        .layer(axum::middleware::from_fn_with_state(
            security,
            security::client::client_address,
        ))
        // Pages and JSON compressed (brotli or gzip as the client accepts); the static
        // assets are already precompressed, event streams are left alone.
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(axum::middleware::from_fn(
            security::headers::security_headers,
        ))
        .with_state(state)
}
