//! The live clock of the pages: the server's time when the page was rendered, then ticking
//! every second in the browser (`gloo-timers`) with the browser's offset to the server,
//! and the deployment's calendar, so that countdowns run in working time on both sides.

use crate::api::live::load_live_setup;
use crate::domain::calendar::WorkingCalendar;
use crate::dto::calendar::LiveSetup;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use std::sync::Arc;

/// The shared clock and calendar setup.
#[derive(Clone, Copy)]
pub struct Live {
    /// Time, calendar and limits from the server.
    pub setup: crate::ui::data::Data<Result<LiveSetup, AppError>>,
    /// The ticking "now"; `None` until the browser starts ticking (then the setup's time).
    pub now: RwSignal<Option<DateTime<Utc>>>,
    /// The last [`Ready`] built: a page that re-reads its list (live refresh) does not
    /// rebuild the calendar while the setup is the same.
    built: StoredValue<Option<Ready>>,
}

/// What a countdown needs: the working calendar and the time the page is rendered at.
#[derive(Clone)]
pub struct Clock {
    /// The time the countdowns are first shown at (then the ticker takes over).
    pub base: DateTime<Utc>,
    /// The deployment's working calendar.
    pub cal: Arc<WorkingCalendar>,
    /// A running deadline is due soon in this last share of its budget (percent).
    pub due_soon_percent: u8,
}

/// The setup and its calendar, ready for the countdowns. Cheap to clone.
#[derive(Clone)]
pub struct Ready {
    /// The server's time when the setup was made.
    pub base: DateTime<Utc>,
    /// The deployment's working calendar.
    pub cal: Arc<WorkingCalendar>,
    /// The setup itself.
    pub setup: Arc<LiveSetup>,
}

impl Ready {
    /// The clock of countdowns rendered now: the ticking time once the browser ticks.
    pub fn clock(&self) -> Clock {
        let now = use_context::<Live>().and_then(|l| l.now.get_untracked());
        Clock {
            base: now.unwrap_or(self.base),
            cal: self.cal.clone(),
            due_soon_percent: self.setup.due_soon_percent,
        }
    }
}

impl Live {
    /// Waits for the setup and builds the calendar (once per setup).
    pub async fn ready(self) -> Result<Ready, AppError> {
        let setup = self.setup.await?;
        self.build(setup)
    }

    /// The [`Ready`] of `setup`: the cached one while the setup is the same.
    fn build(self, setup: LiveSetup) -> Result<Ready, AppError> {
        let cached = self
            .built
            .with_value(|b| b.as_ref().filter(|r| *r.setup == setup).cloned());
        if let Some(ready) = cached {
            return Ok(ready);
        }
        let cal = setup.calendar().map_err(|_| AppError::Internal)?;
        let ready = Ready {
            base: setup.now,
            cal: Arc::new(cal),
            setup: Arc::new(setup),
        };
        self.built.set_value(Some(ready.clone()));
        Ok(ready)
    }
}

/// Creates the clock (and, in the browser, starts it once the setup has arrived).
pub fn provide_live() {
    let auth = crate::ui::auth::use_auth();
    let setup = crate::ui::data::load(
        move || auth.version(),
        move |_| async move {
            // Only a signed-in user gets the setup (the sign-in page needs none).
            match auth.user.await {
                Ok(Some(u)) if !u.must_change_password => load_live_setup().await,
                _ => Err(AppError::Unauthorized),
            }
        },
    );
    let live = Live {
        setup,
        now: RwSignal::new(None),
        built: StoredValue::new(None),
    };
    let events = crate::ui::stream::provide_live_events();
    #[cfg(feature = "hydrate")]
    {
        let started = StoredValue::new(false);
        let streaming = StoredValue::new(false);
        // The setup the ticker's calendar comes from (a new one after signing in again).
        let current = StoredValue::new(None::<LiveSetup>);
        Effect::new(move |_| match setup.get() {
            Some(Ok(s)) => {
                current.set_value(Some(s.clone()));
                if !streaming.get_value() {
                    streaming.set_value(true);
                    let after = s.last_event_id;
                    later(move || crate::ui::stream::connect(events, after));
                }
                if started.get_value() {
                    return;
                }
                started.set_value(true);
                let offset = s.now - Utc::now();
                let interval = gloo_timers::callback::Interval::new(1000, move || {
                    let t = Utc::now() + offset;
                    live.now.set(Some(t));
                    crate::ui::components::countdown::tick(t, || {
                        live.build(current.get_value()?).ok()
                    });
                });
                interval.forget();
            }
            // Signed out: no more events for this tab.
            Some(Err(_)) if streaming.get_value() => {
                streaming.set_value(false);
                crate::ui::stream::close();
                events.link.set(crate::ui::stream::Link::Idle);
            }
            _ => {}
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = events;
    provide_context(live);
}

/// Runs `f` in a task of its own once the current one (e.g. hydrating the page) is done,
/// so that work the first paint does not need does not lengthen it.
#[cfg(feature = "hydrate")]
pub fn later(f: impl FnOnce() + 'static) {
    gloo_timers::callback::Timeout::new(0, f).forget();
}

/// The shared [`Live`].
pub fn use_live() -> Live {
    use_context::<Live>().unwrap_or_else(|| Live {
        setup: crate::ui::data::load(|| (), |_| load_live_setup()),
        now: RwSignal::new(None),
        built: StoredValue::new(None),
    })
}
