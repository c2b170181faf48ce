//! Given/when/then tests of the deadline rules (SPEC "Workflow", issue 14) through `decide`
//! and `deadline::apply` together, on the standard calendar, and a property test over
//! random journeys: no deadline of a closed message is ever running.

use super::*;
use crate::domain::calendar::WorkingCalendar;
use crate::domain::deadline::{
    apply, Context, Deadline, DeadlineNote, DeadlineSettings, Outcome, Pressure, Priority,
};
use crate::domain::network::{LinkHosts, Network};
use chrono::{TimeDelta, TimeZone};
use chrono_tz::Europe::Moscow;
use proptest::prelude::*;
use DeadlineRule::*;
use MessageState::*;

const E1: UserId = UserId(3);
const E2: UserId = UserId(4);
const COORDINATOR: UserId = UserId(2);
const AUTHORITY: UserId = UserId(5);

/// Moscow local time in March 2026 (16.03.2026 is a Monday).
fn msk(d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Moscow
        .with_ymd_and_hms(2026, 3, d, h, mi, 0)
        .unwrap()
        .with_timezone(&Utc)
}

/// A message as the service holds it: what `decide` sees and its deadline ledger.
struct Msg {
    view: MessageView,
    ledger: Vec<Deadline>,
    cal: WorkingCalendar,
    settings: DeadlineSettings,
}

impl Msg {
    /// Given: a VK message detected at `detected` and received at `received`.
    fn intake(detected: DateTime<Utc>, received: DateTime<Utc>) -> Self {
        let cal = WorkingCalendar::standard().unwrap();
        let settings = DeadlineSettings::default();
        let mut ledger = Vec::new();
        apply(
            &mut ledger,
            &intake_effects(detected, received),
            &Context {
                priority: Priority::Normal,
                settings: &settings,
                cal: &cal,
                before: Responsible::Coordinators,
                after: Responsible::Coordinators,
            },
        )
        .unwrap();
        Self {
            view: MessageView {
                state: New,
                network: Network::Vk,
                tz: Moscow,
                link_hosts: LinkHosts::default().get(Network::Vk),
                assignee: None,
                assignee_active: true,
                department: None,
                urgent: false,
                draft_kind: None,
                approved_at: None,
                final_draft_started: false,
                case: crate::domain::case::Membership::Alone,
            },
            ledger,
            cal,
            settings,
        }
    }

    fn actor(&self, role: Role) -> Actor {
        let user = match role {
            Role::Executor => self.view.assignee.or(Some(E1)),
            Role::Authority => Some(AUTHORITY),
            _ => Some(COORDINATOR),
        };
        Actor { user, role }
    }

    /// When: `role` takes `cmd` at `at`; the view and the ledger move on as the service
    /// would store them. Returns the journal's deadline notes.
    fn act(
        &mut self,
        role: Role,
        cmd: Command,
        at: DateTime<Utc>,
    ) -> Result<Vec<DeadlineNote>, TransitionError> {
        let d = decide(&self.view, &cmd, &self.actor(role), at)?;
        let before = self.ledger.clone();
        if let Command::SetUrgent { urgent } = cmd {
            self.view.urgent = urgent;
        }
        let notes = apply(
            &mut self.ledger,
            &d.effects,
            &Context {
                priority: if self.view.urgent {
                    Priority::Urgent
                } else {
                    Priority::Normal
                },
                settings: &self.settings,
                cal: &self.cal,
                before: d.responsible_before,
                after: d.responsible_after,
            },
        )
        .unwrap();
        // A stored deadline never moves: rows only close, new ones are appended.
        for (old, new) in before.iter().zip(&self.ledger) {
            assert_eq!(
                (old.rule, old.started_at, old.due_at),
                (new.rule, new.started_at, new.due_at)
            );
            if !old.is_running() {
                assert_eq!(old, new, "a closed deadline changed");
            }
        }
        self.view.state = d.to;
        match cmd {
            Command::Assign { executor, .. } => self.view.assignee = Some(executor),
            Command::SubmitDraft { kind, .. } => {
                self.view.draft_kind = Some(kind);
                self.view.approved_at = None;
            }
            Command::Approve => self.view.approved_at = Some(at),
            _ => {}
        }
        self.view.final_draft_started = self.ledger.iter().any(|d| d.rule == FinalDraftBy);
        Ok(notes)
    }

