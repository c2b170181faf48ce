//! A deadline's live countdown: working time left, «пауза до …» outside working hours,
//! «просрочено на …» after the due time; coloured by how it stands. Screen readers hear
//! it once a minute, not every second.

use crate::domain::countdown::{countdown, format_datetime, format_duration};
use crate::dto::message::DeadlineDto;
use crate::ui::live::{use_live, Ready};
use chrono::Utc;
use leptos::prelude::*;

/// The countdown of `deadline`, ticking with the page's clock.
#[component]
pub fn Countdown(
    deadline: DeadlineDto,
    ready: Ready,
    #[prop(optional)] label: &'static str,
) -> impl IntoView {
    let live = use_live();
    let cal = ready.cal.clone();
    let base = ready.base;
    let started = deadline.started_at.with_timezone(&Utc);
    let due = deadline.due.with_timezone(&Utc);
    let done = deadline.done_at.map(|t| t.with_timezone(&Utc));
    let met = deadline.met;
    let state = Memo::new(move |_| countdown(started, due, done, met, live.now_or(base), &cal));
    let due_text = format_datetime(due, ready.cal.tz());
    let spoken = Memo::new(move |_| {
        let c = state.get();
        if c.paused_until.is_some() || done.is_some() || c.remaining_secs <= 0 {
            c.text
        } else {
            format!("осталось {}", format_duration(c.remaining_secs, false))
        }
    });
    view! {
        <span
            class=move || format!("countdown {}", state.get().tone.css_class())
            data-testid="countdown"
            data-tone=move || state.get().tone.css_class()
            title=format!("{label} до {due_text}")
        >
            <span aria-hidden="true">{move || state.get().text}</span>
            <span class="sr-only" role="status" aria-live="polite">
                {label} " " {move || spoken.get()}
            </span>
        </span>
    }
}
