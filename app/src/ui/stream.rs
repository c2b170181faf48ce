//! The live event stream in the browser: one `EventSource` per tab on `/api/v1/events`.
//!
//! Pages do not parse events; they read [`LiveEvents`] signals and re-read their data when
//! one changes (the server functions apply the role's visibility). The stream resumes
//! after the last journal event applied, so nothing is missed and nothing applied twice;
//! a dropped connection is retried with growing pauses (0.5 s … 8 s) and, while it is
//! down, the banner «Нет связи с сервером» shows.

use crate::dto::live::JournalNotice;
use leptos::prelude::*;

/// The state of the connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    /// Not connected yet (or signed out).
    Idle,
    /// Receiving events.
    Open,
    /// The connection failed; retrying.
    Down,
}

/// What pages react to.
#[derive(Clone, Copy)]
pub struct LiveEvents {
    /// The last journal event received.
    pub last: RwSignal<Option<JournalNotice>>,
    /// Bumped on every journal event and on a resync: lists re-read.
    pub changes: RwSignal<u64>,
    /// Bumped on a resync only: everything re-reads.
    pub resyncs: RwSignal<u64>,
    /// Bumped on every alert and on reconnect: the bell re-reads.
    pub alerts: RwSignal<u64>,
    /// The connection.
    pub link: RwSignal<Link>,
}

impl LiveEvents {
    fn new() -> Self {
        Self {
            last: RwSignal::new(None),
            changes: RwSignal::new(0),
            resyncs: RwSignal::new(0),
            alerts: RwSignal::new(0),
            link: RwSignal::new(Link::Idle),
        }
    }
}

/// Creates the signals (and, in the browser, the connection once signed in).
pub fn provide_live_events() -> LiveEvents {
    let events = LiveEvents::new();
    provide_context(events);
    events
}

/// The shared [`LiveEvents`] (inert signals where none was provided).
pub fn use_live_events() -> LiveEvents {
    use_context::<LiveEvents>().unwrap_or_else(LiveEvents::new)
}

/// A page's reaction to events: `tick` changes when the page should re-read; while the
/// user has typed into one of its forms (`dirty`), it sets `stale` instead, so that
/// nobody's text is thrown away by someone else's action.
#[derive(Clone, Copy)]
pub struct Refresh {
    /// Re-read when this changes (part of the page's resource source).
    pub tick: RwSignal<u64>,
    /// Something relevant changed while the user was typing.
    pub stale: RwSignal<bool>,
    /// The user has typed into a form of the page since it was last rendered.
    pub dirty: RwSignal<bool>,
}

impl Refresh {
    /// The page was (re)rendered from fresh data: nothing typed, nothing stale.
    pub fn rendered(self) {
        self.dirty.set(false);
        self.stale.set(false);
    }
}

impl Refresh {
    /// Also re-reads every `ms` milliseconds in the browser (a deadline runs out with no
    /// event at all); the page's owner stops the timer when the user leaves the page.
    pub fn every(self, ms: u32) {
        #[cfg(feature = "hydrate")]
        {
            let timer = gloo_timers::callback::Interval::new(ms, move || {
                self.tick.update(|t| *t += 1);
            });
            let timer = send_wrapper::SendWrapper::new(timer);
            on_cleanup(move || drop(timer));
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (self, ms);
    }
}

/// Follows the journal events for which `relevant` holds (and every resync).
pub fn use_refresh(relevant: impl Fn(&JournalNotice) -> bool + Send + Sync + 'static) -> Refresh {
    let events = use_live_events();
    let refresh = Refresh {
        tick: RwSignal::new(0),
        stale: RwSignal::new(false),
        dirty: RwSignal::new(false),
    };
    Effect::new(move |prev: Option<(u64, u64)>| {
        let now = (events.changes.get(), events.resyncs.get());
        if let Some(prev) = prev {
            let resync = now.1 != prev.1;
            let hit = now.0 != prev.0
                && events
                    .last
                    .with_untracked(|n| n.as_ref().is_some_and(&relevant));
            if resync || hit {
                if refresh.dirty.get_untracked() {
                    refresh.stale.set(true);
                } else {
                    refresh.tick.update(|t| *t += 1);
                }
            }
        }
        now
    });
    refresh
}

/// Tells a user who is typing that the data changed underneath, with a button to re-read.
#[component]
pub fn StaleNotice(refresh: Refresh) -> impl IntoView {
    view! {
        <Show when=move || refresh.stale.get()>
            <div class="notice warn" role="status" data-testid="stale">
                "Данные изменены другим пользователем. Введённый текст пока сохранён в форме. "
                <button
                    type="button"
                    class="button secondary"
                    on:click=move |_| {
                        refresh.rendered();
                        refresh.tick.update(|t| *t += 1);
                    }
                >
                    "Обновить"
                </button>
            </div>
        </Show>
    }
}

/// The banner shown while the connection is down.
#[component]
pub fn ConnectionBanner() -> impl IntoView {
    let events = use_live_events();
    view! {
        <Show when=move || events.link.get() == Link::Down>
            <div class="offline-banner" role="alert">"Нет связи с сервером"</div>
        </Show>
    }
}

#[cfg(feature = "hydrate")]
pub use browser::{close, connect, notifications_allowed, request_notifications};

#[cfg(not(feature = "hydrate"))]
/// Nothing to close on the server.
pub fn close() {}

#[cfg(feature = "hydrate")]
mod browser {
    use super::{Link, LiveEvents};
    use crate::dto::live::{AlertDto, JournalNotice};
    use leptos::prelude::*;
    use std::cell::{Cell, RefCell};
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{EventSource, MessageEvent};

    type Handler = Closure<dyn FnMut(web_sys::Event)>;

