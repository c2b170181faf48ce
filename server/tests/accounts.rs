//! Accounts (issue 22): a user changes their own password; the admin resets one to a
//! one-time password that must be replaced at the next sign-in; the admin edits a user's
//! name, role and department; deactivation ends live sessions and revokes the user's API
//! tokens at once and lists their open messages for handing over. All of it is in the
//! journal of account events.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;

use app::domain::role::Role;
use axum::http::{header, StatusCode};
use common::*;
use serde_json::{json, Value};

const NEW_PASSWORD: &str = "Лес-у-реки-2026";

/// A server function called with a session; the status and the JSON body.
async fn call(
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
    cookie: &str,
) -> (StatusCode, Value) {
    let res = app.server_fn(path, form, Some(cookie)).await;
    let status = res.status();
    let text = body_text(res).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Whether `cookie`'s session may still work: the list of messages through the API.
async fn works(app: &TestApp, cookie: &str) -> StatusCode {
    app.api("GET", "/api/v1/messages", Auth::Cookie(cookie), None)
        .await
        .0
}

/// The journal of account events as the admin reads it.
async fn journal(app: &TestApp, admin: &str) -> Vec<Value> {
    let (s, events) = call(app, "/serverfn/admin/account_events", &[], admin).await;
    assert_eq!(s, StatusCode::OK, "{events}");
    events.as_array().unwrap().clone()
}

/// Signs in; the status and, when it succeeded, the session cookie and where it sends.
async fn sign_in(
    app: &TestApp,
    login: &str,
    password: &str,
) -> (StatusCode, Option<String>, String) {
    let res = app
        .server_fn(
            "/serverfn/login",
            &[("login", login), ("password", password)],
            None,
        )
        .await;
    let location = res
        .headers()
        .get(header::LOCATION)
        .or_else(|| res.headers().get("serverfnredirect"))
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (res.status(), session_cookie(&res), location)
}

/// Changes the password of `cookie`'s user from `current` to [`NEW_PASSWORD`]; the
/// session's new cookie.
async fn change(app: &TestApp, current: &str, cookie: &str) -> String {
    let res = app
        .server_fn(
            "/serverfn/change_password",
            &[
                ("current", current),
                ("new", NEW_PASSWORD),
                ("repeat", NEW_PASSWORD),
            ],
            Some(cookie),
        )
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    session_cookie(&res).expect("the session continues under a new id")
}

#[tokio::test]
async fn a_user_changes_their_password_and_their_other_sessions_end() {
    let app = TestApp::new().await;
    let other = app.sign_in("executor", "demo").await;
    let me = app.sign_in("executor", "demo").await;
    assert_eq!(works(&app, &other).await, StatusCode::OK);

    // Refusals, in Russian, before anything changes.
    for (current, new, repeat, words) in [
        ("demo", "короткий", "короткий", "не меньше 10 символов"),
        ("demo", "qwertyuiop", "qwertyuiop", "распространённых"),
        ("demo", "1234567890", "1234567890", "распространённых"),
        ("demo", NEW_PASSWORD, "Лес-у-реки-2027", "не совпадают"),
        (
            "не тот пароль",
            NEW_PASSWORD,
            NEW_PASSWORD,
            "Текущий пароль указан неверно",
        ),
    ] {
        let (s, e) = call(
            &app,
            "/serverfn/change_password",
            &[("current", current), ("new", new), ("repeat", repeat)],
            &me,
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{new}: {e}");
        assert!(e.to_string().contains(words), "{words}: {e}");
    }
    assert_eq!(works(&app, &other).await, StatusCode::OK);

    let me = change(&app, "demo", &me).await;
    // This session goes on (under a new id); the other one ended.
    assert_eq!(works(&app, &me).await, StatusCode::OK);
    assert_eq!(works(&app, &other).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        sign_in(&app, "executor", "demo").await.0,
        StatusCode::UNAUTHORIZED
    );
    let (s, cookie, _) = sign_in(&app, "executor", NEW_PASSWORD).await;
    assert!(s.is_success() || s.is_redirection(), "{s}");
    assert_eq!(works(&app, &cookie.unwrap()).await, StatusCode::OK);

    let admin = app.sign_in("admin", "demo").await;
    let events = journal(&app, &admin).await;
    let changed = events
        .iter()
        .find(|e| e["kind"] == "password_changed")
        .unwrap();
    assert_eq!(changed["user"], json!("Иванов Сергей Николаевич"));
    assert_eq!(changed["label"], json!("Пароль изменён пользователем"));
}

#[tokio::test]
async fn a_reset_password_is_shown_once_and_must_be_replaced_at_sign_in() {
    let app = TestApp::new().await;
    let admin = app.sign_in("admin", "demo").await;
    let before = app.sign_in("executor", "demo").await;
    let id = app.user_id("executor").await.to_string();

    let (s, otp) = call(
        &app,
        "/serverfn/admin/reset_password",
        &[("id", &id)],
        &admin,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{otp}");
    assert_eq!(otp["login"], json!("executor"));
    let otp = otp["password"].as_str().unwrap().to_owned();
    assert_eq!(otp.chars().count(), 12);
    // The user's live session ended with the reset; the old password is gone.
    assert_eq!(works(&app, &before).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        sign_in(&app, "executor", "demo").await.0,
        StatusCode::UNAUTHORIZED
    );

    // The one-time password signs in to the password page only.
    let (s, cookie, location) = sign_in(&app, "executor", &otp).await;
    assert!(s.is_success() || s.is_redirection(), "{s}");
    assert!(location.contains("/account/password"), "{location}");
    let cookie = cookie.unwrap();
    let (s, e) = app
        .api("GET", "/api/v1/messages", Auth::Cookie(&cookie), None)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(e.to_string().contains("смените временный пароль"), "{e}");
    let page = app.send(get("/", Some(&cookie))).await;
    assert!(page.status().is_redirection());
    assert_eq!(page.headers()[header::LOCATION], "/account/password");
    let page = app.send(get("/account/password", Some(&cookie))).await;
    assert_eq!(page.status(), StatusCode::OK);
    let (s, _) = call(&app, "/serverfn/admin/users", &[], &cookie).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    let cookie = change(&app, &otp, &cookie).await;
    assert_eq!(works(&app, &cookie).await, StatusCode::OK);
    assert_eq!(
        app.send(get("/", Some(&cookie))).await.status(),
        StatusCode::OK
    );
    let (_, _, location) = sign_in(&app, "executor", NEW_PASSWORD).await;
    assert!(!location.contains("/account/password"), "{location}");

    let kinds: Vec<Value> = journal(&app, &admin)
        .await
        .iter()
        .map(|e| e["kind"].clone())
        .collect();
    assert_eq!(
        kinds[..2],
        [json!("password_changed"), json!("password_reset")]
    );
    // The admin resets no password of their own here.
    let me = app.user_id("admin").await.to_string();
    let (s, _) = call(
        &app,
        "/serverfn/admin/reset_password",
        &[("id", &me)],
        &admin,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn deactivation_ends_sessions_and_revokes_the_users_tokens_at_once() {
    let app = TestApp::new().await;
    let admin = app.sign_in("admin", "demo").await;
    // A second admin, who issues a token.
    let (s, e) = call(
        &app,
        "/serverfn/admin/create_user",
        &[
            ("input[login]", "admin2"),
            ("input[full_name]", "Второй Администратор"),
            ("input[role]", "admin"),
            ("input[department]", ""),
            ("input[password]", "qwertyuiop"),
        ],
        &admin,
    )
    .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a common password: {e}"
    );
    let (s, e) = call(
        &app,
        "/serverfn/admin/create_user",
        &[
            ("input[login]", "admin2"),
            ("input[full_name]", "Второй Администратор"),
            ("input[role]", "admin"),
            ("input[department]", ""),
            ("input[password]", NEW_PASSWORD),
        ],
        &admin,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{e}");
    let second = app.sign_in("admin2", NEW_PASSWORD).await;
    let (s, token) = call(
        &app,
        "/serverfn/admin/issue_token",
        &[("name", "Скрипт"), ("role", "coordinator")],
        &second,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{token}");
    let token = token["token"].as_str().unwrap().to_owned();
    let (s, _) = app
        .api("GET", "/api/v1/messages", Auth::Token(&token), None)
        .await;
    assert_eq!(s, StatusCode::OK);
    // An executor signed in, too.
    let executor = app.sign_in("executor", "demo").await;

    let admin2 = app.user_id("admin2").await.to_string();
    let executor_id = app.user_id("executor").await.to_string();
    for id in [&admin2, &executor_id] {
        let (s, e) = call(
            &app,
            "/serverfn/admin/set_user_active",
            &[("id", id), ("active", "false")],
            &admin,
        )
        .await;
        assert!(s.is_success(), "{s} {e}");
    }
    assert_eq!(works(&app, &second).await, StatusCode::UNAUTHORIZED);
    assert_eq!(works(&app, &executor).await, StatusCode::UNAUTHORIZED);
    let (s, _) = app
        .api("GET", "/api/v1/messages", Auth::Token(&token), None)
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    // Active again, the old sessions stay ended; a new sign-in works.
    let (s, _) = call(
        &app,
        "/serverfn/admin/set_user_active",
        &[("id", &executor_id), ("active", "true")],
        &admin,
    )
    .await;
    assert!(s.is_success());
    assert_eq!(works(&app, &executor).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        works(&app, &app.sign_in("executor", "demo").await).await,
        StatusCode::OK
    );

    let events = journal(&app, &admin).await;
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds[..4],
        ["reactivated", "deactivated", "deactivated", "created"]
    );
    let revoked = events
        .iter()
        .find(|e| e["user"] == "Второй Администратор" && e["kind"] == "deactivated")
        .unwrap();
    assert_eq!(revoked["details"], json!("Отозвано токенов API: 1"));
    assert_eq!(revoked["actor"], json!("Администратор системы"));
}

#[tokio::test]
async fn a_deactivated_executors_open_messages_are_handed_over_one_or_all() {
    let app = TestApp::new().await;
    let admin = app.sign_in("admin", "demo").await;
    let coordinator = app.token(Role::Coordinator).await;
    let authority = app.token(Role::Authority).await;
    let executor = app.user_id("executor").await;
    let executor2 = app.user_id("executor2").await;
    let mut ids = Vec::new();
    for n in 0..3 {
        let m = app
            .register(
                &authority,
                &json!({
                    "external_id": format!("handover-{n}"),
                    "network": "vk",
                    "url": format!("https://vk.com/wall-1_{n}"),
                    "author": "Житель",
                    "text": format!("Яма на дороге {n}"),
                    "detected_at": "2026-03-16T09:30:00+03:00",
                }),
            )
            .await;
        let id = m["id"].as_i64().unwrap();
        let (s, e) = app
            .api(
                "POST",
                &format!("/api/v1/messages/{id}/assign"),
                Auth::Token(&coordinator),
                Some(&json!({ "executor_id": executor }).to_string()),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{e}");
        ids.push(id);
    }
    let from = executor.to_string();
    let to = executor2.to_string();

    // While the executor is active, the admin does not assign their messages.
    let (s, e) = call(
        &app,
        "/serverfn/admin/hand_over",
        &[("from", &from), ("to", &to)],
        &admin,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");

    let (s, _) = call(
        &app,
        "/serverfn/admin/set_user_active",
        &[("id", &from), ("active", "false")],
        &admin,
    )
    .await;
    assert!(s.is_success());
    let (s, open) = call(
        &app,
        "/serverfn/admin/open_messages",
        &[("id", &from)],
        &admin,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let listed: Vec<i64> = open
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    // The demo's open messages of the executor, and these three.
    assert!(listed.ends_with(&ids), "{listed:?}");

    // One click for one message…
    let first = ids[0].to_string();
    let (s, n) = call(
        &app,
        "/serverfn/admin/hand_over",
        &[("from", &from), ("to", &to), ("message", &first)],
        &admin,
    )
    .await;
    assert_eq!((s, n), (StatusCode::OK, json!(1)));
    // … and all the rest to one person.
    let (s, n) = call(
        &app,
        "/serverfn/admin/hand_over",
        &[("from", &from), ("to", &to)],
        &admin,
    )
    .await;
    assert_eq!((s, n), (StatusCode::OK, json!(listed.len() - 1)));
    let (_, open) = call(
        &app,
        "/serverfn/admin/open_messages",
        &[("id", &from)],
        &admin,
    )
    .await;
    assert_eq!(open, json!([]));
    for id in &ids {
        let (_, m) = app
            .api(
                "GET",
                &format!("/api/v1/messages/{id}"),
                Auth::Token(&coordinator),
                None,
            )
            .await;
        assert_eq!(m["assignee"]["id"], json!(executor2), "{m}");
        let journal = m["journal"].as_array().unwrap();
        let last = journal.last().unwrap();
        assert_eq!(last["action"], json!("assign"), "{last}");
        assert_eq!(last["actor"], json!("Администратор системы"), "{last}");
    }
    let events = journal(&app, &admin).await;
    let handed = &events[0];
    assert_eq!(handed["kind"], json!("handed_over"));
    let rest: Vec<String> = listed
        .iter()
        .filter(|&&m| m != ids[0])
        .map(|m| format!("№{m}"))
        .collect();
    let to = "Кузнецова Анна Викторовна";
    assert_eq!(
        handed["details"],
        json!(format!("{} → {to}", rest.join(", ")))
    );
    assert_eq!(events[1]["details"], json!(format!("№{} → {to}", ids[0])));
}

#[tokio::test]
async fn role_and_department_edits_are_in_the_journal_and_take_effect_at_once() {
    let app = TestApp::new().await;
    let admin = app.sign_in("admin", "demo").await;
    let executor = app.sign_in("executor", "demo").await;
    let id = app.user_id("executor").await.to_string();
    let (s, e) = call(
        &app,
        "/serverfn/admin/edit_user",
        &[
            ("id", &id),
            ("input[full_name]", "Иванов Сергей Николаевич"),
            ("input[role]", "coordinator"),
            ("input[department]", "Отдел дорожного хозяйства"),
        ],
        &admin,
    )
    .await;
    assert!(s.is_success(), "{s} {e}");
    let (s, me) = call(&app, "/serverfn/me", &[], &executor).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["role"], json!("coordinator"));
    assert_eq!(me["department_name"], json!("Отдел дорожного хозяйства"));

    let events = journal(&app, &admin).await;
    let edited = &events[0];
    assert_eq!(edited["kind"], json!("edited"));
    let details = edited["details"].as_str().unwrap();
    assert!(
        details.contains("Роль: Исполнитель → Ответственный за взаимодействие"),
        "{details}"
    );
    assert!(details.contains("→ Отдел дорожного хозяйства"), "{details}");
    assert!(
        !details.contains("ФИО"),
        "the name did not change: {details}"
    );

    // Refusals: an empty name; the admin's own role.
    let (s, _) = call(
        &app,
        "/serverfn/admin/edit_user",
        &[
            ("id", &id),
            ("input[full_name]", " "),
            ("input[role]", "executor"),
            ("input[department]", ""),
        ],
        &admin,
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let me = app.user_id("admin").await.to_string();
    let (s, _) = call(
        &app,
        "/serverfn/admin/edit_user",
        &[
            ("id", &me),
            ("input[full_name]", "Администратор системы"),
            ("input[role]", "executor"),
            ("input[department]", ""),
        ],
        &admin,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Only the admin edits.
    let (s, _) = call(
        &app,
        "/serverfn/admin/edit_user",
        &[
            ("id", &id),
            ("input[full_name]", "X"),
            ("input[role]", "admin"),
            ("input[department]", ""),
        ],
        &executor,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
