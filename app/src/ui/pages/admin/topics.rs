//! `/admin/topics` — «Темы»: the administration's topic catalogue. Each entry has a name,
//! active or not, the department that usually handles it, and the word stems that suggest
//! it at intake (a suggestion only: the coordinator decides).

use super::{layer_arg, outcome_of, use_layer_code, AdminOnly, Crumbs, LayerField, Status};
use crate::api::admin::{admin_topics, AdminSaveTopic};
use crate::api::messages::departments;
use crate::dto::admin::TopicEntry;
use crate::dto::message::DepartmentRef;
use crate::ui::components::error_box::ErrorBox;
use leptos::prelude::*;
use leptos_meta::Title;

/// The topics page.
#[component]
pub fn TopicsPage() -> impl IntoView {
    let save = ServerAction::<AdminSaveTopic>::new();
    let code = use_layer_code();
    let data = crate::ui::data::load(
        move || (save.version().get(), code.get()),
        |(_, code)| admin_topics(layer_arg(&code)),
    );
    let units = crate::ui::data::load(|| (), |_| departments());
    view! {
        <Title text="Темы" />
        <Crumbs />
        <h1>"Темы"</h1>
        <AdminOnly>
            <p class="muted">
                "Тема, пришедшая из региональной системы, сопоставляется со справочником без учёта регистра; "
                "незнакомая сохраняется и отмечается для координатора. По словам-основам из текста "
                "сообщения координатору предлагается тема — сама она не ставится."
            </p>
            <Status outcome=outcome_of(save.value()) ok_text="Сохранено" />
            <Transition fallback=|| view! { <p>"Загрузка…"</p> }>
                {move || Suspend::new(async move {
                    let units = units.await.unwrap_or_default();
                    match data.await {
                        Ok(list) => view! {
                            <div class="topics" data-testid="topics">
                                {list.into_iter().map(|t| view! { <TopicCard save entry=Some(t) units=units.clone() /> }).collect_view()}
                                <TopicCard save entry=None units />
                            </div>
                        }.into_any(),
                        Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                    }
                })}
            </Transition>
        </AdminOnly>
    }
}

/// One entry's form, or the form of a new one.
#[component]
fn TopicCard(
    save: ServerAction<AdminSaveTopic>,
    entry: Option<TopicEntry>,
    units: Vec<DepartmentRef>,
) -> impl IntoView {
    let id = entry
        .as_ref()
        .map(|e| e.topic.id.0.to_string())
        .unwrap_or_default();
    let key = if id.is_empty() {
        "new".to_owned()
    } else {
        id.clone()
    };
    let name = entry
        .as_ref()
        .map(|e| e.topic.name.clone())
        .unwrap_or_default();
    let active = entry.as_ref().is_none_or(|e| e.topic.active);
    let department = entry
        .as_ref()
        .and_then(|e| e.topic.department.as_ref().map(|d| d.id));
    let keywords = entry
        .as_ref()
        .map(|e| e.keywords.clone())
        .unwrap_or_default();
    let heading = if entry.is_some() {
        "Тема"
    } else {
        "Новая тема"
    };
    let data_id = id.clone();
    view! {
        <section class="card" data-testid="topic" data-id=data_id>
            <h2>{heading}</h2>
            <ActionForm action=save attr:class="form admin-form">
                <LayerField />
                <input type="hidden" name="topic[id]" value=id />
                <div class="field">
                    <label for=format!("topic-name-{key}")>"Название"</label>
                    <input id=format!("topic-name-{key}") name="topic[name]" value=name required maxlength="100" />
                </div>
                <label class="confirm">
                    <input type="checkbox" name="topic[active]" value="on" checked=active />
                    " Действует (предлагается для выбора)"
                </label>
                <div class="field">
                    <label for=format!("topic-dept-{key}")>"Обычно занимается отдел"</label>
                    <select id=format!("topic-dept-{key}") name="topic[department_id]">
                        <option value="">"—"</option>
                        {units.into_iter().map(|u| view! {
                            <option value=u.id.0 selected=Some(u.id) == department>{u.name}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for=format!("topic-words-{key}")>"Слова-основы для подсказки, через запятую"</label>
                    <textarea id=format!("topic-words-{key}") name="topic[keywords]" rows="2">{keywords}</textarea>
                </div>
                <button type="submit" class="button primary">{if entry.is_some() { "Сохранить" } else { "Добавить" }}</button>
            </ActionForm>
        </section>
    }
}
