//! `/admin/tokens` — API tokens of the regional systems (`/api/v1`): the list (name,
//! role, issued, revoked), issuing one (shown once: only its hash is stored), revoking.

use super::{AdminOnly, Crumbs};
use crate::api::admin::{admin_tokens, AdminIssueToken, AdminRevokeToken, IssuedToken, TokenRow};
use crate::domain::role::Role;
use crate::ui::components::error_box::ErrorBox;
use leptos::prelude::*;
use leptos_meta::Title;

/// The tokens page.
#[component]
pub fn TokensPage() -> impl IntoView {
    let issue = ServerAction::<AdminIssueToken>::new();
    let revoke = ServerAction::<AdminRevokeToken>::new();
    view! {
        <Title text="API-токены" />
        <Crumbs />
        <h1>"API-токены"</h1>
        <p class="muted">
            "Токен даёт региональной системе доступ к " <code>"/api/v1"</code>
            " с правами выбранной роли: заголовок " <code>"Authorization: Bearer <токен>"</code> "."
        </p>
        <AdminOnly>
            {move || {
                let data = crate::ui::data::load(
                    move || (issue.version().get(), revoke.version().get()),
                    |_| admin_tokens(),
                );
                view! {
                    <IssueForm issue />
                    <Transition fallback=|| view! { <p>"Загрузка…"</p> }>
                        {move || Suspend::new(async move {
                            match data.await {
                                Ok(list) => view! { <TokenList list revoke /> }.into_any(),
                                Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                            }
                        })}
                    </Transition>
                }
            }}
        </AdminOnly>
    }
}

#[component]
fn IssueForm(issue: ServerAction<AdminIssueToken>) -> impl IntoView {
    let issued = move || issue.value().get().and_then(|r| r.ok());
    view! {
        <section class="card" aria-labelledby="issue-h">
            <h2 id="issue-h">"Выпустить токен"</h2>
            <ActionForm action=issue attr:class="form admin-form" attr:data-testid="issue-token">
                <label for="tk-name">"Название (какая система или скрипт)"</label>
                <input id="tk-name" name="name" required maxlength="200" autocomplete="off" placeholder="ЦУР Ленинградской области" />
                <label for="tk-role">"Роль"</label>
                <select id="tk-role" name="role" required>
                    {Role::ALL
                        .into_iter()
                        .map(|r| view! { <option value=r.as_str() selected=r == Role::Authority>{r.label()}</option> })
                        .collect_view()}
                </select>
                {move || issue.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorBox message=e.to_string() /> })}
                <button type="submit" class="button primary" disabled=move || issue.pending().get()>"Выпустить токен"</button>
            </ActionForm>
            {move || issued().map(|t| view! { <Issued t /> })}
        </section>
    }
}

#[component]
fn Issued(t: IssuedToken) -> impl IntoView {
    let select_all = move |ev: leptos::ev::FocusEvent| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            if let Some(input) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            {
                input.select();
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    view! {
        <div class="issued notice" role="status" data-testid="issued-token">
            <p>
                <strong>{format!("Токен «{}» выпущен", t.name)}</strong>
                {format!(" (роль: {}).", t.role.label())}
            </p>
            <label for="tk-secret">"Токен — показан один раз"</label>
            <input id="tk-secret" class="token-secret" readonly value=t.token data-testid="token-secret"
                on:focus=select_all spellcheck="false" autocomplete="off" />
            <p class="small">
                "Скопируйте его сейчас (выделите поле и нажмите Ctrl+C или «Копировать») и передайте владельцу системы. "
                "Система хранит только отпечаток токена: после ухода со страницы показать его снова нельзя — только выпустить новый."
            </p>
        </div>
    }
}

#[component]
fn TokenList(list: Vec<TokenRow>, revoke: ServerAction<AdminRevokeToken>) -> impl IntoView {
    let revoke_error = move || {
        revoke
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.to_string())
    };
    if list.is_empty() {
        return view! {
            <section class="card" aria-labelledby="tokens-h">
                <h2 id="tokens-h">"Токены"</h2>
                <p class="muted" data-testid="no-tokens">"Токенов нет."</p>
            </section>
        }
        .into_any();
    }
    view! {
        <section class="card" aria-labelledby="tokens-h">
            <h2 id="tokens-h">"Токены"</h2>
            {move || revoke_error().map(|message| view! { <ErrorBox message /> })}
            <table class="admin-table" data-testid="tokens">
                <thead>
                    <tr>
                        <th scope="col">"Название"</th>
                        <th scope="col">"Роль"</th>
                        <th scope="col">"Выпущен"</th>
                        <th scope="col">"Отозван"</th>
                        <th scope="col"><span class="sr-only">"Действие"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {list
                        .into_iter()
                        .map(|t| {
                            let revoked = t.revoked.is_some();
                            let aria = format!("Отозвать токен «{}»", t.name);
                            view! {
                                <tr data-testid="token-row" data-name=t.name.clone() class:inactive=revoked>
                                    <td data-label="Название">{t.name.clone()}</td>
                                    <td data-label="Роль">{t.role.label()}</td>
                                    <td data-label="Выпущен">{t.created.clone()}</td>
                                    <td data-label="Отозван" data-testid="token-revoked">{t.revoked.clone().unwrap_or_else(|| "действует".into())}</td>
                                    <td class="row-action">
                                        {(!revoked).then(|| view! {
                                            <ActionForm action=revoke attr:class="inline">
                                                <input type="hidden" name="id" value=t.id />
                                                <button type="submit" class="button small danger" aria-label=aria>"Отозвать"</button>
                                            </ActionForm>
                                        })}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
    .into_any()
}
