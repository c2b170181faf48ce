//! SPEC "Roles" over HTTP: every workflow action by every role, through both doors (the
//! REST route and the pages' server function), allowed or refused with 403 as SPEC says,
//! and a refusal changes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;

use app::domain::ids::{MessageId, UserId};
use app::domain::network::Network;
use app::domain::workflow::{ActionKind, AnswerKind, Command};
use app::service::messages::intake::{intake, Intake, NewMessage};
use app::service::messages::transition::act;
use app::service::messages::Caller;
use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};

/// The demo logins used as actors; `executor` is the assignee, `executor2` is not.
const ACTORS: [&str; 6] = [
    "admin",
    "coordinator",
    "executor",
    "executor2",
    "authority",
    "observer",
];

/// Who may take each action, written out from SPEC "Workflow" and "Roles" (the coordinator
/// may do everything on a message except approval; the executor only when assigned).
fn allowed(action: ActionKind) -> &'static [&'static str] {
    match action {
        ActionKind::Assign => &["coordinator"],
        ActionKind::Return => &["coordinator", "executor"],
        ActionKind::SendBack => &["authority"],
        ActionKind::Reject => &["coordinator"],
        ActionKind::SubmitDraft => &["coordinator", "executor"],
        ActionKind::Approve => &["authority"],
        ActionKind::RequestRevision => &["authority"],
        ActionKind::Publish => &["coordinator", "executor"],
        ActionKind::AuthorReplied => &["coordinator", "executor", "authority"],
        ActionKind::SetUrgent => &["coordinator", "authority"],
        ActionKind::Intake => &["coordinator", "authority"],
        ActionKind::Link | ActionKind::Unlink | ActionKind::SetTopic => &["coordinator"],
    }
}

/// The body of each action on message `id` (`link`: to the lead [`prepare`] took in just
/// before it).
fn input(action: ActionKind, executor: i64, id: MessageId) -> Value {
    match action {
        ActionKind::Assign => json!({ "executor_id": executor }),
        ActionKind::Return => json!({ "justification": "Вопрос федерального ведения" }),
        ActionKind::SendBack => json!({ "reason": "Вопрос в компетенции района" }),
        ActionKind::Reject => json!({ "category": "insult" }),
        ActionKind::SubmitDraft => json!({ "kind": "final", "text": "Здравствуйте! Ответ." }),
        ActionKind::Approve => json!({}),
        ActionKind::RequestRevision => json!({ "remarks": "Уточните сроки" }),
        ActionKind::Publish => json!({ "link": "https://t.me/c/1/2?comment=9" }),
        ActionKind::AuthorReplied => json!({ "text": "Дом 5, подъезд 2" }),
        ActionKind::SetUrgent => json!({ "urgent": true }),
        ActionKind::Link => json!({ "to": id.0 - 1 }),
        // The first entry of `main`'s default catalogue (ЖКХ).
        ActionKind::SetTopic => json!({ "topic_id": 1 }),
        ActionKind::Intake | ActionKind::Unlink => json!({}),
    }
}

async fn caller(app: &TestApp, login: &str) -> Caller {
    let id = app.user_id(login).await;
    Caller::person(
        &app::service::users::by_id(&app.state.pool, UserId(id))
            .await
            .unwrap()
            .unwrap(),
    )
}

/// A message in the state where `action` applies, assigned to `executor` where relevant.
async fn prepare(app: &TestApp, action: ActionKind, n: usize) -> MessageId {
    let ctx = app.ctx().await;
    let now = ctx.now;
    let authority = caller(app, "authority").await;
    let coordinator = caller(app, "coordinator").await;
    let executor = caller(app, "executor").await;
    let lead = if matches!(action, ActionKind::Link | ActionKind::Unlink) {
        let msg = NewMessage {
            administration: None,
            external_id: format!("matrix-{n}-lead"),
            network: Network::Vk,
            url: "https://vk.com/wall-1_1".into(),
            author: "Анна".into(),
            author_url: None,
            text: "Тот же вопрос".into(),
            topic: None,
            detected_at: now,
        };
        match intake(&ctx, msg, &authority).await.unwrap() {
            Intake::Created(lead) => Some(lead),
            _ => panic!("duplicate"),
        }
    } else {
        None
    };
    let msg = NewMessage {
        administration: None,
        external_id: format!("matrix-{n}"),
        network: Network::Telegram,
        url: "https://t.me/c/1/2".into(),
        author: "Пётр".into(),
        author_url: None,
        text: "Вопрос".into(),
        topic: None,
        detected_at: now,
    };
    let Intake::Created(id) = intake(&ctx, msg, &authority).await.unwrap() else {
        panic!("duplicate")
    };
    let run = |cmd: Command, who: &Caller| {
        let (ctx, who) = (ctx.clone(), who.clone());
        async move {
            act(&ctx, id, None, cmd, &who).await.unwrap();
        }
    };
    let assign = Command::Assign {
        executor: executor.user.unwrap(),
        department: None,
    };
    let draft = |kind| Command::SubmitDraft {
        kind,
        text: "Ответ".into(),
        attachments: vec![],
    };
    let publish = Command::Publish {
        link: "https://t.me/c/1/3".into(),
        published_at: None,
    };
    match action {
        ActionKind::Assign
        | ActionKind::Reject
        | ActionKind::Intake
        | ActionKind::Link
        | ActionKind::SetTopic => {}
        ActionKind::Unlink => {
            let to = lead.unwrap_or(id);
            run(Command::Link { to }, &coordinator).await;
        }
        ActionKind::Return | ActionKind::SubmitDraft | ActionKind::SetUrgent => {
            run(assign, &coordinator).await
        }
        ActionKind::SendBack => {
            run(assign, &coordinator).await;
            run(
                Command::Return {
                    justification: "Не наше".into(),
                },
                &coordinator,
            )
            .await;
        }
        ActionKind::Approve | ActionKind::RequestRevision => {
            run(assign, &coordinator).await;
            run(draft(AnswerKind::Final), &executor).await;
        }
        ActionKind::Publish => {
            run(assign, &coordinator).await;
            run(draft(AnswerKind::Final), &executor).await;
            run(Command::Approve, &authority).await;
        }
        ActionKind::AuthorReplied => {
            run(assign, &coordinator).await;
            run(draft(AnswerKind::Clarification), &executor).await;
            run(Command::Approve, &authority).await;
            run(publish, &executor).await;
        }
    }
    id
}

