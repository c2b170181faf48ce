//! Given/when/then tests of the workflow: every transition of SPEC, its deadline effects,
//! and the role × action × state matrix.

use super::*;
use crate::domain::moment::Moment;
use crate::domain::network::Network;
use chrono::TimeZone;
use DeadlineEffect::{Accept, CancelRunning, Complete, Judge, Start, Supersede};
use DeadlineRule::*;
use MessageState::*;

const EXECUTOR: UserId = UserId(3);
const OTHER_EXECUTOR: UserId = UserId(4);

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 16, 8, 0, 0).unwrap()
}

fn view(state: MessageState) -> MessageView {
    MessageView {
        state,
        network: Network::Vk,
        tz: chrono_tz::Europe::Moscow,
        link_hosts: vec!["vk.com".into(), "vk.ru".into(), "m.vk.com".into()],
        final_draft_started: false,
        case: crate::domain::case::Membership::Alone,
        assignee: Some(EXECUTOR),
        assignee_active: true,
        department: Some(DepartmentId(1)),
        urgent: false,
        draft_kind: Some(AnswerKind::Final),
        approved_at: Some(now() - chrono::Duration::minutes(10)),
    }
}

fn actor(role: Role) -> Actor {
    let user = match role {
        Role::Executor => Some(EXECUTOR),
        _ => Some(UserId(100)),
    };
    Actor { user, role }
}

/// One sample command per action.
fn sample(action: ActionKind) -> Option<Command> {
    Some(match action {
        ActionKind::Intake => return None,
        ActionKind::Assign => Command::Assign {
            executor: EXECUTOR,
            department: Some(DepartmentId(1)),
        },
        ActionKind::Return => Command::Return {
            justification: "Не наша компетенция".into(),
        },
        ActionKind::SendBack => Command::SendBack {
            administration: None,
            reason: "Ваша компетенция".into(),
        },
        ActionKind::Reject => Command::Reject {
            category: RejectCategory::Obscenity,
            reason: String::new(),
        },
        ActionKind::SubmitDraft => Command::SubmitDraft {
            kind: AnswerKind::Final,
            text: "Здравствуйте!".into(),
            attachments: vec![],
        },
        ActionKind::Approve => Command::Approve,
        ActionKind::RequestRevision => Command::RequestRevision {
            remarks: "Уточните сроки".into(),
        },
        ActionKind::Publish => Command::Publish {
            link: "https://vk.com/wall1_2".into(),
            published_at: Some(Moment::At(now())),
        },
        ActionKind::AuthorReplied => Command::AuthorReplied {
            text: "Дом 5".into(),
        },
        ActionKind::SetUrgent => Command::SetUrgent { urgent: true },
        ActionKind::Link => Command::Link {
            to: crate::domain::ids::MessageId(2),
        },
        ActionKind::Unlink => Command::Unlink,
        ActionKind::SetTopic => Command::SetTopic {
            topic: crate::domain::ids::TopicId(1),
        },
    })
}

