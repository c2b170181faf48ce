//! `AppState`: everything a request needs, cloned cheaply into every handler.

use super::clock::Clock;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::path::PathBuf;

/// Shared state of the running server.
#[derive(Clone, FromRef)]
pub struct AppState {
    /// Leptos' site options (site root, package dir).
    pub leptos_options: LeptosOptions,
    /// The database (SQLite or PostgreSQL).
    pub pool: super::db::Db,
    /// Where "now" comes from.
    pub clock: Clock,
    /// The data directory (database, uploaded files).
    pub data_dir: PathBuf,
    /// Live events to the connected browsers.
    pub events: super::events::EventHub,
    /// The last working calendar built (reused while its inputs are unchanged).
    pub calendars: std::sync::Arc<super::calendar::CalendarCache>,
    /// Bounds concurrent password checks (sign-in).
    pub hashing: super::auth::HashGate,
    /// The networks' APIs for publishing answers.
    pub networks: std::sync::Arc<super::publishing::Networks>,
}
