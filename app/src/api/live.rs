//! What the pages need to tick countdowns in the browser.

use crate::dto::calendar::LiveSetup;
use crate::error::AppError;
use leptos::prelude::*;

/// The server's time, the schedule, the production calendar around now, network limits.
#[server(prefix = "/serverfn", endpoint = "live_setup")]
pub async fn load_live_setup() -> Result<LiveSetup, AppError> {
    use crate::api::ssr::{caller, finish, state};
    finish(
        async {
            let state = state()?;
            caller(&state).await?;
            let now = state.clock.now();
            let cal = crate::service::calendar::load(&state.pool).await?;
            Ok(LiveSetup {
                now,
                schedule: cal.schedule().clone(),
                production: cal.production().window(LiveSetup::years(now)),
                limits: crate::service::settings::network_limits(&state.pool).await?,
                templates: crate::service::settings::templates(&state.pool).await?,
                due_soon_percent: crate::service::alerts::settings(&state.pool)
                    .await?
                    .due_soon_percent,
                last_event_id: crate::service::events::last_journal_id(&state.pool).await?,
            })
        }
        .await,
    )
}
