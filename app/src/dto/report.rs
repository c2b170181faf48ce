//! The report on the wire (issue 18): `GET /api/v1/reports` and the report page.

use crate::domain::report::charts::Charts;
use crate::domain::report::rating::{RatingMethod, RatingRow};
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

/// A ready-made period offered on the report page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodPreset {
    /// «Этот месяц», «Прошлый месяц», «Квартал», «Год».
    pub label: String,
    /// The first day.
    pub from: NaiveDate,
    /// The last day.
    pub to: NaiveDate,
}

/// The monthly rating of departments as the report page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RatingDto {
    /// The first day of the rated month.
    pub month: NaiveDate,
    /// The method's parameters.
    pub method: RatingMethod,
    /// The method in Russian.
    pub statement: String,
    /// Ranked departments (administrations) first.
    pub rows: Vec<RatingRow>,
    /// Whether the rows are administrations (the region's rating) rather than departments.
    #[serde(default)]
    pub administrations: bool,
}

/// Everything the report page shows: the report, its charts, the rating of the month the
/// period ends in, and the period presets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportPage {
    /// The report.
    pub report: ReportDto,
    /// Its charts.
    pub charts: Charts,
    /// The rating of departments for the month of the period's last day.
    pub rating: RatingDto,
    /// Ready-made periods relative to today.
    pub presets: Vec<PeriodPreset>,
}

/// A person's own figures for this month («Мои показатели»).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MyFigures {
    /// The first day of the month.
    pub from: NaiveDate,
    /// Today.
    pub to: NaiveDate,
    /// The figures of the messages assigned to the person, detected in the month.
    pub row: ReportRow,
}
