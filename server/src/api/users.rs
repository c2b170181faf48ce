//! `GET /api/v1/users`: who can be assigned (names, roles, departments; never secrets).

use super::caller::ApiCaller;
use super::error::ApiError;
use super::extract::ApiQuery;
use app::domain::role::Role;
use app::error::AppError;
use app::service::state::AppState;
use app::service::users::{self, UserRow};
use axum::extract::State;
use axum::Json;
use serde::Deserialize;

/// Which users.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserFilter {
    /// Only this role (`executor` for assignment).
    #[param(value_type = Option<Role>)]
    pub role: Option<String>,
}

/// Active users, by name.
#[utoipa::path(
    get, path = "/api/v1/users", tag = "users",
    params(UserFilter),
    responses(
        (status = 200, body = Vec<UserRow>),
        (status = 401, description = "No valid token"),
        (status = 422, description = "Unknown role, or an unreadable query"),
    ),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(filter): ApiQuery<UserFilter>,
) -> Result<Json<Vec<UserRow>>, ApiError> {
    let role = filter
        .role
        .as_deref()
        .map(|r| {
            Role::from_name(r)
                .ok_or_else(|| AppError::validation("role", format!("Неизвестная роль «{r}»")))
        })
        .transpose()?;
    Ok(Json(users::list(&state.pool, caller.scope(), role).await?))
}
