//! Messages for the pages: the list, one message, and workflow actions. The same service
//! calls as the REST API; the caller is the signed-in user.

use crate::domain::ids::MessageId;
use crate::domain::workflow::Command;
use crate::dto::message::{MessageDetailDto, MessageDto, MessageFilter};
use crate::error::AppError;
use leptos::prelude::*;

/// The messages the user may see that match `filter`, the most pressing first.
#[server(prefix = "/serverfn", endpoint = "messages")]
pub async fn list_messages(filter: MessageFilter) -> Result<Vec<MessageDto>, AppError> {
    crate::api::ssr::finish(visible(&filter).await.map(|v| v.page.items))
}

/// A page of the signed-in user's messages with what rendering its countdowns needs.
#[cfg(feature = "ssr")]
pub(crate) struct Visible {
    /// The page.
    pub page: crate::service::messages::query::Page,
    /// The deployment's calendar.
    pub cal: std::sync::Arc<crate::domain::calendar::WorkingCalendar>,
    /// The server's time the page was read at.
    pub now: chrono::DateTime<chrono::Utc>,
    /// The due-soon share of the alerts (percent).
    pub due_soon_percent: u8,
}

/// The signed-in user's messages matching `filter`, the most pressing first, with the
/// calendar and the server's time they were ranked at.
#[cfg(feature = "ssr")]
pub(crate) async fn visible(filter: &MessageFilter) -> Result<Visible, AppError> {
    crate::api::ssr::signed_in(|ctx, caller| async move {
        let page = crate::service::messages::query::list(&ctx, &caller, filter).await?;
        let ctx = ctx.for_caller(&caller);
        Ok(Visible {
            page,
            now: ctx.now,
            due_soon_percent: ctx.settings.alerts.due_soon_percent,
            cal: ctx.cal,
        })
    })
    .await
}

/// One message with drafts, files, journal, deadlines and the user's possible actions.
#[server(prefix = "/serverfn", endpoint = "message")]
pub async fn message_detail(id: MessageId) -> Result<MessageDetailDto, AppError> {
    crate::api::ssr::signed_in(|ctx, caller| async move {
        crate::service::messages::query::detail(&ctx, &caller, id).await
    })
    .await
}

/// Takes the action `input` (its `action` and fields: the forms post `input[action]`,
/// `input[text]`, …) on message `id`, seen at `version`; returns the message after.
#[server(prefix = "/serverfn", endpoint = "act")]
pub async fn act_on_message(
    id: MessageId,
    #[server(default)] version: Option<i64>,
    input: Command,
) -> Result<MessageDto, AppError> {
    crate::api::ssr::signed_in(|ctx, caller| async move {
        crate::service::messages::transition::act_on(&ctx, id, version, input, &caller).await
    })
    .await
}

/// Publishes the approved answer of message `id`, seen at `version`, through the
/// network's API (the `publish` action with `"via": "network"`); returns the message after.
#[server(prefix = "/serverfn", endpoint = "publish_via_network")]
pub async fn publish_via_network(
    id: MessageId,
    #[server(default)] version: Option<i64>,
) -> Result<MessageDto, AppError> {
    crate::api::ssr::signed_in(|ctx, caller| async move {
        let state = crate::api::ssr::state()?;
        crate::service::publishing::publish(&ctx, &state.networks, id, version, &caller).await
    })
    .await
}

/// Active executors by name (for the assign form and the dashboard filter).
#[server(prefix = "/serverfn", endpoint = "executors")]
pub async fn executors() -> Result<Vec<crate::dto::message::ExecutorOption>, AppError> {
    crate::api::ssr::signed_in(|ctx, caller| async move {
        let users = crate::service::users::list(
            &ctx.pool,
            caller.scope(),
            Some(crate::domain::role::Role::Executor),
        )
        .await?;
        Ok(users
            .into_iter()
            .map(|u| crate::dto::message::ExecutorOption {
                id: u.id,
                name: u.full_name,
                department: u.department_name,
            })
            .collect())
    })
    .await
}

/// Drafts waiting for approval, with their messages, the oldest deadline first.
#[server(prefix = "/serverfn", endpoint = "approval_queue")]
pub async fn approval_queue() -> Result<Vec<MessageDetailDto>, AppError> {
    use crate::service::messages::query;
    crate::api::ssr::signed_in(|ctx, caller| async move {
        let filter = MessageFilter {
            status: Some("on_approval".into()),
            // A case is approved once, on its lead.
            posts: Some(false),
            ..MessageFilter::default()
        };
        let list = query::list(&ctx, &caller, &filter).await?;
        let mut out = Vec::with_capacity(list.items.len());
        for m in list.items {
            out.push(query::detail(&ctx, &caller, m.id).await?);
        }
        Ok(out)
    })
    .await
}