#[test]
fn every_transition_of_spec_with_its_deadline_effects() {
    let t = now();
    let cases: Vec<(
        MessageState,
        Command,
        Role,
        MessageState,
        Vec<DeadlineEffect>,
    )> = vec![
        (
            New,
            sample(ActionKind::Assign).unwrap(),
            Role::Coordinator,
            InWork,
            vec![Accept(ReturnBy, t)],
        ),
        (
            InWork,
            sample(ActionKind::Assign).unwrap(),
            Role::Coordinator,
            InWork,
            vec![],
        ),
        (
            New,
            sample(ActionKind::Return).unwrap(),
            Role::Coordinator,
            Returned,
            vec![Complete(ReturnBy, t), CancelRunning(t)],
        ),
        (
            InWork,
            sample(ActionKind::Return).unwrap(),
            Role::Executor,
            Returned,
            vec![Judge(ReturnBy, t), CancelRunning(t)],
        ),
        (
            Returned,
            sample(ActionKind::SendBack).unwrap(),
            Role::Authority,
            New,
            vec![Start(ReturnBy, t), Start(DraftBy, t), Start(AnswerBy, t)],
        ),
        (
            New,
            sample(ActionKind::Reject).unwrap(),
            Role::Coordinator,
            Rejected,
            vec![CancelRunning(t)],
        ),
        (
            InWork,
            sample(ActionKind::SubmitDraft).unwrap(),
            Role::Executor,
            OnApproval,
            vec![Complete(DraftBy, t), Complete(FinalDraftBy, t)],
        ),
        (
            Revision,
            sample(ActionKind::SubmitDraft).unwrap(),
            Role::Executor,
            OnApproval,
            vec![Complete(RevisionBy, t), Complete(FinalDraftBy, t)],
        ),
        (
            AwaitingFinal,
            sample(ActionKind::SubmitDraft).unwrap(),
            Role::Executor,
            OnApproval,
            vec![Complete(FinalDraftBy, t)],
        ),
        (
            OnApproval,
            Command::Approve,
            Role::Authority,
            Approved,
            vec![Start(PublishBy, t)],
        ),
        (
            OnApproval,
            sample(ActionKind::RequestRevision).unwrap(),
            Role::Authority,
            Revision,
            vec![Start(RevisionBy, t)],
        ),
        (
            Approved,
            sample(ActionKind::Publish).unwrap(),
            Role::Executor,
            Answered,
            vec![Complete(PublishBy, t), Complete(AnswerBy, t)],
        ),
        (
            AwaitingAuthor,
            sample(ActionKind::AuthorReplied).unwrap(),
            Role::Authority,
            InWork,
            vec![Start(DraftBy, t), Start(AnswerBy, t)],
        ),
        (
            InWork,
            sample(ActionKind::SetUrgent).unwrap(),
            Role::Coordinator,
            InWork,
            vec![Supersede(DraftBy, t), Supersede(AnswerBy, t)],
        ),
    ];
    for (from, cmd, role, to, effects) in cases {
        let d = decide(&view(from), &cmd, &actor(role), t)
            .unwrap_or_else(|e| panic!("{from:?} {cmd:?} by {role:?}: {e}"));
        assert_eq!((d.from, d.to), (Some(from), to), "{cmd:?}");
        assert_eq!(d.effects, effects, "{cmd:?} from {from:?}");
    }
}

#[test]
fn publish_leads_where_the_draft_kind_says() {
    let t = now();
    let cmd = sample(ActionKind::Publish).unwrap();
    let mut v = view(Approved);
    v.draft_kind = Some(AnswerKind::Intermediate);
    let d = decide(&v, &cmd, &actor(Role::Executor), t).unwrap();
    assert_eq!(d.to, AwaitingFinal);
    assert!(
        d.effects.contains(&Start(FinalDraftBy, t)),
        "§10: the final draft clock starts at publication"
    );
    assert!(d.effects.contains(&Complete(AnswerBy, t)));
    v.draft_kind = Some(AnswerKind::Clarification);
    let d = decide(&v, &cmd, &actor(Role::Executor), t).unwrap();
    assert_eq!(d.to, AwaitingAuthor);
}

#[test]
fn publish_time_cannot_be_in_the_future_or_before_approval() {
    let v = view(Approved);
    let future = Command::Publish {
        link: "https://vk.com/wall-1_2?reply=3".into(),
        published_at: Some(Moment::At(now() + chrono::Duration::minutes(5))),
    };
    assert!(matches!(
        decide(&v, &future, &actor(Role::Executor), now()),
        Err(TransitionError::Invalid { .. })
    ));
    let early = Command::Publish {
        link: "https://vk.com/wall-1_2?reply=3".into(),
        published_at: Some(Moment::At(now() - chrono::Duration::hours(1))),
    };
    assert!(matches!(
        decide(&v, &early, &actor(Role::Executor), now()),
        Err(TransitionError::Invalid { .. })
    ));
    let bad_link = Command::Publish {
        link: "javascript:alert(1)".into(),
        published_at: Some(Moment::At(now())),
    };
    let err = decide(&v, &bad_link, &actor(Role::Executor), now()).unwrap_err();
    assert!(err.to_string().contains("https://"), "{err}");
}

#[test]
fn free_text_is_required_where_spec_asks_for_a_justification() {
    let empty = [
        (
            New,
            Command::Return {
                justification: "  ".into(),
            },
            Role::Coordinator,
        ),
        (
            Returned,
            Command::SendBack {
                administration: None,
                reason: String::new(),
            },
            Role::Authority,
        ),
        (
            OnApproval,
            Command::RequestRevision {
                remarks: String::new(),
            },
            Role::Authority,
        ),
        (
            InWork,
            Command::SubmitDraft {
                kind: AnswerKind::Final,
                text: "\n".into(),
                attachments: vec![],
            },
            Role::Executor,
        ),
    ];
    for (state, cmd, role) in empty {
        let err = decide(&view(state), &cmd, &actor(role), now()).unwrap_err();
        assert!(
            matches!(err, TransitionError::Invalid { .. }),
            "{cmd:?}: {err:?}"
        );
        assert!(err.to_string().starts_with("Укажите"), "{err}");
    }
    let long = Command::Return {
        justification: "я".repeat(MAX_REASON_CHARS + 1),
    };
    assert!(decide(&view(New), &long, &actor(Role::Coordinator), now()).is_err());
}

