//! Sign-in abuse (issue 15): parallel guesses, the throttle per login and address, the cap
//! per address, and the bounded password hashing.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;

use app::error::AppError;
use app::service::auth::HashGate;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, Response, StatusCode};
use axum::Router;
use common::*;
use std::net::SocketAddr;
use std::time::Duration;
use tower::ServiceExt;

/// A sign-in from `addr` (the peer address the server sees).
async fn sign_in_from(router: &Router, login: &str, password: &str, addr: &str) -> Response<Body> {
    let body = format!(
        "login={}&password={}",
        urlencode(login),
        urlencode(password)
    );
    let mut req = same_origin(Request::post("/serverfn/login"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .body(Body::from(body))
        .unwrap();
    let peer: SocketAddr = format!("{addr}:40000").parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(peer));
    router.clone().oneshot(req).await.unwrap()
}

fn signed_in(res: &Response<Body>) -> bool {
    (res.status().is_success() || res.status().is_redirection())
        && session_cookie(res).is_some_and(|c| c != "otklik_session=")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forty_parallel_guesses_check_three_passwords_and_the_right_one_does_not_get_in() {
    let app = TestApp::new().await;
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let router = app.router.clone();
            let password = if i == 29 { "demo" } else { "wrong" };
            tokio::spawn(async move {
                let res = sign_in_from(&router, "admin", password, "203.0.113.7").await;
                (i, res.status(), signed_in(&res))
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    let stats = app.state.hashing.stats();
    assert!(
        stats.done <= app::service::auth::throttle::FREE_FAILURES as u64,
        "{} passwords were checked: {statuses:?}",
        stats.done
    );
    let (_, status, in_) = statuses[29];
    assert!(
        !in_,
        "the right password at position 30 signed in ({status})"
    );
    let refused = statuses
        .iter()
        .filter(|(_, s, _)| *s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(refused >= 37, "{statuses:?}");
}

#[tokio::test]
async fn failures_delay_their_own_address_and_never_lock_the_login_for_others() {
    let app = TestApp::new().await;
    let attacker = "198.51.100.9";
    for _ in 0..3 {
        let res = sign_in_from(&app.router, "admin", "guess", attacker).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    // The fourth attempt from there waits a second, the right password too.
    let res = sign_in_from(&app.router, "admin", "demo", attacker).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let err = app_error(res).await;
    assert_eq!(err, AppError::TooManyAttempts { seconds: 1 });
    assert_eq!(
        err.to_string(),
        "Слишком много неудачных попыток входа. Повторите через 1 с."
    );
    // The admin signs in from the office meanwhile.
    assert!(signed_in(
        &sign_in_from(&app.router, "admin", "demo", "192.0.2.10").await
    ));
    // The delay grows: 1 s, 2 s, 4 s …
    app.state.clock.advance(chrono::Duration::seconds(1));
    let res = sign_in_from(&app.router, "admin", "guess", attacker).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = sign_in_from(&app.router, "admin", "guess", attacker).await;
    assert_eq!(
        app_error(res).await,
        AppError::TooManyAttempts { seconds: 2 }
    );
    app.state.clock.advance(chrono::Duration::seconds(2));
    let res = sign_in_from(&app.router, "admin", "demo", attacker).await;
    assert!(signed_in(&res), "the right password after the delay");
    // A success starts the pair afresh.
    for _ in 0..3 {
        let res = sign_in_from(&app.router, "admin", "guess", attacker).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn one_address_has_a_cap_over_all_logins() {
    let app = TestApp::new().await;
    let cap = app::service::auth::throttle::ADDRESS_CAP;
    let sprayer = "198.51.100.20";
    // Two guesses per login stay under the pair's free failures: only the cap stops this.
    for i in 0..cap {
        let res = sign_in_from(&app.router, &format!("user{}", i / 2), "guess", sprayer).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let res = sign_in_from(&app.router, "observer", "demo", sprayer).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(matches!(
        app_error(res).await,
        AppError::TooManyAttempts { seconds } if seconds > 60
    ));
    assert!(signed_in(
        &sign_in_from(&app.router, "observer", "demo", "192.0.2.30").await
    ));
    app.state.clock.advance(chrono::Duration::minutes(
        app::service::auth::throttle::ADDRESS_WINDOW_MINUTES,
    ));
    assert!(signed_in(
        &sign_in_from(&app.router, "observer", "demo", sprayer).await
    ));
}

#[tokio::test]
async fn an_unknown_login_costs_one_password_check_like_a_known_one() {
    let app = TestApp::new().await;
    let res = sign_in_from(&app.router, "executor", "wrong", "192.0.2.40").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.state.hashing.stats().done, 1);
    let res = sign_in_from(&app.router, "nobody-here", "wrong", "192.0.2.40").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app_error(res).await, AppError::BadCredentials);
    assert_eq!(app.state.hashing.stats().done, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_full_hashing_gate_answers_503_and_the_refused_attempt_does_not_count() {
    let gate = HashGate::new(1, 0, Duration::from_millis(0));
    let app = TestApp::new()
        .await
        .with_state(|s| s.hashing = gate.clone());
    let tasks: Vec<_> = (0..12)
        .map(|i| {
            let router = app.router.clone();
            tokio::spawn(async move {
                let res =
                    sign_in_from(&router, &format!("user{i}"), "x", &format!("192.0.2.{i}")).await;
                let status = res.status();
                (status, app_error(res).await)
            })
        })
        .collect();
    let mut busy = 0;
    for t in tasks {
        let (status, err) = t.await.unwrap();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            assert_eq!(err, AppError::Busy);
            assert!(err.to_string().starts_with("Сервер занят"));
            busy += 1;
        } else {
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
    }
    let stats = gate.stats();
    assert_eq!(stats.peak, 1, "one check at a time");
    assert!(
        busy > 0,
        "12 parallel sign-ins and one turn: some are refused"
    );
    assert_eq!(stats.refused, busy);
    // A refused attempt was withdrawn: nothing is left counted for its pair.
    let counted: i64 = app::on_db!(&app.state.pool, p => sqlx::query_scalar("SELECT CAST(COALESCE(SUM(failures), 0) AS BIGINT) FROM signin_pairs")
        .fetch_one(p).await)
        .unwrap();
    assert_eq!(counted as u64, stats.done);
}
