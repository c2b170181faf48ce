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
    assert_eq!(draft.verdict(&cal), None);
    // 14:36: 1 h 12 min left.
    assert_eq!(draft.remaining(msk(2026, 3, 16, 14, 36), &cal), 72 * 60);
    // Next morning 09:35: 2 h 12 min of Monday plus 35 min of Tuesday overdue.
    assert_eq!(
        draft.remaining(msk(2026, 3, 17, 9, 35), &cal),
        -(2 * 3600 + 47 * 60)
    );
    assert_eq!(next_due(&[answer.clone(), draft.clone()]), Some(&draft));
    draft.done_at = Some(msk(2026, 3, 16, 16, 23));
    assert_eq!(
        draft.verdict(&cal),
        Some(Verdict::Breached { by_secs: 35 * 60 })
    );
    assert_eq!(draft.remaining(msk(2026, 3, 20, 9, 0), &cal), -35 * 60);
    assert_eq!(next_due(&[answer.clone(), draft.clone()]), Some(&answer));
    draft.done_at = Some(msk(2026, 3, 16, 15, 48));
    assert_eq!(draft.verdict(&cal), Some(Verdict::Met));
    let mut late_evening = answer.clone();
    late_evening.due_at = msk(2026, 3, 16, 18, 0);
    late_evening.done_at = Some(msk(2026, 3, 16, 18, 30));
    assert_eq!(late_evening.verdict(&cal), Some(Verdict::Met));
    assert_eq!(next_due(&[late_evening]), None);
    let json = serde_json::to_value(Verdict::Breached { by_secs: 60 }).unwrap();
    assert_eq!(json, serde_json::json!({"breached": {"by_secs": 60}}));
}
