//! Who calls the API: a bearer token (`otklik token add`) or a signed-in browser session.
//! A request with an `Authorization` header is judged by the token alone.

use super::error::ApiError;
use app::error::AppError;
use app::service::messages::Caller;
use app::service::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use tower_sessions::Session;

/// The authenticated caller of an API request.
pub struct ApiCaller(pub Caller);

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(value) = parts.headers.get(AUTHORIZATION) {
            let token = value
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .ok_or(AppError::Unauthorized)?;
            let caller = app::service::auth::token_caller(&state.pool, token)
                .await?
                .ok_or(AppError::Unauthorized)?;
            return Ok(Self(caller));
        }
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::Unauthorized)?;
        use app::service::auth::{Signed, CHANGE_PASSWORD_FIRST};
        match app::service::auth::signed(&state.pool, &session).await? {
            Signed::In(user) => Ok(Self(Caller::person(&user))),
            Signed::MustChangePassword(_) => {
                Err(AppError::Forbidden(CHANGE_PASSWORD_FIRST.to_owned()).into())
            }
            Signed::Out => Err(AppError::Unauthorized.into()),
        }
    }
}

/// The request's [`app::service::ctx::Ctx`]: the pool, the time, the working calendar
/// and the settings, read once.
pub struct ApiCtx(pub app::service::ctx::Ctx);

impl FromRequestParts<AppState> for ApiCtx {
    type Rejection = ApiError;

    async fn from_request_parts(
        _parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self(app::service::ctx::Ctx::of(state).await?))
    }
}
