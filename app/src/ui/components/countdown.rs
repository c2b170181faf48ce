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
use crate::domain::countdown::{
    countdown, format_datetime, format_duration, format_working_days, WORKING_DAY_SECS,
};
use crate::domain::deadline::{Deadline, DeadlineRule, Outcome};
use crate::dto::message::DeadlineDto;
use crate::ui::live::Clock;
use chrono::{DateTime, Utc};
use leptos::prelude::*;

/// A deadline as the countdown carries it in `data-countdown`:
/// `started due done outcome late percent rule label`, times in unix seconds, the outcome
/// as `m`/`b`/`c`/`s` (met, breached, cancelled, superseded), `-` for "none", the rule's
/// id (a day-counted rule shows working days).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    /// The deadline and its rule (its row id and who was responsible do not travel).
    pub deadline: Deadline,
    /// Due soon in this last share of the budget (percent; the admin's setting).
    pub due_soon_percent: u8,
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
    /// The spec of `deadline` of rule `rule`.
    pub fn of(
        deadline: &DeadlineDto,
        rule: DeadlineRule,
        due_soon_percent: u8,
        label: &str,
    ) -> Self {
        Self {
            deadline: deadline.to_deadline(rule),
            due_soon_percent,
            label: label.to_owned(),
        }
    }

    /// The `data-countdown` value.
    pub fn encode(&self) -> String {
        let d = &self.deadline;
        let or_dash = |v: Option<i64>| v.map_or_else(|| "-".to_owned(), |v| v.to_string());
        let outcome = match d.outcome {
            Some(Outcome::Met) => "m",
            Some(Outcome::Breached) => "b",
            Some(Outcome::Cancelled) => "c",
            Some(Outcome::Superseded) => "s",
            None => "-",
        };
        format!(
            "{} {} {} {outcome} {} {} {} {}",
            d.started_at.timestamp(),
            d.due_at.timestamp(),
            or_dash(d.done_at.map(|t| t.timestamp())),
            or_dash(d.late_by_secs),
            self.due_soon_percent,
            d.rule.as_str(),
            self.label
        )
    }

    /// Reads a `data-countdown` value; `None` if it is not one.
    pub fn decode(s: &str) -> Option<Self> {
        let mut parts = s.splitn(8, ' ');
        let time = |p: Option<&str>| DateTime::from_timestamp(p?.parse().ok()?, 0);
        let started_at = time(parts.next())?;
        let due_at = time(parts.next())?;
        let done_at = match parts.next()? {
            "-" => None,
            t => Some(time(Some(t))?),
        };
        let outcome = match parts.next()? {
            "m" => Some(Outcome::Met),
            "b" => Some(Outcome::Breached),
            "c" => Some(Outcome::Cancelled),
            "s" => Some(Outcome::Superseded),
            "-" => None,
            _ => return None,
        };
        let late_by_secs = match parts.next()? {
            "-" => None,
            n => Some(n.parse().ok()?),
        };
        let due_soon_percent = parts.next()?.parse().ok()?;
        let rule = parts.next()?.parse().ok()?;
        Some(Self {
            deadline: Deadline {
                id: None,
                rule,
                started_at,
                due_at,
                done_at,
                outcome,
                late_by_secs,
                responsible_at_start: None,
                responsible_at_end: None,
            },
            due_soon_percent,
            label: parts.next().unwrap_or_default().to_owned(),
        })
    }

    /// What the countdown shows at `now`.
    pub fn face(&self, now: DateTime<Utc>, cal: &WorkingCalendar) -> Face {
        let c = countdown(&self.deadline, self.due_soon_percent, now, cal);
        let spoken =
            if c.paused_until.is_some() || self.deadline.done_at.is_some() || c.remaining_secs <= 0
            {
                c.text.clone()
            } else {
                // To the minute: a day-counted rule's last working day in hours and minutes.
                let days = self.deadline.rule.counted_in_days()
                    && c.remaining_secs.unsigned_abs() >= WORKING_DAY_SECS;
                let left = if days {
                    format_working_days(c.remaining_secs)
                } else {
                    format_duration(c.remaining_secs, false)
                };
                format!("осталось {left}")
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
    rule: DeadlineRule,
    clock: Clock,
    #[prop(optional)] label: &'static str,
) -> impl IntoView {
    let spec = Spec::of(&deadline, rule, clock.due_soon_percent, label);
    let face = spec.face(clock.base, &clock.cal);
    let due_text = format_datetime(spec.deadline.due_at, clock.cal.tz());
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

    fn spec(done: Option<DateTime<Utc>>, outcome: Option<Outcome>, late: Option<i64>) -> Spec {
        Spec {
            deadline: Deadline {
                id: None,
                rule: DeadlineRule::AnswerBy,
                started_at: Utc.with_ymd_and_hms(2026, 3, 16, 7, 0, 0).unwrap(),
                due_at: Utc.with_ymd_and_hms(2026, 3, 16, 12, 0, 0).unwrap(),
                done_at: done,
                outcome,
                late_by_secs: late,
                responsible_at_start: None,
                responsible_at_end: None,
            },
            due_soon_percent: 25,
            label: "Проект ответа".to_owned(),
        }
    }

    #[test]
    fn the_data_attribute_round_trips() {
        let done = Some(Utc.with_ymd_and_hms(2026, 3, 16, 9, 30, 0).unwrap());
        for s in [
            spec(None, None, None),
            spec(done, Some(Outcome::Met), Some(0)),
            spec(done, Some(Outcome::Breached), Some(3900)),
            spec(done, Some(Outcome::Cancelled), None),
            spec(done, Some(Outcome::Superseded), None),
        ] {
            assert_eq!(Spec::decode(&s.encode()), Some(s.clone()), "{}", s.encode());
        }
        assert_eq!(
            spec(None, None, None).encode(),
            "1773644400 1773662400 - - - 25 answer_by Проект ответа"
        );
        let mut days = spec(None, None, None);
        days.deadline.rule = DeadlineRule::FinalDraftBy;
        assert_eq!(Spec::decode(&days.encode()), Some(days));
        for bad in [
            "",
            "x 1 - - - 25 answer_by",
            "1 2 - maybe - 25 answer_by",
            "1 2 x - - 25 answer_by",
            "1 2 - - x 25 answer_by",
            "1 2 - - - x answer_by",
            "1 2 - - - 25 someday",
            "1 2 - - - 25",
            "1 2 -",
        ] {
            assert_eq!(Spec::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_face_counts_working_time_and_speaks_to_the_minute() {
        let cal = crate::domain::calendar::WorkingCalendar::standard().unwrap();
        let s = spec(None, None, None);
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
        // A cancelled deadline no longer ticks, whatever the time.
        let done = Some(Utc.with_ymd_and_hms(2026, 3, 16, 8, 0, 0).unwrap());
        let cancelled = spec(done, Some(Outcome::Cancelled), None);
        let later = Utc.with_ymd_and_hms(2026, 3, 20, 12, 0, 0).unwrap();
        assert_eq!(cancelled.face(later, &cal).tone, "cancelled");
        assert_eq!(cancelled.face(later, &cal).text, "отменён");
    }

    #[test]
    fn a_day_counted_deadline_shows_and_speaks_working_days() {
        let cal = crate::domain::calendar::WorkingCalendar::standard().unwrap();
        let mut s = spec(None, None, None);
        s.deadline.rule = DeadlineRule::FinalDraftBy;
        s.label = "Окончательный проект".to_owned();
        // Due Thursday 18:00 Moscow; at Monday 10:00, 31 h 48 min of working time left.
        s.deadline.due_at = Utc.with_ymd_and_hms(2026, 3, 19, 15, 0, 0).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 3, 16, 7, 0, 0).unwrap();
        let face = Spec::decode(&s.encode()).unwrap().face(now, &cal);
        assert_eq!(face.text, "3 раб. дн. 7 ч");
        assert_eq!(face.spoken, "Окончательный проект осталось 3 раб. дн. 7 ч");
        // Its last working day: to the second, spoken to the minute.
        let thursday = Utc.with_ymd_and_hms(2026, 3, 19, 8, 0, 0).unwrap();
        assert_eq!(s.face(thursday, &cal).text, "6 ч 12 мин 00 с");
        assert_eq!(
            s.face(thursday, &cal).spoken,
            "Окончательный проект осталось 6 ч 12 мин"
        );
    }

    #[test]
    fn the_due_soon_share_travels_with_the_countdown() {
        let cal = crate::domain::calendar::WorkingCalendar::standard().unwrap();
        // 11:00 Monday: 3 h 12 min of a 4 h 12 min budget left (76 %).
        let now = Utc.with_ymd_and_hms(2026, 3, 16, 8, 0, 0).unwrap();
        let mut s = spec(None, None, None);
        assert_eq!(s.face(now, &cal).tone, "on-track");
        s.due_soon_percent = 90;
        let back = Spec::decode(&s.encode()).unwrap();
        assert_eq!(back.face(now, &cal).tone, "due-soon");
    }
}
