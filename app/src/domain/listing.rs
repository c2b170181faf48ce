//! What the message list sorts, filters and pages by, as pure rules: the keys a message
//! keeps for the list (derived from its deadline ledger, stored with it in the same
//! transaction as every change that moves them), who may see which message, and the
//! paging cursor. The database compares instants; the rules live here.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::calendar::WorkingCalendar;
use super::deadline::{next_due, Deadline, DeadlineRule};
use super::ids::{DepartmentId, MessageId, UserId};
use super::role::Role;
use super::workflow::MessageState;

/// The sort key of an active message with no running deadline (after every due instant).
pub const SORT_ACTIVE_WITHOUT_DEADLINE: i64 = 253_402_300_798;
/// The sort key of a closed message (answered, returned, rejected): last.
pub const SORT_CLOSED: i64 = 253_402_300_799;

/// What the list needs of one message, derived from its state and deadlines. Instants
/// are unix seconds (the database compares them as integers on every backend).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListKeys {
    /// The earliest due instant among its running deadlines.
    pub next_due_at: Option<i64>,
    /// The rule of the stage deadline (`new` → `return_by`, `in_work` → `draft_by`, …)
    /// while it runs.
    pub stage_rule: Option<DeadlineRule>,
    /// From this instant on a running deadline is due soon or overdue (the «Эскалация»
    /// list): the earliest instant where one enters its last `due_soon_percent`.
    pub due_soon_at: Option<i64>,
    /// After this instant a running deadline is overdue (working time has passed since
    /// its due instant): the «Просроченные» filter.
    pub overdue_after: Option<i64>,
    /// The list's order: running deadlines first, the earliest due first; then active
    /// messages without one; then closed ones ([`SORT_ACTIVE_WITHOUT_DEADLINE`],
    /// [`SORT_CLOSED`]). Ties: the newest message first.
    pub sort_key: i64,
}

/// The list keys of a message in `state` with deadline ledger `ledger`.
pub fn list_keys(
    state: MessageState,
    ledger: &[Deadline],
    due_soon_percent: u8,
    cal: &WorkingCalendar,
) -> ListKeys {
    let running: Vec<&Deadline> = ledger.iter().filter(|d| d.is_running()).collect();
    let next = next_due(ledger);
    let due_soon_at = running
        .iter()
        .map(|d| {
            let budget = cal.between(d.started_at, d.due_at);
            // remaining * 100 <= budget * percent  ⇔  remaining <= ⌊budget * percent / 100⌋
            let secs = budget * i64::from(due_soon_percent) / 100;
            cal.remaining_at_most(d.due_at, secs).timestamp()
        })
        .min();
    let overdue_after = running
        .iter()
        .map(|d| cal.overdue_after(d.due_at).timestamp())
        .min();
    let stage_rule = state
        .stage_deadline()
        .filter(|rule| running.iter().any(|d| d.rule == *rule));
    let sort_key = match (next, state.is_active()) {
        (Some(d), _) => d.due_at.timestamp(),
        (None, true) => SORT_ACTIVE_WITHOUT_DEADLINE,
        (None, false) => SORT_CLOSED,
    };
    ListKeys {
        next_due_at: next.map(|d| d.due_at.timestamp()),
        stage_rule,
        due_soon_at,
        overdue_after,
        sort_key,
    }
}

impl ListKeys {
    /// Whether a running deadline is overdue at `now`.
    pub fn overdue(&self, now: DateTime<Utc>) -> bool {
        self.overdue_after.is_some_and(|t| now.timestamp() > t)
    }

    /// Whether a running deadline is due soon or overdue at `now` (escalation).
    pub fn pressing(&self, now: DateTime<Utc>) -> bool {
        self.due_soon_at.is_some_and(|t| now.timestamp() >= t)
    }
}

