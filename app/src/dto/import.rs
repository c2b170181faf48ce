//! The CSV import's per-row report (`POST /api/v1/import`, the import page).

use crate::domain::ids::MessageId;
use serde::{Deserialize, Serialize};

/// What happened to one row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum RowOutcome {
    /// A new message was stored.
    Imported {
        /// The new message.
        message_id: MessageId,
    },
    /// The same message had been taken in before (earlier import, API, or this file).
    Duplicate {
        /// The existing message.
        message_id: MessageId,
    },
    /// The row was not imported.
    Refused {
        /// Why, in Russian.
        error: String,
    },
}

/// The outcome of one data row of the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RowReport {
    /// The line number in the file where the row starts (the header is line 1).
    pub line: usize,
    /// The row's `external_id`, if it had one.
    pub external_id: Option<String>,
    /// What happened.
    #[serde(flatten)]
    pub outcome: RowOutcome,
}

/// The result of an import: totals and every data row in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ImportReport {
    /// Rows stored as new messages.
    pub imported: usize,
    /// Rows that repeated a message already taken in.
    pub duplicates: usize,
    /// Rows not imported.
    pub refused: usize,
    /// Every data row, in file order.
    pub rows: Vec<RowReport>,
}
