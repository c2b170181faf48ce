//! `/alerts` — «Уведомления»: the user's deadline alerts (newest first, unread in bold),
//! marking them read, browser notifications, and alerts by e-mail.

use crate::api::alerts::{my_alerts, MarkAlertsRead, SaveAlertEmail};
use crate::domain::countdown::format_datetime;
use crate::dto::live::AlertKind;
use crate::ui::components::error_box::ErrorBox;
use crate::ui::live::use_live;
use crate::ui::stream::use_live_events;
use leptos::prelude::*;
use leptos_meta::Title;

/// The alerts page.
#[component]
pub fn AlertsPage() -> impl IntoView {
    let live = use_live();
    let events = use_live_events();
    let read = ServerAction::<MarkAlertsRead>::new();
    let save = ServerAction::<SaveAlertEmail>::new();
    let data = crate::ui::data::load(
        move || {
            (
                events.alerts.get(),
                read.version().get(),
                save.version().get(),
            )
        },
        |_| my_alerts(),
    );
    // The bell re-reads when alerts are marked read here.
    Effect::new(move |prev: Option<usize>| {
        let v = read.version().get();
        if prev.is_some_and(|p| p != v) {
            events.alerts.update(|n| *n += 1);
        }
        v
    });
    let saved = move || save.value().get();
    view! {
        <Title text="Уведомления" />
        <h1>"Уведомления"</h1>
        <Transition fallback=|| view! { <p>"Загрузка…"</p> }>
            {move || Suspend::new(async move {
                let tz = match live.ready().await {
                    Ok(r) => r.cal.tz(),
                    Err(e) => return view! { <ErrorBox message=e.to_string() /> }.into_any(),
                };
                match data.await {
                    Ok(d) => {
                        let unread = d.unread;
                        view! {
                            <section class="card" aria-labelledby="alerts-h">
                                <h2 id="alerts-h">{format!("Непрочитанных: {unread}")}</h2>
                                {(unread > 0).then(|| view! {
                                    <ActionForm action=read attr:class="inline">
                                        <button type="submit" class="button secondary">"Отметить все прочитанными"</button>
                                    </ActionForm>
                                })}
                                {if d.alerts.is_empty() {
                                    view! { <p class="empty" data-testid="no-alerts">"Уведомлений нет."</p> }.into_any()
                                } else {
                                    view! {
                                        <ul class="alerts" data-testid="alerts">
                                            {d.alerts.into_iter().map(|a| {
                                                let href = format!("/messages/{}", a.message_id);
                                                let kind = match a.kind {
                                                    AlertKind::DueSoon => "due-soon",
                                                    AlertKind::Breached => "overdue",
                                                };
                                                view! {
                                                    <li class:unread=!a.read data-kind=a.kind.as_str()>
                                                        <span class=format!("badge {kind}")>{a.kind.label()}</span>
                                                        <a class="alert-title" href=href>{a.title()}</a>
                                                        <span class="muted">"срок " {format_datetime(a.due_at, tz)}</span>
                                                        <span class="muted">"получено " {format_datetime(a.created_at, tz)}</span>
                                                        {(!a.read).then(|| view! {
                                                            <ActionForm action=read attr:class="inline">
                                                                <input type="hidden" name="id" value=a.id />
                                                                <button type="submit" class="button secondary">"Прочитано"</button>
                                                            </ActionForm>
                                                        })}
                                                    </li>
                                                }
                                            }).collect_view()}
                                        </ul>
                                    }.into_any()
                                }}
                            </section>
                            <section class="card" aria-labelledby="email-h">
                                <h2 id="email-h">"Уведомления по почте"</h2>
                                <ActionForm action=save attr:class="form" attr:novalidate=true>
                                    <label for="alert-email">"Адрес электронной почты"</label>
                                    <input id="alert-email" type="email" name="email" autocomplete="email" value=d.email.unwrap_or_default() />
                                    <label class="confirm">
                                        <input type="checkbox" name="email_alerts" value="on" checked=d.email_alerts />
                                        " Присылать уведомления о сроках письмом"
                                    </label>
                                    <button type="submit" class="button primary">"Сохранить"</button>
                                </ActionForm>
                                {move || match saved() {
                                    Some(Ok(())) => Some(view! { <p class="notice ok" role="status">"Сохранено."</p> }.into_any()),
                                    Some(Err(e)) => Some(view! { <ErrorBox message=e.to_string() /> }.into_any()),
                                    None => None,
                                }}
                            </section>
                            <BrowserNotifications />
                        }
                            .into_any()
                    }
                    Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Asks the browser for permission to show alerts as notifications.
#[component]
fn BrowserNotifications() -> impl IntoView {
    let allowed = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| allowed.set(crate::ui::stream::notifications_allowed()));
    view! {
        <section class="card" aria-labelledby="browser-h">
            <h2 id="browser-h">"Уведомления браузера"</h2>
            <Show
                when=move || allowed.get()
                fallback=move || view! {
                    <p>"Браузер может показывать уведомления о сроках, даже когда вкладка свёрнута."</p>
                    <button
                        type="button"
                        class="button secondary"
                        on:click=move |_| {
                            #[cfg(feature = "hydrate")]
                            crate::ui::stream::request_notifications();
                        }
                    >
                        "Разрешить уведомления"
                    </button>
                }
            >
                <p>"Уведомления браузера включены."</p>
            </Show>
        </section>
    }
}