/// Which messages a caller may read (SPEC "Roles"): an executor those of their department
/// and those assigned to them; every other role all of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visibility {
    /// Every message.
    All,
    /// The executor's own: assigned to `user`, or of `department`.
    Executor {
        /// The executor (none for an executor token: it sees nothing by assignment).
        user: Option<UserId>,
        /// Their department.
        department: Option<DepartmentId>,
    },
}

impl Visibility {
    /// The visibility of a caller with `role`, `user` and `department`.
    pub fn of(role: Role, user: Option<UserId>, department: Option<DepartmentId>) -> Self {
        match role {
            Role::Executor => Visibility::Executor { user, department },
            Role::Admin
            | Role::Coordinator
            | Role::Authority
            | Role::Observer
            | Role::RegionalObserver => Visibility::All,
        }
    }

    /// Whether a message with this assignee and department is visible.
    pub fn allows(&self, assignee: Option<UserId>, department: Option<DepartmentId>) -> bool {
        match *self {
            Visibility::All => true,
            Visibility::Executor {
                user,
                department: own,
            } => (user.is_some() && assignee == user) || (own.is_some() && department == own),
        }
    }
}

/// Where a page of the list continues: after the message with this sort key and id
/// (keyset paging: rows changing underneath never make a page skip or repeat a row that
/// did not move). Written as `<sort_key>.<id>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Cursor {
    /// The last row's sort key.
    pub sort_key: i64,
    /// The last row's id.
    pub id: MessageId,
}

impl Cursor {
    /// The cursor after a row.
    pub fn after(sort_key: i64, id: MessageId) -> Self {
        Self { sort_key, id }
    }

    /// Whether a row with `sort_key` and `id` comes after the cursor in the list's order
    /// (sort key ascending, then the newest first).
    pub fn precedes(&self, sort_key: i64, id: MessageId) -> bool {
        sort_key > self.sort_key || (sort_key == self.sort_key && id.0 < self.id.0)
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.sort_key, self.id.0)
    }
}

impl std::str::FromStr for Cursor {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("Неверный курсор «{s}»: ожидается значение X-Next-Cursor из ответа");
        let (key, id) = s.trim().split_once('.').ok_or_else(bad)?;
        Ok(Self {
            sort_key: key.parse().map_err(|_| bad())?,
            id: MessageId(id.parse().map_err(|_| bad())?),
        })
    }
}

