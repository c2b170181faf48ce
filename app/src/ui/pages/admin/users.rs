//! `/admin/users` — users (login, name, role, department, active), a new user, editing a
//! user's name, role and department, a one-time password, turning a user off and on (not
//! oneself) and handing a deactivated user's open messages over, departments and a new
//! department, and the journal of account events.

use super::{outcome_of, AdminOnly, Crumbs, Status};
use crate::api::admin::{
    admin_account_events, admin_open_messages, admin_users, AdminCreateDepartment, AdminCreateUser,
    AdminEditUser, AdminHandOver, AdminResetPassword, AdminSetUserActive, AdminUser, DepartmentRow,
    UsersPage,
};
use crate::domain::account::MIN_PASSWORD_CHARS;
use crate::domain::ids::UserId;
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
    let actions = Actions {
        toggle,
        edit: ServerAction::<AdminEditUser>::new(),
        reset: ServerAction::<AdminResetPassword>::new(),
        hand: ServerAction::<AdminHandOver>::new(),
    };
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
                            actions.edit.version().get(),
                            actions.reset.version().get(),
                            actions.hand.version().get(),
                        )
                    },
                    |_| admin_users(),
                );
                view! {
                    <Transition fallback=|| view! { <p>"Загрузка…"</p> }>
                        {move || Suspend::new(async move {
                            match data.await {
                                Ok(page) => view! { <Lists page actions /> }.into_any(),
                                Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                            }
                        })}
                    </Transition>
                    <NewUser create />
                    <NewDepartment add_department />
                    <AccountJournal actions />
                }
            }}
        </AdminOnly>
    }
}

/// The account actions of the users table.
#[derive(Clone, Copy)]
struct Actions {
    toggle: ServerAction<AdminSetUserActive>,
    edit: ServerAction<AdminEditUser>,
    reset: ServerAction<AdminResetPassword>,
    hand: ServerAction<AdminHandOver>,
}

impl Actions {
    /// The latest refusal of any of them.
    fn error(self) -> Option<String> {
        let err = |r: Option<Result<(), crate::error::AppError>>| r.and_then(|r| r.err());
        err(self.toggle.value().get())
            .or_else(|| err(self.edit.value().get()))
            .or_else(|| self.reset.value().get().and_then(|r| r.err()))
            .or_else(|| self.hand.value().get().and_then(|r| r.err()))
            .map(|e| e.to_string())
    }
}

#[component]
fn Lists(page: UsersPage, actions: Actions) -> impl IntoView {
    let me = page.me;
    let executors: Vec<(UserId, String)> = page
        .users
        .iter()
        .filter(|u| u.active && u.role == Role::Executor)
        .map(|u| (u.id, u.full_name.clone()))
        .collect();
    view! {
        <section class="card" aria-labelledby="users-h">
            <h2 id="users-h">"Пользователи"</h2>
            {move || actions.error().map(|message| view! { <ErrorBox message /> })}
            {move || {
                actions
                    .reset
                    .value()
                    .get()
                    .and_then(|r| r.ok())
                    .map(|otp| {
                        view! {
                            <p class="notice" role="status" data-testid="one-time-password">
                                "Временный пароль для «" {otp.login} "»: " <code>{otp.password}</code>
                                ". Он показан один раз; при входе пользователь задаст собственный."
                            </p>
                        }
                    })
            }}
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
                        .map(|u| view! { <UserLine u me actions executors=executors.clone() /> })
                        .collect_view()}
                </tbody>
            </table>
        </section>
        <Departments list=page.departments />
    }
}

#[component]
fn UserLine(
    u: AdminUser,
    me: UserId,
    actions: Actions,
    executors: Vec<(UserId, String)>,
) -> impl IntoView {
    let action = if u.active {
        "Отключить"
    } else {
        "Включить"
    };
    let aria = format!("{action} пользователя {}", u.login);
    let edit_label = format!("Изменить пользователя {}", u.login);
    let reset_label = format!("Сбросить пароль пользователя {}", u.login);
    let hand_over = (!u.active && u.open_messages > 0).then(|| {
        view! { <HandOver from=u.id count=u.open_messages hand=actions.hand executors /> }
    });
    let id = u.id;
    view! {
        <tr data-testid="user-row" data-login=u.login.clone() class:inactive=!u.active>
            <td data-label="Логин">{u.login.clone()}</td>
            <td data-label="ФИО">{u.full_name.clone()}</td>
            <td data-label="Роль">{u.role.label()}</td>
            <td data-label="Отдел">{u.department.clone().unwrap_or_else(|| "—".into())}</td>
            <td data-label="Состояние" data-testid="user-state">
                {if u.active { "активен" } else { "отключён" }}
                {(u.open_messages > 0).then(|| view! {
                    <span class="muted" data-testid="user-open">{format!(" · открытых: {}", u.open_messages)}</span>
                })}
            </td>
            <td data-label="В срок за месяц" data-testid="user-on-time">
                {u.on_time_percent.map_or_else(|| "—".to_owned(), |p| format!("{p} %"))}
            </td>
            <td class="row-action">
                {if id == me {
                    view! { <span class="muted">"это вы"</span> }.into_any()
                } else {
                    view! {
                        <ActionForm action=actions.toggle attr:class="inline">
                            <input type="hidden" name="id" value=id.0 />
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
                        {u.active.then(|| view! {
                            <ActionForm action=actions.reset attr:class="inline">
                                <input type="hidden" name="id" value=id.0 />
                                <button
                                    type="submit"
                                    class="button small secondary"
                                    data-testid="reset-password"
                                    aria-label=reset_label
                                >
                                    "Сбросить пароль"
                                </button>
                            </ActionForm>
                        })}
                    }
                        .into_any()
                }}
                <details class="user-edit">
                    <summary aria-label=edit_label>"Изменить"</summary>
                    <EditUser u=u.clone() edit=actions.edit />
                </details>
                {hand_over}
            </td>
        </tr>
    }
}

