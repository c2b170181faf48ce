//! Request bodies must be declared as what they are (`application/json`; a CSV as
//! `text/csv`) or they are 415, with the API's JSON error: a JSON body sent as
//! `text/plain` is what a cross-site form can send.

use super::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap, StatusCode};

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
