//! Deadline truth (issue 14) through the service and the REST API with an injected clock:
//! only pending work alerts, escalates and counts as overdue; closed messages stop their
//! clocks; outcomes and lateness are stored once; §9 and §12 exactly.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;

use app::domain::role::Role;
use app::service::alerts;
use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use common::{monday_10, Auth, TestApp};
use serde_json::{json, Value};

fn at(minutes: i64) -> DateTime<Utc> {
    monday_10() + Duration::minutes(minutes)
}

/// A VK message detected and received at Monday 10:00; its id.
async fn intake(app: &TestApp, token: &str, external_id: &str) -> i64 {
    app.state.clock.set(monday_10());
    let m = app
        .register(
            token,
            &json!({
                "external_id": external_id, "network": "vk",
                "url": "https://vk.com/wall-1_7", "author": "Мария",
                "text": "Когда починят дорогу?", "detected_at": monday_10().to_rfc3339(),
            }),
        )
        .await;
    m["id"].as_i64().unwrap()
}

async fn act(
    app: &TestApp,
    token: &str,
    id: i64,
    action: &str,
    body: Value,
) -> (StatusCode, Value) {
    app.api(
        "POST",
        &format!("/api/v1/messages/{id}/{action}"),
        Auth::Token(token),
        Some(&body.to_string()),
    )
    .await
}

async fn ok(app: &TestApp, token: &str, id: i64, action: &str, body: Value) -> Value {
    let (s, m) = act(app, token, id, action, body).await;
    assert_eq!(s, StatusCode::OK, "{action}: {m}");
    m
}

