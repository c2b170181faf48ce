//! What the pages need to tick countdowns in the browser.

use crate::dto::calendar::LiveSetup;
use crate::error::AppError;
use leptos::prelude::*;

/// The server's time, the schedule, the production calendar around now, network limits.
#[server(prefix = "/serverfn", endpoint = "live_setup")]
pub async fn load_live_setup() -> Result<LiveSetup, AppError> {
    crate::api::ssr::signed_in(|ctx, caller| async move {
        // The caller's administration's calendar and settings tick their countdowns.
        let ctx = ctx.for_caller(&caller);
        let now = ctx.now;
        Ok(LiveSetup {
            now,
            schedule: ctx.cal.schedule().clone(),
            production: ctx.cal.production().window(LiveSetup::years(now)),
            limits: ctx.settings.limits.clone(),
            templates: ctx.settings.templates.clone(),
            due_soon_percent: ctx.settings.alerts.due_soon_percent,
            last_event_id: crate::service::events::last_journal_id(&ctx.pool).await?,
        })
    })
    .await
}
