//! Several administrations in one deployment (issue 19): isolation is a rule of the
//! service layer. Two administrations, `main` and `luga`; every read and write route of
//! the integration API, by a caller of each, on a message of the other; intake routing by
//! the `administration` code; the regional roles reading across both; the CLI.
//! Runs on SQLite and, in the test command's second pass, on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;

use app::domain::ids::AdministrationId;
use app::domain::role::Role;
use app::service::users::{self, NewUser};
use axum::http::StatusCode;
use common::sse::Stream;
use common::*;
use serde_json::{json, Value};

const LUGA: AdministrationId = AdministrationId(2);

/// Two administrations: the demo's `main` and a new `luga` with its own coordinator and
/// executor (department «ЖКХ», as in `main`: names are per administration).
async fn two_administrations() -> TestApp {
    let app = TestApp::new().await;
    let pool = &app.state.pool;
    let now = app.state.clock.now();
    let luga = app::service::administrations::add(pool, "luga", "Лужский муниципальный район", now)
        .await
        .unwrap();
    assert_eq!(luga.id, LUGA);
    for (login, role, department) in [
        ("luga-coord", Role::Coordinator, None),
        ("luga-exec", Role::Executor, Some("ЖКХ")),
    ] {
        users::create(
            pool,
            NewUser {
                login,
                full_name: login,
                role,
                department,
                password: "demo",
                administration: Some("luga"),
            },
            now,
        )
        .await
        .unwrap();
    }
    app
}

fn message(external_id: &str, administration: Option<&str>, now: &str) -> Value {
    let mut m = json!({
        "external_id": external_id,
        "network": "vk",
        "url": "https://vk.com/wall-1_1",
        "author": "Мария Соколова",
        "text": format!("Текст {external_id}: яма на дороге"),
        "detected_at": now,
    });
    if let Some(a) = administration {
        m["administration"] = json!(a);
    }
    m
}

