//! Sign-in, sign-out and "who am I".

use crate::dto::CurrentUser;
use crate::error::AppError;
use leptos::prelude::*;

/// Signs in with login and password; on success the session cookie is set and the
/// browser is sent to `/`.
#[server(prefix = "/serverfn", endpoint = "login")]
pub async fn login(login: String, password: String) -> Result<CurrentUser, AppError> {
    use crate::api::ssr::{client_addr, finish, session, state};
    finish(
        async {
            let state = state()?;
            let client = client_addr().await?;
            let user = crate::service::auth::sign_in(
                &state.pool,
                &state.hashing,
                &login,
                &password,
                &client,
                state.clock.now(),
            )
            .await?;
            crate::service::auth::start_session(&session().await?, &user).await?;
            leptos_axum::redirect("/");
            Ok(CurrentUser::from(user))
        }
        .await,
    )
}

/// Ends the session and sends the browser to the login page.
#[server(prefix = "/serverfn", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::api::ssr::{finish, session};
    finish(
        async {
            session().await?.flush().await?;
            leptos_axum::redirect("/login");
            Ok(())
        }
        .await,
    )
}

/// The signed-in user, or `None`.
#[server(prefix = "/serverfn", endpoint = "me")]
pub async fn me() -> Result<Option<CurrentUser>, AppError> {
    use crate::api::ssr::{finish, session, state};
    finish(
        async {
            let state = state()?;
            let user = crate::service::auth::session_user(&state.pool, &session().await?).await?;
            Ok(user.map(CurrentUser::from))
        }
        .await,
    )
}