    fn running(&self) -> Vec<DeadlineRule> {
        self.ledger
            .iter()
            .filter(|d| d.is_running())
            .map(|d| d.rule)
            .collect()
    }

    fn latest(&self, rule: DeadlineRule) -> &Deadline {
        self.ledger.iter().rev().find(|d| d.rule == rule).unwrap()
    }

    fn rows(&self, rule: DeadlineRule) -> Vec<&Deadline> {
        self.ledger.iter().filter(|d| d.rule == rule).collect()
    }

    /// Whether anything would alert, escalate or count as overdue at `now`.
    fn pressed(&self, now: DateTime<Utc>) -> Vec<(DeadlineRule, Pressure)> {
        self.ledger
            .iter()
            .filter_map(|d| d.pressure(now, &self.cal, 25).map(|p| (d.rule, p)))
            .collect()
    }
}

fn assign(executor: UserId) -> Command {
    Command::Assign {
        executor,
        department: None,
    }
}

fn draft(kind: AnswerKind) -> Command {
    Command::SubmitDraft {
        kind,
        text: "Здравствуйте! Ответ по существу.".into(),
        attachments: vec![],
    }
}

fn publish(at: DateTime<Utc>) -> Command {
    Command::Publish {
        link: "https://vk.com/wall-1_2?reply=3".into(),
        published_at: Some(crate::domain::moment::Moment::At(at)),
    }
}

fn ret() -> Command {
    Command::Return {
        justification: "Не наша компетенция".into(),
    }
}

#[test]
fn taking_a_message_into_work_closes_return_by_as_accepted() {
    // Given a message received Monday 10:00.
    let mut m = Msg::intake(msk(16, 10, 0), msk(16, 10, 0));
    assert_eq!(m.running(), [ReturnBy, DraftBy, AnswerBy]);
    // Coordinators are responsible while it is new.
    assert!(m
        .ledger
        .iter()
        .all(|d| d.responsible_at_start == Some(Responsible::Coordinators)));
    // When the coordinator assigns it at 10:10.
    let notes = m
        .act(Role::Coordinator, assign(E1), msk(16, 10, 10))
        .unwrap();
    // Then return_by closes as met («принято в работу») under the coordinators.
    let r = m.latest(ReturnBy);
    assert_eq!(r.outcome, Some(Outcome::Met));
    assert_eq!(r.late_by_secs, Some(0));
    assert_eq!(r.done_at, Some(msk(16, 10, 10)));
    assert_eq!(r.responsible_at_end, Some(Responsible::Coordinators));
    assert_eq!(notes, [DeadlineNote::Accepted { rule: ReturnBy }]);
    assert_eq!(notes[0].text(Moscow), "Возврат в ОИВ: принято в работу");
    // And left alone past 10:30 nothing about return_by presses: only draft_by and
    // answer_by run.
    assert_eq!(m.running(), [DraftBy, AnswerBy]);
    assert!(m.pressed(msk(16, 12, 0)).is_empty());
    // Past draft_by (15:48) the draft deadline is overdue.
    assert_eq!(m.pressed(msk(16, 16, 0)), [(DraftBy, Pressure::Overdue)]);
}

#[test]
fn an_accepting_assignment_after_the_window_is_still_accepted() {
    let mut m = Msg::intake(msk(16, 10, 0), msk(16, 10, 0));
    // While new, return_by is the coordinator's decision deadline: it presses.
    assert_eq!(m.pressed(msk(16, 10, 25)), [(ReturnBy, Pressure::DueSoon)]);
    assert_eq!(m.pressed(msk(16, 10, 31)), [(ReturnBy, Pressure::Overdue)]);
    m.act(Role::Coordinator, assign(E1), msk(16, 11, 0))
        .unwrap();
    assert_eq!(m.latest(ReturnBy).outcome, Some(Outcome::Met));
}

