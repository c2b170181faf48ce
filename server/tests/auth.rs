//! Sign-in, sessions, the failed-attempt limit and page protection, through the real router.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;

use axum::http::{header, StatusCode};
use common::*;

#[tokio::test]
async fn pages_without_a_session_redirect_to_login() {
    let app = TestApp::new().await;
    let res = app.send(get("/", None)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[header::LOCATION], "/login");
    // The login page itself is public and Russian.
    let res = app.send(get("/login", None)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = body_text(res).await;
    assert!(html.contains(r#"<html lang="ru""#), "{html}");
    assert!(html.contains("Логин") && html.contains("Пароль") && html.contains("Войти"));
}

#[tokio::test]
async fn demo_login_sets_an_http_only_same_site_cookie_and_opens_pages() {
    let app = TestApp::new().await;
    let res = app
        .server_fn(
            "/serverfn/login",
            &[("login", "executor"), ("password", "demo")],
            None,
        )
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    let set_cookie = session_set_cookie(&res).expect("session cookie");
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    let cookie = session_cookie(&res).unwrap();

    let res = app.send(get("/", Some(&cookie))).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = body_text(res).await;
    assert!(
        html.contains("Иванов Сергей Николаевич"),
        "the header names the user"
    );
    assert!(html.contains("Исполнитель"), "the header names the role");

    let me = app.server_fn("/serverfn/me", &[], Some(&cookie)).await;
    let json = body_json(me).await;
    assert_eq!(json["login"], "executor");
    assert_eq!(json["role"], "executor");
}

#[tokio::test]
async fn wrong_password_is_refused_in_russian_and_sets_no_session() {
    let app = TestApp::new().await;
    let res = app
        .server_fn(
            "/serverfn/login",
            &[("login", "executor"), ("password", "nope")],
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(session_cookie(&res).is_none_or(|c| c == "otklik_session="));
    let err = app_error(res).await;
    assert_eq!(err, app::error::AppError::BadCredentials);
    assert_eq!(err.to_string(), "Неверный логин или пароль");
}

#[tokio::test]
async fn repeated_failures_delay_the_login_even_for_the_right_password() {
    let app = TestApp::new().await;
    // The free failures, then a delay (issue 15 replaced the 15-minute lock-out).
    for _ in 0..app::service::auth::throttle::FREE_FAILURES {
        let res = app
            .server_fn(
                "/serverfn/login",
                &[("login", "coordinator"), ("password", "bad")],
                None,
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = app
        .server_fn(
            "/serverfn/login",
            &[("login", "coordinator"), ("password", "demo")],
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let err = app_error(res).await;
    assert!(
        err.to_string().contains("Слишком много неудачных попыток"),
        "{err}"
    );
    // Another login is not affected.
    app.sign_in("observer", "demo").await;
    // After the delay the right password works again.
    app.state.clock.advance(chrono::Duration::seconds(1));
    app.sign_in("coordinator", "demo").await;
}

#[tokio::test]
async fn sign_out_ends_the_session() {
    let app = TestApp::new().await;
    let cookie = app.sign_in("admin", "demo").await;
    assert_eq!(
        app.send(get("/", Some(&cookie))).await.status(),
        StatusCode::OK
    );
    let res = app.server_fn("/serverfn/logout", &[], Some(&cookie)).await;
    assert!(res.status().is_success() || res.status().is_redirection());
    let res = app.send(get("/", Some(&cookie))).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn passwords_are_stored_as_argon2id_hashes() {
    let app = TestApp::new().await;
    let hash: String =
        app::on_db!(&app.state.pool, p => sqlx::query_scalar("SELECT password_hash FROM users WHERE login = 'executor'")
            .fetch_one(p).await)
            .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains("demo"));
}

#[tokio::test]
async fn demo_seed_only_fills_an_empty_database() {
    let app = TestApp::new().await;
    let again = app::service::demo::seed(&app.state.pool, monday_10())
        .await
        .unwrap();
    assert!(!again);
    let n: i64 = app::on_db!(&app.state.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(p).await)
    .unwrap();
    assert_eq!(n, 6);
}
