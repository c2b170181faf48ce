//! `/admin/administrations` — «Администрации» (the region's admin only): the region's
//! administrations and a new one with its first admin, created in one transaction. An
//! administration's admin then manages its own users, settings and calendar.

use super::{outcome_of, AdminOnly, Crumbs, Status};
use crate::api::admin::{admin_administrations, AdminCreateAdministration};
use crate::dto::message::AdministrationRef;
use crate::ui::components::error_box::ErrorBox;
use leptos::prelude::*;
use leptos_meta::Title;

/// The administrations page.
#[component]
pub fn AdministrationsPage() -> impl IntoView {
    let create = ServerAction::<AdminCreateAdministration>::new();
    view! {
        <Title text="Администрации" />
        <Crumbs />
        <h1>"Администрации"</h1>
        <AdminOnly>
            {move || {
                let data = crate::ui::data::load(
                    move || create.version().get(),
                    |_| admin_administrations(),
                );
                view! {
                    <Transition fallback=|| view! { <p>"Загрузка…"</p> }>
                        {move || Suspend::new(async move {
                            match data.await {
                                Ok(list) if list.is_empty() => view! {
                                    <ErrorBox message="Администрации создаёт администратор региона" />
                                }.into_any(),
                                Ok(list) => view! { <List list /> <CreateForm create /> }.into_any(),
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
fn List(list: Vec<AdministrationRef>) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="adm-list-h">
            <h2 id="adm-list-h">"Администрации региона"</h2>
            <table class="admin-table" data-testid="administrations">
                <thead>
                    <tr>
                        <th scope="col">"Код"</th>
                        <th scope="col">"Название"</th>
                        <th scope="col"><span class="sr-only">"Настройки"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {list
                        .into_iter()
                        .map(|a| {
                            let settings = format!("/admin/settings?administration={}", a.code);
                            view! {
                                <tr data-testid="administration-row" data-code=a.code.clone()>
                                    <td data-label="Код"><code>{a.code.clone()}</code></td>
                                    <td data-label="Название">{a.name}</td>
                                    <td class="row-action"><a href=settings>"Настройки"</a></td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn CreateForm(create: ServerAction<AdminCreateAdministration>) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="adm-new-h">
            <h2 id="adm-new-h">"Новая администрация"</h2>
            <p class="muted">
                "Создаётся вместе с её первым администратором: он заведёт пользователей, отделы, расписание и настройки своей администрации."
            </p>
            <ActionForm action=create attr:class="form admin-form" attr:data-testid="create-administration">
                <div class="fields">
                    <label for="adm-code">"Код (латиница, для API и командной строки)"</label>
                    <input id="adm-code" name="input[code]" required maxlength="32" autocomplete="off"
                        pattern="[a-z][a-z0-9\\-]{1,31}" placeholder="luga" />
                    <label for="adm-name">"Название"</label>
                    <input id="adm-name" name="input[name]" required maxlength="200" autocomplete="off"
                        placeholder="Лужский муниципальный район" />
                    <label for="adm-login">"Логин администратора"</label>
                    <input id="adm-login" name="input[admin_login]" required maxlength="64" autocomplete="off" />
                    <label for="adm-full">"ФИО администратора"</label>
                    <input id="adm-full" name="input[admin_name]" required maxlength="200" autocomplete="off" />
                    <label for="adm-password">"Пароль администратора (не меньше 8 символов)"</label>
                    <input id="adm-password" name="input[admin_password]" type="password" required
                        minlength="8" maxlength="200" autocomplete="new-password" />
                </div>
                <Status outcome=outcome_of(create.value()) ok_text="Администрация создана" />
                <button type="submit" class="button primary" disabled=move || create.pending().get()>
                    "Создать администрацию"
                </button>
            </ActionForm>
        </section>
    }
}
