//! Otklik: the shared library of the web app — domain rules, server functions, pages.
#![recursion_limit = "256"]

/// Server functions (the UI's doors into the service layer).
pub mod api;
/// Pure domain: working calendar, deadlines, workflow (compiles for server and browser).
pub mod domain;
/// Data transfer objects shared by server and browser.
pub mod dto;
/// `AppError`, the error type of server functions.
pub mod error;
/// The server-side service layer (`ssr` only).
#[cfg(feature = "ssr")]
pub mod service;
/// Pages, components and the page shell.
pub mod ui;
