//! `/messages/new` — the intake form (authority, coordinator): the fields of the intake
//! API; on success the new message opens.

use crate::api::messages::{administration_choices, IntakeMessage};
use crate::domain::network::Network;
use crate::ui::components::error_box::ErrorBox;
use leptos::prelude::*;
use leptos_meta::Title;

/// The intake form.
#[component]
pub fn IntakePage() -> impl IntoView {
    let action = ServerAction::<IntakeMessage>::new();
    let error = move || {
        action
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.to_string())
    };
    let choices = crate::ui::data::load(|| (), |_| administration_choices());
    // The topic suggested from the text as it is typed: shown with its words, put into
    // the field only by a click.
    let rules = crate::ui::data::load(|| (), |_| crate::api::messages::topic_rules());
    let text = RwSignal::new(String::new());
    let topic = RwSignal::new(String::new());
    view! {
        <Title text="Новое сообщение" />
        <h1>"Новое сообщение"</h1>
        <ActionForm action attr:class="form card intake" attr:data-testid="intake-form">
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let list = choices.await.unwrap_or_default();
                    (!list.is_empty()).then(|| view! {
                        <label for="administration">"Администрация"</label>
                        <select id="administration" name="input[administration]" required>
                            <option value="">"— выберите —"</option>
                            {list.into_iter().map(|a| view! { <option value=a.code>{a.name}</option> }).collect_view()}
                        </select>
                    })
                })}
            </Transition>
            <label for="network">"Сеть"</label>
            <select id="network" name="input[network]" required>
                {Network::ALL.into_iter().map(|n| view! { <option value=n.as_str()>{n.label()}</option> }).collect_view()}
            </select>
            <label for="url">"Ссылка на сообщение"</label>
            <input id="url" name="input[url]" type="url" required placeholder="https://vk.com/wall-…" />
            <label for="author">"Автор"</label>
            <input id="author" name="input[author]" required autocomplete="off" />
            <label for="author_url">"Ссылка на автора (необязательно)"</label>
            <input id="author_url" name="input[author_url]" type="url" placeholder="https://" />
            <label for="text">"Текст сообщения"</label>
            <textarea id="text" name="input[text]" required rows="6"
                on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            <label for="topic">"Тема (необязательно)"</label>
            <input id="topic" name="input[topic]" prop:value=move || topic.get()
                on:input=move |ev| topic.set(event_target_value(&ev)) />
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let rules = rules
                        .await
                        .unwrap_or_else(|_| crate::domain::topic::KeywordRules(Vec::new()));
                    move || {
                        rules.suggest(&text.get()).filter(|s| s.topic != topic.get()).map(|s| {
                            let name = s.topic.clone();
                            view! {
                                <p class="notice suggestion" data-testid="intake-topic-suggestion">
                                    "Предлагаемая тема: " <strong>{s.topic.clone()}</strong>
                                    <span class="muted">" — по словам: " {s.matched.join(", ")}</span>
                                    " "
                                    <button type="button" class="button small secondary"
                                        on:click=move |_| topic.set(name.clone())>"Подставить"</button>
                                </p>
                            }
                        })
                    }
                })}
            </Transition>
            <label for="detected_at">"Выявлено (если не сейчас)"</label>
            <input id="detected_at" name="input[detected_at]" type="datetime-local" />
            <label for="external_id">"Номер в системе ЦУР (необязательно)"</label>
            <input id="external_id" name="input[external_id]" autocomplete="off" />
            {move || error().map(|message| view! { <ErrorBox message /> })}
            <button type="submit" class="button primary" disabled=move || action.pending().get()>"Зарегистрировать"</button>
        </ActionForm>
    }
}
