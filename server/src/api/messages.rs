//! `/api/v1/messages`: intake, reading, and every workflow action as
//! `POST /api/v1/messages/{id}/{action}`.

use super::caller::{ApiCaller, ApiCtx};
use super::error::{parse_json, ApiError};
use super::extract::{ApiPath, ApiQuery, JsonBody};
use app::domain::ids::MessageId;
use app::domain::workflow::ActionKind;
use app::dto::action::ActionBody;
use app::dto::message::{MessageDetailDto, MessageDto, MessageFilter};
use app::error::AppError;
use app::service::messages::intake::{intake, Intake, NewMessage};
use app::service::messages::{export, query, transition};
use app::service::state::AppState;
use axum::extract::Query;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

/// Takes a message in from the regional system.
#[utoipa::path(
    post, path = "/api/v1/messages", tag = "messages",
    request_body = NewMessage,
    responses(
        (status = 201, description = "Stored", body = MessageDto),
        (status = 200, description = "The same message was sent before (idempotent)", body = MessageDto),
        (status = 400, description = "The body is not JSON"),
        (status = 401, description = "No valid token"),
        (status = 403, description = "The role may not take messages in; or a session's write from another origin"),
        (status = 409, description = "The external_id was sent before with other content"),
        (status = 413, description = "Body over 256 KiB"),
        (status = 415, description = "A body not sent as `application/json`"),
        (status = 422, description = "Invalid field, unknown field, or detected_at in the future"),
    ),
    security(("bearer" = []))
)]
pub async fn create(
    ApiCtx(ctx): ApiCtx,
    ApiCaller(caller): ApiCaller,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<MessageDto>), ApiError> {
    let msg: NewMessage = parse_json(&body)?;
    let (status, id) = match intake(&ctx, msg, &caller).await? {
        Intake::Created(id) => (StatusCode::CREATED, id),
        Intake::Existing(id) => (StatusCode::OK, id),
    };
    Ok((status, Json(query::message(&ctx, &caller, id).await?)))
}

/// One message with its drafts, publications, files, journal and deadlines.
#[utoipa::path(
    get, path = "/api/v1/messages/{id}", tag = "messages",
    params(("id" = i64, Path, description = "Message id")),
    responses(
        (status = 200, body = MessageDetailDto),
        (status = 401, description = "No valid token"),
        (status = 403, description = "Another department's message (executor)"),
        (status = 404, description = "No such message"),
        (status = 422, description = "The id is not a 64-bit integer"),
    ),
    security(("bearer" = []))
)]
pub async fn get(
    ApiCtx(ctx): ApiCtx,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<MessageDetailDto>, ApiError> {
    Ok(Json(query::detail(&ctx, &caller, MessageId(id)).await?))
}

/// The messages the caller may see, the most pressing first.
#[utoipa::path(
    get, path = "/api/v1/messages", tag = "messages",
    params(MessageFilter),
    responses(
        (status = 200, body = Vec<MessageDto>,
         headers(("X-Next-Cursor" = String,
                  description = "Present when there is a next page: pass it as `cursor`"))),
        (status = 401, description = "No valid token"),
        (status = 422, description = "Unknown state in `status`, a bad `cursor`, or a parameter of the wrong type"),
    ),
    security(("bearer" = []))
)]
pub async fn list(
    ApiCtx(ctx): ApiCtx,
    ApiCaller(caller): ApiCaller,
    filter: Result<Query<MessageFilter>, axum::extract::rejection::QueryRejection>,
) -> Result<(axum::http::HeaderMap, Json<Vec<MessageDto>>), ApiError> {
    let Query(filter) = filter.map_err(|e| {
        AppError::validation("query", format!("Неверный фильтр: {}", e.body_text()))
    })?;
    let page = query::list(&ctx, &caller, &filter).await?;
    let mut headers = axum::http::HeaderMap::new();
    if let Some(next) = page.next {
        if let Ok(value) = axum::http::HeaderValue::from_str(&next.to_string()) {
            headers.insert("x-next-cursor", value);
        }
    }
    Ok((headers, Json(page.items)))
}

