//! Administration server functions (admin only): users, departments, calendar
//! corrections, settings, API tokens. Every function refuses any other role with 403
//! before it reads its input (SPEC "Roles": `admin`); the rules live in
//! `service::admin`, the data shapes in `dto::admin`; these are the doors.

use crate::domain::calendar::Schedule;
use crate::domain::deadline::DeadlineSettings;
use crate::domain::ids::{DepartmentId, MessageId, UserId};
use crate::domain::network::AnswerTemplate;
pub use crate::dto::account::*;
pub use crate::dto::admin::*;
use crate::error::AppError;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// Every user and department.
#[server(prefix = "/serverfn", endpoint = "admin/users")]
pub async fn admin_users() -> Result<UsersPage, AppError> {
    crate::api::ssr::as_admin(|ctx, me| async move {
        crate::service::admin::users_page(&ctx, &me).await
    })
    .await
}

/// Creates a user (department created if missing); returns the new id.
#[server(prefix = "/serverfn", endpoint = "admin/create_user")]
pub async fn admin_create_user(input: NewUserForm) -> Result<UserId, AppError> {
    crate::api::ssr::as_admin(|ctx, me| async move {
        crate::service::admin::create_user(&ctx.pool, &me, &input, ctx.now).await
    })
    .await
}

/// Deactivates (`active = false`: their sessions end at once, the API tokens they issued
/// are revoked) or reactivates a user other than the caller.
#[server(prefix = "/serverfn", endpoint = "admin/set_user_active")]
pub async fn admin_set_user_active(id: UserId, active: bool) -> Result<(), AppError> {
    crate::api::ssr::as_admin(|ctx, me| async move {
        crate::service::accounts::set_active(&ctx.pool, &me, id, active, ctx.now).await
    })
    .await
}

/// Edits a user's name, role and department (the account journal keeps before and after).
#[server(prefix = "/serverfn", endpoint = "admin/edit_user")]
pub async fn admin_edit_user(id: UserId, input: EditUserForm) -> Result<(), AppError> {
    crate::api::ssr::as_admin(|ctx, me| async move {
        crate::service::accounts::edit(&ctx.pool, &me, id, &input, ctx.now).await
    })
    .await
}

/// Resets a user's password to a one-time one, shown only in this answer; the user must
/// choose their own at the next sign-in.
#[server(prefix = "/serverfn", endpoint = "admin/reset_password")]
pub async fn admin_reset_password(id: UserId) -> Result<OneTimePassword, AppError> {
    crate::api::ssr::as_admin(|ctx, me| async move {
        crate::service::accounts::reset_password(&ctx.pool, &me, id, ctx.now).await
    })
    .await
}

/// The open messages assigned to a user (to hand over after deactivation).
#[server(prefix = "/serverfn", endpoint = "admin/open_messages")]
pub async fn admin_open_messages(id: UserId) -> Result<Vec<OpenMessage>, AppError> {
    crate::api::ssr::as_admin(|ctx, me| async move {
        crate::service::accounts::open_messages(&ctx.pool, &me, id).await
    })
    .await
}

/// Hands a deactivated user's open messages (or just `message`) to executor `to`;
/// returns how many.
#[server(prefix = "/serverfn", endpoint = "admin/hand_over")]
pub async fn admin_hand_over(
    from: UserId,
    to: UserId,
    #[server(default)] message: Option<MessageId>,
) -> Result<usize, AppError> {
    crate::api::ssr::as_admin(|ctx, me| async move {
        crate::service::accounts::hand_over(&ctx, &me, from, to, message).await
    })
    .await
}

/// The journal of account events, newest first.
#[server(prefix = "/serverfn", endpoint = "admin/account_events")]
pub async fn admin_account_events() -> Result<Vec<AccountEvent>, AppError> {
    crate::api::ssr::as_admin(|ctx, me| async move {
        crate::service::accounts::events(&ctx, &me, ACCOUNT_EVENTS_SHOWN).await
    })
    .await
}

/// How many account events the admin's page shows.
pub const ACCOUNT_EVENTS_SHOWN: i64 = 200;

