//! `GET /api/v1/events`: the live event stream (Server-Sent Events) of the journal events
//! the caller may see and of the caller's alerts. Resumes after `Last-Event-ID` (sent by
//! browsers on reconnect) or `?after=` (a fresh connection of our own page).

use super::caller::ApiCaller;
use super::error::ApiError;
use app::error::AppError;
use app::service::events::Frame;
use app::service::state::AppState;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::IntoResponse;
use serde::Deserialize;
use std::convert::Infallible;
use std::time::Duration;

/// The optional resume point.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EventsQuery {
    /// Replay the journal events after this id (as `Last-Event-ID`).
    pub after: Option<i64>,
}

/// How long a browser waits before reconnecting on its own (our page reconnects itself).
const RETRY: Duration = Duration::from_secs(2);
/// A comment line this often keeps proxies from closing an idle stream.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// The live event stream.
#[utoipa::path(
    get, path = "/api/v1/events", tag = "events",
    params(EventsQuery, ("Last-Event-ID" = Option<i64>, Header, nullable = false, description = "Resume after this journal event id")),
    responses(
        (status = 200, description = "text/event-stream: `ready` (id: the last journal id), \
`journal` (id, data: {id, message_id, action, state, at}), `alert` (the caller's alert), \
`resync` (events were lost: re-read everything)"),
        (status = 401, description = "No valid token or session"),
        (status = 422, description = "`after` or `Last-Event-ID` is not a number"),
    ),
    security(("bearer" = []))
)]
pub async fn stream(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    headers: HeaderMap,
    query: Result<Query<EventsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let Query(query) = query.map_err(|_| {
        AppError::validation("after", "Параметр after — номер события (целое число)")
    })?;
    let header = match headers.get("last-event-id") {
        Some(v) => Some(
            v.to_str()
                .ok()
                .and_then(|v| v.trim().parse::<i64>().ok())
                .ok_or_else(|| {
                    AppError::validation(
                        "Last-Event-ID",
                        "Заголовок Last-Event-ID — номер события (целое число)",
                    )
                })?,
        ),
        None => None,
    };
    let after = header.or(query.after);
    let sub = state.events.subscribe(&state.pool, caller, after).await?;
    let frames = futures_util::stream::unfold(sub, |mut sub| async move {
        let frame = sub.next().await?;
        Some((Ok::<_, Infallible>(sse(frame)), sub))
    });
    Ok(Sse::new(frames).keep_alive(KeepAlive::new().interval(KEEP_ALIVE)))
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "{}".to_owned())
}

/// One frame as an SSE event. Only journal and ready frames carry an `id:`, so a browser's
/// `Last-Event-ID` is always a journal event id.
fn sse(frame: Frame) -> Event {
    match frame {
        Frame::Ready { last_id } => Event::default()
            .event("ready")
            .id(last_id.to_string())
            .retry(RETRY)
            .data(json(&serde_json::json!({ "last_id": last_id }))),
        Frame::Journal(notice) => Event::default()
            .event("journal")
            .id(notice.id.to_string())
            .data(json(&notice)),
        Frame::Alert(alert) => Event::default().event("alert").data(json(&alert)),
        Frame::Resync => Event::default().event("resync").data("{}"),
    }
}