/// Takes a workflow action on a message; the body carries the action's fields.
#[utoipa::path(
    post, path = "/api/v1/messages/{id}/{action}", tag = "workflow",
    params(
        ("id" = i64, Path, description = "Message id"),
        ("action" = ActionKind, Path, description = "assign, return, send_back, reject, submit_draft, approve, request_revision, publish, author_replied, set_urgent, set_topic, link, unlink"),
    ),
    request_body(content = ActionBody, description = "Only the fields of this action (the `action` tag may be left out: the path names it) and an optional `version` (409 when stale). An empty body is `{}`. `publish` takes either `link` (and `published_at`): published by hand; or `\"via\": \"network\"`: the server sends the approved answer through the network's API (VK, Telegram, MAX) with the administration's connection and records the link and time the network returns."),
    responses(
        (status = 200, description = "Done; the message after the action", body = MessageDto),
        (status = 400, description = "The body is not JSON"),
        (status = 401, description = "No valid token"),
        (status = 403, description = "The role (or this user) may not take this action; or a session's write from another origin"),
        (status = 404, description = "No such message or action"),
        (status = 409, description = "Not possible in the current state, or a stale version"),
        (status = 413, description = "Body over 256 KiB"),
        (status = 415, description = "A body not sent as `application/json`"),
        (status = 422, description = "Missing or invalid field, or an id that is not a 64-bit integer; with `via`: the network has no API, is not connected, or the post's link cannot be read"),
        (status = 502, description = "With `via`: the network refused or did not answer; `error.message` gives its reason in Russian. The message stays `approved` and the request stays in the outbox (retried where that is safe)"),
    ),
    security(("bearer" = []))
)]
pub async fn act(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiCaller(caller): ApiCaller,
    ApiPath((id, action)): ApiPath<(i64, String)>,
    JsonBody(body): JsonBody,
) -> Result<Json<MessageDto>, ApiError> {
    let action = ActionKind::from_name(&action)
        .filter(|a| *a != ActionKind::Intake)
        .ok_or_else(|| AppError::NotFound(format!("Неизвестное действие «{action}»")))?;
    take(&state, &ctx, &caller, id, action, &body).await
}

/// The body of `link`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // documentation only: read as the `link` command
pub struct LinkBody {
    /// The message this one is the same problem as: its case's lead, or any post of it
    /// (the post then joins that case's lead).
    to: i64,
    /// The version the caller saw (409 when stale).
    version: Option<i64>,
}

/// The body of `unlink`: empty, or the version the caller saw.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // documentation only
pub struct UnlinkBody {
    /// The version the caller saw (409 when stale).
    version: Option<i64>,
}

/// Links the message to another as the same problem: a case with one lead, where the
/// draft and the approval happen once; each post keeps its own deadlines and is published
/// on its own. Coordinators only.
#[utoipa::path(
    post, path = "/api/v1/messages/{id}/link", tag = "cases",
    params(("id" = i64, Path, description = "The message to link (it becomes a post of the case)")),
    request_body(content = LinkBody, description = "`{\"to\": LEAD_ID}`"),
    responses(
        (status = 200, description = "Linked; the message after it, with `case`", body = MessageDto),
        (status = 400, description = "The body is not JSON"),
        (status = 401, description = "No valid token"),
        (status = 403, description = "Not a coordinator; or a session's write from another origin"),
        (status = 404, description = "No such message"),
        (status = 409, description = "Refused by the case rules, in Russian: a cycle, a closed message, a message already in a case or leading posts, a case past approval; or a stale version"),
        (status = 413, description = "Body over 256 KiB"),
        (status = 415, description = "A body not sent as `application/json`"),
        (status = 422, description = "`to` missing, the message itself, unknown, or of another administration; or an id that is not a 64-bit integer"),
    ),
    security(("bearer" = []))
)]
pub async fn link(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    JsonBody(body): JsonBody,
) -> Result<Json<MessageDto>, ApiError> {
    take(&state, &ctx, &caller, id, ActionKind::Link, &body).await
}