/// Creates a department; returns its id.
#[server(prefix = "/serverfn", endpoint = "admin/create_department")]
pub async fn admin_create_department(name: String) -> Result<DepartmentId, AppError> {
    crate::api::ssr::as_admin(|ctx, me| async move {
        crate::service::admin::create_department(&ctx.pool, &me, &name).await
    })
    .await
}

/// The production calendar of `year` (default: the current year) with totals; of the
/// administration `administration` (a code) when several (`Admin::layer`).
#[server(prefix = "/serverfn", endpoint = "admin/calendar")]
pub async fn admin_calendar(
    year: Option<i32>,
    #[server(default)] administration: Option<String>,
) -> Result<CalendarYear, AppError> {
    crate::api::ssr::as_admin(|ctx, me| async move {
        let layer = me.layer(&ctx.settings.administrations, administration.as_deref())?;
        crate::service::admin::calendar_year(&ctx, &me, layer, year).await
    })
    .await
}

/// Corrects one date: `mark` is `working`, `shortened`, `non_working`, or `usual` (the
/// correction is removed and the shipped calendar applies again).
#[server(prefix = "/serverfn", endpoint = "admin/set_day")]
pub async fn admin_set_day(
    date: String,
    mark: String,
    #[server(default)] note: String,
    #[server(default)] administration: Option<String>,
) -> Result<(), AppError> {
    crate::api::ssr::as_admin(|ctx, me| async move {
        let (pool, now) = (&ctx.pool, ctx.now);
        let layer = me.layer(&ctx.settings.administrations, administration.as_deref())?;
        crate::service::admin::set_day(pool, layer, me.id, &date, &mark, &note, now).await
    })
    .await
}

/// Every settings group.
#[server(prefix = "/serverfn", endpoint = "admin/settings")]
pub async fn admin_settings(
    #[server(default)] administration: Option<String>,
) -> Result<SettingsPage, AppError> {
    crate::api::ssr::as_admin(|ctx, me| async move {
        let layer = me.layer(&ctx.settings.administrations, administration.as_deref())?;
        crate::service::admin::settings_page(&ctx.pool, &me, layer).await
    })
    .await
}

/// Stores the weekly schedule; returns it as stored.
#[server(prefix = "/serverfn", endpoint = "admin/save_schedule")]
pub async fn admin_save_schedule(
    input: ScheduleForm,
    #[server(default)] administration: Option<String>,
) -> Result<Schedule, AppError> {
    use crate::service::admin::{parse_schedule, save_schedule};
    crate::api::ssr::as_admin(|ctx, me| async move {
        let layer = me.layer(&ctx.settings.administrations, administration.as_deref())?;
        let schedule = parse_schedule(&input)?;
        save_schedule(&ctx.pool, layer, &schedule, me.id, ctx.now).await?;
        Ok(schedule)
    })
    .await
}

/// Stores the deadline lengths; returns them as stored.
#[server(prefix = "/serverfn", endpoint = "admin/save_deadlines")]
pub async fn admin_save_deadlines(
    input: DeadlinesForm,
    #[server(default)] administration: Option<String>,
) -> Result<DeadlineSettings, AppError> {
    use crate::service::admin::{parse_deadlines, save_deadlines};
    crate::api::ssr::as_admin(|ctx, me| async move {
        let layer = me.layer(&ctx.settings.administrations, administration.as_deref())?;
        let deadlines = parse_deadlines(&input)?;
        save_deadlines(&ctx.pool, layer, &deadlines, me.id, ctx.now).await?;
        Ok(deadlines)
    })
    .await
}

/// Stores the per-network limits (`limits[telegram][max_chars]`, …; a network left out
/// keeps its current limits); returns every network's limits.
#[server(prefix = "/serverfn", endpoint = "admin/save_networks")]
pub async fn admin_save_networks(
    #[server(default)] limits: BTreeMap<String, LimitForm>,
    #[server(default)] administration: Option<String>,
) -> Result<Vec<NetworkSettings>, AppError> {
    crate::api::ssr::as_admin(|ctx, me| async move {
        let layer = me.layer(&ctx.settings.administrations, administration.as_deref())?;
        crate::service::admin::save_networks(&ctx.pool, layer, &limits, me.id, ctx.now).await
    })
    .await
}

