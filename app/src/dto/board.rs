//! The region's live board (issue 19): per administration, what needs attention now.

use serde::{Deserialize, Serialize};

/// One administration on the board.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BoardRow {
    /// The administration's code.
    pub administration: String,
    /// Its name.
    pub name: String,
    /// Messages still open (not answered, returned or rejected).
    pub open: u32,
    /// Open messages with a deadline in the last quarter of its budget, not yet overdue.
    pub due_soon: u32,
    /// Open messages with a deadline past due.
    pub overdue: u32,
    /// Final answers published today (local day of the deployment).
    pub answered_today: u32,
}