/// The words of a search, lowercased, `ё` read as `е`: what both the index and the query
/// are normalised to (SQLite's `lower()` folds ASCII only; «Дорога» must find «дорога»).
pub fn search_words(text: &str) -> Vec<String> {
    normalise_search(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `text` lowercased with `ё` as `е`, for the search index.
pub fn normalise_search(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ё' { 'е' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::deadline::{DeadlineSettings, Outcome, Priority};
    use chrono::TimeZone;
    use chrono_tz::Europe::Moscow;

    fn msk(d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Moscow
            .with_ymd_and_hms(2026, 3, d, h, mi, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn start(rule: DeadlineRule, at: DateTime<Utc>, cal: &WorkingCalendar) -> Deadline {
        Deadline::start(
            rule,
            at,
            Priority::Normal,
            &DeadlineSettings::default(),
            cal,
        )
        .unwrap()
    }

    #[test]
    fn keys_follow_the_running_deadlines() {
        let cal = WorkingCalendar::standard().unwrap();
        let t = msk(16, 10, 0);
        let mut ledger = vec![
            start(DeadlineRule::ReturnBy, t, &cal),
            start(DeadlineRule::DraftBy, t, &cal),
            start(DeadlineRule::AnswerBy, t, &cal),
        ];
        let k = list_keys(MessageState::New, &ledger, 25, &cal);
        assert_eq!(k.next_due_at, Some(msk(16, 10, 30).timestamp()));
        assert_eq!(k.sort_key, msk(16, 10, 30).timestamp());
        assert_eq!(k.stage_rule, Some(DeadlineRule::ReturnBy));
        // return_by's last quarter (7.5 min → 7 min 30 s) starts at 10:22:30.
        assert_eq!(k.due_soon_at, Some(msk(16, 10, 22).timestamp() + 30));
        assert_eq!(k.overdue_after, Some(msk(16, 10, 30).timestamp()));
        assert!(!k.pressing(msk(16, 10, 22)));
        assert!(k.pressing(msk(16, 10, 23)));
        assert!(!k.overdue(msk(16, 10, 30)));
        assert!(k.overdue(msk(16, 10, 31)));
        // Taken into work: return_by closes, draft_by is the stage.
        ledger[0].done_at = Some(msk(16, 10, 5));
        ledger[0].outcome = Some(Outcome::Met);
        let k = list_keys(MessageState::InWork, &ledger, 25, &cal);
        assert_eq!(k.stage_rule, Some(DeadlineRule::DraftBy));
        assert_eq!(k.next_due_at, Some(msk(16, 15, 48).timestamp()));
        // draft_by due 15:48 (5 h budget): due soon from 14:33 (1 h 15 min left).
        assert_eq!(k.due_soon_at, Some(msk(16, 14, 33).timestamp()));
        // Closed: nothing runs, last in the list.
        for d in &mut ledger {
            d.done_at.get_or_insert(msk(16, 11, 0));
        }
        let k = list_keys(MessageState::Returned, &ledger, 25, &cal);
        assert_eq!(
            k,
            ListKeys {
                sort_key: SORT_CLOSED,
                ..ListKeys::default()
            }
        );
        let waiting = list_keys(MessageState::AwaitingAuthor, &ledger, 25, &cal);
        assert_eq!(waiting.sort_key, SORT_ACTIVE_WITHOUT_DEADLINE);
    }

    #[test]
    fn a_deadline_due_at_the_end_of_the_day_is_overdue_only_next_morning() {
        let cal = WorkingCalendar::standard().unwrap();
        let d = start(DeadlineRule::ReturnBy, msk(16, 17, 30), &cal);
        assert_eq!(d.due_at, msk(16, 18, 0));
        let k = list_keys(MessageState::New, &[d], 25, &cal);
        assert!(!k.overdue(msk(16, 23, 0)));
        assert!(!k.overdue(msk(17, 9, 0)));
        assert!(k.overdue(msk(17, 9, 1)));
    }

    #[test]
    fn an_executor_sees_their_department_and_their_own() {
        let v = Visibility::of(Role::Executor, Some(UserId(3)), Some(DepartmentId(1)));
        assert!(v.allows(Some(UserId(3)), Some(DepartmentId(2))));
        assert!(v.allows(None, Some(DepartmentId(1))));
        assert!(!v.allows(Some(UserId(4)), Some(DepartmentId(2))));
        assert!(!v.allows(None, None));
        let token = Visibility::of(Role::Executor, None, None);
        assert!(!token.allows(None, None));
        assert!(Visibility::of(Role::Observer, None, None).allows(None, None));
    }

    #[test]
    fn cursors_round_trip_and_order() {
        let c = Cursor::after(1_773_644_400, MessageId(42));
        assert_eq!(c.to_string(), "1773644400.42");
        assert_eq!("1773644400.42".parse::<Cursor>(), Ok(c));
        assert!("x.1".parse::<Cursor>().is_err());
        assert!("1".parse::<Cursor>().is_err());
        assert!(c.precedes(1_773_644_401, MessageId(99)));
        assert!(c.precedes(1_773_644_400, MessageId(41)));
        assert!(!c.precedes(1_773_644_400, MessageId(42)));
        assert!(!c.precedes(1_773_644_399, MessageId(1)));
    }

    #[test]
    fn search_words_fold_case_and_yo() {
        assert_eq!(
            search_words("Ёлка у «Дороги», д. 5"),
            ["елка", "у", "дороги", "д", "5"]
        );
        assert_eq!(normalise_search("ЁЖ"), "еж");
    }
}
