//! The REST API's error body: `{"error": {"code", "message"[, "field"]}}` with a 4xx/5xx
//! status. Service errors (`AppError`) and request-shape errors map here once.

use app::error::AppError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// An error answered by the API.
#[derive(Debug)]
pub enum ApiError {
    /// A service error: its status and code.
    App(AppError),
    /// A request the service never saw (bad JSON, too large, unknown route).
    Http {
        /// The status.
        status: StatusCode,
        /// Machine-readable code.
        code: &'static str,
        /// Russian message.
        message: String,
    },
}

impl ApiError {
    /// A request-shape error.
    pub fn http(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self::Http {
            status,
            code,
            message: message.into(),
        }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        Self::App(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::App(e) => {
                let status =
                    StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                let mut body = json!({ "code": e.code(), "message": e.to_string() });
                if let AppError::Validation { field, .. } = &e {
                    body["field"] = json!(field);
                }
                (status, Json(json!({ "error": body }))).into_response()
            }
            ApiError::Http {
                status,
                code,
                message,
            } => (
                status,
                Json(json!({ "error": { "code": code, "message": message } })),
            )
                .into_response(),
        }
    }
}

/// Parses a JSON body: malformed JSON is 400, a well-formed body of the wrong shape
/// (unknown field, wrong type, missing field) is 422.
pub fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        use serde_json::error::Category;
        match e.classify() {
            Category::Data => ApiError::App(AppError::validation(
                "body",
                format!("Неверные данные запроса: {e}"),
            )),
            Category::Syntax | Category::Eof | Category::Io => ApiError::http(
                StatusCode::BAD_REQUEST,
                "bad_request",
                format!("Тело запроса — не корректный JSON: {e}"),
            ),
        }
    })
}

/// 404 for any path under `/api/v1` that names no route.
pub async fn no_route() -> ApiError {
    ApiError::http(
        StatusCode::NOT_FOUND,
        "not_found",
        "Такого адреса в API нет (см. /api/v1/openapi.json)",
    )
}

/// Turns every error answer under `/api/v1` that is not already the JSON error — axum's
/// own refusals: a body over the limit (413), a method the route does not have (405), a
/// range a file does not have (416) — into it, keeping the headers (`Allow`,
/// `Content-Range`).
pub async fn json_errors(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if is_json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (code, message) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "Тело запроса слишком большое"),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "Этот метод не поддерживается по этому адресу (см. заголовок Allow)",
        ),
        StatusCode::RANGE_NOT_SATISFIABLE => (
            "range_not_satisfiable",
            "Запрошенный диапазон байтов вне файла",
        ),
        s if s.is_server_error() => ("internal", "Внутренняя ошибка сервера. Попробуйте ещё раз."),
        _ => ("bad_request", "Запрос не удалось обработать"),
    };
    let mut json = ApiError::http(status, code, message).into_response();
    for (name, value) in response.headers() {
        if name != CONTENT_TYPE && name != CONTENT_LENGTH {
            json.headers_mut().insert(name.clone(), value.clone());
        }
    }
    json
}