#[test]
fn an_executor_return_is_judged_against_the_original_return_by() {
    for (at, outcome, late) in [
        (msk(16, 10, 20), Outcome::Met, 0),
        (msk(16, 11, 0), Outcome::Breached, 30 * 60),
    ] {
        // Given a message taken into work at 10:10 (return_by due 10:30).
        let mut m = Msg::intake(msk(16, 10, 0), msk(16, 10, 0));
        m.act(Role::Coordinator, assign(E1), msk(16, 10, 10))
            .unwrap();
        // When the executor returns it.
        let notes = m.act(Role::Executor, ret(), at).unwrap();
        // Then the return is recorded in time or late against 10:30, as a row of its own;
        // the accepted row stays as it was.
        let rows = m.rows(ReturnBy);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].outcome, Some(Outcome::Met));
        assert_eq!(rows[0].done_at, Some(msk(16, 10, 10)));
        assert_eq!(rows[1].due_at, msk(16, 10, 30));
        assert_eq!(rows[1].done_at, Some(at));
        assert_eq!(rows[1].outcome, Some(outcome));
        assert_eq!(rows[1].late_by_secs, Some(late));
        assert_eq!(rows[1].responsible_at_end, Some(Responsible::Executor(E1)));
        assert!(notes.contains(&DeadlineNote::Judged {
            rule: ReturnBy,
            outcome,
            late_by_seconds: Some(late)
        }));
        // And everything else is cancelled: nothing runs on a returned message.
        assert_eq!(m.view.state, Returned);
        assert!(m.running().is_empty());
        for rule in [DraftBy, AnswerBy] {
            assert_eq!(m.latest(rule).outcome, Some(Outcome::Cancelled));
            assert_eq!(m.latest(rule).late_by_secs, None);
            assert_eq!(m.latest(rule).met(), None);
        }
    }
    let text = |late| {
        DeadlineNote::Judged {
            rule: ReturnBy,
            outcome: Outcome::Breached,
            late_by_seconds: Some(late),
        }
        .text(Moscow)
    };
    assert_eq!(text(1800), "Возврат в ОИВ: возврат с опозданием на 30 мин");
}

#[test]
fn a_coordinator_return_from_new_completes_return_by_and_cancels_the_rest() {
    let mut m = Msg::intake(msk(16, 10, 0), msk(16, 10, 0));
    let notes = m.act(Role::Coordinator, ret(), msk(16, 10, 45)).unwrap();
    assert_eq!(m.latest(ReturnBy).outcome, Some(Outcome::Breached));
    assert_eq!(m.latest(ReturnBy).late_by_secs, Some(15 * 60));
    assert_eq!(m.rows(ReturnBy).len(), 1);
    assert!(m.running().is_empty());
    let texts: Vec<String> = notes.iter().map(|n| n.text(Moscow)).collect();
    assert_eq!(
        texts,
        [
            "Возврат в ОИВ: нарушен на 15 мин",
            "Проект ответа: отменён",
            "Ответ: отменён"
        ]
    );
}

#[test]
fn a_rejection_cancels_every_deadline_and_is_not_a_return() {
    for state_before in [New, InWork] {
        let mut m = Msg::intake(msk(16, 10, 0), msk(16, 10, 0));
        if state_before == InWork {
            m.act(Role::Coordinator, assign(E1), msk(16, 10, 5))
                .unwrap();
        }
        let reject = Command::Reject {
            category: RejectCategory::ThreatFamily,
            reason: String::new(),
        };
        m.act(Role::Coordinator, reject, msk(16, 12, 0)).unwrap();
        assert_eq!(m.view.state, Rejected);
        assert!(m.running().is_empty());
        // Not judged against return_by: no late return is recorded, however late.
        assert!(m
            .rows(ReturnBy)
            .iter()
            .all(|d| d.outcome != Some(Outcome::Breached)));
        assert_eq!(m.rows(ReturnBy).len(), 1);
        assert!(m.pressed(msk(18, 12, 0)).is_empty());
    }
}

#[test]
fn send_back_starts_fresh_return_draft_and_answer_deadlines() {
    // Given a message returned on Monday at 10:20.
    let mut m = Msg::intake(msk(16, 10, 0), msk(16, 10, 0));
    m.act(Role::Coordinator, ret(), msk(16, 10, 20)).unwrap();
    // When the authority sends it back on Wednesday at 11:00.
    let back = Command::SendBack {
        administration: None,
        reason: "Это ваша компетенция".into(),
    };
    m.act(Role::Authority, back, msk(18, 11, 0)).unwrap();
    // Then the three deadlines run again from Wednesday 11:00: the time with the other
    // body is not the administration's.
    assert_eq!(m.view.state, New);
    assert_eq!(m.running(), [ReturnBy, DraftBy, AnswerBy]);
    assert_eq!(m.latest(ReturnBy).due_at, msk(18, 11, 30));
    assert_eq!(m.latest(DraftBy).started_at, msk(18, 11, 0));
    assert_eq!(m.latest(DraftBy).due_at, msk(18, 16, 48));
    assert_eq!(m.latest(AnswerBy).due_at, msk(19, 11, 48));
    assert!(m
        .ledger
        .iter()
        .filter(|d| d.is_running())
        .all(|d| d.responsible_at_start == Some(Responsible::Coordinators)));
}

