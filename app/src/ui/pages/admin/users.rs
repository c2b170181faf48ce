//! `/admin/users` — users (login, name, role, department, active), a new user, turning a
//! user off and on (not oneself), departments and a new department.

use super::{outcome_of, AdminOnly, Crumbs, Status};
use crate::api::admin::{
    admin_users, AdminCreateDepartment, AdminCreateUser, AdminSetUserActive, DepartmentRow,
    UsersPage,
};
use crate::domain::role::Role;
use crate::ui::components::error_box::ErrorBox;
use leptos::prelude::*;
use leptos_meta::Title;

/// The users page.
#[component]
pub fn UsersPage() -> impl IntoView {
    let create = ServerAction::<AdminCreateUser>::new();
    let toggle = ServerAction::<AdminSetUserActive>::new();
    let add_department = ServerAction::<AdminCreateDepartment>::new();
    view! {
        <Title text="Пользователи и отделы" />
        <Crumbs />
        <h1>"Пользователи и отделы"</h1>
        <AdminOnly>
            {move || {
                let data = crate::ui::data::load(
                    move || {
                        (
                            create.version().get(),
                            toggle.version().get(),
                            add_department.version().get(),
                        )
                    },
                    |_| admin_users(),
                );
                view! {
                    <Transition fallback=|| view! { <p>"Загрузка…"</p> }>
                        {move || Suspend::new(async move {
                            match data.await {
                                Ok(page) => view! { <Lists page toggle /> }.into_any(),
                                Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                            }
                        })}
                    </Transition>
                    <NewUser create />
                    <NewDepartment add_department />
                }
            }}
        </AdminOnly>
    }
}

#[component]
fn Lists(page: UsersPage, toggle: ServerAction<AdminSetUserActive>) -> impl IntoView {
    let me = page.me;
    let toggle_error = move || {
        toggle
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.to_string())
    };
    view! {
        <section class="card" aria-labelledby="users-h">
            <h2 id="users-h">"Пользователи"</h2>
            {move || toggle_error().map(|message| view! { <ErrorBox message /> })}
            <table class="admin-table" data-testid="users">
                <thead>
                    <tr>
                        <th scope="col">"Логин"</th>
                        <th scope="col">"ФИО"</th>
                        <th scope="col">"Роль"</th>
                        <th scope="col">"Отдел"</th>
                        <th scope="col">"Состояние"</th>
                        <th scope="col" title="Доля итоговых ответов в срок за этот месяц">"В срок за месяц"</th>
                        <th scope="col"><span class="sr-only">"Действие"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {page
                        .users
                        .into_iter()
                        .map(|u| {
                            let action = if u.active { "Отключить" } else { "Включить" };
                            let aria = format!("{action} пользователя {}", u.login);
                            view! {
                                <tr data-testid="user-row" data-login=u.login.clone() class:inactive=!u.active>
                                    <td data-label="Логин">{u.login.clone()}</td>
                                    <td data-label="ФИО">{u.full_name.clone()}</td>
                                    <td data-label="Роль">{u.role.label()}</td>
                                    <td data-label="Отдел">{u.department.clone().unwrap_or_else(|| "—".into())}</td>
                                    <td data-label="Состояние" data-testid="user-state">
                                        {if u.active { "активен" } else { "отключён" }}
                                    </td>
                                    <td data-label="В срок за месяц" data-testid="user-on-time">
                                        {u.on_time_percent.map_or_else(|| "—".to_owned(), |p| format!("{p} %"))}
                                    </td>
                                    <td class="row-action">
                                        {if u.id == me {
                                            view! { <span class="muted">"это вы"</span> }.into_any()
                                        } else {
                                            view! {
                                                <ActionForm action=toggle attr:class="inline">
                                                    <input type="hidden" name="id" value=u.id.0 />
                                                    <input type="hidden" name="active" value=(!u.active).to_string() />
                                                    <button
                                                        type="submit"
                                                        class="button small"
                                                        class:secondary=u.active
                                                        class:primary=!u.active
                                                        aria-label=aria
                                                    >
                                                        {action}
                                                    </button>
                                                </ActionForm>
                                            }
                                                .into_any()
                                        }}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
        <Departments list=page.departments />
    }
}

#[component]
fn Departments(list: Vec<DepartmentRow>) -> impl IntoView {
    let options = list.clone();
    view! {
        <section class="card" aria-labelledby="departments-h">
            <h2 id="departments-h">"Отделы"</h2>
            {if list.is_empty() {
                view! { <p class="muted">"Отделов пока нет."</p> }.into_any()
            } else {
                view! {
                    <ul class="departments" data-testid="departments">
                        {list
                            .into_iter()
                            .map(|d| view! {
                                <li>{d.name} " " <span class="muted">{format!("({} польз.)", d.users)}</span></li>
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
            <datalist id="department-names">
                {options.into_iter().map(|d| view! { <option value=d.name></option> }).collect_view()}
            </datalist>
        </section>
    }
}

#[component]
fn NewUser(create: ServerAction<AdminCreateUser>) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="new-user-h">
            <h2 id="new-user-h">"Новый пользователь"</h2>
            <ActionForm action=create attr:class="form admin-form" attr:data-testid="new-user">
                <label for="nu-login">"Логин"</label>
                <input id="nu-login" name="input[login]" required autocomplete="off" autocapitalize="none" maxlength="64" />
                <label for="nu-name">"ФИО"</label>
                <input id="nu-name" name="input[full_name]" required autocomplete="off" maxlength="200" />
                <label for="nu-role">"Роль"</label>
                <select id="nu-role" name="input[role]" required>
                    {Role::ALL
                        .into_iter()
                        .map(|r| view! { <option value=r.as_str() selected=r == Role::Executor>{r.label()}</option> })
                        .collect_view()}
                </select>
                <label for="nu-department">"Отдел (необязательно; новый будет создан)"</label>
                <input id="nu-department" name="input[department]" list="department-names" autocomplete="off" maxlength="200" />
                <label for="nu-password">"Пароль (не меньше 8 символов)"</label>
                <input id="nu-password" name="input[password]" type="password" required minlength="8" autocomplete="new-password" />
                <Status outcome=outcome_of(create.value()) ok_text="Пользователь создан" />
                <button type="submit" class="button primary" disabled=move || create.pending().get()>
                    "Создать пользователя"
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn NewDepartment(add_department: ServerAction<AdminCreateDepartment>) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="new-department-h">
            <h2 id="new-department-h">"Новый отдел"</h2>
            <ActionForm action=add_department attr:class="form admin-form" attr:data-testid="new-department">
                <label for="nd-name">"Название отдела"</label>
                <input id="nd-name" name="name" required maxlength="200" autocomplete="off" />
                <Status outcome=outcome_of(add_department.value()) ok_text="Отдел добавлен" />
                <button type="submit" class="button primary" disabled=move || add_department.pending().get()>
                    "Добавить отдел"
                </button>
            </ActionForm>
        </section>
    }
}
