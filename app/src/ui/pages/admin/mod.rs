//! `/admin/...` — administration (admin only): users and departments, the production
//! calendar, settings (schedule, deadline lengths, network limits, uploads, templates),
//! API tokens. The server refuses every other role; the pages only say so politely.

/// `/admin/administrations` — the region's administrations (the region's admin).
pub mod administrations;
/// `/admin/calendar` — the production calendar of a year and its corrections.
pub mod calendar;
/// `/admin/mail` — SMTP, the alert threshold, the outbox.
pub mod mail;
/// `/admin/networks` — publishing through VK, Telegram and MAX.
pub mod networks;
/// `/admin/settings` — schedule, deadline lengths, limits, templates.
pub mod settings;
/// `/admin/tokens` — API tokens.
pub mod tokens;
/// `/admin/topics` — the topic catalogue.
pub mod topics;
/// `/admin/users` — users and departments.
pub mod users;

use crate::api::admin::ADMIN_ONLY;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::ui::auth::use_auth;
use crate::ui::components::error_box::ErrorBox;
use leptos::prelude::*;
use leptos_meta::Title;

/// The sections: (href, title, what is there, test id).
const SECTIONS: [(&str, &str, &str, &str); 7] = [
    (
        "/admin/users",
        "Пользователи и отделы",
        "Учётные записи, роли, отключение и включение, отделы",
        "section-users",
    ),
    (
        "/admin/calendar",
        "Производственный календарь",
        "Рабочие, сокращённые и нерабочие дни года, исправления",
        "section-calendar",
    ),
    (
        "/admin/settings",
        "Настройки",
        "Расписание, сроки, ограничения сетей, размер файлов, шаблоны ответов",
        "section-settings",
    ),
    (
        "/admin/tokens",
        "API-токены",
        "Доступ региональных систем к /api/v1: выпуск и отзыв",
        "section-tokens",
    ),
    (
        "/admin/mail",
        "Почта и уведомления",
        "SMTP-сервер для писем о сроках, порог «срок истекает», отправленные письма",
        "section-mail",
    ),
    (
        "/admin/networks",
        "Сети",
        "Публикация ответов через API ВКонтакте, Telegram и MAX: токены, проверка",
        "section-networks",
    ),
    (
        "/admin/topics",
        "Темы",
        "Справочник тем, отдел по умолчанию, слова для подсказки темы",
        "section-topics",
    ),
];

/// `/admin`: the sections.
#[component]
pub fn AdminHome() -> impl IntoView {
    view! {
        <Title text="Администрирование" />
        <h1>"Администрирование"</h1>
        <AdminOnly>
            <ul class="admin-sections" data-testid="admin-sections">
                {SECTIONS
                    .into_iter()
                    .map(|(href, title, about, testid)| view! {
                        <li>
                            <a href=href class="admin-section card" data-testid=testid>
                                <strong>{title}</strong>
                                <span class="muted">{about}</span>
                            </a>
                        </li>
                    })
                    .collect_view()}
            </ul>
            <RegionSection />
        </AdminOnly>
    }
}

/// The region's admin's section (only where there are several administrations: a
/// district deployment never shows the word).
#[component]
fn RegionSection() -> impl IntoView {
    let data = crate::ui::data::load(|| (), |_| crate::api::admin::admin_administrations());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                data.await.ok().filter(|all| all.len() > 1).map(|_| view! {
                    <ul class="admin-sections">
                        <li>
                            <a href="/admin/administrations" class="admin-section card" data-testid="section-administrations">
                                <strong>"Администрации"</strong>
                                <span class="muted">"Администрации региона, новая администрация и её администратор"</span>
                            </a>
                        </li>
                    </ul>
                })
            })}
        </Transition>
    }
}

/// Renders `children` for an admin; anyone else sees the refusal (the server functions
/// refuse them anyway).
#[component]
pub fn AdminOnly(children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    view! {
        <Suspense fallback=|| view! { <p>"Загрузка…"</p> }>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    match auth.user.await {
                        Ok(Some(u)) if u.role == Role::Admin => children().into_any(),
                        Ok(_) => view! { <ErrorBox message=ADMIN_ONLY /> }.into_any(),
                        Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// The way back to `/admin`.
#[component]
pub fn Crumbs() -> impl IntoView {
    view! { <p class="crumbs"><a href="/admin">"← Администрирование"</a></p> }
}

/// The administration whose settings an admin page shows (`?administration=CODE`); empty
/// for the region's (and in a deployment of one administration).
pub fn use_layer_code() -> Memo<String> {
    let query = leptos_router::hooks::use_query_map();
    Memo::new(move |_| query.with(|q| q.get("administration").unwrap_or_default()))
}

/// [`use_layer_code`] as a server function's argument.
pub fn layer_arg(code: &str) -> Option<String> {
    (!code.is_empty()).then(|| code.to_owned())
}

/// The hidden field that sends the page's administration with a form.
#[component]
pub fn LayerField() -> impl IntoView {
    let code = use_layer_code();
    view! { <input type="hidden" name="administration" prop:value=move || code.get() /> }
}

/// Whose settings the page shows (only with several administrations): the region's admin
/// picks an administration or the region; an administration's admin is told it is theirs.
#[component]
pub fn LayerPicker(info: crate::dto::admin::LayerInfo) -> impl IntoView {
    if !info.several {
        return ().into_any();
    }
    let current = info.current.clone();
    if info.choices.is_empty() {
        let name = current.map(|c| c.name).unwrap_or_default();
        return view! {
            <p class="layer muted" data-testid="layer">
                "Настройки администрации «" {name}
                "». Где своё значение не задано, действует региональное."
            </p>
        }
        .into_any();
    }
    let code = current.as_ref().map(|c| c.code.clone()).unwrap_or_default();
    let region = code.is_empty();
    view! {
        <form method="get" class="layer-picker card" data-testid="layer-picker">
            <label>
                "Чьи настройки "
                <select name="administration" data-testid="layer-select">
                    <option value="" selected=region>"Весь регион (по умолчанию для всех)"</option>
                    {info
                        .choices
                        .into_iter()
                        .map(|c| {
                            let selected = c.code == code;
                            view! { <option value=c.code selected=selected>{c.name}</option> }
                        })
                        .collect_view()}
                </select>
            </label>
            " "
            <button type="submit">"Показать"</button>
            {(!region).then(|| view! {
                <p class="muted">"Где у администрации нет своего значения, действует региональное."</p>
            })}
        </form>
    }
    .into_any()
}

/// The result of a form's last submission: `Ok` with nothing to show, or the error text.
pub type Outcome = Option<Result<(), String>>;

/// The outcome of an action's last result, for [`Status`].
pub fn outcome_of<T>(value: MappedSignal<Option<Result<T, AppError>>>) -> Signal<Outcome>
where
    T: Send + Sync + 'static,
{
    Signal::derive(move || {
        value.with(|v| {
            v.as_ref()
                .map(|r| r.as_ref().map(|_| ()).map_err(|e| e.to_string()))
        })
    })
}

/// A live region: `ok_text` after a success, the error after a failure.
#[component]
pub fn Status(outcome: Signal<Outcome>, ok_text: &'static str) -> impl IntoView {
    view! {
        <div class="form-status">
            {move || match outcome.get() {
                Some(Ok(())) => Some(view! { <p class="saved" role="status" data-testid="saved">{ok_text}</p> }.into_any()),
                Some(Err(message)) => Some(view! { <ErrorBox message /> }.into_any()),
                None => None,
            }}
        </div>
    }
}
