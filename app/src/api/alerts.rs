//! The signed-in user's deadline alerts: the bell's count, the list, marking read, and the
//! choice to get them by e-mail.

use crate::dto::live::AlertsDto;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
async fn me() -> Result<(crate::service::state::AppState, crate::domain::ids::UserId), AppError> {
    let state = crate::api::ssr::state()?;
    let caller = crate::api::ssr::caller(&state).await?;
    let user = caller.user.ok_or(AppError::Unauthorized)?;
    Ok((state, user))
}

/// How many of the user's alerts are unread (the bell).
#[server(prefix = "/serverfn", endpoint = "alerts_unread")]
pub async fn unread_alerts() -> Result<i64, AppError> {
    use crate::api::ssr::finish;
    finish(
        async {
            let (state, user) = me().await?;
            crate::service::alerts::unread(&state.pool, user).await
        }
        .await,
    )
}

/// The user's newest alerts and e-mail choice.
#[server(prefix = "/serverfn", endpoint = "alerts")]
pub async fn my_alerts() -> Result<AlertsDto, AppError> {
    use crate::api::ssr::finish;
    finish(
        async {
            let (state, user) = me().await?;
            crate::service::alerts::list(&state.pool, user).await
        }
        .await,
    )
}

/// Marks alert `id` read, or all of them without an id.
#[server(prefix = "/serverfn", endpoint = "alerts_read")]
pub async fn mark_alerts_read(#[server(default)] id: Option<i64>) -> Result<(), AppError> {
    use crate::api::ssr::finish;
    finish(
        async {
            let (state, user) = me().await?;
            crate::service::alerts::mark_read(&state.pool, user, id, state.clock.now()).await
        }
        .await,
    )
}

/// Stores the user's e-mail address and whether alerts go there.
#[server(prefix = "/serverfn", endpoint = "alerts_email")]
pub async fn save_alert_email(
    #[server(default)] email: String,
    #[server(default)] email_alerts: Option<String>,
) -> Result<(), AppError> {
    use crate::api::ssr::finish;
    finish(
        async {
            let (state, user) = me().await?;
            let wanted = email_alerts.is_some_and(|v| v == "on" || v == "true" || v == "1");
            crate::service::alerts::set_email(&state.pool, user, Some(email), wanted).await
        }
        .await,
    )
}
