//! Files: `POST /api/v1/messages/{id}/attachments` (multipart, field `file`) and
//! `GET /api/v1/attachments/{id}` for callers who may read the message.

use super::caller::ApiCaller;
use super::error::ApiError;
use super::extract::ApiPath;
use app::domain::ids::MessageId;
use app::dto::message::AttachmentDto;
use app::error::AppError;
use app::service::attachments;
use app::service::messages::query;
use app::service::state::AppState;
use axum::extract::{Multipart, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use tower::ServiceExt;

/// The hard cap of an upload request; the settings' per-kind limits are checked as the
/// file streams in.
pub const MAX_UPLOAD_REQUEST: usize = 1024 * 1024 * 1024;

fn dto(a: attachments::Attachment) -> AttachmentDto {
    AttachmentDto {
        id: a.id,
        url: format!("/api/v1/attachments/{}", a.id),
        mime: a.mime,
        size: a.size,
        name: a.original_name,
        draft: None,
    }
}

/// The upload's multipart form, for the OpenAPI document.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // documentation only: the handler reads the parts as a stream
pub struct UploadForm {
    /// The photo or video (JPEG, PNG, GIF, WebP, MP4, MOV, WebM; checked by content).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

fn bad_multipart(e: impl std::fmt::Display) -> ApiError {
    AppError::validation("file", format!("Не удалось прочитать загрузку: {e}")).into()
}

/// Uploads a photo or video to a message (checked by content; size limits from settings).
#[utoipa::path(
    post, path = "/api/v1/messages/{id}/attachments", tag = "attachments",
    params(("id" = i64, Path, description = "Message id")),
    request_body(content = UploadForm, content_type = "multipart/form-data", description = "One part named `file`"),
    responses(
        (status = 201, body = AttachmentDto),
        (status = 401, description = "No valid token"),
        (status = 403, description = "The role (or this user) may not attach files; or a session's write from another origin"),
        (status = 404, description = "No such message"),
        (status = 413, description = "Request over 1 GiB"),
        (status = 422, description = "Not a photo/video by content, too large, no `file` part, or an id that is not a 64-bit integer"),
    ),
    security(("bearer" = []))
)]
pub async fn upload(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(StatusCode, Json<AttachmentDto>), ApiError> {
    let message = MessageId(id);
    // Who and where first: nothing of the body is read for a caller who may not upload.
    attachments::check_upload(&state.pool, message, &caller).await?;
    let mut multipart = multipart.map_err(|e| {
        AppError::validation(
            "file",
            format!("Ожидается multipart/form-data с файлом: {e}"),
        )
    })?;
    let limits = attachments::upload_limits(&state.pool).await?;
    while let Some(mut field) = multipart.next_field().await.map_err(bad_multipart)? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("файл").to_owned();
        // Streamed to a temporary file with the size limit, never held in memory.
        let mut incoming = attachments::Incoming::start(&state.data_dir, limits, &name).await?;
        while let Some(chunk) = field.chunk().await.map_err(bad_multipart)? {
            incoming.push(&chunk).await?;
        }
        let stored = incoming
            .finish(
                &state.pool,
                &state.data_dir,
                message,
                &caller,
                state.clock.now(),
            )
            .await?;
        return Ok((StatusCode::CREATED, Json(dto(stored))));
    }
    Err(AppError::validation("file", "Выберите файл").into())
}

/// Downloads a file; only for callers who may read its message. Served with the type found
/// by content, `nosniff` and a sandboxing CSP; ranges work (video).
#[utoipa::path(
    get, path = "/api/v1/attachments/{id}", tag = "attachments",
    params(("id" = i64, Path, description = "Attachment id")),
    responses(
        (status = 200, description = "The file"),
        (status = 401, description = "No valid token"),
        (status = 403, description = "Another department's message (executor)"),
        (status = 404, description = "No such file"),
        (status = 422, description = "The id is not a 64-bit integer"),
    ),
    security(("bearer" = []))
)]
pub async fn download(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    request: Request,
) -> Result<Response, ApiError> {
    let file = attachments::get(&state.pool, id).await?;
    query::ensure_readable(&state.pool, &caller, file.message_id).await?;
    let path = attachments::file_path(&state.data_dir, &file.sha256)?;
    let mut response = tower_http::services::ServeFile::new(path)
        .oneshot(request)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "cannot serve an attachment");
            AppError::Internal
        })?
        .into_response();
    if response.status() == StatusCode::NOT_FOUND {
        tracing::error!(id, sha256 = %file.sha256, "attachment file missing on disk");
        return Err(AppError::NotFound(format!("Файл №{id} не найден")).into());
    }
    let headers = response.headers_mut();
    if let Ok(mime) = HeaderValue::from_str(&file.mime) {
        headers.insert(header::CONTENT_TYPE, mime);
    }
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=86400"),
    );
    Ok(response)
}