#[tokio::test]
async fn intake_routes_by_code_and_refuses_a_missing_or_unknown_one() {
    let app = two_administrations().await;
    let now = app.state.clock.now().to_rfc3339();
    let authority = app.token(Role::Authority).await;
    let auth = Auth::Token(&authority);

    let body = message("r-1", None, &now).to_string();
    let (s, e) = app.api("POST", "/api/v1/messages", auth, Some(&body)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["code"], "validation");
    let text = e["error"]["message"].as_str().unwrap();
    assert!(text.contains("main") && text.contains("luga"), "{text}");

    let body = message("r-1", Some("tosno"), &now).to_string();
    let (s, e) = app.api("POST", "/api/v1/messages", auth, Some(&body)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("tosno"));

    let m = app
        .register(&authority, &message("r-1", Some("luga"), &now))
        .await;
    assert_eq!(m["administration"], "luga");
    let m = app
        .register(&authority, &message("r-2", Some("main"), &now))
        .await;
    assert_eq!(m["administration"], "main");

    // A coordinator's token of `main` takes messages into `main` only.
    let main_coord = app.token(Role::Coordinator).await;
    let m = app.register(&main_coord, &message("r-3", None, &now)).await;
    assert_eq!(m["administration"], "main");
    let body = message("r-4", Some("luga"), &now).to_string();
    let (s, e) = app
        .api(
            "POST",
            "/api/v1/messages",
            Auth::Token(&main_coord),
            Some(&body),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");

    // Re-sending another administration's external id reveals nothing of it.
    let body = message("r-1", None, &now).to_string();
    let (s, e) = app
        .api(
            "POST",
            "/api/v1/messages",
            Auth::Token(&main_coord),
            Some(&body),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert!(!e.to_string().contains("яма"), "{e}");
}

/// Every route that names a message, by a caller of the other administration: 404 with
/// the JSON error, never the message's content, and nothing changed.
#[tokio::test]
async fn another_administrations_message_is_not_found_on_every_route() {
    let app = two_administrations().await;
    let now = app.state.clock.now().to_rfc3339();
    let authority = app.token(Role::Authority).await;
    let in_main = app
        .register(&authority, &message("m-1", Some("main"), &now))
        .await;
    let in_luga = app
        .register(&authority, &message("l-1", Some("luga"), &now))
        .await;
    let luga_exec = app.user_id("luga-exec").await;
    let main_exec = app.user_id("executor").await;

    let tokens = [
        (
            "main",
            app.token_of(Role::Coordinator, Some(AdministrationId(1)))
                .await,
        ),
        ("luga", app.token_of(Role::Coordinator, Some(LUGA)).await),
    ];
    let bodies: Vec<(&str, Value)> = vec![
        ("assign", json!({ "executor_id": main_exec })),
        ("return", json!({ "justification": "Не наш вопрос" })),
        ("reject", json!({ "category": "insult" })),
        ("submit_draft", json!({ "kind": "final", "text": "Ответ" })),
        (
            "publish",
            json!({ "link": "https://vk.com/wall-1_1?reply=2" }),
        ),
        ("author_replied", json!({ "text": "Дом 5" })),
        ("set_urgent", json!({ "urgent": true })),
        ("approve", json!({})),
        ("request_revision", json!({ "remarks": "Уточните" })),
        ("send_back", json!({ "reason": "В компетенции района" })),
    ];
    let mut received = Vec::new();
    for (own, token) in &tokens {
        let other = if *own == "main" { &in_luga } else { &in_main };
        let id = other["id"].as_i64().unwrap();
        let auth = Auth::Token(token);
        let (s, e) = app
            .api("GET", &format!("/api/v1/messages/{id}"), auth, None)
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{own}: {e}");
        assert_eq!(e["error"]["code"], "not_found");
        assert!(!e.to_string().contains("яма"));
        for (action, body) in &bodies {
            let path = format!("/api/v1/messages/{id}/{action}");
            let (s, e) = app.api("POST", &path, auth, Some(&body.to_string())).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{own} {action}: {e}");
        }
        let (s, e) = app
            .api(
                "POST",
                &format!("/api/v1/messages/{id}/attachments"),
                auth,
                Some("{}"),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{own} upload: {e}");
        // The list shows only its own administration's message.
        let (s, list) = app
            .api("GET", "/api/v1/messages?limit=100", auth, None)
            .await;
        assert_eq!(s, StatusCode::OK);
        let codes: Vec<&str> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["administration"].as_str().unwrap())
            .collect();
        assert!(
            !codes.is_empty() && codes.iter().all(|c| c == own),
            "{own}: {codes:?}"
        );
        let (_, found) = app
            .api("GET", "/api/v1/messages?q=%D1%8F%D0%BC%D0%B0", auth, None)
            .await;
        assert!(found
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["id"] != other["id"]));
        // Users and reports: only its own.
        let (_, people) = app.api("GET", "/api/v1/users", auth, None).await;
        let logins: Vec<&str> = people
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["login"].as_str().unwrap())
            .collect();
        assert_eq!(logins.contains(&"luga-exec"), *own == "luga", "{logins:?}");
        let (s, report) = app.api("GET", "/api/v1/reports?by=none", auth, None).await;
        assert_eq!(s, StatusCode::OK, "{report}");
        received.push(report["total"]["received"].as_i64().unwrap());
    }
    // luga has its one message; main its own (the demo's and one more); the authority
    // reads the sum.
    let (_, report) = app
        .api(
            "GET",
            "/api/v1/reports?by=none",
            Auth::Token(&authority),
            None,
        )
        .await;
    assert_eq!(received[1], 1);
    assert!(received[0] > 1);
    assert_eq!(
        report["total"]["received"].as_i64().unwrap(),
        received[0] + received[1]
    );
    // The message of luga is unchanged: still new, version 1.
    let luga_token = &tokens[1].1;
    let id = in_luga["id"].as_i64().unwrap();
    let (_, m) = app
        .api(
            "GET",
            &format!("/api/v1/messages/{id}"),
            Auth::Token(luga_token),
            None,
        )
        .await;
    assert_eq!(
        (m["status"].as_str(), m["version"].as_i64()),
        (Some("new"), Some(1))
    );

    // Assigning luga's message to main's executor is refused; to luga's executor it works.
    let path = format!("/api/v1/messages/{id}/assign");
    let body = json!({ "executor_id": main_exec }).to_string();
    let (s, e) = app
        .api("POST", &path, Auth::Token(luga_token), Some(&body))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let body = json!({ "executor_id": luga_exec }).to_string();
    let (s, e) = app
        .api("POST", &path, Auth::Token(luga_token), Some(&body))
        .await;
    assert_eq!(s, StatusCode::OK, "{e}");
}

