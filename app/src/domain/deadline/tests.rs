//! The rules table, `due` per rule, and the helpers over recorded deadlines.

use chrono::{TimeZone, Utc};
use chrono_tz::Europe::Moscow;

use super::*;

fn msk(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Moscow
        .with_ymd_and_hms(y, mo, d, h, mi, 0)
        .unwrap()
        .with_timezone(&Utc)
}

fn cal() -> WorkingCalendar {
    WorkingCalendar::standard().unwrap()
}

#[test]
fn rules_table_is_in_declaration_order_and_ids_round_trip() {
    for (i, rule) in DeadlineRule::ALL.into_iter().enumerate() {
        assert_eq!(RULES[i].rule, rule);
        assert_eq!(rule.as_str().parse::<DeadlineRule>(), Ok(rule));
        assert_eq!(
            serde_json::to_string(&rule).unwrap(),
            format!("\"{}\"", rule.as_str())
        );
    }
    let ids: Vec<_> = DeadlineRule::ALL.iter().map(|r| r.as_str()).collect();
    assert_eq!(
        ids,
        [
            "return_by",
            "draft_by",
            "answer_by",
            "revision_by",
            "publish_by",
            "final_draft_by"
        ]
    );
    assert_eq!(DeadlineRule::DraftBy.label(), "Проект ответа");
    assert_eq!(DeadlineRule::FinalDraftBy.clause(), 10);
    let err = "soon".parse::<DeadlineRule>().unwrap_err();
    assert_eq!(err.to_string(), "Неизвестный вид срока: «soon»");
}

/// SPEC worked example and the other rules from Monday 16.03.2026 10:00.
#[test]
fn due_per_rule() {
    let (cal, s) = (cal(), DeadlineSettings::default());
    let start = msk(2026, 3, 16, 10, 0);
    let cases = [
        (
            DeadlineRule::ReturnBy,
            Priority::Normal,
            msk(2026, 3, 16, 10, 30),
        ),
        (
            DeadlineRule::DraftBy,
            Priority::Normal,
            msk(2026, 3, 16, 15, 48),
        ),
        (
            DeadlineRule::AnswerBy,
            Priority::Normal,
            msk(2026, 3, 17, 10, 48),
        ),
        (
            DeadlineRule::AnswerBy,
            Priority::Urgent,
            msk(2026, 3, 16, 14, 48),
        ),
        (
            DeadlineRule::RevisionBy,
            Priority::Normal,
            msk(2026, 3, 16, 11, 0),
        ),
        (
            DeadlineRule::PublishBy,
            Priority::Normal,
            msk(2026, 3, 16, 10, 30),
        ),
        // 7 working days after Monday 16.03: Tuesday 17.03 … Wednesday 25.03.
        (
            DeadlineRule::FinalDraftBy,
            Priority::Normal,
            msk(2026, 3, 25, 18, 0),
        ),
    ];
    for (rule, priority, expected) in cases {
        assert_eq!(
            due(rule, start, priority, &s, &cal),
            Ok(expected),
            "{rule} {priority:?}"
        );
    }
}

#[test]
fn final_draft_counts_from_the_local_date() {
    let (cal, s) = (cal(), DeadlineSettings::default());
    // 00:30 MSK on Tuesday 17.03.2026 is still Monday in UTC.
    let start = msk(2026, 3, 17, 0, 30);
    let d = due(
        DeadlineRule::FinalDraftBy,
        start,
        Priority::Normal,
        &s,
        &cal,
    )
    .unwrap();
    assert_eq!(d, msk(2026, 3, 26, 18, 0));
}

