//! What the pages need to tick countdowns in the browser.

use crate::dto::calendar::LiveSetup;
use crate::error::AppError;
use leptos::prelude::*;

/// The server's time, the schedule, calendar corrections and network limits.
#[server(prefix = "/serverfn", endpoint = "live_setup")]
pub async fn load_live_setup() -> Result<LiveSetup, AppError> {
    use crate::api::ssr::{caller, finish, state};
    finish(
        async {
            let state = state()?;
            caller(&state).await?;
            Ok(LiveSetup {
                now: state.clock.now(),
                schedule: crate::service::calendar::schedule(&state.pool).await?,
                overrides: crate::service::calendar::overrides(&state.pool).await?,
                limits: crate::service::settings::network_limits(&state.pool).await?,
                templates: crate::service::settings::templates(&state.pool).await?,
                last_event_id: crate::service::events::last_journal_id(&state.pool).await?,
            })
        }
        .await,
    )
}