/// Stores the upload limits in megabytes.
#[server(prefix = "/serverfn", endpoint = "admin/save_uploads")]
pub async fn admin_save_uploads(image_mb: String, video_mb: String) -> Result<UploadsMb, AppError> {
    use crate::service::admin::{parse_uploads, save};
    use crate::service::attachments::UPLOADS_KEY;
    crate::api::ssr::as_admin(|ctx, me| async move {
        let (limits, mb) = parse_uploads(&image_mb, &video_mb)?;
        let layer = me.layer(&ctx.settings.administrations, None)?;
        save(&ctx.pool, layer, UPLOADS_KEY, &limits, me.id, ctx.now).await?;
        Ok(mb)
    })
    .await
}

/// Stores the method of the monthly rating of departments (issue 18).
#[server(prefix = "/serverfn", endpoint = "admin/save_rating")]
pub async fn admin_save_rating(
    full_marks_hours: String,
    min_messages: String,
) -> Result<crate::domain::report::rating::RatingMethod, AppError> {
    use crate::service::admin::{parse_rating_method, save};
    use crate::service::reports::RATING_KEY;
    crate::api::ssr::as_admin(|ctx, me| async move {
        let method = parse_rating_method(&full_marks_hours, &min_messages)?;
        let layer = me.layer(&ctx.settings.administrations, None)?;
        save(&ctx.pool, layer, RATING_KEY, &method, me.id, ctx.now).await?;
        Ok(method)
    })
    .await
}

/// Stores the answer templates (rows marked `remove` and blank rows dropped); returns them.
#[server(prefix = "/serverfn", endpoint = "admin/save_templates")]
pub async fn admin_save_templates(
    #[server(default)] templates: Vec<TemplateForm>,
    #[server(default)] administration: Option<String>,
) -> Result<Vec<AnswerTemplate>, AppError> {
    use crate::service::admin::{parse_templates, save};
    use crate::service::settings::TEMPLATES_KEY;
    crate::api::ssr::as_admin(|ctx, me| async move {
        let layer = me.layer(&ctx.settings.administrations, administration.as_deref())?;
        let templates = parse_templates(&templates)?;
        save(&ctx.pool, layer, TEMPLATES_KEY, &templates, me.id, ctx.now).await?;
        Ok(templates.0)
    })
    .await
}

/// Every API token, active first.
#[server(prefix = "/serverfn", endpoint = "admin/tokens")]
pub async fn admin_tokens() -> Result<Vec<TokenRow>, AppError> {
    crate::api::ssr::as_admin(|ctx, me| async move {
        crate::service::admin::tokens(&ctx.pool, &me).await
    })
    .await
}

/// Issues an API token; the answer is the only time the token is shown.
#[server(prefix = "/serverfn", endpoint = "admin/issue_token")]
pub async fn admin_issue_token(
    name: String,
    role: String,
    #[server(default)] administration: Option<String>,
) -> Result<IssuedToken, AppError> {
    crate::api::ssr::as_admin(|ctx, me| async move {
        let role = crate::service::admin::parse_role(&role)?;
        let token = crate::service::admin::issue_token(
            &ctx.pool,
            &me,
            &name,
            role,
            administration.as_deref(),
            ctx.now,
        )
        .await?;
        Ok(IssuedToken {
            name: name.trim().to_owned(),
            role,
            token,
        })
    })
    .await
}

/// Revokes an API token: from now on it gets 401.
#[server(prefix = "/serverfn", endpoint = "admin/revoke_token")]
pub async fn admin_revoke_token(id: i64) -> Result<(), AppError> {
    crate::api::ssr::as_admin(|ctx, me| async move {
        crate::service::admin::revoke_token(&ctx.pool, &me, id, ctx.now).await
    })
    .await
}