#[test]
fn settings_serde_and_defaults() {
    let s = DeadlineSettings::default();
    let json = serde_json::to_value(s).unwrap();
    assert_eq!(json["draft_by"], 18_000);
    assert_eq!(json["final_draft_working_days"], 7);
    let partial: DeadlineSettings = serde_json::from_str(r#"{"answer_by": 28800}"#).unwrap();
    assert_eq!(partial.answer_by, WorkingDuration::from_hours(8));
    assert_eq!(partial.draft_by, s.draft_by);
}

#[test]
fn verdict_remaining_and_next_due() {
    let cal = cal();
    let s = DeadlineSettings::default();
    let detected = msk(2026, 3, 16, 10, 0);
    let mut draft =
        Deadline::start(DeadlineRule::DraftBy, detected, Priority::Normal, &s, &cal).unwrap();
    let answer =
        Deadline::start(DeadlineRule::AnswerBy, detected, Priority::Normal, &s, &cal).unwrap();
    assert_eq!(draft.verdict(), None);
    assert_eq!(draft.met(), None);
    // 14:36: 1 h 12 min left.
    assert_eq!(draft.remaining(msk(2026, 3, 16, 14, 36), &cal), 72 * 60);
    // Next morning 09:35: 2 h 12 min of Monday plus 35 min of Tuesday overdue.
    assert_eq!(
        draft.remaining(msk(2026, 3, 17, 9, 35), &cal),
        -(2 * 3600 + 47 * 60)
    );
    assert_eq!(next_due(&[answer.clone(), draft.clone()]), Some(&draft));
    // Done at 16:23, 35 working minutes late: judged once, stored.
    let done = msk(2026, 3, 16, 16, 23);
    assert_eq!(
        judge(draft.due_at, done, &cal),
        (Outcome::Breached, 35 * 60)
    );
    draft.done_at = Some(done);
    draft.outcome = Some(Outcome::Breached);
    draft.late_by_secs = Some(35 * 60);
    assert_eq!(
        draft.verdict(),
        Some(Verdict::Breached { by_secs: 35 * 60 })
    );
    assert_eq!(draft.met(), Some(false));
    assert_eq!(draft.remaining(msk(2026, 3, 20, 9, 0), &cal), -35 * 60);
    assert_eq!(next_due(&[answer.clone(), draft.clone()]), Some(&answer));
    // Cancelled: neither met nor breached.
    draft.outcome = Some(Outcome::Cancelled);
    draft.late_by_secs = None;
    assert_eq!((draft.verdict(), draft.met()), (None, None));
    // Done at 18:30 against 18:00 with no working time in between: met.
    assert_eq!(
        judge(msk(2026, 3, 16, 18, 0), msk(2026, 3, 16, 18, 30), &cal),
        (Outcome::Met, 0)
    );
    let json = serde_json::to_value(Verdict::Breached { by_secs: 60 }).unwrap();
    assert_eq!(json, serde_json::json!({"breached": {"by_secs": 60}}));
}

#[test]
fn pressure_of_a_five_hour_budget_follows_the_setting() {
    let budget = 5 * 3600;
    assert_eq!(pressure(4 * 3600, budget, 25), None);
    assert_eq!(pressure(75 * 60 + 1, budget, 25), None);
    assert_eq!(pressure(75 * 60, budget, 25), Some(Pressure::DueSoon));
    assert_eq!(pressure(0, budget, 25), Some(Pressure::DueSoon));
    assert_eq!(pressure(-1, budget, 25), Some(Pressure::Overdue));
    assert_eq!(pressure(2 * 3600, budget, 50), Some(Pressure::DueSoon));
    assert_eq!(pressure(2 * 3600, budget, 0), None);
    // A closed deadline is under no pressure, however late it is now.
    let cal = cal();
    let s = DeadlineSettings::default();
    let mut d = Deadline::start(
        DeadlineRule::DraftBy,
        msk(2026, 3, 16, 10, 0),
        Priority::Normal,
        &s,
        &cal,
    )
    .unwrap();
    let late = msk(2026, 3, 18, 12, 0);
    assert_eq!(d.pressure(late, &cal, 25), Some(Pressure::Overdue));
    d.done_at = Some(msk(2026, 3, 16, 11, 0));
    d.outcome = Some(Outcome::Cancelled);
    assert_eq!(d.pressure(late, &cal, 25), None);
}

#[test]
fn urgent_messages_have_shorter_draft_and_answer_deadlines() {
    let (cal, s) = (cal(), DeadlineSettings::default());
    let start = msk(2026, 3, 16, 10, 0);
    let due = |rule, p| super::due(rule, start, p, &s, &cal).unwrap();
    // Urgent: 2 h draft (12:00) before the 4 h answer (14:48, lunch excluded); both
    // before the ordinary 5 h draft (15:48).
    assert_eq!(
        due(DeadlineRule::DraftBy, Priority::Urgent),
        msk(2026, 3, 16, 12, 0)
    );
    assert_eq!(
        due(DeadlineRule::AnswerBy, Priority::Urgent),
        msk(2026, 3, 16, 14, 48)
    );
    assert_eq!(
        due(DeadlineRule::DraftBy, Priority::Normal),
        msk(2026, 3, 16, 15, 48)
    );
    for rule in DeadlineRule::ALL {
        assert_eq!(
            rule.follows_priority(),
            due(rule, Priority::Urgent) != due(rule, Priority::Normal),
            "{rule}"
        );
    }
}
