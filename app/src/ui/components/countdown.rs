//! A deadline's live countdown: working time left, «пауза до …» outside working hours,
//! «просрочено на …» after the due time; coloured by how it stands. Screen readers hear
//! it once a minute, not every second.
//!
//! A countdown is plain markup that carries its deadline in `data-countdown`. The server
//! renders it right for the page's time; in the browser one ticker ([`tick`], every
//! second) recomputes every countdown on the page with the shared engine and changes
//! only the text that changed. No reactive state per countdown: a page of 25 messages
//! hydrates without 50 timers, and rows rendered by the server as HTML tick the same way.

use crate::domain::calendar::WorkingCalendar;
use crate::domain::countdown::{countdown, format_datetime, format_duration};
use crate::dto::message::DeadlineDto;
use crate::ui::live::Clock;
use chrono::{DateTime, Utc};
use leptos::prelude::*;

/// A deadline as the countdown carries it: `started due done met label`, times in unix
/// seconds, `-` for "none".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    pub started: DateTime<Utc>,
    pub due: DateTime<Utc>,
    pub done: Option<DateTime<Utc>>,
    pub met: Option<bool>,
    /// What the deadline is, for screen readers («Ответ», «Проект»…).
    pub label: String,
}

/// What a countdown shows at one instant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Face {
    /// The visible text: «1 ч 12 мин», «пауза до пн 09:00», «просрочено на 35 мин».
    pub text: String,
    /// The tone's CSS class.
    pub tone: &'static str,
    /// The screen-reader text, to the minute so that it changes once a minute.
    pub spoken: String,
}

impl Spec {
    /// The spec of `deadline`.
    pub fn of(deadline: &DeadlineDto, label: &str) -> Self {
        Self {
            started: deadline.started_at.with_timezone(&Utc),
            due: deadline.due.with_timezone(&Utc),
            done: deadline.done_at.map(|t| t.with_timezone(&Utc)),
            met: deadline.met,
            label: label.to_owned(),
        }
    }

    /// The `data-countdown` value.
    pub fn encode(&self) -> String {
        let done = self
            .done
            .map_or_else(|| "-".to_owned(), |t| t.timestamp().to_string());
        let met = match self.met {
            Some(true) => "1",
            Some(false) => "0",
            None => "-",
        };
        format!(
            "{} {} {done} {met} {}",
            self.started.timestamp(),
            self.due.timestamp(),
            self.label
        )
    }

    /// Reads a `data-countdown` value; `None` if it is not one.
    pub fn decode(s: &str) -> Option<Self> {
        let mut parts = s.splitn(5, ' ');
        let time = |p: Option<&str>| DateTime::from_timestamp(p?.parse().ok()?, 0);
        let started = time(parts.next())?;
        let due = time(parts.next())?;
        let done = match parts.next()? {
            "-" => None,
            t => Some(time(Some(t))?),
        };
        let met = match parts.next()? {
            "1" => Some(true),
            "0" => Some(false),
            "-" => None,
            _ => return None,
        };
        Some(Self {
            started,
            due,
            done,
            met,
            label: parts.next().unwrap_or_default().to_owned(),
        })
    }

    /// What the countdown shows at `now`.
    pub fn face(&self, now: DateTime<Utc>, cal: &WorkingCalendar) -> Face {
        let c = countdown(self.started, self.due, self.done, self.met, now, cal);
        let spoken = if c.paused_until.is_some() || self.done.is_some() || c.remaining_secs <= 0 {
            c.text.clone()
        } else {
            format!("осталось {}", format_duration(c.remaining_secs, false))
        };
        Face {
            tone: c.tone.css_class(),
            spoken: format!("{} {spoken}", self.label),
            text: c.text,
        }
    }
}

/// The countdown of `deadline`, right for `clock`'s time; the ticker keeps it running.
#[component]
pub fn Countdown(
    deadline: DeadlineDto,
    clock: Clock,
    #[prop(optional)] label: &'static str,
) -> impl IntoView {
    let spec = Spec::of(&deadline, label);
    let face = spec.face(clock.base, &clock.cal);
    let due_text = format_datetime(spec.due, clock.cal.tz());
    view! {
        <span
            class=format!("countdown {}", face.tone)
            data-testid="countdown"
            data-tone=face.tone
            data-countdown=spec.encode()
            title=format!("{label} до {due_text}")
        >
            <span aria-hidden="true">{face.text}</span>
            <span class="sr-only" role="status" aria-live="polite">{face.spoken}</span>
        </span>
    }
}

