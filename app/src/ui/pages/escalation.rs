//! `/escalation` — «Эскалация» for the coordinator: every active message with a deadline
//! overdue or in the last quarter of its working-time budget, most pressing first, live:
//! re-read on every event and every half minute (a deadline enters its last quarter with
//! no event at all).

use crate::api::messages::list_messages;
use crate::dto::message::MessageFilter;
use crate::ui::components::error_box::ErrorBox;
use crate::ui::live::use_live;
use crate::ui::pages::dashboard::MessageTable;
use leptos::prelude::*;
use leptos_meta::Title;

/// How often the list is re-read without events (ms).
const REREAD_MS: u32 = 30_000;

/// The escalation view.
#[component]
pub fn EscalationPage() -> impl IntoView {
    let live = use_live();
    let refresh = crate::ui::stream::use_refresh(|_| true);
    refresh.every(REREAD_MS);
    let data = crate::ui::data::load(
        move || refresh.tick.get(),
        |_| {
            list_messages(MessageFilter {
                active: Some(true),
                pressing: Some(true),
                ..MessageFilter::default()
            })
        },
    );
    view! {
        <Title text="Эскалация" />
        <h1>"Эскалация"</h1>
        <p class="muted">
            {format!(
                "Сообщения, у которых срок нарушен или осталось меньше четверти рабочего времени. Список обновляется сам (не реже раза в {} с).",
                REREAD_MS / 1000
            )}
        </p>
        <Transition fallback=|| view! { <p>"Загрузка…"</p> }>
            {move || Suspend::new(async move {
                let ready = match live.ready().await {
                    Ok(r) => r,
                    Err(e) => return view! { <ErrorBox message=e.to_string() /> }.into_any(),
                };
                match data.await {
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty" data-testid="empty">"Всё в срок: просроченных и истекающих сроков нет."</p>
                    }
                        .into_any(),
                    Ok(list) => view! { <MessageTable list clock=ready.clock() /> }.into_any(),
                    Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                }
            })}
        </Transition>
    }
}