#[test]
fn urgency_supersedes_draft_by_and_answer_by_never_moves_them() {
    // Given a message detected Monday 10:00 and taken into work.
    let mut m = Msg::intake(msk(16, 10, 0), msk(16, 10, 0));
    m.act(Role::Coordinator, assign(E1), msk(16, 10, 5))
        .unwrap();
    // When it is marked urgent at 10:30.
    let notes = m
        .act(
            Role::Coordinator,
            Command::SetUrgent { urgent: true },
            msk(16, 10, 30),
        )
        .unwrap();
    // Then the running draft_by (15:48) and answer_by (Tue 10:48) close as superseded and
    // new ones run from detection with the urgent lengths: 2 h (12:00) and 4 h (14:48).
    for (rule, old_due, new_due) in [
        (DraftBy, msk(16, 15, 48), msk(16, 12, 0)),
        (AnswerBy, msk(17, 10, 48), msk(16, 14, 48)),
    ] {
        let rows = m.rows(rule);
        assert_eq!(rows.len(), 2, "{rule}");
        assert_eq!(rows[0].due_at, old_due);
        assert_eq!(rows[0].outcome, Some(Outcome::Superseded));
        assert_eq!(rows[0].done_at, Some(msk(16, 10, 30)));
        assert_eq!(rows[1].started_at, msk(16, 10, 0));
        assert_eq!(rows[1].due_at, new_due);
        assert!(rows[1].is_running());
        assert_eq!(
            rows[1].responsible_at_start,
            Some(Responsible::Executor(E1))
        );
    }
    assert!(notes.iter().any(|n| n.text(Moscow) == "Ответ: заменён"));
    // The urgent draft is due before the urgent answer.
    assert!(m.latest(DraftBy).due_at < m.latest(AnswerBy).due_at);
    // Unmarking supersedes again, back to the ordinary lengths.
    m.act(
        Role::Authority,
        Command::SetUrgent { urgent: false },
        msk(16, 11, 0),
    )
    .unwrap();
    assert_eq!(m.rows(AnswerBy).len(), 3);
    assert_eq!(m.latest(AnswerBy).due_at, msk(17, 10, 48));
    assert_eq!(m.running(), [DraftBy, AnswerBy]);
    // Marking urgent again when it already is changes nothing.
    let same = m
        .act(
            Role::Coordinator,
            Command::SetUrgent { urgent: false },
            msk(16, 11, 5),
        )
        .unwrap();
    assert!(same.is_empty());
}

