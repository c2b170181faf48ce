//! `/admin/...` — administration (admin only): users and departments, the production
//! calendar, settings (schedule, deadline lengths, network limits, uploads, templates),
//! API tokens. The server refuses every other role; the pages only say so politely.

/// `/admin/calendar` — the production calendar of a year and its corrections.
pub mod calendar;
/// `/admin/mail` — SMTP, the alert threshold, the outbox.
pub mod mail;
/// `/admin/settings` — schedule, deadline lengths, limits, templates.
pub mod settings;
/// `/admin/tokens` — API tokens.
pub mod tokens;
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
const SECTIONS: [(&str, &str, &str, &str); 5] = [
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
        </AdminOnly>
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