#[tokio::test]
async fn the_regional_roles_read_across_administrations() {
    let app = two_administrations().await;
    let now = app.state.clock.now().to_rfc3339();
    let authority = app.token(Role::Authority).await;
    app.register(&authority, &message("m-1", Some("main"), &now))
        .await;
    app.register(&authority, &message("l-1", Some("luga"), &now))
        .await;
    let observer = app.token(Role::RegionalObserver).await;
    for token in [&authority, &observer] {
        let (s, list) = app
            .api("GET", "/api/v1/messages", Auth::Token(token), None)
            .await;
        assert_eq!(s, StatusCode::OK);
        let mut codes: Vec<&str> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["administration"].as_str().unwrap())
            .collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes, ["luga", "main"]);
    }
    // The regional observer reads, and acts on nothing.
    let (_, list) = app
        .api("GET", "/api/v1/messages", Auth::Token(&observer), None)
        .await;
    let id = list[0]["id"].as_i64().unwrap();
    let body = json!({ "urgent": true }).to_string();
    let path = format!("/api/v1/messages/{id}/set_urgent");
    let (s, e) = app
        .api("POST", &path, Auth::Token(&observer), Some(&body))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
}

#[tokio::test]
async fn live_events_reach_only_the_messages_administration() {
    let app = two_administrations().await;
    let now = app.state.clock.now().to_rfc3339();
    let authority = app.token(Role::Authority).await;
    let main = app
        .token_of(Role::Coordinator, Some(AdministrationId(1)))
        .await;
    let luga = app.token_of(Role::Coordinator, Some(LUGA)).await;
    let wait = std::time::Duration::from_millis(1500);
    let mut main_stream = Stream::open(&app, Auth::Token(&main), None).await;
    let mut luga_stream = Stream::open(&app, Auth::Token(&luga), None).await;
    assert_eq!(main_stream.next(wait).await.unwrap().event, "ready");
    assert_eq!(luga_stream.next(wait).await.unwrap().event, "ready");
    let in_luga = app
        .register(&authority, &message("l-1", Some("luga"), &now))
        .await;
    let in_main = app
        .register(&authority, &message("m-1", Some("main"), &now))
        .await;
    let seen = |events: Vec<common::sse::Sse>| -> Vec<Value> {
        events
            .into_iter()
            .filter(|e| e.event == "journal")
            .map(|e| e.data["message_id"].clone())
            .collect()
    };
    let quiet = std::time::Duration::from_millis(600);
    assert_eq!(
        seen(main_stream.drain(quiet).await),
        vec![in_main["id"].clone()]
    );
    assert_eq!(
        seen(luga_stream.drain(quiet).await),
        vec![in_luga["id"].clone()]
    );
}

#[tokio::test]
async fn an_administrations_admin_manages_only_its_own_people() {
    let app = two_administrations().await;
    let pool = &app.state.pool;
    let now = app.state.clock.now();
    let admin = app::service::admin::Admin {
        id: app::domain::ids::UserId(app.user_id("admin").await),
        scope: app::domain::administration::Scope::One(AdministrationId(1)),
    };
    let page = app::service::admin::users_page(&app.ctx().await, &admin)
        .await
        .unwrap();
    let logins: Vec<&str> = page.users.iter().map(|u| u.login.as_str()).collect();
    assert!(
        logins.contains(&"coordinator") && !logins.contains(&"luga-coord"),
        "{logins:?}"
    );
    let luga_coord = app::domain::ids::UserId(app.user_id("luga-coord").await);
    let e = app::service::accounts::set_active(pool, &admin, luga_coord, false, now)
        .await
        .unwrap_err();
    assert_eq!(e.status(), 404);
    // A regional role is the region admin's to give.
    let e = app::service::admin::issue_token(pool, &admin, "ЦУР", Role::Authority, None, now)
        .await
        .unwrap_err();
    assert_eq!(e.status(), 403);
    let region = app::service::admin::Admin {
        scope: app::domain::administration::Scope::Region,
        ..admin
    };
    let e = app::service::admin::issue_token(pool, &region, "x", Role::Coordinator, None, now)
        .await
        .unwrap_err();
    assert_eq!(e.status(), 422, "{e}");
    assert!(e.to_string().contains("luga"));
    app::service::admin::issue_token(pool, &region, "x", Role::Coordinator, Some("luga"), now)
        .await
        .unwrap();
}