/// The role × action matrix of SPEC "Roles": for every action and every role, from a state
/// where the action is possible, exactly the roles SPEC names may take it.
#[test]
fn role_action_matrix() {
    use ActionKind as A;
    use Role as R;
    let expected: &[(ActionKind, &[Role])] = &[
        (A::Assign, &[R::Coordinator]),
        (A::Return, &[R::Coordinator, R::Executor]),
        (A::SendBack, &[R::Authority]),
        (A::Reject, &[R::Coordinator]),
        (A::SubmitDraft, &[R::Coordinator, R::Executor]),
        (A::Approve, &[R::Authority]),
        (A::RequestRevision, &[R::Authority]),
        (A::Publish, &[R::Coordinator, R::Executor]),
        (
            A::AuthorReplied,
            &[R::Coordinator, R::Executor, R::Authority],
        ),
        (A::SetUrgent, &[R::Coordinator, R::Authority]),
    ];
    for (action, allowed) in expected {
        let cmd = sample(*action).unwrap();
        let state = action.from_states()[0];
        for role in Role::ALL {
            let result = decide(&view(state), &cmd, &actor(role), now());
            if allowed.contains(&role) {
                assert!(result.is_ok(), "{role:?} should {action:?}: {result:?}");
            } else {
                assert_eq!(
                    result,
                    Err(TransitionError::RoleForbidden {
                        role,
                        action: *action
                    }),
                    "{role:?} must not {action:?}"
                );
            }
        }
    }
    // Admin and observer take no workflow action at all.
    for role in [R::Admin, R::Observer] {
        for state in MessageState::ALL {
            assert!(
                available_actions(&view(state), &actor(role)).is_empty(),
                "{role:?} in {state:?}"
            );
        }
    }
}

#[test]
fn an_executor_acts_only_on_messages_assigned_to_them() {
    let mut v = view(InWork);
    v.assignee = Some(OTHER_EXECUTOR);
    for action in [ActionKind::Return, ActionKind::SubmitDraft] {
        let err = decide(&v, &sample(action).unwrap(), &actor(Role::Executor), now()).unwrap_err();
        assert_eq!(err, TransitionError::NotAssignee);
        assert_eq!(err.to_string(), "Сообщение назначено другому исполнителю");
    }
    // The coordinator may act on any message.
    assert!(decide(
        &v,
        &sample(ActionKind::SubmitDraft).unwrap(),
        &actor(Role::Coordinator),
        now()
    )
    .is_ok());
}

#[test]
fn every_action_outside_its_states_is_refused_with_the_state_named() {
    for action in ActionKind::ALL {
        let Some(cmd) = sample(action) else { continue };
        let role = action.roles()[0];
        for state in MessageState::ALL {
            let mut v = view(state);
            if action == ActionKind::Unlink {
                // Only a post of a case is unlinked.
                v.case = crate::domain::case::Membership::Post {
                    lead: crate::domain::ids::MessageId(9),
                };
            }
            let result = decide(&v, &cmd, &actor(role), now());
            if action.from_states().contains(&state) {
                assert!(result.is_ok(), "{action:?} from {state:?}: {result:?}");
            } else {
                let err = result.unwrap_err();
                assert_eq!(err, TransitionError::WrongState { action, state });
                assert!(err.to_string().contains(state.label()), "{err}");
            }
        }
    }
    // Closed states accept nothing but the authority's send-back of a returned message.
    for state in [Answered, Rejected] {
        for role in Role::ALL {
            assert!(available_actions(&view(state), &actor(role)).is_empty());
        }
    }
}

