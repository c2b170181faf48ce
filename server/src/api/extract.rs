//! Extractors whose refusals are the API's JSON error, not axum's plain text: path and
//! query parameters that do not parse (an id over `i64`) are 422, and a body must be
//! declared as what it is (`application/json`; a CSV as `text/csv`) or it is 415 — a
//! JSON body sent as `text/plain` is what a cross-site form can send.

use super::error::ApiError;
use app::error::AppError;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

/// Path parameters; a value that does not parse is a 422 naming the parameter.
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Self(value)),
            Err(e) => Err(AppError::validation(
                "path",
                format!("Неверный параметр в адресе: {}", e.body_text()),
            )
            .into()),
        }
    }
}

/// Query parameters; ones that do not parse are a 422.
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Self(value)),
            Err(e) => Err(AppError::validation(
                "query",
                format!("Неверные параметры запроса: {}", e.body_text()),
            )
            .into()),
        }
    }
}

/// True when the request declares `Content-Type` `expected` (parameters such as
/// `charset` aside).
fn declares(headers: &HeaderMap, expected: &str) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case(expected))
}

async fn body_of(request: Request, expected: &str) -> Result<Bytes, ApiError> {
    let declared = declares(request.headers(), expected);
    let bytes = Bytes::from_request(request, &()).await.map_err(|e| {
        ApiError::http(
            e.status(),
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                "payload_too_large"
            } else {
                "bad_request"
            },
            format!("Не удалось прочитать тело запроса: {}", e.body_text()),
        )
    })?;
    if !bytes.is_empty() && !declared {
        return Err(ApiError::http(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!("Тело запроса должно быть отправлено как {expected}"),
        ));
    }
    Ok(bytes)
}

/// A JSON body, still unparsed: non-empty only as `application/json` (415 otherwise).
/// Empty is allowed (an action without fields).
pub struct JsonBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        body_of(request, "application/json").await.map(Self)
    }
}

/// A CSV body: non-empty only as `text/csv` (415 otherwise).
pub struct CsvBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for CsvBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        body_of(request, "text/csv").await.map(Self)
    }
}