#[test]
fn only_the_first_intermediate_answer_starts_final_draft_by() {
    // Given an intermediate answer published on Monday 16.03 at 12:00.
    let mut m = Msg::intake(msk(16, 10, 0), msk(16, 10, 0));
    m.act(Role::Coordinator, assign(E1), msk(16, 10, 5))
        .unwrap();
    m.act(
        Role::Executor,
        draft(AnswerKind::Intermediate),
        msk(16, 10, 30),
    )
    .unwrap();
    m.act(Role::Authority, Command::Approve, msk(16, 11, 0))
        .unwrap();
    m.act(Role::Executor, publish(msk(16, 11, 20)), msk(16, 11, 25))
        .unwrap();
    assert_eq!(m.view.state, AwaitingFinal);
    let due = msk(25, 18, 0); // the end of the 7th working day after Monday
    assert_eq!(m.latest(FinalDraftBy).due_at, due);
    // When a second intermediate answer goes through approval and is published a day later.
    m.act(
        Role::Executor,
        draft(AnswerKind::Intermediate),
        msk(17, 10, 0),
    )
    .unwrap();
    assert_eq!(m.running(), [FinalDraftBy]);
    m.act(Role::Authority, Command::Approve, msk(17, 10, 30))
        .unwrap();
    m.act(Role::Executor, publish(msk(17, 10, 40)), msk(17, 10, 45))
        .unwrap();
    // Then final_draft_by still runs from the first publication: not restarted.
    assert_eq!(m.view.state, AwaitingFinal);
    assert_eq!(m.rows(FinalDraftBy).len(), 1);
    assert_eq!(m.latest(FinalDraftBy).due_at, due);
    assert!(m.latest(FinalDraftBy).is_running());
    // A clarification in between does not move it either; the author's reply starts a
    // new draft_by/answer_by pair and final_draft_by keeps running.
    m.act(
        Role::Executor,
        draft(AnswerKind::Clarification),
        msk(18, 10, 0),
    )
    .unwrap();
    m.act(Role::Authority, Command::Approve, msk(18, 10, 10))
        .unwrap();
    m.act(Role::Executor, publish(msk(18, 10, 20)), msk(18, 10, 20))
        .unwrap();
    assert_eq!(m.view.state, AwaitingAuthor);
    m.act(
        Role::Executor,
        Command::AuthorReplied {
            text: "Дом 5".into(),
        },
        msk(19, 9, 30),
    )
    .unwrap();
    assert_eq!(m.running(), [FinalDraftBy, DraftBy, AnswerBy]);
    assert_eq!(m.latest(FinalDraftBy).due_at, due);
    // Only a final draft completes it.
    m.act(Role::Executor, draft(AnswerKind::Final), msk(19, 11, 0))
        .unwrap();
    assert_eq!(m.latest(FinalDraftBy).outcome, Some(Outcome::Met));
    assert_eq!(m.rows(FinalDraftBy).len(), 1);
}

#[test]
fn responsibility_is_recorded_at_start_and_end_and_survives_reassignment() {
    let mut m = Msg::intake(msk(16, 10, 0), msk(16, 10, 0));
    m.act(Role::Coordinator, assign(E1), msk(16, 10, 5))
        .unwrap();
    m.act(Role::Coordinator, assign(E2), msk(16, 11, 0))
        .unwrap();
    m.act(Role::Executor, draft(AnswerKind::Final), msk(16, 12, 0))
        .unwrap();
    let d = m.latest(DraftBy);
    assert_eq!(d.responsible_at_start, Some(Responsible::Coordinators));
    assert_eq!(d.responsible_at_end, Some(Responsible::Executor(E2)));
    m.act(
        Role::Authority,
        Command::RequestRevision {
            remarks: "Уточните сроки".into(),
        },
        msk(16, 12, 30),
    )
    .unwrap();
    assert_eq!(
        m.latest(RevisionBy).responsible_at_start,
        Some(Responsible::Executor(E2))
    );
}

#[test]
fn publication_links_must_be_https_addresses_of_the_network() {
    let hosts = LinkHosts::default();
    let ok = |network, link: &str| validate_link(link, network, &hosts.get(network)).is_ok();
    assert!(ok(Network::Vk, "https://vk.com/wall-1_2?reply=3"));
    assert!(ok(Network::Vk, "https://vk.ru/wall-1_2"));
    assert!(ok(Network::Vk, "https://m.vk.com/wall-1_2"));
    assert!(ok(Network::Vk, "HTTPS://VK.COM/wall-1_2"));
    assert!(ok(Network::Vk, "https://www.vk.com/wall-1_2"));
    assert!(!ok(Network::Vk, "http://vk.com/wall-1_2"));
    assert!(!ok(Network::Vk, "https://t.me/c/1/2"));
    assert!(!ok(Network::Vk, "https://vk.com.evil.example/wall-1_2"));
    assert!(!ok(Network::Vk, "https://vk.com@evil.example/wall"));
    assert!(!ok(Network::Vk, "https://vk.com:8443/wall"));
    assert!(!ok(Network::Vk, "javascript:alert(1)"));
    assert!(ok(Network::Ok, "https://ok.ru/group/1/topic/2"));
    assert!(ok(Network::Telegram, "https://t.me/channel/12?comment=3"));
    assert!(!ok(Network::Telegram, "https://telegram.org/x"));
    assert!(ok(Network::Max, "https://max.ru/c/1/2"));
    assert!(ok(Network::Instagram, "https://www.instagram.com/p/x/"));
    assert!(ok(Network::Other, "https://example.org/x"));
    assert!(!ok(Network::Other, "ftp://example.org/x"));
    assert!(!ok(Network::Other, "https://"));
    let err = validate_link("https://t.me/x", Network::Vk, &hosts.get(Network::Vk)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Ссылка на размещённый ответ должна быть адресом сети ВКонтакте (vk.com, vk.ru, m.vk.com) и начинаться с https://"
    );
    // Through decide: a wrong host is refused before anything happens.
    let mut m = Msg::intake(msk(16, 10, 0), msk(16, 10, 0));
    m.act(Role::Coordinator, assign(E1), msk(16, 10, 5))
        .unwrap();
    m.act(Role::Executor, draft(AnswerKind::Final), msk(16, 10, 30))
        .unwrap();
    m.act(Role::Authority, Command::Approve, msk(16, 11, 0))
        .unwrap();
    let wrong = Command::Publish {
        link: "https://t.me/c/1/2".into(),
        published_at: Some(crate::domain::moment::Moment::At(msk(16, 11, 10))),
    };
    assert!(matches!(
        m.act(Role::Executor, wrong, msk(16, 11, 15)),
        Err(TransitionError::Invalid { field, .. }) if field == "link"
    ));
    assert_eq!(m.view.state, Approved);
}