    struct Conn {
        source: EventSource,
        _handlers: Vec<Handler>,
    }

    thread_local! {
        static CONN: RefCell<Option<Conn>> = const { RefCell::new(None) };
        /// The last journal event applied.
        static LAST_ID: Cell<i64> = const { Cell::new(0) };
        /// Failed attempts in a row (the pause before the next grows with it).
        static FAILURES: Cell<u32> = const { Cell::new(0) };
        /// Whether a connection was ever open (a new one then catches up on alerts).
        static WAS_OPEN: Cell<bool> = const { Cell::new(false) };
        /// Bumped by `close`: a pending retry of an older generation does nothing.
        static GENERATION: Cell<u32> = const { Cell::new(0) };
    }

    /// The pause before retry number `failures` (0.5 s, 1 s, 2 s, 4 s, then 8 s), with a
    /// little jitter so that many tabs do not knock at once after a restart.
    fn backoff_ms(failures: u32) -> u32 {
        let base = 500u32.saturating_mul(1 << failures.min(4));
        base + chrono::Utc::now().timestamp_subsec_millis() % 250
    }

    /// Ends the connection (signed out).
    pub fn close() {
        GENERATION.with(|g| g.set(g.get().wrapping_add(1)));
        CONN.with(|c| {
            if let Some(conn) = c.borrow_mut().take() {
                conn.source.close();
            }
        });
    }

    /// Opens the stream, resuming after `after` unless a later event was already applied.
    /// Part of the first chunk on purpose: as a lazy chunk (`#[lazy]`) it came in 16
    /// small files whose fetches and instantiations doubled the dashboard's blocking time
    /// after hydration (docs/benchmarks.md, issue 23).
    pub fn connect(events: LiveEvents, after: i64) {
        LAST_ID.with(|l| l.set(l.get().max(after)));
        let generation = GENERATION.with(Cell::get);
        open(events, generation);
    }

    fn open(events: LiveEvents, generation: u32) {
        if GENERATION.with(Cell::get) != generation {
            return;
        }
        let after = LAST_ID.with(Cell::get);
        let Ok(source) = EventSource::new(&format!("/api/v1/events?after={after}")) else {
            events.link.set(Link::Down);
            retry(events, generation);
            return;
        };
        let mut handlers: Vec<Handler> = Vec::new();
        let mut on = |name: &str, f: Box<dyn FnMut(web_sys::Event)>| {
            let handler = Closure::wrap(f);
            let _ = source.add_event_listener_with_callback(name, handler.as_ref().unchecked_ref());
            handlers.push(handler);
        };
        on(
            "open",
            Box::new(move |_| {
                FAILURES.with(|f| f.set(0));
                events.link.set(Link::Open);
            }),
        );
        on(
            "ready",
            Box::new(move |_| {
                events.link.set(Link::Open);
                if WAS_OPEN.with(|w| w.replace(true)) {
                    // Alerts raised while away are not replayed: re-read the bell.
                    events.alerts.update(|n| *n += 1);
                }
            }),
        );
        on(
            "journal",
            Box::new(move |e| {
                let Some(notice) = data::<JournalNotice>(&e) else {
                    return;
                };
                let fresh = LAST_ID.with(|l| {
                    let fresh = notice.id > l.get();
                    if fresh {
                        l.set(notice.id);
                    }
                    fresh
                });
                if fresh {
                    events.last.set(Some(notice));
                    events.changes.update(|n| *n += 1);
                }
            }),
        );
        on(
            "alert",
            Box::new(move |e| {
                if let Some(alert) = data::<AlertDto>(&e) {
                    notify(&alert);
                }
                events.alerts.update(|n| *n += 1);
            }),
        );
        on(
            "resync",
            Box::new(move |_| {
                events.resyncs.update(|n| *n += 1);
                events.changes.update(|n| *n += 1);
                events.alerts.update(|n| *n += 1);
            }),
        );
        on(
            "error",
            Box::new(move |_| {
                // The browser would retry on its own at a fixed pace (or give up after an
                // HTTP error); close and retry with backoff instead.
                CONN.with(|c| {
                    if let Some(conn) = c.borrow().as_ref() {
                        conn.source.close();
                    }
                });
                events.link.set(Link::Down);
                retry(events, generation);
            }),
        );
        // Replacing the previous connection drops its handlers; this runs from a timer
        // or the first connect, never from inside one of those handlers.
        CONN.with(|c| {
            if let Some(old) = c.replace(Some(Conn {
                source,
                _handlers: handlers,
            })) {
                old.source.close();
            }
        });
    }

    fn retry(events: LiveEvents, generation: u32) {
        let failures = FAILURES.with(|f| {
            let n = f.get();
            f.set(n.saturating_add(1));
            n
        });
        gloo_timers::callback::Timeout::new(backoff_ms(failures), move || open(events, generation))
            .forget();
    }

    fn data<T: serde::de::DeserializeOwned>(e: &web_sys::Event) -> Option<T> {
        let text = e.dyn_ref::<MessageEvent>()?.data().as_string()?;
        serde_json::from_slice(text.as_bytes()).ok()
    }

    /// Whether the user allowed browser notifications.
    pub fn notifications_allowed() -> bool {
        web_sys::Notification::permission() == web_sys::NotificationPermission::Granted
    }

    /// Asks the browser for permission to show notifications.
    pub fn request_notifications() {
        let _ = web_sys::Notification::request_permission();
    }

    fn notify(alert: &AlertDto) {
        if !notifications_allowed() {
            return;
        }
        let options = web_sys::NotificationOptions::new();
        options.set_body(&format!("Сообщение №{}", alert.message_id));
        options.set_tag(&format!("otklik-alert-{}", alert.id));
        let _ = web_sys::Notification::new_with_options(&alert.title(), &options);
    }
}
