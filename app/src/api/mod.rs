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
/// Reports: the report page, a person's own figures.
pub mod reports;

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
        use crate::service::auth::{Signed, CHANGE_PASSWORD_FIRST};
        match crate::service::auth::signed(&state.pool, &session().await?).await? {
            Signed::In(user) => Ok(crate::service::messages::Caller::person(&user)),
            Signed::MustChangePassword(_) => {
                Err(AppError::Forbidden(CHANGE_PASSWORD_FIRST.to_owned()))
            }
            Signed::Out => Err(AppError::Unauthorized),
        }
    }

    /// The door of a server function for a signed-in user: builds the request's [`Ctx`]
    /// and [`Caller`] once, runs `f`, and sets the HTTP status of an error.
    ///
    /// [`Ctx`]: crate::service::ctx::Ctx
    /// [`Caller`]: crate::service::messages::Caller
    pub async fn signed_in<T, F, Fut>(f: F) -> Result<T, AppError>
    where
        F: FnOnce(crate::service::ctx::Ctx, crate::service::messages::Caller) -> Fut,
        Fut: std::future::Future<Output = Result<T, AppError>>,
    {
        finish(
            async {
                let state = state()?;
                let caller = caller(&state).await?;
                let ctx = crate::service::ctx::Ctx::of(&state).await?;
                f(ctx, caller).await
            }
            .await,
        )
    }

    /// The door of a server function for the admin only: the admin and what they manage.
    pub async fn as_admin<T, F, Fut>(f: F) -> Result<T, AppError>
    where
        F: FnOnce(crate::service::ctx::Ctx, crate::service::admin::Admin) -> Fut,
        Fut: std::future::Future<Output = Result<T, AppError>>,
    {
        signed_in(|ctx, caller| async move {
            match (caller.role, caller.user) {
                (crate::domain::role::Role::Admin, Some(id)) => {
                    let scope = caller.scope();
                    f(ctx, crate::service::admin::Admin { id, scope }).await
                }
                _ => Err(AppError::Forbidden(ADMIN_ONLY.to_owned())),
            }
        })
        .await
    }

    /// Refusal of an admin function to anyone else.
    pub use crate::api::admin::ADMIN_ONLY;

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
