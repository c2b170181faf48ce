//! The server-side service layer (`ssr` only): the one place where actions touch the
//! database. Server functions and REST handlers are thin doors into it.

/// Accounts: passwords, edits, deactivation and handover, the account journal.
pub mod accounts;
/// Administration: users, departments, calendar corrections, settings forms, API tokens.
pub mod admin;
/// The administrations of a deployment (one, or a region's several).
pub mod administrations;
/// Deadline alerts: the scan, the bell, the e-mail choice.
pub mod alerts;
/// Uploaded files (photo/video evidence, images of posts), checked by content.
pub mod attachments;
/// Signing in: password hashing, the sign-in throttle, the current user.
pub mod auth;
/// Backups of the database and the uploaded files, with a manifest; restore.
pub mod backup;
/// The region's live board: per administration, what needs attention now.
pub mod board;
/// The deployment's working calendar (schedule + production calendar + corrections).
pub mod calendar;
/// The wall clock, injectable for tests.
pub mod clock;
/// One request's view of the deployment: pool, time, calendar, settings.
pub mod ctx;
/// Opening the SQLite pool and running migrations.
pub mod db;
/// Demo data for `otklik serve --demo`.
pub mod demo;
/// Live events: the pump and the per-connection subscriptions.
pub mod events;
/// CSV import of messages with a per-row report.
pub mod import;
/// Which instance runs the background work.
pub mod leader;
/// E-mail: SMTP settings, the outbox and its sender.
pub mod mail;
/// Messages: intake and workflow actions.
pub mod messages;
/// Publishing approved answers through the networks' APIs, and their connections.
pub mod publishing;
/// Reports: figures per period and group from the recorded outcomes.
pub mod reports;
/// Deployment settings stored as JSON (limits, schedule, deadline lengths).
pub mod settings;
/// Shared application state (pool, clock, options).
pub mod state;
/// The topic catalogue, the topic a received name stands for, the suggestion.
pub mod topics;
/// `otklik transfer`: a SQLite deployment copied into PostgreSQL.
pub mod transfer;
/// Users and departments.
pub mod users;
