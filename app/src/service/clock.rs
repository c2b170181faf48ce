//! The wall clock as a value: real in production, fixed or advanced by hand in tests.
//! Instants are truncated to whole seconds (SPEC: precision one second), which also keeps
//! one timestamp format in SQLite.

use chrono::{DateTime, SubsecRound, Utc};
use std::sync::{Arc, Mutex};

/// Where "now" comes from.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    fixed: Option<Arc<Mutex<DateTime<Utc>>>>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self { fixed: None }
    }

    /// A clock that stands still at `at` until `set` or `advance` moves it.
    pub fn fixed(at: DateTime<Utc>) -> Self {
        Self {
            fixed: Some(Arc::new(Mutex::new(at.trunc_subsecs(0)))),
        }
    }

    /// The current instant, whole seconds.
    pub fn now(&self) -> DateTime<Utc> {
        match &self.fixed {
            Some(at) => *at.lock().unwrap_or_else(|p| p.into_inner()),
            None => Utc::now().trunc_subsecs(0),
        }
    }

    /// Moves a fixed clock to `at` (no effect on the system clock).
    pub fn set(&self, at: DateTime<Utc>) {
        if let Some(cur) = &self.fixed {
            *cur.lock().unwrap_or_else(|p| p.into_inner()) = at.trunc_subsecs(0);
        }
    }

    /// Moves a fixed clock forward by `by`.
    pub fn advance(&self, by: chrono::Duration) {
        let at = self.now() + by;
        self.set(at);
    }
}
