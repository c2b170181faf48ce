//! The Otklik HTTP server: one `router(state)` used by `main` and by every test.

/// The REST API under `/api/v1`.
pub mod api;
/// The `otklik` command line (serve, migrate, user, token, backup, due, calendar).
pub mod cli;
/// Request guards: pages need a session.
pub mod guard;

use app::service::clock::Clock;
use app::service::state::AppState;
use app::ui::{shell, App};
use axum::http::{header, HeaderValue};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::path::Path;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::SqliteStore;

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

/// Opens the database in `data_dir` (migrating it) and builds the state.
pub async fn open_state(
    data_dir: &Path,
    leptos_options: LeptosOptions,
    clock: Clock,
) -> Result<AppState, StartError> {
    let pool = app::service::db::open(data_dir).await?;
    SqliteStore::new(pool.clone()).migrate().await?;
    let events = app::service::events::EventHub::start(pool.clone()).await?;
    Ok(AppState {
        leptos_options,
        pool,
        clock,
        data_dir: data_dir.to_path_buf(),
        events,
        calendars: Default::default(),
    })
}

/// Session cookie settings: HttpOnly, SameSite=Lax, 12 h of inactivity; `Secure` when the
/// deployment says it is served over HTTPS (`OTKLIK_SECURE_COOKIES=1`).
fn session_layer(state: &AppState) -> SessionManagerLayer<SqliteStore> {
    let secure = std::env::var("OTKLIK_SECURE_COOKIES").is_ok_and(|v| v == "1" || v == "true");
    SessionManagerLayer::new(SqliteStore::new(state.pool.clone()))
        .with_name("otklik_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(secure)
        .with_expiry(Expiry::OnInactivity(
            tower_sessions::cookie::time::Duration::hours(12),
        ))
}

/// The whole HTTP surface: SSR pages, server functions, static assets, `/api/v1`.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    Router::new()
        .nest("/api/v1", api::router())
        .leptos_routes(&state, routes, move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::require_session,
        ))
        .layer(session_layer(&state))
        .layer(axum::middleware::from_fn(guard::server_fn_status))
        // Pages and JSON compressed (brotli or gzip as the client accepts); the static
        // assets are already precompressed, event streams are left alone.
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .with_state(state)
}