/// The ids the list answers for `query`, as the coordinator sees them now.
async fn listed(app: &TestApp, token: &str, query: &str) -> Vec<i64> {
    let (s, list) = app
        .api(
            "GET",
            &format!("/api/v1/messages?{query}"),
            Auth::Token(token),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    list.as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect()
}

/// The alerts raised for message `id`: (rule, kind).
async fn alerts_of(app: &TestApp, id: i64) -> Vec<(String, String)> {
    app::on_db!(&app.state.pool, p => sqlx::query_as(
        "SELECT DISTINCT d.rule, a.kind FROM alerts a JOIN deadlines d ON d.id = a.deadline_id \
         WHERE a.message_id = $1 ORDER BY d.rule, a.kind",
    )
    .bind(id)
    .fetch_all(p).await)
    .unwrap()
}

async fn scan(app: &TestApp, now: DateTime<Utc>) {
    app.state.clock.set(now);
    alerts::scan(&app.ctx().await).await.unwrap();
}

#[tokio::test]
async fn work_taken_in_and_left_past_return_by_raises_nothing_until_draft_by_is_past() {
    let app = TestApp::new().await;
    let authority = app.token(Role::Authority).await;
    let coordinator = app.token(Role::Coordinator).await;
    let id = intake(&app, &authority, "vk-truth-1").await;
    let executor = app.user_id("executor").await;
    app.state.clock.set(at(5));
    ok(
        &app,
        &coordinator,
        id,
        "assign",
        json!({ "executor_id": executor }),
    )
    .await;

    // 10:45, 15 minutes past return_by (10:30): the message was accepted, nothing presses.
    scan(&app, at(45)).await;
    assert_eq!(alerts_of(&app, id).await, Vec::<(String, String)>::new());
    assert!(!listed(&app, &coordinator, "overdue=true")
        .await
        .contains(&id));
    assert!(!listed(&app, &coordinator, "pressing=true")
        .await
        .contains(&id));
    // Nor at 14:00, with draft_by (15:48) still more than a quarter away.
    scan(&app, at(240)).await;
    assert!(alerts_of(&app, id).await.is_empty());
    assert!(!listed(&app, &coordinator, "pressing=true")
        .await
        .contains(&id));

    // 16:00, past draft_by: an alert, on the escalation list, in the overdue filter.
    scan(&app, at(360)).await;
    assert_eq!(
        alerts_of(&app, id).await,
        [("draft_by".to_owned(), "breached".to_owned())]
    );
    let recipients: Vec<String> = app::on_db!(&app.state.pool, p => sqlx::query_scalar(
        "SELECT u.login FROM alerts a JOIN users u ON u.id = a.user_id \
         WHERE a.message_id = $1 ORDER BY u.login",
    )
    .bind(id)
    .fetch_all(p).await)
    .unwrap();
    assert_eq!(recipients, ["coordinator", "executor"]);
    assert!(listed(&app, &coordinator, "overdue=true")
        .await
        .contains(&id));
    assert!(listed(&app, &coordinator, "pressing=true")
        .await
        .contains(&id));
}

#[tokio::test]
async fn overdue_means_working_time_has_passed_since_due() {
    let app = TestApp::new().await;
    let authority = app.token(Role::Authority).await;
    let coordinator = app.token(Role::Coordinator).await;
    // Detected Monday 17:30: return_by is due at 18:00, the end of the working day.
    app.state.clock.set(at(450));
    let m = app
        .register(
            &authority,
            &json!({
                "external_id": "vk-evening", "network": "vk", "url": "https://vk.com/wall-1_9",
                "author": "Олег", "text": "Фонарь не горит", "detected_at": at(450).to_rfc3339(),
            }),
        )
        .await;
    let id = m["id"].as_i64().unwrap();
    assert_eq!(
        m["deadlines"]["return_by"]["due"],
        "2026-03-16T18:00:00+03:00"
    );
    // Monday 18:30: past due by the wall clock, but no working time has passed: it would
    // still be met, so it is not overdue.
    app.state.clock.set(at(510));
    assert!(!listed(&app, &coordinator, "overdue=true")
        .await
        .contains(&id));
    // Tuesday 09:01: one working minute past due.
    app.state.clock.set(at(23 * 60 + 1));
    assert!(listed(&app, &coordinator, "overdue=true")
        .await
        .contains(&id));
}

#[tokio::test]
async fn a_returned_message_stops_its_clocks_and_send_back_starts_fresh_ones() {
    let app = TestApp::new().await;
    let authority = app.token(Role::Authority).await;
    let coordinator = app.token(Role::Coordinator).await;
    let id = intake(&app, &authority, "vk-truth-2").await;

    // Returned at 10:45, 15 working minutes after return_by.
    app.state.clock.set(at(45));
    let m = ok(
        &app,
        &coordinator,
        id,
        "return",
        json!({ "justification": "Вопрос федерального ведения" }),
    )
    .await;
    assert_eq!(m["status"], "returned");
    let d = &m["deadlines"];
    assert_eq!(d["return_by"]["outcome"], "breached");
    assert_eq!(d["return_by"]["met"], false);
    assert_eq!(d["return_by"]["late_by_seconds"], 900);
    for rule in ["draft_by", "answer_by"] {
        assert_eq!(d[rule]["outcome"], "cancelled", "{rule}");
        assert!(d[rule]["met"].is_null(), "{rule}: neither met nor breached");
        assert!(d[rule]["late_by_seconds"].is_null(), "{rule}");
        assert!(d[rule]["done_at"].as_str().unwrap().ends_with("+03:00"));
        assert_eq!(
            d[rule]["responsible_at_end"],
            json!({ "kind": "coordinators" })
        );
    }
    // Days later nothing runs, nothing is overdue, nothing alerts.
    scan(&app, at(3 * 24 * 60)).await;
    assert!(alerts_of(&app, id).await.is_empty());
    assert!(!listed(&app, &coordinator, "overdue=true")
        .await
        .contains(&id));
    let (_, detail) = app
        .api(
            "GET",
            &format!("/api/v1/messages/{id}"),
            Auth::Token(&coordinator),
            None,
        )
        .await;
    assert!(detail["deadline_history"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["done_at"].is_string()));
    // The journal says what happened to each deadline.
    let ret = detail["journal"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["action"] == "return")
        .unwrap()
        .clone();
    assert_eq!(
        ret["details"]["deadlines"],
        json!([
            { "event": "closed", "rule": "return_by", "outcome": "breached", "late_by_seconds": 900 },
            { "event": "closed", "rule": "draft_by", "outcome": "cancelled", "late_by_seconds": null },
            { "event": "closed", "rule": "answer_by", "outcome": "cancelled", "late_by_seconds": null },
        ])
    );

    // Sent back on Thursday 11:00: fresh deadlines from that moment.
    let back = at(3 * 24 * 60 + 60);
    app.state.clock.set(back);
    let m = ok(
        &app,
        &authority,
        id,
        "send_back",
        json!({ "reason": "Это вопрос района" }),
    )
    .await;
    assert_eq!(m["status"], "new");
    for (rule, due) in [
        ("return_by", "2026-03-19T11:30:00+03:00"),
        ("draft_by", "2026-03-19T16:48:00+03:00"),
        ("answer_by", "2026-03-20T11:48:00+03:00"),
    ] {
        assert_eq!(
            m["deadlines"][rule]["started_at"],
            "2026-03-19T11:00:00+03:00"
        );
        assert_eq!(m["deadlines"][rule]["due"], due, "{rule}");
        assert!(m["deadlines"][rule]["done_at"].is_null(), "{rule}");
        assert!(m["deadlines"][rule]["outcome"].is_null(), "{rule}");
    }
}

#[tokio::test]
async fn urgency_supersedes_the_running_deadlines_and_both_stay_in_the_history() {
    let app = TestApp::new().await;
    let authority = app.token(Role::Authority).await;
    let id = intake(&app, &authority, "vk-truth-3").await;
    app.state.clock.set(at(30));
    let m = ok(
        &app,
        &authority,
        id,
        "set_urgent",
        json!({ "urgent": true }),
    )
    .await;
    assert_eq!(
        m["deadlines"]["draft_by"]["due"],
        "2026-03-16T12:00:00+03:00"
    );
    assert_eq!(
        m["deadlines"]["answer_by"]["due"],
        "2026-03-16T14:48:00+03:00"
    );
    let (_, detail) = app
        .api(
            "GET",
            &format!("/api/v1/messages/{id}"),
            Auth::Token(&authority),
            None,
        )
        .await;
    let history: Vec<(String, String, Value)> = detail["deadline_history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_owned(),
                d["due"].as_str().unwrap().to_owned(),
                d["outcome"].clone(),
            )
        })
        .collect();
    assert_eq!(
        history,
        [
            (
                "return_by".into(),
                "2026-03-16T10:30:00+03:00".into(),
                Value::Null
            ),
            (
                "draft_by".into(),
                "2026-03-16T15:48:00+03:00".into(),
                json!("superseded")
            ),
            (
                "answer_by".into(),
                "2026-03-17T10:48:00+03:00".into(),
                json!("superseded")
            ),
            (
                "draft_by".into(),
                "2026-03-16T12:00:00+03:00".into(),
                Value::Null
            ),
            (
                "answer_by".into(),
                "2026-03-16T14:48:00+03:00".into(),
                Value::Null
            ),
        ]
    );
}

