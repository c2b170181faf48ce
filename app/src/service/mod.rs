//! The server-side service layer (`ssr` only): the one place where actions touch the
//! database. Server functions and REST handlers are thin doors into it.

/// Signing in: password hashing, the failed-attempt limit, the current user.
pub mod auth;
/// The deployment's working calendar (schedule + production calendar + corrections).
pub mod calendar;
/// The wall clock, injectable for tests.
pub mod clock;
/// Opening the SQLite pool and running migrations.
pub mod db;
/// Demo data for `otklik serve --demo`.
pub mod demo;
/// Messages: intake and workflow actions.
pub mod messages;
/// Shared application state (pool, clock, options).
pub mod state;
/// Users and departments.
pub mod users;
