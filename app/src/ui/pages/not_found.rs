//! The page for an unknown address.

use leptos::prelude::*;
use leptos_meta::Title;

/// «Страница не найдена».
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
            resp.set_status(axum::http::StatusCode::NOT_FOUND);
        }
    }
    view! {
        <Title text="Страница не найдена" />
        <h1>"Страница не найдена"</h1>
        <p>
            <a href="/">"Вернуться на главную"</a>
        </p>
    }
}
