//! What the pages need to tick countdowns in the browser.

use crate::dto::calendar::LiveSetup;
use crate::error::AppError;
use leptos::prelude::*;

/// The server's time, the schedule, the production calendar around now.
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
            due_soon_percent: ctx.settings.alerts.due_soon_percent,
            last_event_id: crate::service::events::last_journal_id(&ctx.pool).await?,
        })
    })
    .await
}

/// The draft editor's answer limits and templates (the caller's administration's).
#[server(prefix = "/serverfn", endpoint = "editor_setup")]
pub async fn editor_setup() -> Result<crate::dto::networks::EditorSetup, AppError> {
    crate::api::ssr::signed_in(|ctx, caller| async move {
        let ctx = ctx.for_caller(&caller);
        Ok(crate::dto::networks::EditorSetup {
            limits: ctx.settings.limits.clone(),
            templates: ctx.settings.templates.clone(),
        })
    })
    .await
}
