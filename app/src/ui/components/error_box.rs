//! A polite, visible error message.

use leptos::prelude::*;

/// Shows `message` as an alert (announced by screen readers).
#[component]
pub fn ErrorBox(#[prop(into)] message: String) -> impl IntoView {
    view! {
        <p class="error-box" role="alert" data-testid="error">
            {message}
        </p>
    }
}