async fn snapshot(app: &TestApp, id: MessageId) -> (String, i64, i64) {
    let (state, version): (String, i64) =
        app::on_db!(&app.state.pool, p => sqlx::query_as("SELECT state, version FROM messages WHERE id = $1")
            .bind(id)
            .fetch_one(p).await)
            .unwrap();
    let events: i64 = app::on_db!(&app.state.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM journal WHERE message_id = $1")
        .bind(id)
        .fetch_one(p).await)
        .unwrap();
    (state, version, events)
}

/// Form fields of the `act` server function (`input[...]` for the command, `version`).
fn form(id: MessageId, action: ActionKind, body: &Value) -> Vec<(String, String)> {
    let mut out = vec![
        ("id".to_owned(), id.0.to_string()),
        ("input[action]".to_owned(), action.as_str().to_owned()),
    ];
    for (k, v) in body.as_object().unwrap() {
        let v = match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let name = if k == "version" {
            k.clone()
        } else {
            format!("input[{k}]")
        };
        out.push((name, v));
    }
    out
}

#[tokio::test]
async fn every_action_by_every_role_through_both_doors() {
    let app = TestApp::new().await;
    let executor_id = app.user_id("executor").await;
    let mut cookies = Vec::new();
    for login in ACTORS {
        cookies.push((login, app.sign_in(login, "demo").await));
    }
    let mut n = 0;
    let mut checked = 0;
    for action in ActionKind::ALL
        .into_iter()
        .filter(|a| *a != ActionKind::Intake)
    {
        for (login, cookie) in &cookies {
            for door in ["rest", "serverfn"] {
                n += 1;
                let id = prepare(&app, action, n).await;
                let before = snapshot(&app, id).await;
                let body = input(action, executor_id, id);
                let (status, error) = if door == "rest" {
                    let (s, v) = app
                        .api(
                            "POST",
                            &format!("/api/v1/messages/{id}/{}", action.as_str()),
                            Auth::Cookie(cookie),
                            Some(&body.to_string()),
                        )
                        .await;
                    (
                        s,
                        v["error"]["message"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned(),
                    )
                } else {
                    let fields = form(id, action, &body);
                    let fields: Vec<(&str, &str)> = fields
                        .iter()
                        .map(|(k, v)| (k.as_str(), v.as_str()))
                        .collect();
                    let res = app.server_fn("/serverfn/act", &fields, Some(cookie)).await;
                    let s = res.status();
                    let text = body_text(res).await;
                    (s, text)
                };
                let expect_ok = allowed(action).contains(login);
                if expect_ok {
                    assert_eq!(
                        status,
                        StatusCode::OK,
                        "{door}: {login} {action:?} should be allowed: {error}"
                    );
                    assert_ne!(
                        snapshot(&app, id).await,
                        before,
                        "{door}: {login} {action:?} changed nothing"
                    );
                } else {
                    assert_eq!(
                        status,
                        StatusCode::FORBIDDEN,
                        "{door}: {login} {action:?} should be refused: {error}"
                    );
                    assert!(
                        error.chars().any(|c| ('а'..='я').contains(&c)),
                        "Russian message: {error}"
                    );
                    assert_eq!(
                        snapshot(&app, id).await,
                        before,
                        "{door}: refused {login} {action:?} changed the message"
                    );
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 13 * 6 * 2);
}

#[tokio::test]
async fn intake_and_import_are_for_the_authority_and_the_coordinator() {
    let app = TestApp::new().await;
    for (n, login) in ACTORS.iter().enumerate() {
        let cookie = app.sign_in(login, "demo").await;
        let body = json!({
            "external_id": format!("door-{n}"), "network": "ok", "url": "https://ok.ru/group/1/topic/2",
            "author": "Анна", "text": "Вопрос", "detected_at": "2026-03-16T09:00:00+03:00",
        });
        let (s, e) = app
            .api(
                "POST",
                "/api/v1/messages",
                Auth::Cookie(&cookie),
                Some(&body.to_string()),
            )
            .await;
        let expected = if allowed(ActionKind::Intake).contains(login) {
            StatusCode::CREATED
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(s, expected, "{login}: {e}");
    }
}
