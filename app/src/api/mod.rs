//! Server functions by resource: the UI's doors into the service layer. Each has an explicit
//! `/serverfn/...` URL (stable for tests and logs; `/api/v1` is the public REST API).

/// Administration: users, calendar, settings, tokens.
pub mod admin;
/// The user's deadline alerts.
pub mod alerts;
/// Sign-in, sign-out, the current user.
pub mod auth;
/// The countdowns' setup (time, calendar, limits).
pub mod live;
/// Messages: list, detail, workflow actions.
pub mod messages;

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    //! Helpers every server function uses on the server.
    use crate::error::AppError;
    use crate::service::state::AppState;

    /// The application state provided by `leptos_routes`.
    pub fn state() -> Result<AppState, AppError> {
        leptos::prelude::use_context::<AppState>().ok_or_else(|| {
            tracing::error!("AppState missing from the Leptos context");
            AppError::Internal
        })
    }

    /// The request's session.
    pub async fn session() -> Result<tower_sessions::Session, AppError> {
        leptos_axum::extract::<tower_sessions::Session>()
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "no session layer");
                AppError::Internal
            })
    }

    /// The client address the server's middleware found for this request.
    pub async fn client_addr() -> Result<crate::service::auth::ClientAddr, AppError> {
        leptos_axum::extract::<axum::Extension<crate::service::auth::ClientAddr>>()
            .await
            .map(|axum::Extension(addr)| addr)
            .map_err(|e| {
                tracing::error!(error = %e, "no client address layer");
                AppError::Internal
            })
    }

    /// The signed-in user as a service caller, or `Unauthorized`.
    pub async fn caller(state: &AppState) -> Result<crate::service::messages::Caller, AppError> {
        let user = crate::service::auth::session_user(&state.pool, &session().await?)
            .await?
            .ok_or(AppError::Unauthorized)?;
        Ok(crate::service::messages::Caller::person(&user))
    }

    /// Sets the HTTP status of a failed server function to the error's status.
    pub fn finish<T>(result: Result<T, AppError>) -> Result<T, AppError> {
        if let Err(e) = &result {
            if let Some(opts) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                if let Ok(code) = axum::http::StatusCode::from_u16(e.status()) {
                    opts.set_status(code);
                }
            }
        }
        result
    }
}
