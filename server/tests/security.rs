//! Security headers and cross-site request forgery (issue 15): a Content-Security-Policy
//! with a per-response nonce on every page, and cookie-authenticated writes only from the
//! app's own origin, REST bodies only as JSON.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;

use app::domain::role::Role;
use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use common::*;
use serde_json::json;

/// The nonce of a response's policy; asserts the policy's shape on the way.
fn policy_nonce(headers: &HeaderMap) -> String {
    let csp = headers
        .get(header::CONTENT_SECURITY_POLICY)
        .expect("a Content-Security-Policy")
        .to_str()
        .unwrap()
        .to_owned();
    let script_src = csp
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src "))
        .unwrap_or_else(|| panic!("no script-src in {csp}"));
    let sources: Vec<&str> = script_src.split_whitespace().skip(1).collect();
    assert_eq!(sources.len(), 3, "{script_src}");
    assert_eq!(sources[0], "'self'");
    assert_eq!(sources[2], "'wasm-unsafe-eval'");
    assert!(
        !csp.contains("'unsafe-inline'") && !csp.contains("'unsafe-eval'"),
        "{csp}"
    );
    for directive in [
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(
            csp.split(';').any(|d| d.trim() == directive),
            "{directive} in {csp}"
        );
    }
    let nonce = sources[1]
        .strip_prefix("'nonce-")
        .and_then(|n| n.strip_suffix('\''))
        .unwrap_or_else(|| panic!("no nonce in {script_src}"));
    assert!(nonce.len() >= 22, "128 bits: {nonce}");
    nonce.to_owned()
}

fn assert_other_headers(headers: &HeaderMap) {
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::REFERRER_POLICY], "same-origin");
    let permissions = headers["permissions-policy"].to_str().unwrap();
    assert!(permissions.contains("camera=()") && permissions.contains("geolocation=()"));
}

/// Every `<script` tag of the page carries `nonce`.
fn assert_scripts_carry(html: &str, nonce: &str) {
    let tags: Vec<&str> = html
        .match_indices("<script")
        .map(|(i, _)| &html[i..i + html[i..].find('>').unwrap()])
        .collect();
    assert!(!tags.is_empty(), "the page has its loader script");
    for tag in tags {
        assert!(
            tag.contains(&format!("nonce=\"{nonce}\"")),
            "{tag} without the nonce"
        );
    }
}

#[tokio::test]
async fn every_page_has_a_policy_with_a_fresh_nonce_its_scripts_carry() {
    let app = TestApp::new().await;
    let first = app.send(get("/login", None)).await;
    let nonce = policy_nonce(first.headers());
    assert_other_headers(first.headers());
    assert_scripts_carry(&body_text(first).await, &nonce);
    let again = policy_nonce(app.send(get("/login", None)).await.headers());
    assert_ne!(nonce, again, "a nonce per response");

    // Signed-in pages carry their serialized data in scripts: each has the nonce.
    let cookie = app.sign_in("coordinator", "demo").await;
    for path in [
        "/",
        "/messages/1",
        "/approval",
        "/escalation",
        "/alerts",
        "/nope",
    ] {
        let res = app.send(get(path, Some(&cookie))).await;
        let nonce = policy_nonce(res.headers());
        assert_other_headers(res.headers());
        assert_scripts_carry(&body_text(res).await, &nonce);
    }
    // API answers and static files get the headers too (a policy without scripts to run).
    let res = app.send(get("/api/v1/openapi.json", None)).await;
    policy_nonce(res.headers());
    assert_other_headers(res.headers());
}

/// A cookie-authenticated POST of a server function with the given browser headers.
async fn act_with(app: &TestApp, cookie: &str, headers: &[(&str, &str)]) -> StatusCode {
    let mut req = Request::post("/serverfn/act")
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .header(header::COOKIE, cookie);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = app
        .send(
            req.body(Body::from(
                "id=1&input[action]=set_urgent&input[urgent]=true",
            ))
            .unwrap(),
        )
        .await;
    res.status()
}

