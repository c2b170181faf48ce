//! `/`: the start page of the signed-in user.

use crate::ui::auth::use_auth;
use crate::ui::layout::nav_items;
use leptos::prelude::*;
use leptos_meta::Title;

/// The start page: a greeting and the sections of the user's role.
#[component]
pub fn HomePage() -> impl IntoView {
    let auth = use_auth();
    view! {
        <Title text="Работа" />
        <Suspense fallback=|| view! { <p>"Загрузка…"</p> }>
            {move || Suspend::new(async move {
                match auth.user.await {
                    Ok(Some(user)) => {
                        let items = nav_items(user.role);
                        view! {
                            <h1>"Здравствуйте, " {user.full_name.clone()}</h1>
                            <p>"Ваша роль: " {user.role.label()}</p>
                            <ul class="sections">
                                {items
                                    .iter()
                                    .map(|(href, label)| view! { <li><a href=*href>{*label}</a></li> })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }
                    _ => view! { <p><a href="/login">"Войдите в систему"</a></p> }.into_any(),
                }
            })}
        </Suspense>
    }
}
