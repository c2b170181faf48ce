//! The report on the wire (issue 18): `GET /api/v1/reports` and the report page.

use crate::domain::report::ReportRow;
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

/// The report's query: the period (inclusive days in the deployment's time zone; this
/// month when absent) and the grouping (`department`, `executor`, `topic`, `network`,
/// `none`; `none` when absent).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct ReportQuery {
    /// The first day, `YYYY-MM-DD`.
    #[cfg_attr(feature = "ssr", param(format = Date))]
    pub from: Option<String>,
    /// The last day, `YYYY-MM-DD`.
    #[cfg_attr(feature = "ssr", param(format = Date))]
    pub to: Option<String>,
    /// `department`, `executor`, `topic`, `network` or `none`.
    pub by: Option<String>,
}

/// A report: the period, the grouping, the rows and the total.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReportDto {
    /// The first day of the period.
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = Date))]
    pub from: NaiveDate,
    /// The last day of the period.
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = Date))]
    pub to: NaiveDate,
    /// The grouping.
    pub by: String,
    /// When the report was made (the "overdue now" column is as of this instant).
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = DateTime))]
    pub generated_at: DateTime<FixedOffset>,
    /// One row per group, by label (the unset group last); empty for `none`.
    pub rows: Vec<ReportRow>,
    /// The total over the period.
    pub total: ReportRow,
}