#[test]
fn a_full_journey_walks_the_states_of_spec() {
    let t = now();
    let mut v = view(New);
    v.assignee = None;
    v.draft_kind = None;
    v.approved_at = None;
    let steps: Vec<(Command, Role, MessageState)> = vec![
        (
            sample(ActionKind::Assign).unwrap(),
            Role::Coordinator,
            InWork,
        ),
        (
            sample(ActionKind::SubmitDraft).unwrap(),
            Role::Executor,
            OnApproval,
        ),
        (
            sample(ActionKind::RequestRevision).unwrap(),
            Role::Authority,
            Revision,
        ),
        (
            sample(ActionKind::SubmitDraft).unwrap(),
            Role::Executor,
            OnApproval,
        ),
        (Command::Approve, Role::Authority, Approved),
        (
            sample(ActionKind::Publish).unwrap(),
            Role::Executor,
            Answered,
        ),
    ];
    for (cmd, role, expected) in steps {
        let d = decide(&v, &cmd, &actor(role), t).unwrap();
        assert_eq!(d.to, expected);
        v.state = d.to;
        if let Command::Assign { executor, .. } = cmd {
            v.assignee = Some(executor);
        }
        if let Command::SubmitDraft { kind, .. } = cmd {
            v.draft_kind = Some(kind);
        }
        if cmd == Command::Approve {
            v.approved_at = Some(t);
        }
    }
    assert!(!v.state.is_active());
}

#[test]
fn state_names_are_spec_names() {
    let names: Vec<&str> = MessageState::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(
        names,
        [
            "new",
            "in_work",
            "on_approval",
            "revision",
            "approved",
            "awaiting_final",
            "awaiting_author",
            "answered",
            "returned",
            "rejected"
        ]
    );
    for s in MessageState::ALL {
        assert_eq!(s.as_str().parse::<MessageState>(), Ok(s));
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            format!("\"{}\"", s.as_str())
        );
    }
    assert_eq!(InWork.label(), "в работе");
}

#[test]
fn a_send_back_may_name_another_administration_read_as_its_code() {
    let cmd = |administration: Option<&str>| Command::SendBack {
        reason: "По территории".into(),
        administration: administration.map(Into::into),
    };
    let routed = decide(
        &view(Returned),
        &cmd(Some(" Luga ")),
        &actor(Role::Authority),
        now(),
    )
    .unwrap();
    assert_eq!(routed.to, New);
    assert_eq!(
        routed.change,
        Change::SentBack {
            reason: "По территории".into(),
            administration: Some("luga".into()),
        }
    );
    assert_eq!(
        routed.change.details(),
        serde_json::json!({ "reason": "По территории", "administration": { "to": "luga" } })
    );
    for blank in [None, Some("  ")] {
        let same = decide(&view(Returned), &cmd(blank), &actor(Role::Authority), now()).unwrap();
        assert_eq!(
            same.change.details(),
            serde_json::json!({ "reason": "По территории" })
        );
    }
    // The body of the API reads it (and without it, as before).
    let body: Command = serde_json::from_value(serde_json::json!({
        "action": "send_back", "reason": "x", "administration": "luga"
    }))
    .unwrap();
    assert_eq!(
        body,
        Command::SendBack {
            reason: "x".into(),
            administration: Some("luga".into())
        }
    );
}

#[test]
fn the_admin_hands_over_only_a_deactivated_executors_open_messages() {
    let hand = Command::Assign {
        executor: OTHER_EXECUTOR,
        department: None,
    };
    let admin = actor(Role::Admin);
    // The executor is active: assigning is the coordinator's.
    assert!(matches!(
        decide(&view(InWork), &hand, &admin, now()),
        Err(TransitionError::RoleForbidden { .. })
    ));
    let gone = |state| MessageView {
        assignee_active: false,
        ..view(state)
    };
    for state in [
        InWork,
        OnApproval,
        Revision,
        Approved,
        AwaitingFinal,
        AwaitingAuthor,
    ] {
        let d = decide(&gone(state), &hand, &admin, now()).unwrap();
        assert_eq!(d.to, state, "the state stays");
        assert_eq!(d.responsible_after, Responsible::Executor(OTHER_EXECUTOR));
    }
    for state in [Answered, Returned, Rejected] {
        assert!(
            decide(&gone(state), &hand, &admin, now()).is_err(),
            "{state:?}"
        );
    }
    // Nobody else gains anything from the assignee being gone.
    assert!(decide(&gone(InWork), &hand, &actor(Role::Observer), now()).is_err());
    let submit = sample(ActionKind::Approve).unwrap();
    assert!(decide(&gone(OnApproval), &submit, &admin, now()).is_err());
}
