//! Small reusable components.

/// The report's charts, drawn as SVG.
pub mod charts;
/// A deadline's live countdown.
pub mod countdown;
/// An error message box.
pub mod error_box;
/// Network and state badges, first lines.
pub mod message_bits;
/// Text put into HTML where Leptos would not escape it (textarea content).
pub mod text;
/// Photo/video upload with progress.
pub mod upload;
