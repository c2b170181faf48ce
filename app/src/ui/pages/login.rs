//! `/login`: the sign-in form. Works without JavaScript (a plain form POST); with the WASM
//! loaded the password can be shown, and errors appear without a reload.

use crate::api::auth::Login;
use crate::ui::auth::use_auth;
use crate::ui::components::error_box::ErrorBox;
use leptos::html::Input;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

/// The sign-in page.
#[component]
pub fn LoginPage() -> impl IntoView {
    let auth = use_auth();
    let sign_in = ServerAction::<Login>::new();
    // Every completed attempt re-reads the user (and, signed in, the page's setup).
    Effect::new(move |_| {
        if sign_in.version().get() > 0 {
            auth.signed_in.update(|n| *n += 1);
        }
    });
    let show_password = RwSignal::new(false);
    let login_field = NodeRef::<Input>::new();
    let password_field = NodeRef::<Input>::new();
    // A plain form that posts without JavaScript; once hydrated, the action runs in place.
    // (`ActionForm` would bring a form-data decoder into this page's download.)
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let (Some(login), Some(password)) =
            (login_field.get_untracked(), password_field.get_untracked())
        {
            sign_in.dispatch(Login {
                login: login.value(),
                password: password.value(),
            });
        }
    };
    let error = move || {
        sign_in
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.to_string())
    };
    view! {
        <Title text="Вход" />
        <section class="login card">
            <h1>"Вход в «Отклик»"</h1>
            <form method="post" action=Login::url() class="form" data-testid="login-form" on:submit=submit>
                <label for="login-field">"Логин"</label>
                <input
                    id="login-field"
                    node_ref=login_field
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
                        node_ref=password_field
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
                <button type="submit" class="button primary" disabled=move || sign_in.pending().get()>
                    "Войти"
                </button>
            </form>
        </section>
    }
}