#[component]
fn EditUser(u: AdminUser, edit: ServerAction<AdminEditUser>) -> impl IntoView {
    let key = |field: &str| format!("eu-{}-{field}", u.id.0);
    let (name_id, role_id, department_id) = (key("name"), key("role"), key("department"));
    view! {
        <ActionForm action=edit attr:class="form admin-form" attr:data-testid="edit-user">
            <input type="hidden" name="id" value=u.id.0 />
            <label for=name_id.clone()>"ФИО"</label>
            <input id=name_id name="input[full_name]" required maxlength="200" value=u.full_name.clone() />
            <label for=role_id.clone()>"Роль"</label>
            <select id=role_id name="input[role]" required>
                {Role::ALL
                    .into_iter()
                    .map(|r| view! { <option value=r.as_str() selected=r == u.role>{r.label()}</option> })
                    .collect_view()}
            </select>
            <label for=department_id.clone()>"Отдел (пусто — без отдела)"</label>
            <input
                id=department_id
                name="input[department]"
                list="department-names"
                maxlength="200"
                autocomplete="off"
                value=u.department.clone().unwrap_or_default()
            />
            <button type="submit" class="button primary small" disabled=move || edit.pending().get()>
                "Сохранить"
            </button>
        </ActionForm>
    }
}

/// A deactivated user's open messages, each handed over with one click, or all at once.
#[component]
fn HandOver(
    from: UserId,
    count: i64,
    hand: ServerAction<AdminHandOver>,
    executors: Vec<(UserId, String)>,
) -> impl IntoView {
    let messages = crate::ui::data::load(
        move || hand.version().get(),
        move |_| admin_open_messages(from),
    );
    let executors = StoredValue::new(executors);
    let choose = move |id: String| {
        view! {
            <select id=id.clone() name="to" required>
                {executors
                    .get_value()
                    .into_iter()
                    .map(|(id, name)| view! { <option value=id.0>{name}</option> })
                    .collect_view()}
            </select>
        }
    };
    let all_id = format!("ho-{}-all", from.0);
    view! {
        <details class="hand-over" open data-testid="hand-over">
            <summary>{format!("Передать открытые сообщения ({count})")}</summary>
            <Transition fallback=|| view! { <p>"Загрузка…"</p> }>
                {move || {
                    Suspend::new(async move {
                        match messages.await {
                            Ok(list) => view! {
                                <ul class="hand-over-list">
                                    {list
                                        .into_iter()
                                        .map(|m| {
                                            let select_id = format!("ho-{}-{}", from.0, m.id.0);
                                            view! {
                                                <li data-testid="open-message">
                                                    <a href=format!("/messages/{}", m.id.0)>{format!("№{}", m.id.0)}</a>
                                                    " " {m.network.label()} " · " {m.author} " · " {m.state.label()}
                                                    <ActionForm action=hand attr:class="inline">
                                                        <input type="hidden" name="from" value=from.0 />
                                                        <input type="hidden" name="message" value=m.id.0 />
                                                        <label for=select_id.clone() class="sr-only">
                                                            {format!("Кому передать сообщение №{}", m.id.0)}
                                                        </label>
                                                        {choose(select_id)}
                                                        <button type="submit" class="button small primary">"Передать"</button>
                                                    </ActionForm>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any(),
                            Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                        }
                    })
                }}
            </Transition>
            <ActionForm action=hand attr:class="inline" attr:data-testid="hand-over-all">
                <input type="hidden" name="from" value=from.0 />
                <label for=all_id.clone()>"Все — исполнителю"</label>
                {choose(all_id)}
                <button type="submit" class="button small primary">"Передать все"</button>
            </ActionForm>
        </details>
    }
}

/// The journal of account events.
#[component]
fn AccountJournal(actions: Actions) -> impl IntoView {
    let events = crate::ui::data::load(
        move || {
            (
                actions.toggle.version().get(),
                actions.edit.version().get(),
                actions.reset.version().get(),
                actions.hand.version().get(),
            )
        },
        |_| admin_account_events(),
    );
    view! {
        <section class="card" aria-labelledby="account-journal-h">
            <h2 id="account-journal-h">"Журнал учётных записей"</h2>
            <Transition fallback=|| view! { <p>"Загрузка…"</p> }>
                {move || Suspend::new(async move {
                    match events.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted">"Событий пока нет."</p> }.into_any(),
                        Ok(list) => view! {
                            <table class="admin-table" data-testid="account-events">
                                <thead>
                                    <tr>
                                        <th scope="col">"Когда"</th>
                                        <th scope="col">"Кто"</th>
                                        <th scope="col">"Пользователь"</th>
                                        <th scope="col">"Событие"</th>
                                        <th scope="col">"Подробности"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list
                                        .into_iter()
                                        .map(|e| view! {
                                            <tr data-testid="account-event" data-kind=e.kind>
                                                <td data-label="Когда">{e.at}</td>
                                                <td data-label="Кто">{e.actor.unwrap_or_else(|| "—".into())}</td>
                                                <td data-label="Пользователь">{e.user}</td>
                                                <td data-label="Событие">{e.label}</td>
                                                <td data-label="Подробности">{e.details}</td>
                                            </tr>
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        }
                            .into_any(),
                        Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
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
                <label for="nu-password">{format!("Пароль (не меньше {MIN_PASSWORD_CHARS} символов, не из распространённых)")}</label>
                <input id="nu-password" name="input[password]" type="password" required minlength=MIN_PASSWORD_CHARS autocomplete="new-password" />
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