/// One step of a random journey: which of the possible actions, how much later, and a
/// byte for the action's choices.
type Step = (usize, i64, u8);

fn command_for(action: ActionKind, choice: u8, at: DateTime<Utc>) -> Command {
    match action {
        ActionKind::Assign => assign(if choice.is_multiple_of(2) { E1 } else { E2 }),
        ActionKind::Return => ret(),
        ActionKind::SendBack => Command::SendBack {
            administration: None,
            reason: "Ваша компетенция".into(),
        },
        ActionKind::Reject => Command::Reject {
            category: RejectCategory::ALL[usize::from(choice) % RejectCategory::ALL.len()],
            reason: String::new(),
        },
        ActionKind::SubmitDraft => draft(AnswerKind::ALL[usize::from(choice) % 3]),
        ActionKind::Approve => Command::Approve,
        ActionKind::RequestRevision => Command::RequestRevision {
            remarks: "Уточните".into(),
        },
        ActionKind::Publish => publish(at),
        ActionKind::AuthorReplied => Command::AuthorReplied {
            text: "Ответ автора".into(),
        },
        ActionKind::SetUrgent => Command::SetUrgent {
            urgent: choice.is_multiple_of(2),
        },
        ActionKind::Link => Command::Link {
            to: crate::domain::ids::MessageId(999),
        },
        ActionKind::Unlink => Command::Unlink,
        ActionKind::SetTopic => Command::SetTopic {
            topic: crate::domain::ids::TopicId(1),
        },
        ActionKind::Intake => unreachable!("intake is not an action on a message"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Whatever the journey, no deadline of a closed message (answered, returned,
    /// rejected) runs; at most one deadline per rule runs; `return_by` runs only while
    /// the message is new; every closed deadline has its outcome (lateness only for met
    /// and breached); `final_draft_by` starts at most once.
    #[test]
    fn deadlines_tell_the_truth_on_any_journey(
        steps in prop::collection::vec((0usize..16, 1i64..600, any::<u8>()), 1..40)
    ) {
        let mut t = msk(16, 9, 30);
        let mut m = Msg::intake(t, t);
        for (pick, minutes, choice) in steps as Vec<Step> {
            t += TimeDelta::minutes(minutes);
            let possible: Vec<(ActionKind, Role)> = ActionKind::ALL
                .into_iter()
                .filter(|a| *a != ActionKind::Intake)
                .flat_map(|a| a.roles().iter().map(move |r| (a, *r)))
                .filter(|(a, r)| permitted(&m.view, *a, &m.actor(*r)).is_ok())
                .collect();
            if possible.is_empty() {
                break;
            }
            let (action, role) = possible[pick % possible.len()];
            m.act(role, command_for(action, choice, t), t).unwrap();

            let running = m.running();
            if !m.view.state.is_active() {
                prop_assert!(running.is_empty(), "{:?} with {:?} running", m.view.state, running);
                prop_assert!(m.pressed(t + TimeDelta::days(30)).is_empty());
            }
            for rule in DeadlineRule::ALL {
                prop_assert!(running.iter().filter(|r| **r == rule).count() <= 1, "{rule} twice");
            }
            if running.contains(&ReturnBy) {
                prop_assert_eq!(m.view.state, New);
            }
            for d in m.ledger.iter().filter(|d| !d.is_running()) {
                let outcome = d.outcome;
                prop_assert!(outcome.is_some());
                let judged = matches!(outcome, Some(Outcome::Met | Outcome::Breached));
                prop_assert_eq!(judged, d.late_by_secs.is_some());
                prop_assert!(d.responsible_at_end.is_some());
            }
            prop_assert!(m.rows(FinalDraftBy).len() <= 1);
        }
    }
}

/// A case as the service runs it: the lead's mirrored actions (`case::mirrored`) are
/// carried to each post, ruled as on a message alone; everything else is per message.
struct CaseRun {
    lead: Msg,
    posts: Vec<Msg>,
}

impl CaseRun {
    fn on_lead(&mut self, role: Role, cmd: Command, at: DateTime<Utc>) {
        self.lead.act(role, cmd.clone(), at).unwrap();
        if crate::domain::case::mirrored(cmd.kind()) {
            for p in &mut self.posts {
                let membership = p.view.case;
                p.view.case = crate::domain::case::Membership::Alone;
                p.act(role, cmd.clone(), at).unwrap();
                p.view.case = membership;
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Whatever the posts' detection times, the revisions and the publication times:
    /// a post's own draft is refused (its lead's is the case's), and once every post is
    /// published each is answered with its own publication, and its own `answer_by`
    /// closed at its own publication, met exactly when that is no later than its own due.
    #[test]
    fn every_post_of_an_answered_case_has_its_own_publication_and_answer_by_outcome(
        detected in prop::collection::vec(0i64..900, 2..6),
        revisions in 0usize..3,
        gaps in prop::collection::vec(1i64..900, 8..16),
    ) {
        use crate::domain::case::Membership;
        let start = msk(16, 9, 0);
        let mut t = start + TimeDelta::minutes(*detected.iter().max().unwrap());
        let mut gaps = gaps.into_iter().cycle();
        let lead_id = crate::domain::ids::MessageId(1);
        let mut run = CaseRun {
            lead: Msg::intake(start + TimeDelta::minutes(detected[0]), t),
            posts: detected[1..]
                .iter()
                .map(|d| {
                    let mut p = Msg::intake(start + TimeDelta::minutes(*d), t);
                    p.view.case = Membership::Post { lead: lead_id };
                    p
                })
                .collect(),
        };
        run.lead.view.case = Membership::Lead { posts: run.posts.len() };
        let mut next = |t: &mut DateTime<Utc>| {
            *t += TimeDelta::minutes(gaps.next().unwrap_or(60));
            *t
        };
        run.on_lead(Role::Coordinator, assign(E1), next(&mut t));
        // A post's own draft is refused: the case drafts once.
        let own = run.posts[0].act(Role::Executor, draft(AnswerKind::Final), t);
        prop_assert!(matches!(
            own,
            Err(TransitionError::Case(crate::domain::case::CaseError::FollowsLead(1)))
        ));
        run.on_lead(Role::Executor, draft(AnswerKind::Final), next(&mut t));
        for _ in 0..revisions {
            let remarks = Command::RequestRevision { remarks: "Уточните".into() };
            run.on_lead(Role::Authority, remarks, next(&mut t));
            run.on_lead(Role::Executor, draft(AnswerKind::Final), next(&mut t));
        }
        run.on_lead(Role::Authority, Command::Approve, next(&mut t));
        // Each post is published on its own, at its own time.
        let mut published = Vec::new();
        for m in std::iter::once(&mut run.lead).chain(run.posts.iter_mut()) {
            let at = next(&mut t);
            m.act(Role::Executor, publish(at), at).unwrap();
            published.push(at);
        }
        for (m, at) in std::iter::once(&run.lead).chain(run.posts.iter()).zip(published) {
            prop_assert_eq!(m.view.state, Answered);
            let answer = m.rows(AnswerBy);
            prop_assert_eq!(answer.len(), 1);
            let d = answer[0];
            prop_assert_eq!(d.done_at, Some(at));
            // Met unless working time passed after the due (a publication after hours,
            // before the next working period, is still in time).
            let met = m.cal.between(d.due_at, at) <= 0;
            prop_assert_eq!(d.outcome, Some(if met { Outcome::Met } else { Outcome::Breached }));
            prop_assert!(m.running().is_empty());
        }
    }
}
