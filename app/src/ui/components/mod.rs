//! Small reusable components.

/// An error message box.
pub mod error_box;