#[tokio::test]
async fn publish_refuses_a_time_before_approval_or_in_the_future_and_a_foreign_link() {
    let app = TestApp::new().await;
    let authority = app.token(Role::Authority).await;
    let coordinator = app.token(Role::Coordinator).await;
    let id = intake(&app, &authority, "vk-truth-4").await;
    app.state.clock.set(at(5));
    ok(
        &app,
        &coordinator,
        id,
        "assign",
        json!({ "executor_id": app.user_id("executor").await }),
    )
    .await;
    app.state.clock.set(at(60));
    ok(
        &app,
        &coordinator,
        id,
        "submit_draft",
        json!({ "kind": "final", "text": "Здравствуйте, Мария!" }),
    )
    .await;
    app.state.clock.set(at(90));
    ok(&app, &authority, id, "approve", json!({})).await;
    app.state.clock.set(at(100));

    let refused = [
        (
            json!({ "link": "https://vk.com/wall-1_7?reply=8", "published_at": "2026-03-16T11:20:00+03:00" }),
            "published_at",
            "Время размещения раньше согласования",
        ),
        (
            json!({ "link": "https://vk.com/wall-1_7?reply=8", "published_at": "2026-03-16T11:50:00+03:00" }),
            "published_at",
            "Время размещения не может быть в будущем",
        ),
        (
            json!({ "link": "https://t.me/channel/5" }),
            "link",
            "Ссылка на размещённый ответ должна быть адресом сети ВКонтакте (vk.com, vk.ru, m.vk.com) и начинаться с https://",
        ),
        (
            json!({ "link": "http://vk.com/wall-1_7?reply=8" }),
            "link",
            "Ссылка на размещённый ответ должна быть адресом сети ВКонтакте (vk.com, vk.ru, m.vk.com) и начинаться с https://",
        ),
        (
            json!({ "link": "https://vk.com@evil.example/wall-1_7" }),
            "link",
            "Ссылка на размещённый ответ должна быть адресом сети ВКонтакте (vk.com, vk.ru, m.vk.com) и начинаться с https://",
        ),
    ];
    for (body, field, message) in refused {
        let (s, e) = act(&app, &coordinator, id, "publish", body.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {e}");
        assert_eq!(e["error"]["field"], field, "{body}");
        assert_eq!(e["error"]["message"], message, "{body}");
    }
    let m = ok(
        &app,
        &coordinator,
        id,
        "publish",
        json!({ "link": "https://m.vk.com/wall-1_7?reply=8", "published_at": "2026-03-16T11:35:00+03:00" }),
    )
    .await;
    assert_eq!(m["status"], "answered");
    assert_eq!(m["deadlines"]["publish_by"]["outcome"], "met");
    assert_eq!(
        m["deadlines"]["answer_by"]["done_at"],
        "2026-03-16T11:35:00+03:00"
    );
}

#[tokio::test]
async fn a_late_draft_is_breached_by_its_working_lateness_stored_once() {
    let app = TestApp::new().await;
    let authority = app.token(Role::Authority).await;
    let coordinator = app.token(Role::Coordinator).await;
    let id = intake(&app, &authority, "vk-truth-5").await;
    app.state.clock.set(at(5));
    ok(
        &app,
        &coordinator,
        id,
        "assign",
        json!({ "executor_id": app.user_id("executor").await }),
    )
    .await;
    // draft_by is 15:48; submitted Tuesday 09:10: 2 h 12 min of Monday + 10 min late.
    app.state.clock.set(at(23 * 60 + 10));
    let m = ok(
        &app,
        &coordinator,
        id,
        "submit_draft",
        json!({ "kind": "final", "text": "Ответ" }),
    )
    .await;
    let draft = &m["deadlines"]["draft_by"];
    assert_eq!(draft["outcome"], "breached");
    assert_eq!(draft["late_by_seconds"], 2 * 3600 + 22 * 60);
    assert_eq!(
        draft["responsible_at_end"],
        json!({ "kind": "executor", "user": app.user_id("executor").await })
    );
    assert_eq!(
        draft["responsible_at_start"],
        json!({ "kind": "coordinators" })
    );
    // A later calendar correction (Monday made a day off) does not rewrite history.
    app::on_db!(&app.state.pool, p => sqlx::query(
        "INSERT INTO calendar_overrides (date, mark, note, updated_at) VALUES ('2026-03-16', 'non_working', '', $1)",
    )
    .bind(at(0))
    .execute(p).await.map(|r| r.rows_affected()))
    .unwrap();
    let (_, d) = app
        .api(
            "GET",
            &format!("/api/v1/messages/{id}"),
            Auth::Token(&coordinator),
            None,
        )
        .await;
    assert_eq!(
        d["deadlines"]["draft_by"]["late_by_seconds"],
        2 * 3600 + 22 * 60
    );
    assert_eq!(
        d["deadlines"]["draft_by"]["due"],
        "2026-03-16T15:48:00+03:00"
    );
}

#[tokio::test]
async fn the_five_grounds_of_section_12() {
    let app = TestApp::new().await;
    let authority = app.token(Role::Authority).await;
    let coordinator = app.token(Role::Coordinator).await;
    for (n, ground) in ["harm", "obscenity", "insult", "threat", "threat_family"]
        .into_iter()
        .enumerate()
    {
        let id = intake(&app, &authority, &format!("vk-12-{n}")).await;
        let m = ok(
            &app,
            &coordinator,
            id,
            "reject",
            json!({ "category": ground, "reason": "§12" }),
        )
        .await;
        assert_eq!(m["status"], "rejected");
        // Not a return: no lateness against return_by, every deadline cancelled.
        for rule in ["return_by", "draft_by", "answer_by"] {
            assert_eq!(
                m["deadlines"][rule]["outcome"], "cancelled",
                "{ground} {rule}"
            );
        }
        let (_, d) = app
            .api(
                "GET",
                &format!("/api/v1/messages/{id}"),
                Auth::Token(&coordinator),
                None,
            )
            .await;
        let journal = d["journal"].as_array().unwrap();
        assert_eq!(journal.last().unwrap()["details"]["category"], ground);
    }
    let id = intake(&app, &authority, "vk-12-bad").await;
    let (s, e) = act(
        &app,
        &coordinator,
        id,
        "reject",
        json!({ "category": "spam" }),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let message = e["error"]["message"].as_str().unwrap();
    assert_eq!(
        message,
        "Недопустимое значение «spam»; допустимы: harm, obscenity, insult, threat, threat_family"
    );
    // The OpenAPI document lists the five grounds and the deadline's new fields.
    let (_, doc) = app
        .api("GET", "/api/v1/openapi.json", Auth::Anonymous, None)
        .await;
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        schemas["RejectCategory"]["enum"],
        json!(["harm", "obscenity", "insult", "threat", "threat_family"])
    );
    assert_eq!(
        schemas["Outcome"]["enum"],
        json!(["met", "breached", "cancelled", "superseded"])
    );
    for field in [
        "outcome",
        "late_by_seconds",
        "responsible_at_start",
        "responsible_at_end",
        "met",
    ] {
        assert!(
            schemas["DeadlineDto"]["properties"][field].is_object(),
            "DeadlineDto.{field}: {}",
            schemas["DeadlineDto"]
        );
    }
}
