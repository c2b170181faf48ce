//! Reports (issue 18): the report page and a person's own figures. The rules (who may
//! read, the period, the figures) live in `service::reports`; these are the doors.

use crate::dto::report::{MyFigures, ReportPage, ReportQuery};
use crate::error::AppError;
use leptos::prelude::*;

/// The report page for a period and grouping (observer, coordinator, admin, authority).
#[server(prefix = "/serverfn", endpoint = "reports")]
pub async fn reports_page(#[server(default)] query: ReportQuery) -> Result<ReportPage, AppError> {
    crate::api::ssr::signed_in(|ctx, caller| async move {
        crate::service::reports::page(&ctx, &caller, &query).await
    })
    .await
}

/// The signed-in person's own figures for this month («Мои показатели»).
#[server(prefix = "/serverfn", endpoint = "reports/mine")]
pub async fn own_figures() -> Result<MyFigures, AppError> {
    crate::api::ssr::signed_in(|ctx, caller| async move {
        crate::service::reports::mine(&ctx, &caller).await
    })
    .await
}

/// The live board: per administration, open, due soon, overdue and answered today (the
/// regional roles see every administration; others who read reports, their own).
#[server(prefix = "/serverfn", endpoint = "board")]
pub async fn board() -> Result<Vec<crate::dto::board::BoardRow>, AppError> {
    crate::api::ssr::signed_in(|ctx, caller| async move {
        crate::service::board::board(&ctx, &caller).await
    })
    .await
}