/// The active topics of the caller's administration, to filter by and to choose from
/// (none for a regional caller of a deployment with several).
#[server(prefix = "/serverfn", endpoint = "topic_choices")]
pub async fn topic_choices() -> Result<Vec<crate::dto::message::TopicDto>, AppError> {
    crate::api::ssr::signed_in(|ctx, caller| async move {
        crate::service::topics::choices(&ctx, &caller).await
    })
    .await
}

/// The topic suggestion's rules of the caller's administration (the intake form suggests
/// as the text is typed; none for a regional caller of several administrations).
#[server(prefix = "/serverfn", endpoint = "topic_rules")]
pub async fn topic_rules() -> Result<crate::domain::topic::KeywordRules, AppError> {
    crate::api::ssr::signed_in(|ctx, caller| async move {
        crate::service::topics::rules(&ctx, &caller).await
    })
    .await
}

/// The administrations the caller chooses from at intake: every one for a regional
/// caller of a deployment with several; none otherwise (the message goes to the caller's
/// own, or the only one).
#[server(prefix = "/serverfn", endpoint = "administration_choices")]
pub async fn administration_choices(
) -> Result<Vec<crate::dto::message::AdministrationRef>, AppError> {
    crate::api::ssr::signed_in(|ctx, caller| async move {
        let all = &ctx.settings.administrations;
        if caller.scope() != crate::domain::administration::Scope::Region || all.len() < 2 {
            return Ok(Vec::new());
        }
        Ok(crate::service::administrations::list(&ctx.pool)
            .await?
            .into_iter()
            .map(|a| crate::dto::message::AdministrationRef {
                code: a.code,
                name: a.name,
            })
            .collect())
    })
    .await
}

/// Takes a message in from the intake form; the browser then opens it.
#[server(prefix = "/serverfn", endpoint = "intake")]
pub async fn intake_message(input: crate::dto::message::IntakeForm) -> Result<MessageId, AppError> {
    use crate::dto::action::parse_moment;
    use crate::service::messages::intake::{intake, Intake, NewMessage};
    crate::api::ssr::signed_in(|ctx, caller| async move {
        let now = ctx.now;
        let network = crate::domain::network::Network::from_name(input.network.trim())
            .ok_or_else(|| AppError::validation("network", "Выберите сеть"))?;
        let detected_at = match input.detected_at.as_deref().map(str::trim) {
            None | Some("") => now,
            Some(t) => parse_moment("detected_at", t, ctx.tz())?,
        };
        let external_id = input
            .external_id
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| {
                format!(
                    "otklik-{}-{}",
                    now.format("%Y%m%d%H%M%S"),
                    crate::service::auth::random_secret(6)
                )
            });
        let msg = NewMessage {
            administration: input.administration.filter(|a| !a.trim().is_empty()),
            external_id,
            network,
            url: input.url,
            author: input.author,
            author_url: input.author_url,
            text: input.text,
            topic: input.topic,
            detected_at,
        };
        let id = match intake(&ctx, msg, &caller).await? {
            Intake::Created(id) | Intake::Existing(id) => id,
        };
        leptos_axum::redirect(&format!("/messages/{id}"));
        Ok(id)
    })
    .await
}

/// Imports a CSV file read by the browser; the per-row report.
#[server(prefix = "/serverfn", endpoint = "import")]
pub async fn import_csv_text(csv: String) -> Result<crate::dto::import::ImportReport, AppError> {
    crate::api::ssr::signed_in(|ctx, caller| async move {
        if csv.contains('\u{FFFD}') {
            // The browser replaced bytes that were not UTF-8.
            return Err(AppError::validation(
                "file",
                "Файл не в кодировке UTF-8. Сохраните CSV как «UTF-8»",
            ));
        }
        crate::service::import::import_csv(&ctx, csv.as_bytes(), &caller).await
    })
    .await
}

/// Departments by name (for the dashboard filter).
#[server(prefix = "/serverfn", endpoint = "departments")]
pub async fn departments() -> Result<Vec<crate::dto::message::DepartmentRef>, AppError> {
    crate::api::ssr::signed_in(|ctx, caller| async move {
        let rows = crate::service::users::departments(&ctx.pool, caller.scope()).await?;
        Ok(rows
            .into_iter()
            .map(|(id, name)| crate::dto::message::DepartmentRef { id, name })
            .collect())
    })
    .await
}
