//! Stored and reflected XSS (issue 15): the classic payloads are stored in every field a
//! user can write, then every page that renders user text is read as each role that sees
//! it. None of the payloads may reach the HTML as markup; each field must be there,
//! escaped (so the test cannot pass by not rendering it).
//!
//! The dashboard's rows are HTML rendered on the server (`message_rows`, put in place with
//! `inner_html`); they are in the dashboard page read here and checked the same way.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;

use app::domain::network::{AnswerTemplate, AnswerTemplates};
use app::domain::role::Role;
use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};

/// The payload for field `n`: closes a textarea, a title and an attribute, opens a
/// script, an image and an SVG with handlers, and carries a `javascript:` URL. `alert(n)`
/// tells which field it came from.
fn payload(n: u32) -> String {
    format!(
        "</textarea><img src=x onerror=alert({n})><textarea></title><script>alert({n})</script>\"><svg onload=alert({n})>'><a href=javascript:alert({n})>x</a>"
    )
}

/// A shorter payload for fields with a short limit.
fn short(n: u32) -> String {
    format!("\"><svg onload=alert({n})></textarea></title>")
}

/// A URL that passes the http(s) check and still tries to leave its attribute.
fn url(n: u32) -> String {
    format!("https://vk.com/wall-1_{n}?\"><svg/onload=alert({n})>")
}

/// What must never appear in a page: the payloads' markup, unescaped.
const MARKERS: &[&str] = &[
    "<img src=x",
    "<script>alert",
    "<svg onload",
    "<svg/onload",
    "</textarea><img",
    "</title><script",
    "<a href=javascript:",
    "href=\"javascript:",
    "href='javascript:",
    "src=\"javascript:",
];

fn assert_escaped(page: &str, html: &str, fields: &[u32]) {
    for marker in MARKERS {
        if let Some(at) = html.find(marker) {
            let from = at.saturating_sub(200);
            panic!(
                "{page}: `{marker}` unescaped: …{}…",
                &html[from..(at + 200).min(html.len())]
            );
        }
    }
    for n in fields {
        assert!(
            html.contains(&format!("alert({n})")),
            "{page}: field {n} is not rendered, so the test proves nothing there"
        );
    }
}

struct World {
    app: TestApp,
    cookies: std::collections::HashMap<&'static str, String>,
    ids: std::collections::HashMap<&'static str, i64>,
}

impl World {
    fn cookie(&self, login: &str) -> &str {
        &self.cookies[login]
    }

