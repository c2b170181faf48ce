//! The page frame: product name, the signed-in user with their role, navigation by role,
//! sign-out. On a phone the navigation folds behind a menu button.

use crate::api::auth::Logout;
use crate::domain::role::Role;
use crate::dto::CurrentUser;
use crate::ui::auth::use_auth;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::A;

/// Navigation entries for a role: (href, label).
pub fn nav_items(role: Role) -> &'static [(&'static str, &'static str)] {
    match role {
        Role::Admin => &[
            ("/", "Работа"),
            ("/escalation", "Эскалация"),
            ("/reports", "Отчёты"),
            ("/admin", "Администрирование"),
        ],
        Role::Coordinator => &[
            ("/", "Работа"),
            ("/escalation", "Эскалация"),
            ("/messages/new", "Новое сообщение"),
            ("/import", "Импорт CSV"),
            ("/reports", "Отчёты"),
        ],
        Role::Executor => &[("/", "Мои сообщения"), ("/my-figures", "Мои показатели")],
        Role::Authority => &[
            ("/approval", "Согласование"),
            ("/", "Все сообщения"),
            ("/board", "Табло"),
            ("/messages/new", "Новое сообщение"),
            ("/reports", "Отчёты"),
        ],
        Role::Observer => &[("/", "Все сообщения"), ("/reports", "Отчёты")],
        Role::RegionalObserver => &[
            ("/", "Все сообщения"),
            ("/board", "Табло"),
            ("/reports", "Отчёты"),
        ],
    }
}

/// The header of every page.
#[component]
pub fn Header() -> impl IntoView {
    let auth = use_auth();
    view! {
        <header class="site-header">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"О"</span>
                <span class="brand-name">"Отклик"</span>
            </a>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match auth.user.await {
                        Ok(Some(user)) => Some(view! { <UserBar user /> }),
                        _ => None,
                    }
                })}
            </Suspense>
        </header>
    }
}

#[component]
fn UserBar(user: CurrentUser) -> impl IntoView {
    let auth = use_auth();
    let menu_open = RwSignal::new(false);
    // A one-time password: nothing but the password page until it is replaced.
    let limited = user.must_change_password;
    let items: &[(&str, &str)] = if limited { &[] } else { nav_items(user.role) };
    view! {
        <button
            type="button"
            class="menu-toggle"
            aria-controls="site-nav"
            aria-expanded=move || menu_open.get().to_string()
            on:click=move |_| menu_open.update(|o| *o = !*o)
        >
            "Меню"
        </button>
        <nav id="site-nav" class="site-nav" class:open=move || menu_open.get() aria-label="Разделы">
            {items
                .iter()
                .map(|(href, label)| view! { <A href=*href>{*label}</A> })
                .collect_view()}
        </nav>
        {(!limited).then(|| view! { <Bell /> })}
        <div class="user" data-testid="current-user">
            <span class="user-name">{user.full_name.clone()}</span>
            <span class="user-role" data-testid="current-role">{user.role.label()}</span>
            <A href="/account/password" attr:class="user-password">"Сменить пароль"</A>
        </div>
        // A plain form (it works before the WASM has loaded); once hydrated, the action
        // runs in place. Not `ActionForm`: that would put a form-data decoder in the first
        // download for a form without fields.
        <form
            method="post"
            action=Logout::url()
            class="logout"
            on:submit=move |ev| {
                ev.prevent_default();
                auth.logout.dispatch(Logout {});
            }
        >
            <button type="submit" class="button secondary">"Выйти"</button>
        </form>
    }
}

/// The alerts bell, an inline SVG icon, with the unread count: read in the browser after
/// hydration and again whenever an alert arrives (not part of the server render, so that
/// the page's serialized resources stay in the same order on both sides).
#[component]
fn Bell() -> impl IntoView {
    let count = RwSignal::new(0i64);
    #[cfg(feature = "hydrate")]
    {
        let events = crate::ui::stream::use_live_events();
        Effect::new(move |_| {
            events.alerts.track();
            // In a task of its own, after hydration's: the page is interactive sooner.
            crate::ui::live::later(move || {
                leptos::task::spawn_local(async move {
                    if let Ok(n) = crate::api::alerts::unread_alerts().await {
                        count.set(n);
                    }
                });
            });
        });
    }
    view! {
        <A href="/alerts" attr:class="bell" attr:data-testid="bell">
            // An icon of its own, not the emoji: offices without an emoji font show a box.
            <svg class="bell-icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
                <path fill="currentColor" d="M12 2.5a1.5 1.5 0 0 0-1.5 1.5v.7A6.5 6.5 0 0 0 5.5 11v4.2L3.5 18v1h17v-1l-2-2.8V11a6.5 6.5 0 0 0-5-6.3V4A1.5 1.5 0 0 0 12 2.5zM9.5 20.5a2.5 2.5 0 0 0 5 0z" />
            </svg>
            <span class="sr-only">"Уведомления"</span>
            <Show when=move || { count.get() > 0 }>
                <span class="bell-count" data-testid="bell-count">
                    {move || count.get()}
                    <span class="sr-only">" непрочитанных"</span>
                </span>
            </Show>
        </A>
    }
}
