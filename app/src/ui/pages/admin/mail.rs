//! `/admin/mail` — «Почта и уведомления»: the SMTP server for e-mail alerts, the due-soon
//! threshold of alerts, and the outbox (what was sent, what is waiting, what failed).

use super::{
    layer_arg, outcome_of, use_layer_code, AdminOnly, Crumbs, LayerField, LayerPicker, Status,
};
use crate::api::admin::{admin_mail, AdminSaveAlerts, AdminSaveSmtp, MailPage};
use crate::domain::countdown::format_datetime;
use crate::ui::components::error_box::ErrorBox;
use leptos::prelude::*;
use leptos_meta::Title;

/// The mail page.
#[component]
pub fn MailSettingsPage() -> impl IntoView {
    let live = crate::ui::live::use_live();
    let save_smtp = ServerAction::<AdminSaveSmtp>::new();
    let save_alerts = ServerAction::<AdminSaveAlerts>::new();
    let code = use_layer_code();
    let data = crate::ui::data::load(
        move || {
            (
                save_smtp.version().get(),
                save_alerts.version().get(),
                code.get(),
            )
        },
        |(_, _, code)| admin_mail(layer_arg(&code)),
    );
    view! {
        <Title text="Почта и уведомления" />
        <Crumbs />
        <h1>"Почта и уведомления"</h1>
        <AdminOnly>
            <Transition fallback=|| view! { <p>"Загрузка…"</p> }>
                {move || Suspend::new(async move {
                    let tz = live.ready().await.map(|r| r.cal.tz()).unwrap_or(chrono_tz::Europe::Moscow);
                    match data.await {
                        Ok(page) => view! { <Forms page tz save_smtp save_alerts /> }.into_any(),
                        Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                    }
                })}
            </Transition>
        </AdminOnly>
    }
}

#[component]
fn Forms(
    page: MailPage,
    tz: chrono_tz::Tz,
    save_smtp: ServerAction<AdminSaveSmtp>,
    save_alerts: ServerAction<AdminSaveAlerts>,
) -> impl IntoView {
    let s = page.smtp;
    view! {
        <LayerPicker info=page.layer />
        <section class="card" aria-labelledby="alerts-h">
            <h2 id="alerts-h">"Когда предупреждать"</h2>
            <ActionForm action=save_alerts attr:class="form admin-form" attr:data-testid="alerts-form">
                <LayerField />
                <div class="field">
                    <label for="due-soon">"«Срок истекает»: последние, % рабочего времени срока"</label>
                    <input id="due-soon" type="number" inputmode="numeric" min="1" max="90" step="1" name="due_soon_percent" value=page.due_soon_percent required />
                    <small class="muted">"по умолчанию 25; предупреждение о нарушении приходит всегда"</small>
                </div>
                <Status outcome=outcome_of(save_alerts.value()) ok_text="Сохранено" />
                <button type="submit" class="button primary">"Сохранить порог"</button>
            </ActionForm>
        </section>
        <section class="card" aria-labelledby="smtp-h">
            <h2 id="smtp-h">"SMTP-сервер"</h2>
            <ActionForm action=save_smtp attr:class="form admin-form" attr:data-testid="smtp-form">
                <LayerField />
                <label class="confirm"><input type="checkbox" name="input[enabled]" value="on" checked=s.enabled />" Отправлять уведомления письмом"</label>
                <div class="fields">
                    <div class="field"><label for="smtp-host">"Сервер"</label><input id="smtp-host" name="input[host]" value=s.host placeholder="smtp.admin.ru" /></div>
                    <div class="field"><label for="smtp-port">"Порт"</label><input id="smtp-port" name="input[port]" type="number" min="1" max="65535" value=s.port required /></div>
                </div>
                <label class="confirm"><input type="checkbox" name="input[starttls]" value="on" checked=s.starttls />" STARTTLS (шифрование, обязательно при включении)"</label>
                <div class="fields">
                    <div class="field"><label for="smtp-user">"Пользователь"</label><input id="smtp-user" name="input[username]" value=s.username autocomplete="off" /></div>
                    <div class="field">
                        <label for="smtp-password">"Пароль"</label>
                        <input id="smtp-password" name="input[password]" type="password" autocomplete="new-password"
                            placeholder=if s.password_set { "сохранён — оставьте пустым, чтобы не менять" } else { "" } />
                    </div>
                </div>
                <div class="fields">
                    <div class="field"><label for="smtp-from">"Адрес отправителя"</label><input id="smtp-from" name="input[from]" type="email" value=s.from required /></div>
                    <div class="field"><label for="smtp-base">"Адрес Отклика для ссылок"</label><input id="smtp-base" name="input[base_url]" type="url" value=s.base_url required /></div>
                </div>
                <Status outcome=outcome_of(save_smtp.value()) ok_text="Сохранено" />
                <button type="submit" class="button primary">"Сохранить SMTP"</button>
            </ActionForm>
        </section>
        <section class="card" aria-labelledby="outbox-h">
            <h2 id="outbox-h">"Отправленные письма"</h2>
            {if page.outbox.is_empty() {
                view! { <p class="empty">"Писем ещё не было."</p> }.into_any()
            } else {
                view! {
                    <ul class="alerts" data-testid="outbox">
                        {page.outbox.into_iter().map(|m| {
                            let status = match m.status.as_str() {
                                "sent" => "отправлено",
                                "failed" => "не отправлено",
                                _ => "в очереди",
                            };
                            view! {
                                <li>
                                    <span class="alert-title">{m.subject}</span>
                                    <span>{m.recipient}</span>
                                    <span class="muted">{status} " · попыток: " {m.attempts}</span>
                                    <span class="muted">{m.sent_at.map(|t| format_datetime(t, tz)).unwrap_or_else(|| format_datetime(m.created_at, tz))}</span>
                                    {m.last_error.map(|e| view! { <small class="muted">{e}</small> })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
