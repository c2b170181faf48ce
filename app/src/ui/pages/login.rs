//! `/login`: the sign-in form. Works without JavaScript (a plain form POST); with the WASM
//! loaded the password can be shown, and errors appear without a reload.

use crate::ui::auth::use_auth;
use crate::ui::components::error_box::ErrorBox;
use leptos::prelude::*;
use leptos_meta::Title;

/// The sign-in page.
#[component]
pub fn LoginPage() -> impl IntoView {
    let auth = use_auth();
    let show_password = RwSignal::new(false);
    let error = move || {
        auth.login
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.to_string())
    };
    view! {
        <Title text="Вход" />
        <section class="login card">
            <h1>"Вход в «Отклик»"</h1>
            <ActionForm action=auth.login attr:class="form" attr:data-testid="login-form">
                <label for="login-field">"Логин"</label>
                <input
                    id="login-field"
                    type="text"
                    name="login"
                    autocomplete="username"
                    autocapitalize="none"
                    required
                />
                <label for="password-field">"Пароль"</label>
                <div class="password-row">
                    <input
                        id="password-field"
                        type=move || if show_password.get() { "text" } else { "password" }
                        name="password"
                        autocomplete="current-password"
                        required
                    />
                    <button
                        type="button"
                        class="button secondary"
                        data-testid="toggle-password"
                        aria-pressed=move || show_password.get().to_string()
                        on:click=move |_| show_password.update(|s| *s = !*s)
                    >
                        {move || if show_password.get() { "Скрыть" } else { "Показать" }}
                    </button>
                </div>
                {move || error().map(|message| view! { <ErrorBox message /> })}
                <button type="submit" class="button primary" disabled=move || auth.login.pending().get()>
                    "Войти"
                </button>
            </ActionForm>
        </section>
    }
}