#[tokio::test]
async fn cookie_writes_from_another_origin_or_without_one_are_refused() {
    let app = TestApp::new().await;
    let cookie = app.sign_in("coordinator", "demo").await;
    for headers in [
        vec![],
        vec![("origin", "https://evil.example")],
        vec![("origin", "null")],
        vec![("origin", "http://otklik.test.evil.example")],
        vec![("sec-fetch-site", "cross-site"), ("origin", ORIGIN)],
        vec![("sec-fetch-site", "same-site")],
    ] {
        assert_eq!(
            act_with(&app, &cookie, &headers).await,
            StatusCode::FORBIDDEN,
            "{headers:?}"
        );
    }
    let unchanged: bool = app::on_db!(&app.state.pool, p => sqlx::query_scalar("SELECT urgent FROM messages WHERE id = 1")
        .fetch_one(p).await)
        .unwrap();
    assert!(!unchanged, "no forged write went through");
    // The app's own page: by Origin, or by Fetch Metadata.
    assert_eq!(
        act_with(&app, &cookie, &[("origin", ORIGIN)]).await,
        StatusCode::OK
    );
    let urgent: bool = app::on_db!(&app.state.pool, p => sqlx::query_scalar("SELECT urgent FROM messages WHERE id = 1")
        .fetch_one(p).await)
        .unwrap();
    assert!(urgent);
    // (Already urgent: the action itself may refuse, but not as a forgery.)
    assert_ne!(
        act_with(&app, &cookie, &[("sec-fetch-site", "same-origin")]).await,
        StatusCode::FORBIDDEN
    );
    // Signing in from another site is refused too (login CSRF).
    let res = app
        .send(
            Request::post("/serverfn/login")
                .header(header::HOST, HOST)
                .header(header::ORIGIN, "https://evil.example")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from("login=admin&password=demo"))
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(session_cookie(&res).is_none());
}

fn intake(external_id: &str) -> String {
    json!({
        "external_id": external_id,
        "network": "vk",
        "url": "https://vk.com/wall-1_77",
        "author": "Анна",
        "text": "Когда починят фонарь?",
        "detected_at": "2026-03-16T09:00:00+03:00"
    })
    .to_string()
}

#[tokio::test]
async fn rest_writes_need_a_json_body_and_cookie_writes_the_origin() {
    let app = TestApp::new().await;
    let cookie = app.sign_in("coordinator", "demo").await;
    let post = |content_type: &str, origin: Option<&str>, auth: (&str, String), id: &str| {
        let mut req = Request::post("/api/v1/messages")
            .header(header::HOST, HOST)
            .header(header::CONTENT_TYPE, content_type)
            .header(auth.0, auth.1);
        if let Some(o) = origin {
            req = req.header(header::ORIGIN, o);
        }
        req.body(Body::from(intake(id))).unwrap()
    };
    let with_cookie = || (header::COOKIE.as_str(), cookie.clone());
    // The classic CSRF: a JSON body sent as text/plain (a simple request, no preflight).
    let res = app
        .send(post(
            "text/plain",
            Some("https://evil.example"),
            with_cookie(),
            "csrf-1",
        ))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(body_json(res).await["error"]["code"], "cross_origin");
    // Even from the app's own origin, text/plain is not JSON.
    let res = app
        .send(post("text/plain", Some(ORIGIN), with_cookie(), "csrf-2"))
        .await;
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(
        body_json(res).await["error"]["code"],
        "unsupported_media_type"
    );
    let res = app
        .send(post(
            "application/json",
            Some(ORIGIN),
            with_cookie(),
            "csrf-3",
        ))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);

    // Bearer tokens need no Origin; their bodies are JSON all the same.
    let token = app.token(Role::Authority).await;
    let bearer = || (header::AUTHORIZATION.as_str(), format!("Bearer {token}"));
    let res = app
        .send(post("application/json", None, bearer(), "tok-1"))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = app
        .send(post(
            "application/json; charset=utf-8",
            Some("https://elsewhere.example"),
            bearer(),
            "tok-2",
        ))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = app.send(post("text/plain", None, bearer(), "tok-3")).await;
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // No credentials at all: the API's own 401, whatever the origin.
    let res = app
        .send(
            Request::post("/api/v1/messages")
                .header(header::HOST, HOST)
                .header(header::ORIGIN, "https://evil.example")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(intake("anon-1")))
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let stored: Vec<String> =
        app::on_db!(&app.state.pool, p => sqlx::query_scalar("SELECT external_id FROM messages WHERE external_id LIKE 'csrf-%' OR external_id LIKE 'tok-%' ORDER BY external_id")
            .fetch_all(p).await)
            .unwrap();
    assert_eq!(stored, ["csrf-3", "tok-1", "tok-2"]);
}