/// Reads the mail page.
#[server(prefix = "/serverfn", endpoint = "admin/mail")]
pub async fn admin_mail(
    #[server(default)] administration: Option<String>,
) -> Result<MailPage, AppError> {
    crate::api::ssr::as_admin(|ctx, me| async move {
        let pool = &ctx.pool;
        let layer = me.layer(&ctx.settings.administrations, administration.as_deref())?;
        let alerts = crate::service::alerts::settings(pool, layer).await?;
        Ok(MailPage {
            smtp: crate::service::mail::settings_for_page(pool, layer).await?,
            due_soon_percent: alerts.due_soon_percent,
            outbox: crate::service::mail::outbox(pool, me.scope.only(), 50).await?,
            layer: crate::service::admin::layer_info(pool, &me, layer).await?,
        })
    })
    .await
}

/// Stores the SMTP settings.
#[server(prefix = "/serverfn", endpoint = "admin/save_smtp")]
pub async fn admin_save_smtp(
    input: SmtpForm,
    #[server(default)] administration: Option<String>,
) -> Result<(), AppError> {
    crate::api::ssr::as_admin(|ctx, me| async move {
        let layer = me.layer(&ctx.settings.administrations, administration.as_deref())?;
        let on = |v: &Option<String>| v.as_deref().is_some_and(|v| v == "on" || v == "true");
        let port = input
            .port
            .trim()
            .parse::<u16>()
            .map_err(|_| AppError::validation("port", "Порт — число от 1 до 65535"))?;
        let smtp = crate::dto::mail::SmtpSettings {
            enabled: on(&input.enabled),
            host: input.host,
            port,
            starttls: on(&input.starttls),
            username: input.username,
            password: input.password,
            password_set: false,
            from: input.from,
            base_url: input.base_url,
        };
        crate::service::mail::save_settings(&ctx.pool, layer, smtp, Some(me.id), ctx.now).await
    })
    .await
}

/// Stores the due-soon threshold of alerts (percent of a deadline's budget).
#[server(prefix = "/serverfn", endpoint = "admin/save_alerts")]
pub async fn admin_save_alerts(
    due_soon_percent: String,
    #[server(default)] administration: Option<String>,
) -> Result<(), AppError> {
    crate::api::ssr::as_admin(|ctx, me| async move {
        let layer = me.layer(&ctx.settings.administrations, administration.as_deref())?;
        let percent = due_soon_percent
            .trim()
            .parse::<u8>()
            .ok()
            .filter(|p| (1..=90).contains(p))
            .ok_or_else(|| {
                AppError::validation("due_soon_percent", "Порог — целое число от 1 до 90 (%)")
            })?;
        crate::service::alerts::save_settings(
            &ctx.pool,
            layer,
            &crate::service::alerts::AlertSettings {
                due_soon_percent: percent,
            },
            me.id,
            ctx.now,
        )
        .await
    })
    .await
}

/// Every administration (for the region's admin; none for an administration's).
#[server(prefix = "/serverfn", endpoint = "admin/administrations")]
pub async fn admin_administrations() -> Result<Vec<crate::dto::message::AdministrationRef>, AppError>
{
    crate::api::ssr::as_admin(|ctx, me| async move {
        crate::service::admin::administrations(&ctx.pool, &me).await
    })
    .await
}

/// Creates an administration with its first admin (the region's admin only).
#[server(prefix = "/serverfn", endpoint = "admin/create_administration")]
pub async fn admin_create_administration(
    input: NewAdministrationForm,
) -> Result<crate::dto::message::AdministrationRef, AppError> {
    crate::api::ssr::as_admin(|ctx, me| async move {
        crate::service::admin::create_administration(&ctx.pool, &me, &input, ctx.now).await
    })
    .await
}