    async fn act(&self, login: &str, id: i64, action: &str, body: Value) -> Value {
        let (s, m) = self
            .app
            .api(
                "POST",
                &format!("/api/v1/messages/{id}/{action}"),
                Auth::Cookie(self.cookie(login)),
                Some(&body.to_string()),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{action}: {m}");
        m
    }

    async fn take_in(&self, n: u32, external_id: &str) -> i64 {
        let token = self.app.token(Role::Authority).await;
        let m = self
            .app
            .register(
                &token,
                &json!({
                    "external_id": format!("{external_id}{}", short(n + 4)),
                    "network": "vk",
                    "url": url(n + 5),
                    "author_url": url(n + 6),
                    "author": payload(n + 1),
                    "text": payload(n + 2),
                    "topic": payload(n + 3),
                    "detected_at": "2026-03-16T09:00:00+03:00"
                }),
            )
            .await;
        m["id"].as_i64().unwrap()
    }
}

/// Stores the payloads in every field a user can write, through the usual doors.
async fn world() -> World {
    let app = TestApp::new().await;
    let mut cookies = std::collections::HashMap::new();
    for login in ["admin", "coordinator", "executor", "authority", "observer"] {
        cookies.insert(login, app.sign_in(login, "demo").await);
    }
    let mut w = World {
        app,
        cookies,
        ids: Default::default(),
    };
    let executor = w.app.user_id("executor").await;

    // A: assigned, a file, a draft, returned for revision (the issue's report).
    let a = w.take_in(100, "a").await;
    w.act(
        "coordinator",
        a,
        "assign",
        json!({ "executor_id": executor }),
    )
    .await;
    let (s, file) = w
        .app
        .upload(
            a,
            "</textarea><img src=x onerror=alert(107)>.png",
            PNG,
            Auth::Cookie(w.cookie("executor")),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{file}");
    w.act(
        "executor",
        a,
        "submit_draft",
        json!({ "kind": "final", "text": payload(108), "attachments": [file["id"]] }),
    )
    .await;
    w.act(
        "authority",
        a,
        "request_revision",
        json!({ "remarks": payload(109) }),
    )
    .await;
    w.ids.insert("a", a);

    // B: on approval.
    let b = w.take_in(110, "b").await;
    w.act(
        "coordinator",
        b,
        "assign",
        json!({ "executor_id": executor }),
    )
    .await;
    w.act(
        "executor",
        b,
        "submit_draft",
        json!({ "kind": "final", "text": payload(118) }),
    )
    .await;
    w.ids.insert("b", b);

    // C: returned with a justification, sent back with a reason.
    let c = w.take_in(120, "c").await;
    w.act(
        "coordinator",
        c,
        "return",
        json!({ "justification": payload(127) }),
    )
    .await;
    w.act(
        "authority",
        c,
        "send_back",
        json!({ "reason": payload(128) }),
    )
    .await;
    w.ids.insert("c", c);

    // D: rejected under §12 with details.
    let d = w.take_in(130, "d").await;
    w.act(
        "coordinator",
        d,
        "reject",
        json!({ "category": "insult", "reason": payload(137) }),
    )
    .await;
    w.ids.insert("d", d);

    // E: a clarification published, the author's reply.
    let e = w.take_in(140, "e").await;
    w.act(
        "coordinator",
        e,
        "assign",
        json!({ "executor_id": executor }),
    )
    .await;
    w.act(
        "executor",
        e,
        "submit_draft",
        json!({ "kind": "clarification", "text": payload(147) }),
    )
    .await;
    w.act("authority", e, "approve", json!({})).await;
    w.act("executor", e, "publish", json!({ "link": url(148) }))
        .await;
    w.act(
        "executor",
        e,
        "author_replied",
        json!({ "text": payload(149) }),
    )
    .await;
    w.ids.insert("e", e);

    // Administration: a user and a department, templates, a token, a calendar note, SMTP.
    let pool = &w.app.state.pool;
    let now = w.app.state.clock.now();
    let main_admin = app::service::admin::Admin {
        id: app::domain::ids::UserId(w.app.user_id("admin").await),
        scope: app::domain::administration::Scope::One(app::domain::ids::AdministrationId(1)),
    };
    app::service::admin::create_user(
        pool,
        &main_admin,
        &app::api::admin::NewUserForm {
            login: "ivanova".into(),
            full_name: payload(201),
            role: "executor".into(),
            department: payload(202),
            password: "long enough password".into(),
            administration: None,
        },
        now,
    )
    .await
    .unwrap();
    app::service::settings::put(
        pool,
        app::service::settings::Layer::Region,
        app::service::settings::TEMPLATES_KEY,
        &AnswerTemplates(vec![AnswerTemplate {
            name: short(203),
            text: payload(204),
        }]),
        None,
        now,
    )
    .await
    .unwrap();
    app::service::auth::issue_token(pool, &payload(205), Role::Authority, None, None, now)
        .await
        .unwrap();
    let admin = w.app.user_id("admin").await;
    app::service::admin::set_day(
        pool,
        app::service::settings::Layer::Region,
        app::domain::ids::UserId(admin),
        "2026-03-20",
        "non_working",
        &payload(206),
        now,
    )
    .await
    .unwrap();
    let mut smtp = app::service::mail::settings(pool, app::service::settings::Layer::Region)
        .await
        .unwrap();
    smtp.host = "smtp.example.ru".into();
    smtp.username = payload(207);
    smtp.from = "otklik@example.ru".into();
    smtp.base_url = url(208);
    app::service::mail::save_settings(pool, app::service::settings::Layer::Region, smtp, None, now)
        .await
        .unwrap();

    // Alerts about those messages (their titles carry the author).
    w.app.state.clock.advance(chrono::Duration::hours(6));
    app::service::alerts::scan(&w.app.ctx().await)
        .await
        .unwrap();
    w
}

async fn page(w: &World, login: Option<&str>, path: &str) -> String {
    let res = w.app.send(get(path, login.map(|l| w.cookie(l)))).await;
    assert!(
        res.status() == StatusCode::OK || res.status() == StatusCode::NOT_FOUND,
        "{path} as {login:?}: {}",
        res.status()
    );
    body_text(res).await
}

#[tokio::test]
async fn no_page_renders_a_stored_payload_as_markup() {
    let w = world().await;
    let (a, b, c, d, e) = (w.ids["a"], w.ids["b"], w.ids["c"], w.ids["d"], w.ids["e"]);
    let message = |id: i64| format!("/messages/{id}");
    // (role, path, fields that must be on the page, escaped)
    let pages: Vec<(&str, String, Vec<u32>)> = vec![
        // The issue's report: the coordinator opens the returned draft's page; the
        // executor's editor holds the draft in a textarea.
        (
            "coordinator",
            message(a),
            vec![101, 102, 103, 107, 108, 109],
        ),
        ("executor", message(a), vec![101, 102, 108, 109]),
        ("authority", message(a), vec![101, 108, 109]),
        ("observer", message(a), vec![101, 108]),
        ("coordinator", message(b), vec![111, 112, 118]),
        ("coordinator", message(c), vec![121, 127, 128]),
        ("coordinator", message(d), vec![131, 137]),
        ("coordinator", message(e), vec![141, 147, 149]),
        ("executor", message(e), vec![141, 147, 149]),
        ("authority", "/approval".into(), vec![111, 112, 118]),
        ("coordinator", "/".into(), vec![101, 111, 121]),
        ("executor", "/".into(), vec![101]),
        ("coordinator", "/?status=rejected".into(), vec![131]),
        ("coordinator", "/escalation".into(), vec![]),
        ("executor", "/alerts".into(), vec![]),
        ("coordinator", "/alerts".into(), vec![]),
        ("coordinator", "/messages/new".into(), vec![]),
        ("coordinator", "/import".into(), vec![]),
        ("admin", "/admin".into(), vec![]),
        ("admin", "/admin/users".into(), vec![201, 202]),
        ("admin", "/admin/settings".into(), vec![203, 204]),
        ("executor", message(a), vec![203]),
        ("admin", "/admin/tokens".into(), vec![205]),
        ("admin", "/admin/calendar?year=2026".into(), vec![206]),
        ("admin", "/admin/mail".into(), vec![207, 208]),
    ];
    for (login, path, fields) in &pages {
        let html = page(&w, Some(login), path).await;
        assert_escaped(&format!("{path} as {login}"), &html, fields);
    }
    // Reflected: the search box and an unknown page echo the address.
    let q = common::urlencode(&payload(301));
    let html = page(&w, Some("coordinator"), &format!("/?q={q}")).await;
    assert_escaped("search", &html, &[301]);
    let html = page(
        &w,
        Some("coordinator"),
        &format!("/nope/{}", common::urlencode(&short(302))),
    )
    .await;
    assert_escaped("404", &html, &[]);
    let html = page(&w, None, "/login").await;
    assert_escaped("/login", &html, &[]);

    // The dashboard's rows as the server function returns them.
    let res = w
        .app
        .server_fn(
            "/serverfn/message_rows",
            &[("filter[active]", "true")],
            Some(w.cookie("coordinator")),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let rows: Value = body_json(res).await;
    assert_escaped("message_rows", rows["html"].as_str().unwrap(), &[101, 111]);
}
