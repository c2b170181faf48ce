//! `/account/password` — «Смена пароля»: the signed-in user replaces their password. A user
//! whom the admin gave a one-time password is sent here by every page until they do.

use crate::api::auth::ChangePassword;
use crate::domain::account::MIN_PASSWORD_CHARS;
use crate::ui::components::error_box::ErrorBox;
use leptos::prelude::*;
use leptos_meta::Title;

/// The password page.
#[component]
pub fn PasswordPage() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let error = move || {
        change
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.to_string())
    };
    let hint = format!("Новый пароль (не меньше {MIN_PASSWORD_CHARS} символов)");
    view! {
        <Title text="Смена пароля" />
        <section class="login card">
            <h1>"Смена пароля"</h1>
            <p class="muted" data-testid="password-hint">
                "Если администратор выдал вам временный пароль, придумайте собственный: до этого другие разделы недоступны. "
                "Распространённые пароли не принимаются. После смены другие ваши сеансы завершатся."
            </p>
            <ActionForm action=change attr:class="form" attr:data-testid="password-form">
                <label for="pw-current">"Текущий (или временный) пароль"</label>
                <input id="pw-current" name="current" type="password" required autocomplete="current-password" />
                <label for="pw-new">{hint}</label>
                <input
                    id="pw-new"
                    name="new"
                    type="password"
                    required
                    minlength=MIN_PASSWORD_CHARS
                    autocomplete="new-password"
                />
                <label for="pw-repeat">"Повторите новый пароль"</label>
                <input
                    id="pw-repeat"
                    name="repeat"
                    type="password"
                    required
                    minlength=MIN_PASSWORD_CHARS
                    autocomplete="new-password"
                />
                {move || error().map(|message| view! { <ErrorBox message /> })}
                <button type="submit" class="button primary" disabled=move || change.pending().get()>
                    "Сменить пароль"
                </button>
            </ActionForm>
        </section>
    }
}
