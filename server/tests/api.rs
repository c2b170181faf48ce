//! The REST API under `/api/v1`, through the real router on a real SQLite file: status
//! codes, idempotent intake, the full flow through the API alone, bad input, the OpenAPI
//! document against the routes.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;

use app::domain::role::Role;
use axum::http::StatusCode;
use chrono::Duration;
use common::*;
use serde_json::{json, Value};

fn intake_body(external_id: &str, detected_at: &str) -> String {
    json!({
        "external_id": external_id,
        "network": "vk",
        "url": "https://vk.com/wall-1_100",
        "author": "Мария Соколова",
        "text": "Когда починят дорогу? <script>alert(1)</script>",
        "detected_at": detected_at,
    })
    .to_string()
}

/// 10:00 Moscow on the test's Monday, as the regional system would send it.
const DETECTED: &str = "2026-03-16T09:40:00+03:00";

#[tokio::test]
async fn intake_answers_each_status_code_of_spec() {
    let app = TestApp::new().await;
    let authority = app.token(Role::Authority).await;
    let body = intake_body("vk-7001", DETECTED);

    let (s, e) = app
        .api("POST", "/api/v1/messages", Auth::Anonymous, Some(&body))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(e["error"]["code"], "unauthorized");
    let (s, _) = app
        .api(
            "POST",
            "/api/v1/messages",
            Auth::Token("otk_wrong"),
            Some(&body),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    let (s, m) = app
        .api(
            "POST",
            "/api/v1/messages",
            Auth::Token(&authority),
            Some(&body),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    assert_eq!(m["external_id"], "vk-7001");
    assert_eq!(m["status"], "new");
    assert_eq!(m["detected_at"], DETECTED);
    assert_eq!(m["received_at"], "2026-03-16T10:00:00+03:00");
    assert_eq!(m["text"], "Когда починят дорогу? <script>alert(1)</script>");
    let deadlines = m["deadlines"].as_object().unwrap();
    let mut keys: Vec<&str> = deadlines.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["answer_by", "draft_by", "return_by"]);
    // 30 min from receipt; 5 working hours from detection around the 13:00–13:48 lunch.
    assert_eq!(
        m["deadlines"]["return_by"]["due"],
        "2026-03-16T10:30:00+03:00"
    );
    assert_eq!(
        m["deadlines"]["draft_by"]["due"],
        "2026-03-16T15:28:00+03:00"
    );
    assert!(m["deadlines"]["answer_by"]["done_at"].is_null());

    // The same message again: 200 and the same id.
    let (s, again) = app
        .api(
            "POST",
            "/api/v1/messages",
            Auth::Token(&authority),
            Some(&body),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(again["id"], m["id"]);
    // Same external_id, other content: 409.
    let other = body.replace("Когда", "Почему");
    let (s, e) = app
        .api(
            "POST",
            "/api/v1/messages",
            Auth::Token(&authority),
            Some(&other),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(e["error"]["code"], "conflict");
    // In the past is fine; in the future beyond the skew: 422.
    let (s, _) = app
        .api(
            "POST",
            "/api/v1/messages",
            Auth::Token(&authority),
            Some(&intake_body("vk-old", "2025-12-01T10:00:00+03:00")),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, e) = app
        .api(
            "POST",
            "/api/v1/messages",
            Auth::Token(&authority),
            Some(&intake_body("vk-future", "2026-03-16T11:00:00+03:00")),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["field"], "detected_at");
    assert!(e["error"]["message"].as_str().unwrap().contains("будущем"));
    // The observer may read but not take messages in.
    let observer = app.token(Role::Observer).await;
    let (s, e) = app
        .api(
            "POST",
            "/api/v1/messages",
            Auth::Token(&observer),
            Some(&intake_body("vk-obs", DETECTED)),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Наблюдатель"),
        "{e}"
    );
    // GET by id and the list by status.
    let path = format!("/api/v1/messages/{}", m["id"]);
    let (s, got) = app.api("GET", &path, Auth::Token(&observer), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(got["deadlines"], m["deadlines"]);
    assert_eq!(got["journal"][0]["action"], "intake");
    let (s, list) = app
        .api(
            "GET",
            "/api/v1/messages?status=new",
            Auth::Token(&observer),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let list = list.as_array().unwrap();
    assert!(list.iter().all(|x| x["status"] == "new"));
    assert!(list.iter().any(|x| x["id"] == m["id"]));
    let (s, e) = app
        .api(
            "GET",
            "/api/v1/messages?status=lost",
            Auth::Token(&observer),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e["error"]["message"].as_str().unwrap().contains("lost"));
    let (s, _) = app
        .api(
            "GET",
            "/api/v1/messages/999999",
            Auth::Token(&observer),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_request_bodies_get_json_errors() {
    let app = TestApp::new().await;
    let authority = app.token(Role::Authority).await;
    let post = |body: String| {
        let app = &app;
        let authority = authority.clone();
        async move {
            app.api(
                "POST",
                "/api/v1/messages",
                Auth::Token(&authority),
                Some(&body),
            )
            .await
        }
    };
    // Unknown field.
    let mut v: Value = serde_json::from_str(&intake_body("vk-1", DETECTED)).unwrap();
    v["priority"] = json!("high");
    let (s, e) = post(v.to_string()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        e["error"]["message"].as_str().unwrap().contains("priority"),
        "{e}"
    );
    // Wrong type.
    let mut v: Value = serde_json::from_str(&intake_body("vk-1", DETECTED)).unwrap();
    v["text"] = json!(42);
    let (s, e) = post(v.to_string()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["code"], "validation");
    // Unknown network, missing field, bad time, not a link.
    for (field, value) in [
        ("network", json!("facebook")),
        ("detected_at", json!("вчера")),
        ("url", json!("javascript:alert(1)")),
        ("author", json!("   ")),
    ] {
        let mut v: Value = serde_json::from_str(&intake_body("vk-1", DETECTED)).unwrap();
        v[field] = value;
        let (s, e) = post(v.to_string()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {e}");
    }
    let mut v: Value = serde_json::from_str(&intake_body("vk-1", DETECTED)).unwrap();
    v.as_object_mut().unwrap().remove("author");
    let (s, _) = post(v.to_string()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    // Not JSON at all.
    let (s, e) = post("{\"external_id\":".into()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e["error"]["code"], "bad_request");
    // Oversized body.
    let mut v: Value = serde_json::from_str(&intake_body("vk-big", DETECTED)).unwrap();
    v["text"] = json!("а".repeat(300_000));
    let (s, e) = post(v.to_string()).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(e["error"]["code"], "payload_too_large");
    // Nothing of that was stored.
    let n: i64 =
        app::on_db!(&app.state.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE external_id IN ('vk-1', 'vk-big')")
            .fetch_one(p).await)
            .unwrap();
    assert_eq!(n, 0);
    // Unknown route and unknown action.
    let (s, e) = app
        .api("GET", "/api/v1/nothing", Auth::Token(&authority), None)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(e["error"]["code"], "not_found");
    let (s, _) = app
        .api(
            "POST",
            "/api/v1/messages/1/explode",
            Auth::Token(&authority),
            Some("{}"),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

/// intake → assign → draft → return for revision → resubmit → approve → publish, through
/// `/api/v1` alone: tokens for the authority and the coordinator, the executor's session.
#[tokio::test]
async fn full_flow_through_the_api_alone() {
    let app = TestApp::new().await;
    let authority = app.token(Role::Authority).await;
    let coordinator = app.token(Role::Coordinator).await;
    let executor = app.sign_in("executor", "demo").await;
    let step = |mins: i64| app.state.clock.advance(Duration::minutes(mins));

    let (s, m) = app
        .api(
            "POST",
            "/api/v1/messages",
            Auth::Token(&authority),
            Some(&intake_body("vk-flow", DETECTED)),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let id = m["id"].as_i64().unwrap();
    let act = |action: &'static str, auth: Auth<'static>, body: Value| {
        let app = &app;
        async move {
            let (s, v) = app
                .api(
                    "POST",
                    &format!("/api/v1/messages/{id}/{action}"),
                    auth,
                    Some(&body.to_string()),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{action}: {v}");
            v
        }
    };
    // Tokens and cookies must outlive the closures' futures.
    let authority: &'static str = Box::leak(authority.into_boxed_str());
    let coordinator: &'static str = Box::leak(coordinator.into_boxed_str());
    let executor: &'static str = Box::leak(executor.into_boxed_str());

    let (_, users) = app
        .api(
            "GET",
            "/api/v1/users?role=executor",
            Auth::Token(coordinator),
            None,
        )
        .await;
    let ivanov = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["login"] == "executor")
        .unwrap()["id"]
        .clone();

    step(10);
    let m = act(
        "assign",
        Auth::Token(coordinator),
        json!({ "executor_id": ivanov, "version": 1 }),
    )
    .await;
    assert_eq!(m["status"], "in_work");
    assert_eq!(m["assignee"]["name"], "Иванов Сергей Николаевич");
    // Taken into work: the window to return it closes as accepted (met).
    assert_eq!(m["deadlines"]["return_by"]["outcome"], "met");
    assert_eq!(m["deadlines"]["return_by"]["late_by_seconds"], 0);
    assert_eq!(
        m["deadlines"]["return_by"]["responsible_at_end"],
        json!({ "kind": "coordinators" })
    );
    assert!(m["deadlines"]["draft_by"]["outcome"].is_null());
    assert!(m["deadlines"]["draft_by"]["late_by_seconds"].is_null());
    step(50);
    let m = act(
        "submit_draft",
        Auth::Cookie(executor),
        json!({ "kind": "final", "text": "Здравствуйте!" }),
    )
    .await;
    assert_eq!(m["status"], "on_approval");
    step(30);
    let m = act(
        "request_revision",
        Auth::Token(authority),
        json!({ "remarks": "Обратитесь по имени" }),
    )
    .await;
    assert_eq!(m["status"], "revision");
    assert!(m["deadlines"]["revision_by"]["done_at"].is_null());
    step(30);
    let m = act(
        "submit_draft",
        Auth::Cookie(executor),
        json!({ "kind": "final", "text": "Здравствуйте, Мария!" }),
    )
    .await;
    assert_eq!(m["status"], "on_approval");
    step(10);
    let m = act("approve", Auth::Token(authority), json!({})).await;
    assert_eq!(m["status"], "approved");
    step(10);
    let m = act(
        "publish",
        Auth::Cookie(executor),
        json!({ "link": "https://vk.com/wall-1_100?reply=5" }),
    )
    .await;
    assert_eq!(m["status"], "answered");

    let (s, d) = app
        .api(
            "GET",
            &format!("/api/v1/messages/{id}"),
            Auth::Token(authority),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(d["status"], "answered");
    for rule in [
        "return_by",
        "draft_by",
        "answer_by",
        "revision_by",
        "publish_by",
    ] {
        // return_by closed when the message was taken into work, at 10 minutes.
        let dl = &d["deadlines"][rule];
        assert!(
            dl["due"].as_str().unwrap().ends_with("+03:00"),
            "{rule}: {dl}"
        );
        assert!(dl["done_at"].is_string(), "{rule} not done: {dl}");
        assert_eq!(dl["met"], true, "{rule}: {dl}");
        assert_eq!(dl["outcome"], "met", "{rule}: {dl}");
        assert_eq!(dl["late_by_seconds"], 0, "{rule}: {dl}");
    }
    assert_eq!(d["drafts"].as_array().unwrap().len(), 2);
    assert_eq!(d["drafts"][0]["decision"], "returned");
    assert_eq!(d["drafts"][0]["remarks"], "Обратитесь по имени");
    assert_eq!(d["drafts"][1]["decision"], "approved");
    assert_eq!(
        d["publications"][0]["link"],
        "https://vk.com/wall-1_100?reply=5"
    );
    let actions: Vec<&str> = d["journal"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "intake",
            "assign",
            "submit_draft",
            "request_revision",
            "submit_draft",
            "approve",
            "publish"
        ]
    );
    assert_eq!(d["journal"][0]["actor"], "API: тест");
    assert_eq!(d["journal"][2]["actor"], "Иванов Сергей Николаевич");
}

#[tokio::test]
async fn stale_version_is_a_conflict_and_changes_nothing() {
    let app = TestApp::new().await;
    let authority = app.token(Role::Authority).await;
    let coordinator = app.token(Role::Coordinator).await;
    let (_, m) = app
        .api(
            "POST",
            "/api/v1/messages",
            Auth::Token(&authority),
            Some(&intake_body("vk-v", DETECTED)),
        )
        .await;
    let id = m["id"].as_i64().unwrap();
    let urgent = |v: i64| json!({ "urgent": true, "version": v }).to_string();
    let path = format!("/api/v1/messages/{id}/set_urgent");
    let (s, _) = app
        .api("POST", &path, Auth::Token(&coordinator), Some(&urgent(1)))
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, e) = app
        .api("POST", &path, Auth::Token(&coordinator), Some(&urgent(1)))
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(e["error"]["message"], app::service::messages::STALE_VERSION);
    let n: i64 = app::on_db!(&app.state.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM journal WHERE message_id = $1")
        .bind(id)
        .fetch_one(p).await)
        .unwrap();
    assert_eq!(n, 2);
}

#[tokio::test]
async fn an_executor_reads_only_the_messages_of_their_department() {
    let app = TestApp::new().await;
    let executor2 = app.sign_in("executor2", "demo").await;
    let (s, list) = app
        .api("GET", "/api/v1/messages", Auth::Cookie(&executor2), None)
        .await;
    assert_eq!(s, StatusCode::OK);
    let list = list.as_array().unwrap();
    assert!(!list.is_empty());
    assert!(
        list.iter()
            .all(|m| m["department"]["name"] == "Отдел благоустройства"),
        "{list:?}"
    );
    // A message of the other department: refused, no text leaks.
    let other: i64 = app::on_db!(&app.state.pool, p => sqlx::query_scalar(
        "SELECT m.id FROM messages m JOIN departments d ON d.id = m.department_id WHERE d.name = 'Отдел ЖКХ' LIMIT 1",
    )
    .fetch_one(p).await)
    .unwrap();
    let (s, e) = app
        .api(
            "GET",
            &format!("/api/v1/messages/{other}"),
            Auth::Cookie(&executor2),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(e.get("text").is_none());
}

#[tokio::test]
async fn calendar_lists_days_with_kinds_and_intervals() {
    let app = TestApp::new().await;
    let observer = app.token(Role::Observer).await;
    let (s, days) = app
        .api(
            "GET",
            "/api/v1/calendar?from=2026-04-30&to=2026-05-04",
            Auth::Token(&observer),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{days}");
    let days = days.as_array().unwrap();
    let kinds: Vec<(&str, &str)> = days
        .iter()
        .map(|d| (d["date"].as_str().unwrap(), d["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("2026-04-30", "shortened"),
            ("2026-05-01", "non_working"),
            ("2026-05-02", "non_working"),
            ("2026-05-03", "non_working"),
            ("2026-05-04", "working"),
        ]
    );
    assert_eq!(
        days[0]["intervals"],
        json!([{ "start": "09:00", "end": "13:00" }, { "start": "13:48", "end": "17:00" }])
    );
    assert_eq!(days[1]["intervals"], json!([]));
    assert_eq!(
        days[4]["intervals"][1],
        json!({ "start": "13:48", "end": "18:00" })
    );
    for bad in [
        "from=2026-03-09&to=2026-03-01",
        "from=06.03.2026&to=2026-03-09",
        "from=2020-01-01&to=2026-01-01",
        "",
    ] {
        let (s, e) = app
            .api(
                "GET",
                &format!("/api/v1/calendar?{bad}"),
                Auth::Token(&observer),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {e}");
    }
    let (s, _) = app
        .api(
            "GET",
            "/api/v1/calendar?from=2026-03-06&to=2026-03-09",
            Auth::Anonymous,
            None,
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

/// Every path and method of the OpenAPI document is a route (not the API's 404 or 405),
/// and every route is in the document.
#[tokio::test]
async fn openapi_document_matches_the_routes() {
    let app = TestApp::new().await;
    let (s, doc) = app
        .api("GET", "/api/v1/openapi.json", Auth::Anonymous, None)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let mut documented: Vec<(String, String)> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.push((method.to_uppercase(), path.clone()));
        }
    }
    documented.sort();
    let mut routes: Vec<(String, String)> = [
        ("GET", "/api/v1/attachments/{id}"),
        ("GET", "/api/v1/board"),
        ("GET", "/api/v1/calendar"),
        ("GET", "/api/v1/events"),
        ("GET", "/api/v1/messages"),
        ("GET", "/api/v1/messages.csv"),
        ("GET", "/api/v1/messages.xlsx"),
        ("GET", "/api/v1/messages/{id}"),
        ("GET", "/api/v1/openapi.json"),
        ("GET", "/api/v1/reports"),
        ("GET", "/api/v1/reports.csv"),
        ("GET", "/api/v1/reports.xlsx"),
        ("GET", "/api/v1/reports/rating.xlsx"),
        ("GET", "/api/v1/users"),
        ("POST", "/api/v1/import"),
        ("POST", "/api/v1/messages"),
        ("POST", "/api/v1/messages/{id}/attachments"),
        ("POST", "/api/v1/messages/{id}/link"),
        ("POST", "/api/v1/messages/{id}/unlink"),
        ("POST", "/api/v1/messages/{id}/{action}"),
    ]
    .iter()
    .map(|(m, p)| (m.to_string(), p.to_string()))
    .collect();
    routes.sort();
    assert_eq!(documented, routes);
    let token = app.token(Role::Authority).await;
    // The event stream never ends; it has its own tests (tests/live.rs).
    // The report files are not JSON: routed and answered to the authority's token.
    for path in [
        "/api/v1/messages.csv",
        "/api/v1/messages.xlsx",
        "/api/v1/reports.csv",
        "/api/v1/reports.xlsx",
        "/api/v1/reports/rating.xlsx",
    ] {
        let req = axum::http::Request::builder()
            .uri(path)
            .header("authorization", format!("Bearer {token}"))
            .body(axum::body::Body::empty())
            .unwrap();
        assert_eq!(app.send(req).await.status(), StatusCode::OK, "{path}");
    }
    let files = |p: &str| p.ends_with(".csv") || p.ends_with(".xlsx");
    for (method, path) in documented
        .iter()
        .filter(|(_, p)| p != "/api/v1/events" && !files(p))
    {
        let concrete = path.replace("{id}", "1").replace("{action}", "approve");
        let (s, body) = app
            .api(method, &concrete, Auth::Token(&token), Some("{}"))
            .await;
        assert_ne!(s, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        assert!(
            !(s == StatusCode::NOT_FOUND
                && body["error"]["message"]
                    .as_str()
                    .unwrap_or("")
                    .contains("адреса")),
            "{method} {path} is not routed"
        );
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    assert!(doc["components"]["schemas"]["MessageDto"].is_object());
}