/// Brings every countdown of the page to `now`. `ready` gives the calendar; it is asked
/// only when the page has a countdown.
#[cfg(feature = "hydrate")]
pub fn tick(now: DateTime<Utc>, ready: impl FnOnce() -> Option<crate::ui::live::Ready>) {
    use wasm_bindgen::JsCast;
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(nodes) = doc.query_selector_all("[data-countdown]") else {
        return;
    };
    if nodes.length() == 0 {
        return;
    }
    let Some(ready) = ready() else {
        return;
    };
    for i in 0..nodes.length() {
        let Some(el) = nodes
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
        else {
            continue;
        };
        let Some(spec) = el
            .get_attribute("data-countdown")
            .and_then(|s| Spec::decode(&s))
        else {
            continue;
        };
        let face = spec.face(now, &ready.cal);
        let class = format!("countdown {}", face.tone);
        if el.class_name() != class {
            el.set_class_name(&class);
            let _ = el.set_attribute("data-tone", face.tone);
        }
        set_text(el.first_element_child(), &face.text);
        // A polite live region: announced when its text changes, once a minute.
        set_text(el.last_element_child(), &face.spoken);
    }
}

/// Sets the text of `el`'s text node if it differs. Only the node's data changes: the
/// node and the hydration markers around it stay, so a tick that comes before a lazily
/// loaded page has hydrated does not disturb its hydration.
#[cfg(feature = "hydrate")]
fn set_text(el: Option<web_sys::Element>, text: &str) {
    let Some(node) = el.and_then(|e| e.first_child()) else {
        return;
    };
    if node.node_type() == web_sys::Node::TEXT_NODE && node.node_value().as_deref() != Some(text) {
        node.set_node_value(Some(text));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn spec(done: Option<DateTime<Utc>>, met: Option<bool>) -> Spec {
        Spec {
            started: Utc.with_ymd_and_hms(2026, 3, 16, 7, 0, 0).unwrap(),
            due: Utc.with_ymd_and_hms(2026, 3, 16, 12, 0, 0).unwrap(),
            done,
            met,
            label: "Проект ответа".to_owned(),
        }
    }

    #[test]
    fn the_data_attribute_round_trips() {
        let done = Some(Utc.with_ymd_and_hms(2026, 3, 16, 9, 30, 0).unwrap());
        for s in [
            spec(None, None),
            spec(done, Some(true)),
            spec(done, Some(false)),
        ] {
            assert_eq!(Spec::decode(&s.encode()), Some(s.clone()), "{}", s.encode());
        }
        assert_eq!(
            spec(None, None).encode(),
            "1773644400 1773662400 - - Проект ответа"
        );
        for bad in ["", "x 1 - -", "1 2 - maybe", "1 2 x -", "1 2 -"] {
            assert_eq!(Spec::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_face_counts_working_time_and_speaks_to_the_minute() {
        let cal = crate::domain::calendar::WorkingCalendar::standard().unwrap();
        let s = spec(None, None);
        // Monday 10:00 Moscow, due at 15:00: 4 h 12 min of working time (lunch 13:00-13:48).
        let now = Utc.with_ymd_and_hms(2026, 3, 16, 7, 0, 0).unwrap();
        let face = s.face(now, &cal);
        assert_eq!(face.tone, "on-track");
        assert_eq!(face.spoken, "Проект ответа осталось 4 ч 12 мин");
        // From one second to the next the visible text changes, the spoken one only
        // at the minute.
        let at = |secs| s.face(now + chrono::TimeDelta::seconds(secs), &cal);
        assert_ne!(at(20).text, at(21).text);
        assert_eq!(at(20).spoken, at(21).spoken);
        assert_eq!(at(20).spoken, "Проект ответа осталось 4 ч 11 мин");
        // After the due time: overdue, and said so.
        let late = s.face(Utc.with_ymd_and_hms(2026, 3, 16, 12, 35, 0).unwrap(), &cal);
        assert_eq!(late.tone, "overdue");
        assert_eq!(late.text, "просрочено на 35 мин");
        assert_eq!(late.spoken, "Проект ответа просрочено на 35 мин");
    }
}