/// The network connections of an administration (page «Сети»); tokens only as hints.
#[server(prefix = "/serverfn", endpoint = "admin/networks")]
pub async fn admin_networks(
    #[server(default)] administration: Option<String>,
) -> Result<crate::dto::networks::NetworksPage, AppError> {
    crate::api::ssr::as_admin(|ctx, me| async move {
        let all = &ctx.settings.administrations;
        let layer = me.layer(all, administration.as_deref())?;
        let connections = match me.connections_of(all, administration.as_deref()) {
            Ok(a) => Some(crate::service::publishing::connections::list(&ctx.pool, a).await?),
            Err(_) => None,
        };
        Ok(crate::dto::networks::NetworksPage {
            connections,
            layer: crate::service::admin::layer_info(&ctx.pool, &me, layer).await?,
        })
    })
    .await
}

/// Reads a network's name from a form.
#[cfg(feature = "ssr")]
fn network_named(name: &str) -> Result<crate::domain::network::Network, AppError> {
    name.trim()
        .parse()
        .map_err(|m: String| AppError::validation("network", m))
}

/// Connects a network (replacing its earlier connection).
#[server(prefix = "/serverfn", endpoint = "admin/connect_network")]
pub async fn admin_connect_network(
    input: crate::dto::networks::ConnectForm,
    #[server(default)] administration: Option<String>,
) -> Result<(), AppError> {
    crate::api::ssr::as_admin(|ctx, me| async move {
        let a = me.connections_of(&ctx.settings.administrations, administration.as_deref())?;
        let network = network_named(&input.network)?;
        let connection = crate::service::publishing::connections::NewConnection {
            token: input.token,
            group_id: input.group_id,
            chat_map: input
                .chat_map
                .unwrap_or_default()
                .lines()
                .map(str::to_owned)
                .collect(),
        };
        crate::service::publishing::connections::connect(
            &ctx.pool,
            a,
            network,
            &connection,
            ctx.now,
        )
        .await
    })
    .await
}

/// Disconnects a network.
#[server(prefix = "/serverfn", endpoint = "admin/disconnect_network")]
pub async fn admin_disconnect_network(
    network: String,
    #[server(default)] administration: Option<String>,
) -> Result<(), AppError> {
    crate::api::ssr::as_admin(|ctx, me| async move {
        let a = me.connections_of(&ctx.settings.administrations, administration.as_deref())?;
        crate::service::publishing::connections::disconnect(&ctx.pool, a, network_named(&network)?)
            .await
            .map(|_| ())
    })
    .await
}

/// «Проверить»: a harmless call with the connection; the network's answer in Russian
/// (`Ok`: it works; `Err`: why not).
#[server(prefix = "/serverfn", endpoint = "admin/check_network")]
pub async fn admin_check_network(
    network: String,
    #[server(default)] administration: Option<String>,
) -> Result<String, AppError> {
    crate::api::ssr::as_admin(|ctx, me| async move {
        let a = me.connections_of(&ctx.settings.administrations, administration.as_deref())?;
        let network = network_named(&network)?;
        let state = crate::api::ssr::state()?;
        let connection = crate::service::publishing::connections::load(&ctx.pool, a, network)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("Сеть {} не подключена", network.label())))?;
        crate::service::publishing::check(&state.networks, &connection)
            .await
            .map_err(AppError::Network)
    })
    .await
}

/// The topic catalogue of the administration the admin edits.
#[server(prefix = "/serverfn", endpoint = "admin/topics")]
pub async fn admin_topics(
    #[server(default)] administration: Option<String>,
) -> Result<Vec<crate::dto::admin::TopicEntry>, AppError> {
    crate::api::ssr::as_admin(|ctx, me| async move {
        let a = me.topics_of(&ctx.settings.administrations, administration.as_deref())?;
        crate::service::topics::catalogue(&ctx.pool, a).await
    })
    .await
}

/// Adds or changes an entry of the topic catalogue; returns it.
#[server(prefix = "/serverfn", endpoint = "admin/save_topic")]
pub async fn admin_save_topic(
    topic: crate::dto::admin::TopicForm,
    #[server(default)] administration: Option<String>,
) -> Result<crate::dto::message::TopicDto, AppError> {
    crate::api::ssr::as_admin(|ctx, me| async move {
        let a = me.topics_of(&ctx.settings.administrations, administration.as_deref())?;
        crate::service::topics::save(&ctx.pool, a, &topic).await
    })
    .await
}
