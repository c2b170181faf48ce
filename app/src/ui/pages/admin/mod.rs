//! `/admin/...` — administration (admin only): users and departments, the production
//! calendar, settings (schedule, deadline lengths, network limits, uploads, templates),
//! API tokens.

use leptos::prelude::*;
use leptos_meta::Title;

/// `/admin`: the sections.
#[component]
pub fn AdminHome() -> impl IntoView {
    view! {
        <Title text="Администрирование" />
        <h1>"Администрирование"</h1>
    }
}
