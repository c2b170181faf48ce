//! The wall clock as a value: real in production, fixed or advanced by hand in tests.
//! Instants are truncated to whole seconds (SPEC: precision one second), which also keeps
//! one timestamp format in SQLite.

use chrono::{DateTime, SubsecRound, Utc};
use std::sync::{Arc, Mutex};

/// Where "now" comes from.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    fixed: Option<Arc<Mutex<DateTime<Utc>>>>,
    /// Added to the system clock (zero in production).
    offset: chrono::Duration,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self::default()
    }

    /// The system clock moved so that it reads `start` now, then running in real time
    /// (demos and browser tests that need working hours on any day).
    pub fn starting_at(start: DateTime<Utc>) -> Self {
        Self {
            fixed: None,
            offset: start - Utc::now(),
        }
    }

    /// A clock that stands still at `at` until `set` or `advance` moves it.
    pub fn fixed(at: DateTime<Utc>) -> Self {
        Self {
            fixed: Some(Arc::new(Mutex::new(at.trunc_subsecs(0)))),
            offset: chrono::Duration::zero(),
        }
    }

    /// The current instant, whole seconds.
    pub fn now(&self) -> DateTime<Utc> {
        match &self.fixed {
            Some(at) => *at.lock().unwrap_or_else(|p| p.into_inner()),
            None => (Utc::now() + self.offset).trunc_subsecs(0),
        }
    }

    /// Moves a fixed clock to `at` (no effect on a running clock).
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

#[cfg(test)]
mod tests {
    use super::Clock;
    use chrono::{TimeZone, Utc};

    #[test]
    fn a_clock_started_at_an_instant_runs_from_it() {
        let start = Utc
            .with_ymd_and_hms(2026, 3, 16, 7, 0, 0)
            .single()
            .unwrap_or_default();
        let clock = Clock::starting_at(start);
        let drift = (clock.now() - start).num_seconds();
        assert!((0..=2).contains(&drift), "drift {drift}");
        let fixed = Clock::fixed(start);
        fixed.advance(chrono::Duration::minutes(5));
        assert_eq!(fixed.now(), start + chrono::Duration::minutes(5));
    }
}