async fn xlsx(app: &TestApp, token: &str, path: &str) -> calamine::Xlsx<std::io::Cursor<Vec<u8>>> {
    use calamine::Reader;
    let req = axum::http::Request::get(path)
        .header(axum::http::header::AUTHORIZATION, format!("Bearer {token}"))
        .body(axum::body::Body::empty())
        .unwrap();
    let res = app.send(req).await;
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap()
}

#[tokio::test]
async fn the_region_reports_and_rates_by_administration() {
    use calamine::{Data, Reader};
    let app = two_administrations().await;
    let now = app.state.clock.now().to_rfc3339();
    let authority = app.token(Role::Authority).await;
    for (n, code) in ["luga", "luga", "main"].iter().enumerate() {
        let m = message(&format!("g-{n}"), Some(code), &now);
        app.register(&authority, &m).await;
    }
    // The report grouped by administration: luga's two, main's the demo's and one more.
    let (s, report) = app
        .api(
            "GET",
            "/api/v1/reports?by=administration",
            Auth::Token(&authority),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{report}");
    let rows = report["rows"].as_array().unwrap();
    let received = |label: &str| {
        rows.iter()
            .find(|r| r["label"] == label)
            .map(|r| r["received"].as_i64().unwrap())
    };
    assert_eq!(received("Лужский муниципальный район"), Some(2), "{report}");
    let main = received("Администрация").unwrap();
    assert_eq!(main + 2, report["total"]["received"].as_i64().unwrap());

    // The rating: of administrations for the region, of departments for a coordinator.
    let mut book = xlsx(&app, &authority, "/api/v1/reports/rating.xlsx").await;
    assert_eq!(book.sheet_names(), ["Рейтинг"]);
    let sheet = book.worksheet_range("Рейтинг").unwrap();
    let title = sheet.get_value((0, 0)).unwrap().to_string();
    assert!(
        title.starts_with("Рейтинг администраций за 03.2026"),
        "{title}"
    );
    assert_eq!(
        sheet.get_value((2, 1)),
        Some(&Data::String("Администрация".into()))
    );
    let mut names: Vec<String> = (3..5)
        .map(|r| sheet.get_value((r, 1)).unwrap().to_string())
        .collect();
    names.sort();
    assert_eq!(names, ["Администрация", "Лужский муниципальный район"]);

    let coordinator = app.token(Role::Coordinator).await;
    let mut book = xlsx(&app, &coordinator, "/api/v1/reports/rating.xlsx").await;
    let sheet = book.worksheet_range("Рейтинг").unwrap();
    let title = sheet.get_value((0, 0)).unwrap().to_string();
    assert!(title.starts_with("Рейтинг отделов"), "{title}");
    let cells: Vec<String> = sheet.rows().flatten().map(|c| c.to_string()).collect();
    assert!(!cells.iter().any(|c| c.contains("Лужский")), "{cells:?}");
}

#[tokio::test]
async fn the_board_counts_each_administrations_open_and_overdue_messages() {
    let app = two_administrations().await;
    let now = app.state.clock.now();
    let authority = app.token(Role::Authority).await;
    let board = |token: String| {
        let app = &app;
        async move {
            let (s, b) = app
                .api("GET", "/api/v1/board", Auth::Token(&token), None)
                .await;
            assert_eq!(s, StatusCode::OK, "{b}");
            b.as_array().unwrap().clone()
        }
    };
    let before = board(authority.clone()).await;
    assert_eq!(before.len(), 2);
    let luga = |b: &[Value]| {
        b.iter()
            .find(|r| r["administration"] == "luga")
            .cloned()
            .unwrap()
    };
    assert_eq!(luga(&before)["open"], 0);
    // One in time and one detected a week ago (its 9 working hours long gone).
    app.register(&authority, &message("b-1", Some("luga"), &now.to_rfc3339()))
        .await;
    let old = (now - chrono::Duration::days(7)).to_rfc3339();
    app.register(&authority, &message("b-2", Some("luga"), &old))
        .await;
    let after = board(authority.clone()).await;
    let row = luga(&after);
    assert_eq!(
        (row["open"].as_i64(), row["overdue"].as_i64()),
        (Some(2), Some(1)),
        "{row}"
    );
    assert_eq!(row["name"], "Лужский муниципальный район");
    let main = |b: &[Value]| {
        b.iter()
            .find(|r| r["administration"] == "main")
            .cloned()
            .unwrap()
    };
    assert_eq!(main(&after), main(&before), "main is unchanged");

    // An administration's coordinator sees its own row only; an executor none.
    let own = board(app.token_of(Role::Coordinator, Some(LUGA)).await).await;
    assert_eq!(own, vec![row]);
    // Time runs out with no event at all: past its age, the kept count is answered once
    // more while it is counted again in the background, then the new count.
    app.state.clock.advance(chrono::Duration::hours(10));
    let mut overdue = Vec::new();
    for _ in 0..100 {
        overdue.push(luga(&board(authority.clone()).await)["overdue"].clone());
        if overdue.last() == Some(&json!(2)) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(overdue.first(), Some(&json!(1)), "{overdue:?}");
    assert_eq!(overdue.last(), Some(&json!(2)), "{overdue:?}");
    let executor = app.token_of(Role::Executor, Some(LUGA)).await;
    let (s, _) = app
        .api("GET", "/api/v1/board", Auth::Token(&executor), None)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_openapi_document_takes_and_returns_the_administration() {
    let app = TestApp::new().await;
    let (s, doc) = app
        .api("GET", "/api/v1/openapi.json", Auth::Anonymous, None)
        .await;
    assert_eq!(s, StatusCode::OK);
    let schemas = &doc["components"]["schemas"];
    for schema in ["NewMessage", "MessageDto", "BoardRow"] {
        assert!(
            schemas[schema]["properties"]["administration"].is_object(),
            "{schema}: {}",
            schemas[schema]
        );
    }
    assert!(doc["paths"]["/api/v1/board"]["get"].is_object());
    assert!(doc["paths"]["/api/v1/reports/rating.xlsx"]["get"].is_object());
    let roles = schemas["Role"].to_string();
    assert!(roles.contains("regional_observer"), "{roles}");
}

#[tokio::test]
async fn the_intake_form_of_the_authority_names_the_administration() {
    let app = two_administrations().await;
    let cookie = app.sign_in("authority", "demo").await;
    let res = app
        .server_fn("/serverfn/administration_choices", &[], Some(&cookie))
        .await;
    let choices = body_json(res).await;
    assert_eq!(choices[1]["code"], "luga", "{choices}");
    fn form(administration: &str) -> Vec<(&'static str, &str)> {
        vec![
            ("input[network]", "vk"),
            ("input[url]", "https://vk.com/wall-1_7"),
            ("input[author]", "Житель"),
            ("input[text]", "Нет света в доме"),
            ("input[administration]", administration),
        ]
    }
    let res = app
        .server_fn("/serverfn/intake", &form(""), Some(&cookie))
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .server_fn("/serverfn/intake", &form("luga"), Some(&cookie))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let id = body_json(res).await.as_i64().unwrap();
    let luga = app.token_of(Role::Coordinator, Some(LUGA)).await;
    let (s, m) = app
        .api(
            "GET",
            &format!("/api/v1/messages/{id}"),
            Auth::Token(&luga),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{m}");
    assert_eq!(m["administration"], "luga");

    // A coordinator of one administration is offered no choice.
    let cookie = app.sign_in("coordinator", "demo").await;
    let res = app
        .server_fn("/serverfn/administration_choices", &[], Some(&cookie))
        .await;
    assert_eq!(body_json(res).await, json!([]));
}

#[tokio::test]
async fn a_returned_message_is_routed_to_another_administration_with_its_journal() {
    let app = two_administrations().await;
    let now = app.state.clock.now().to_rfc3339();
    let authority = app.token(Role::Authority).await;
    let main = app
        .token_of(Role::Coordinator, Some(AdministrationId(1)))
        .await;
    let luga = app.token_of(Role::Coordinator, Some(LUGA)).await;
    let m = app
        .register(&authority, &message("rr-1", Some("main"), &now))
        .await;
    let id = m["id"].as_i64().unwrap();
    let post = |token: &str, action: &str, body: Value| {
        let (app, token, path) = (
            &app,
            token.to_owned(),
            format!("/api/v1/messages/{id}/{action}"),
        );
        async move {
            app.api("POST", &path, Auth::Token(&token), Some(&body.to_string()))
                .await
        }
    };
    let (s, e) = post(
        &main,
        "return",
        json!({ "justification": "Это Лужский район" }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{e}");
    // Not to the same one, nor to one that does not exist.
    let (s, e) = post(
        &authority,
        "send_back",
        json!({ "reason": "x", "administration": "main" }),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, e) = post(
        &authority,
        "send_back",
        json!({ "reason": "x", "administration": "tosno" }),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(
        e["error"]["message"].as_str().unwrap().contains("luga"),
        "{e}"
    );

    let (s, moved) = post(
        &authority,
        "send_back",
        json!({ "reason": "Направлено по территории", "administration": "luga" }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{moved}");
    assert_eq!(moved["administration"], "luga");
    assert_eq!(moved["status"], "new");
    assert!(moved["assignee"].is_null());
    let (s, _) = app
        .api(
            "GET",
            &format!("/api/v1/messages/{id}"),
            Auth::Token(&main),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, seen) = app
        .api(
            "GET",
            &format!("/api/v1/messages/{id}"),
            Auth::Token(&luga),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{seen}");
    assert!(
        seen["deadlines"]["return_by"]["done_at"].is_null(),
        "{seen}"
    );

    // The journal followed the message: intake, the return and the routing.
    let luga_caller = app::service::messages::Caller::token("luga", Role::Coordinator, Some(LUGA));
    let detail = app::service::messages::query::detail(
        &app.ctx().await,
        &luga_caller,
        app::domain::ids::MessageId(id),
    )
    .await
    .unwrap();
    let actions: Vec<&str> = detail.journal.iter().map(|j| j.action.as_str()).collect();
    assert_eq!(actions, ["intake", "return", "send_back"]);
    let last = detail.journal.last().unwrap().details.to_string();
    assert!(
        last.contains("\"from\":\"main\"") && last.contains("\"to\":\"luga\""),
        "{last}"
    );
}

/// Posts a form to the server function at `path` as the holder of `cookie`.
async fn call(
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
    cookie: &str,
) -> (StatusCode, Value) {
    let res = app.server_fn(path, form, Some(cookie)).await;
    let status = res.status();
    let text = body_text(res).await;
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// An admin of the region (no administration) and one of `luga`; returns their cookies.
async fn admins(app: &TestApp) -> (String, String) {
    let now = app.state.clock.now();
    for (login, administration) in [("region-admin", None), ("luga-admin", Some("luga"))] {
        users::create(
            &app.state.pool,
            NewUser {
                login,
                full_name: login,
                role: Role::Admin,
                department: None,
                password: "demo",
                administration,
            },
            now,
        )
        .await
        .unwrap();
    }
    (
        app.sign_in("region-admin", "demo").await,
        app.sign_in("luga-admin", "demo").await,
    )
}

fn deadlines(return_by: &str) -> Vec<(&str, &str)> {
    vec![
        ("input[return_by]", return_by),
        ("input[draft_by]", "300"),
        ("input[answer_by]", "540"),
        ("input[answer_by_urgent]", "240"),
        ("input[revision_by]", "60"),
        ("input[publish_by]", "30"),
        ("input[final_draft_days]", "7"),
    ]
}

#[tokio::test]
async fn an_administrations_own_deadlines_and_calendar_rule_its_messages_only() {
    let app = two_administrations().await;
    let (region, luga_admin) = admins(&app).await;
    let authority = app.token(Role::Authority).await;
    // Luga returns in 20 minutes, and works on no Monday 16 March (its own correction).
    let mut form = deadlines("20");
    form.push(("administration", "luga"));
    let (s, e) = call(&app, "/serverfn/admin/save_deadlines", &form, &region).await;
    assert_eq!(s, StatusCode::OK, "{e}");
    let day = [
        ("date", "2026-03-16"),
        ("mark", "non_working"),
        ("note", "День района"),
    ];
    let (s, e) = call(&app, "/serverfn/admin/set_day", &day, &luga_admin).await;
    assert_eq!(s, StatusCode::OK, "{e}");

    let detected = "2026-03-16T10:00:00+03:00";
    let in_luga = app
        .register(&authority, &message("l-set", Some("luga"), detected))
        .await;
    let in_main = app
        .register(&authority, &message("m-set", Some("main"), detected))
        .await;
    // Main: the region's 30 minutes on its working Monday. Luga: 20 minutes from
    // Tuesday 09:00, its first working time.
    assert_eq!(
        in_main["deadlines"]["return_by"]["due"],
        "2026-03-16T10:30:00+03:00"
    );
    assert_eq!(
        in_luga["deadlines"]["return_by"]["due"],
        "2026-03-17T09:20:00+03:00"
    );

    // Each admin reads their own layer; the region's is untouched.
    let (_, page) = call(&app, "/serverfn/admin/settings", &[], &region).await;
    assert_eq!(page["deadlines"]["return_by"], 30 * 60, "{page}");
    assert!(page["layer"]["current"].is_null());
    assert_eq!(page["layer"]["choices"].as_array().unwrap().len(), 2);
    let (_, page) = call(&app, "/serverfn/admin/settings", &[], &luga_admin).await;
    assert_eq!(page["deadlines"]["return_by"], 20 * 60, "{page}");
    assert_eq!(page["layer"]["current"]["code"], "luga");
    assert!(page["layer"]["choices"].as_array().unwrap().is_empty());
    let (_, cal) = call(
        &app,
        "/serverfn/admin/calendar",
        &[("year", "2026")],
        &region,
    )
    .await;
    assert!(
        !cal["corrections"].to_string().contains("2026-03-16"),
        "the region's calendar keeps Monday: {cal}"
    );
}

#[tokio::test]
async fn an_administration_stays_within_the_region_and_its_own_settings() {
    let app = two_administrations().await;
    let (region, luga_admin) = admins(&app).await;
    // Longer than the region allows: refused, naming the field and the region's length.
    let (s, e) = call(
        &app,
        "/serverfn/admin/save_deadlines",
        &deadlines("45"),
        &luga_admin,
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e.to_string().contains("return_by"), "{e}");
    assert!(e.to_string().contains("30 минут"), "{e}");
    // Another administration's settings: refused.
    let (s, e) = call(
        &app,
        "/serverfn/admin/settings",
        &[("administration", "main")],
        &luga_admin,
    )
    .await;
    assert!(!s.is_success(), "{e}");
    assert!(e.to_string().contains("другой администрации"), "{e}");
    // The region's own settings (upload limits) are not an administration's to change.
    let uploads = [("image_mb", "5"), ("video_mb", "50")];
    let (s, e) = call(&app, "/serverfn/admin/save_uploads", &uploads, &luga_admin).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    let (s, e) = call(&app, "/serverfn/admin/save_uploads", &uploads, &region).await;
    assert_eq!(s, StatusCode::OK, "{e}");
    // An unknown code, from the region's admin.
    let (s, e) = call(
        &app,
        "/serverfn/admin/settings",
        &[("administration", "nowhere")],
        &region,
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e.to_string().contains("luga"), "{e}");
}

#[tokio::test]
async fn a_breach_alerts_only_the_messages_administrations_coordinators() {
    let app = two_administrations().await;
    let authority = app.token(Role::Authority).await;
    let detected = app.state.clock.now().to_rfc3339();
    let m = app
        .register(&authority, &message("l-alert", Some("luga"), &detected))
        .await;
    let late = app.state.clock.now() + chrono::Duration::hours(2);
    app::service::alerts::scan(&app.ctx().await.at(late))
        .await
        .unwrap();
    let to: Vec<(i64,)> = match &app.state.pool {
        app::service::db::Db::Sqlite(p) => {
            sqlx::query_as("SELECT user_id FROM alerts WHERE message_id = $1")
                .bind(m["id"].as_i64().unwrap())
                .fetch_all(p)
                .await
                .unwrap()
        }
        app::service::db::Db::Postgres(p) => {
            sqlx::query_as("SELECT user_id FROM alerts WHERE message_id = $1")
                .bind(m["id"].as_i64().unwrap())
                .fetch_all(p)
                .await
                .unwrap()
        }
    };
    let luga_coordinator = app.user_id("luga-coord").await;
    assert!(!to.is_empty());
    assert!(to.iter().all(|(u,)| *u == luga_coordinator), "{to:?}");
}

#[tokio::test]
async fn the_regions_admin_creates_an_administration_with_its_first_admin() {
    let app = two_administrations().await;
    let (region, luga_admin) = admins(&app).await;
    let form = [
        ("input[code]", "vyborg"),
        ("input[name]", "Выборгский район"),
        ("input[admin_login]", "vyborg-admin"),
        ("input[admin_name]", "Петров Пётр Петрович"),
        ("input[admin_password]", "vyborg-2026"),
    ];
    let path = "/serverfn/admin/create_administration";
    // Only the region's admin.
    let (s, e) = call(&app, path, &form, &luga_admin).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    let (s, e) = call(&app, path, &form, &region).await;
    assert_eq!(s, StatusCode::OK, "{e}");
    assert_eq!(e["code"], "vyborg");
    // The new admin signs in and manages only the new administration.
    let vyborg = app.sign_in("vyborg-admin", "vyborg-2026").await;
    let (_, page) = call(&app, "/serverfn/admin/settings", &[], &vyborg).await;
    assert_eq!(page["layer"]["current"]["code"], "vyborg", "{page}");
    let (s, e) = call(&app, "/serverfn/admin/administrations", &[], &vyborg).await;
    assert_eq!((s, e), (StatusCode::OK, json!([])));
    // A taken code, or a taken login: nothing is created (one transaction).
    let (s, e) = call(&app, path, &form, &region).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    let mut other = form;
    other[0] = ("input[code]", "tosno");
    other[1] = ("input[name]", "Тосненский район");
    let (s, e) = call(&app, path, &other, &region).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert!(e.to_string().contains("vyborg-admin"), "{e}");
    let known = app::service::administrations::known(&app.state.pool)
        .await
        .unwrap();
    assert!(known.iter().all(|k| k.code != "tosno"), "{known:?}");
    // A bad code: a Russian message naming the field.
    other[0] = ("input[code]", "Тосно");
    let (s, e) = call(&app, path, &other, &region).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    // The page lists the region's administrations.
    let html = body_text(app.send(get("/admin/administrations", Some(&region))).await).await;
    assert!(html.contains("Лужский муниципальный район"), "{html}");
    assert!(html.contains("Выборгский район"));
}

#[tokio::test]
async fn an_administrations_schedule_keeps_the_regions_time_zone() {
    use app::service::settings::Layer;
    let app = two_administrations().await;
    let pool = &app.state.pool;
    let (now, by) = (
        app.state.clock.now(),
        app::domain::ids::UserId(app.user_id("admin").await),
    );
    let mut schedule = app::service::calendar::schedule(pool, Layer::Region)
        .await
        .unwrap();
    schedule.tz = chrono_tz::Asia::Yekaterinburg;
    let err =
        app::service::admin::save_schedule(pool, Layer::Administration(LUGA), &schedule, by, now)
            .await
            .unwrap_err();
    assert!(err.to_string().contains("Europe/Moscow"), "{err}");
    // The same hours in the region's zone are Luga's own; the region's stay as they were.
    schedule.tz = chrono_tz::Europe::Moscow;
    // Friday as long as Thursday (the region's Friday is shorter).
    schedule.week.fri = schedule.week.thu.clone();
    app::service::admin::save_schedule(pool, Layer::Administration(LUGA), &schedule, by, now)
        .await
        .unwrap();
    let own = app::service::calendar::schedule(pool, Layer::Administration(LUGA))
        .await
        .unwrap();
    let region = app::service::calendar::schedule(pool, Layer::Region)
        .await
        .unwrap();
    assert_eq!(own, schedule);
    assert_ne!(region, schedule);
}

#[tokio::test]
async fn an_administration_may_keep_an_ordinary_day_the_region_corrected() {
    use app::service::settings::Layer;
    let app = two_administrations().await;
    let (region, luga_admin) = admins(&app).await;
    let day = |mark: &'static str| [("date", "2026-03-18"), ("mark", mark), ("note", "")];
    let (s, e) = call(
        &app,
        "/serverfn/admin/set_day",
        &day("non_working"),
        &region,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{e}");
    let (s, e) = call(&app, "/serverfn/admin/set_day", &day("usual"), &luga_admin).await;
    assert_eq!(s, StatusCode::OK, "{e}");
    // Wednesday 18 March 2026, 12:00 Moscow.
    let noon = chrono::DateTime::parse_from_rfc3339("2026-03-18T12:00:00+03:00")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let cal = |layer| app::service::calendar::load(&app.state.pool, &app.state.calendars, layer);
    assert!(!cal(Layer::Region).await.unwrap().is_working(noon));
    assert!(cal(Layer::Administration(LUGA))
        .await
        .unwrap()
        .is_working(noon));
}