/// Unlinks a post from its case (until the case's draft is approved). Coordinators only.
#[utoipa::path(
    post, path = "/api/v1/messages/{id}/unlink", tag = "cases",
    params(("id" = i64, Path, description = "A post of a case")),
    request_body(content = UnlinkBody, description = "`{}` or an empty body"),
    responses(
        (status = 200, description = "Unlinked; the message after it (`case`: null)", body = MessageDto),
        (status = 400, description = "The body is not JSON"),
        (status = 401, description = "No valid token"),
        (status = 403, description = "Not a coordinator; or a session's write from another origin"),
        (status = 404, description = "No such message"),
        (status = 409, description = "Not a post of a case, or the case's draft is approved; or a stale version"),
        (status = 413, description = "Body over 256 KiB"),
        (status = 415, description = "A body not sent as `application/json`"),
        (status = 422, description = "A field that is not `version`, or an id that is not a 64-bit integer"),
    ),
    security(("bearer" = []))
)]
pub async fn unlink(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    JsonBody(body): JsonBody,
) -> Result<Json<MessageDto>, ApiError> {
    take(&state, &ctx, &caller, id, ActionKind::Unlink, &body).await
}

/// Takes `action` with the raw `body` on message `id`.
async fn take(
    state: &AppState,
    ctx: &app::service::ctx::Ctx,
    caller: &app::service::messages::Caller,
    id: i64,
    action: ActionKind,
    body: &[u8],
) -> Result<Json<MessageDto>, ApiError> {
    let body: serde_json::Map<String, serde_json::Value> =
        if body.iter().all(u8::is_ascii_whitespace) {
            serde_json::Map::new()
        } else {
            parse_json(body)?
        };
    if let Some(version) = app::dto::action::read_via(action, &body)? {
        let id = MessageId(id);
        return Ok(Json(
            app::service::publishing::publish(ctx, &state.networks, id, version, caller).await?,
        ));
    }
    let (version, cmd) = app::dto::action::read_action(action, body)?;
    Ok(Json(
        transition::act_on(ctx, MessageId(id), version, cmd, caller).await?,
    ))
}

/// The list's filters as a file, for the one format.
async fn export(
    ctx: app::service::ctx::Ctx,
    caller: app::service::messages::Caller,
    filter: MessageFilter,
    format: export::FileFormat,
) -> Result<axum::response::Response, ApiError> {
    let bytes = export::file(&ctx, &caller, &filter, format).await?;
    let day = ctx.now.with_timezone(&ctx.tz()).format("%Y-%m-%d");
    Ok(match format {
        export::FileFormat::Xlsx => super::reports::download(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            (format!("messages-{day}.xlsx"), bytes),
        ),
        export::FileFormat::Csv => super::reports::download(
            "text/csv; charset=utf-8",
            (format!("messages-{day}.csv"), bytes),
        ),
    })
}

/// The list as an Excel workbook (sheet «Сообщения»): every message the filters select,
/// in the list's order, up to 5,000; `limit`, `offset` and `cursor` are ignored.
#[utoipa::path(
    get, path = "/api/v1/messages.xlsx", tag = "messages",
    params(MessageFilter),
    responses(
        (status = 200, description = "The workbook",
         content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         body = Vec<u8>),
        (status = 401, description = "No valid token"),
        (status = 422, description = "Unknown state in `status`, a date not in YYYY-MM-DD, `to` before `from`, or a parameter of the wrong type"),
    ),
    security(("bearer" = []))
)]
pub async fn list_xlsx(
    ApiCtx(ctx): ApiCtx,
    ApiCaller(caller): ApiCaller,
    ApiQuery(filter): ApiQuery<MessageFilter>,
) -> Result<axum::response::Response, ApiError> {
    export(ctx, caller, filter, export::FileFormat::Xlsx).await
}

/// The list as CSV (UTF-8 with BOM, `;`), as [`list_xlsx`].
#[utoipa::path(
    get, path = "/api/v1/messages.csv", tag = "messages",
    params(MessageFilter),
    responses(
        (status = 200, description = "The table", content_type = "text/csv", body = String),
        (status = 401, description = "No valid token"),
        (status = 422, description = "Unknown state in `status`, a date not in YYYY-MM-DD, `to` before `from`, or a parameter of the wrong type"),
    ),
    security(("bearer" = []))
)]
pub async fn list_csv(
    ApiCtx(ctx): ApiCtx,
    ApiCaller(caller): ApiCaller,
    ApiQuery(filter): ApiQuery<MessageFilter>,
) -> Result<axum::response::Response, ApiError> {
    export(ctx, caller, filter, export::FileFormat::Csv).await
}
