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
            let must_change =
                crate::service::auth::start_session(&state.pool, &session().await?, user.id)
                    .await?;
            leptos_axum::redirect(if must_change {
                crate::service::auth::CHANGE_PASSWORD_PATH
            } else {
                "/"
            });
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
            use crate::service::auth::Signed;
            Ok(
                match crate::service::auth::signed(&state.pool, &session().await?).await? {
                    Signed::In(user) => Some(CurrentUser::from(user)),
                    Signed::MustChangePassword(user) => Some(CurrentUser {
                        must_change_password: true,
                        ..CurrentUser::from(user)
                    }),
                    Signed::Out => None,
                },
            )
        }
        .await,
    )
}

/// The signed-in user replaces their password (also a one-time one the admin gave):
/// their other sessions end, this one goes on, and the browser is sent to `/`.
#[server(prefix = "/serverfn", endpoint = "change_password")]
pub async fn change_password(current: String, new: String, repeat: String) -> Result<(), AppError> {
    use crate::api::ssr::{finish, session, state};
    use crate::service::auth::{Signed, SESSION_EPOCH_KEY};
    finish(
        async {
            let state = state()?;
            let session = session().await?;
            let user = match crate::service::auth::signed(&state.pool, &session).await? {
                Signed::In(user) | Signed::MustChangePassword(user) => user,
                Signed::Out => return Err(AppError::Unauthorized),
            };
            if new != repeat {
                return Err(AppError::validation("repeat", "Новые пароли не совпадают"));
            }
            let epoch = crate::service::accounts::change_own(
                &state.pool,
                &state.hashing,
                user.id,
                &current,
                &new,
                state.clock.now(),
            )
            .await?;
            session.cycle_id().await?;
            session.insert(SESSION_EPOCH_KEY, epoch).await?;
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}
