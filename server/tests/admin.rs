//! Administration over HTTP (SPEC "Roles": `admin`): every admin server function refuses
//! the coordinator and the observer with 403 (changing nothing) and serves the admin, and
//! each change takes effect where the rest of the system reads it: a created user signs
//! in, a calendar correction changes `GET /api/v1/calendar`, a network limit refuses a
//! long draft, a revoked token gets 401.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;

use app::api::admin::{
    AdminCalendar, AdminConnectNetwork, AdminCreateDepartment, AdminCreateUser,
    AdminDisconnectNetwork, AdminIssueToken, AdminMail, AdminNetworks, AdminRevokeToken,
    AdminSaveAlerts, AdminSaveDeadlines, AdminSaveNetworks, AdminSaveRating, AdminSaveSchedule,
    AdminSaveSmtp, AdminSaveTemplates, AdminSaveTopic, AdminSaveUploads, AdminSetDay,
    AdminSetUserActive, AdminSettings, AdminTokens, AdminTopics, AdminUsers, ADMIN_ONLY,
};
use app::domain::calendar::WorkingDuration;
use app::domain::ids::UserId;
use app::domain::network::Network;
use app::domain::role::Role;
use app::domain::workflow::Command;
use app::error::AppError;
use app::service::messages::intake::{intake, Intake, NewMessage};
use app::service::messages::transition::act;
use app::service::messages::Caller;
use axum::http::StatusCode;
use common::*;
use leptos::server_fn::ServerFn;

/// A form as owned pairs.
type Form = Vec<(String, String)>;

fn form(pairs: &[(&str, &str)]) -> Form {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

impl TestApp {
    /// Posts `form` to the server function at `path`.
    async fn call(
        &self,
        path: &str,
        form: &Form,
        cookie: &str,
    ) -> axum::http::Response<axum::body::Body> {
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        self.server_fn(path, &pairs, Some(cookie)).await
    }
}

/// The default schedule (SPEC) as the settings form sends it.
fn schedule_form() -> Form {
    let mut out = form(&[("input[tz]", "Europe/Moscow"), ("input[weekend_as]", "mon")]);
    for (day, end) in [
        ("mon", "18:00"),
        ("tue", "18:00"),
        ("wed", "18:00"),
        ("thu", "18:00"),
        ("fri", "17:00"),
    ] {
        for (part, value) in [
            ("start", "09:00"),
            ("end", end),
            ("lunch_start", "13:00"),
            ("lunch_end", "13:48"),
        ] {
            out.push((format!("input[{day}][{part}]"), value.to_owned()));
        }
    }
    out
}

/// The SPEC deadline lengths as the settings form sends them.
fn deadlines_form() -> Form {
    form(&[
        ("input[return_by]", "30"),
        ("input[draft_by]", "300"),
        ("input[answer_by]", "540"),
        ("input[answer_by_urgent]", "240"),
        ("input[revision_by]", "60"),
        ("input[publish_by]", "30"),
        ("input[final_draft_days]", "7"),
    ])
}

fn new_user_form(login: &str, password: &str) -> Form {
    form(&[
        ("input[login]", login),
        ("input[full_name]", "Сидорова Анна Павловна"),
        ("input[role]", "executor"),
        ("input[department]", "Отдел по делам молодёжи"),
        ("input[password]", password),
    ])
}

/// Every admin server function with a valid form.
async fn every_call(app: &TestApp) -> Vec<(&'static str, Form)> {
    let executor2 = app.user_id("executor2").await.to_string();
    app.token(Role::Authority).await;
    let token_id: i64 =
        app::on_db!(&app.state.pool, p => sqlx::query_scalar("SELECT MAX(id) FROM api_tokens")
        .fetch_one(p).await)
        .unwrap();
    let token_id = token_id.to_string();
    vec![
        (AdminUsers::PATH, vec![]),
        (
            AdminCreateUser::PATH,
            new_user_form("sidorova", "длинный-пароль"),
        ),
        (
            AdminSetUserActive::PATH,
            form(&[("id", &executor2), ("active", "false")]),
        ),
        (
            AdminCreateDepartment::PATH,
            form(&[("name", "Архивный отдел")]),
        ),
        (AdminCalendar::PATH, form(&[("year", "2026")])),
        (
            AdminSetDay::PATH,
            form(&[
                ("date", "2026-03-18"),
                ("mark", "non_working"),
                ("note", "Распоряжение главы"),
            ]),
        ),
        (AdminSettings::PATH, vec![]),
        (AdminSaveSchedule::PATH, schedule_form()),
        (AdminSaveDeadlines::PATH, deadlines_form()),
        (
            AdminSaveNetworks::PATH,
            form(&[
                ("limits[vk][max_chars]", "3000"),
                ("limits[vk][max_media]", "5"),
            ]),
        ),
        (
            AdminSaveRating::PATH,
            form(&[("full_marks_hours", "6"), ("min_messages", "3")]),
        ),
        (
            AdminSaveUploads::PATH,
            form(&[("image_mb", "5"), ("video_mb", "50")]),
        ),
        (
            AdminSaveTemplates::PATH,
            form(&[
                ("templates[0][name]", "Благодарность"),
                ("templates[0][text]", "{автор}, спасибо за обращение!"),
            ]),
        ),
        (AdminTokens::PATH, vec![]),
        (
            AdminIssueToken::PATH,
            form(&[("name", "ЦУР"), ("role", "authority")]),
        ),
        (AdminRevokeToken::PATH, form(&[("id", &token_id)])),
        (AdminMail::PATH, vec![]),
        (
            AdminSaveSmtp::PATH,
            smtp_form("smtp.admin.test", "587", "секрет"),
        ),
        (AdminSaveAlerts::PATH, form(&[("due_soon_percent", "30")])),
        (AdminNetworks::PATH, vec![]),
        (
            AdminConnectNetwork::PATH,
            form(&[
                ("input[network]", "vk"),
                ("input[token]", "vk1.a.community-token-0001"),
                ("input[group_id]", "77"),
            ]),
        ),
        (AdminDisconnectNetwork::PATH, form(&[("network", "max")])),
        (AdminTopics::PATH, vec![]),
        (
            AdminSaveTopic::PATH,
            form(&[("topic[name]", "Праздники"), ("topic[active]", "on")]),
        ),
    ]
}

fn smtp_form(host: &str, port: &str, password: &str) -> Form {
    form(&[
        ("input[enabled]", "on"),
        ("input[host]", host),
        ("input[port]", port),
        ("input[starttls]", "on"),
        ("input[username]", "otklik"),
        ("input[password]", password),
        ("input[from]", "otklik@admin.test"),
        ("input[base_url]", "https://otklik.admin.test/"),
    ])
}

#[tokio::test]
async fn smtp_settings_keep_the_password_on_the_server_and_refuse_bad_fields() {
    let app = TestApp::new().await;
    let admin = app.sign_in("admin", "demo").await;
    let res = app
        .call(
            AdminSaveSmtp::PATH,
            &smtp_form("smtp.admin.test", "587", "секрет"),
            &admin,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    // Saving again with an empty password keeps the stored one.
    let res = app
        .call(
            AdminSaveSmtp::PATH,
            &smtp_form("smtp2.admin.test", "2525", ""),
            &admin,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = body_json(app.call(AdminMail::PATH, &vec![], &admin).await).await;
    assert_eq!(page["smtp"]["host"], "smtp2.admin.test");
    assert_eq!(page["smtp"]["port"], 2525);
    assert_eq!(page["smtp"]["base_url"], "https://otklik.admin.test");
    assert_eq!(
        page["smtp"]["password"], "",
        "the password never goes back to a browser"
    );
    assert_eq!(page["smtp"]["password_set"], true);
    let stored =
        app::service::mail::settings(&app.state.pool, app::service::settings::Layer::Region)
            .await
            .unwrap();
    assert_eq!(stored.password, "секрет");

    for (host, port, field) in [
        ("smtp.admin.test", "семь", "port"),
        ("smtp.admin.test", "0", "port"),
        ("smtp admin", "587", "host"),
    ] {
        let res = app
            .call(AdminSaveSmtp::PATH, &smtp_form(host, port, ""), &admin)
            .await;
        assert_eq!(
            res.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{host} {port}"
        );
        match app_error(res).await {
            AppError::Validation { field: f, .. } => assert_eq!(f, field),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }
    let res = app
        .call(
            AdminSaveAlerts::PATH,
            &form(&[("due_soon_percent", "0")]),
            &admin,
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .call(
            AdminSaveAlerts::PATH,
            &form(&[("due_soon_percent", "40")]),
            &admin,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = body_json(app.call(AdminMail::PATH, &vec![], &admin).await).await;
    assert_eq!(page["due_soon_percent"], 40);
}

/// What an admin change would touch, to show a refusal changed nothing.
async fn snapshot(app: &TestApp) -> Vec<i64> {
    let mut out = Vec::new();
    for sql in [
        "SELECT COUNT(*) FROM users",
        "SELECT COUNT(*) FROM users WHERE active = TRUE",
        "SELECT COUNT(*) FROM departments",
        "SELECT COUNT(*) FROM calendar_overrides",
        "SELECT COUNT(*) FROM settings",
        "SELECT COUNT(*) FROM api_tokens",
        "SELECT COUNT(*) FROM api_tokens WHERE revoked_at IS NOT NULL",
        "SELECT COUNT(*) FROM network_connections",
        "SELECT COUNT(*) FROM topics",
    ] {
        out.push(
            app::on_db!(&app.state.pool, p => sqlx::query_scalar(sql)
                .fetch_one(p).await)
            .unwrap(),
        );
    }
    out
}

#[tokio::test]
async fn every_admin_function_refuses_coordinator_and_observer_and_serves_the_admin() {
    let app = TestApp::new().await;
    let calls = every_call(&app).await;
    assert_eq!(
        calls.len(),
        24,
        "one call per admin server function but the network check"
    );
    let before = snapshot(&app).await;
    for login in ["coordinator", "observer"] {
        let cookie = app.sign_in(login, "demo").await;
        for (path, form) in &calls {
            let res = app.call(path, form, &cookie).await;
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{login} → {path}");
            assert_eq!(
                app_error(res).await,
                AppError::Forbidden(ADMIN_ONLY.to_owned()),
                "{login} → {path}"
            );
        }
    }
    for (path, form) in &calls {
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let res = app.server_fn(path, &pairs, None).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "anonymous → {path}");
    }
    assert_eq!(snapshot(&app).await, before, "a refusal changes nothing");

    let admin = app.sign_in("admin", "demo").await;
    for (path, form) in &calls {
        let res = app.call(path, form, &admin).await;
        let status = res.status();
        assert!(
            status.is_success(),
            "admin → {path}: {status} {}",
            body_text(res).await
        );
    }
    assert_ne!(
        snapshot(&app).await,
        before,
        "the admin's calls changed things"
    );
}

#[tokio::test]
async fn anonymous_callers_are_asked_to_sign_in() {
    let app = TestApp::new().await;
    let res = app.server_fn(AdminUsers::PATH, &[], None).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app_error(res).await, AppError::Unauthorized);
}

#[tokio::test]
async fn a_created_user_signs_in_with_their_role_and_department() {
    let app = TestApp::new().await;
    let admin = app.sign_in("admin", "demo").await;
    let res = app
        .call(
            AdminCreateUser::PATH,
            &new_user_form("sidorova", "пароль-из-12"),
            &admin,
        )
        .await;
    assert_eq!(res.status(), OK);
    let id: i64 = serde_json::from_value(body_json(res).await).unwrap();

    let cookie = app.sign_in("sidorova", "пароль-из-12").await;
    let me = body_json(app.server_fn("/serverfn/me", &[], Some(&cookie)).await).await;
    assert_eq!(me["id"], id);
    assert_eq!(me["role"], "executor");
    assert_eq!(me["full_name"], "Сидорова Анна Павловна");
    assert_eq!(me["department_name"], "Отдел по делам молодёжи");

    // The list shows them, and the new department with one user.
    let page = body_json(app.call(AdminUsers::PATH, &Form::new(), &admin).await).await;
    let row = page["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["login"] == "sidorova")
        .cloned()
        .unwrap();
    assert_eq!(row["active"], true);
    let dept = page["departments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "Отдел по делам молодёжи")
        .cloned()
        .unwrap();
    assert_eq!(dept["users"], 1);
}

#[tokio::test]
async fn a_taken_login_is_a_clear_conflict_whatever_the_letter_case() {
    let app = TestApp::new().await;
    let admin = app.sign_in("admin", "demo").await;
    for login in ["executor", "Executor"] {
        let res = app
            .call(
                AdminCreateUser::PATH,
                &new_user_form(login, "пароль-из-12"),
                &admin,
            )
            .await;
        assert_eq!(res.status(), StatusCode::CONFLICT, "{login}");
        assert_eq!(
            app_error(res).await,
            AppError::Conflict(format!("Логин «{login}» уже занят. Выберите другой логин"))
        );
    }
    let count: i64 = app::on_db!(&app.state.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE login = 'executor'")
        .fetch_one(p).await)
        .unwrap();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn a_password_shorter_than_10_characters_or_a_common_one_is_refused_naming_the_field() {
    let app = TestApp::new().await;
    let admin = app.sign_in("admin", "demo").await;
    let res = app
        .call(
            AdminCreateUser::PATH,
            &new_user_form("korotkov", "123456789"),
            &admin,
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app_error(res).await,
        AppError::validation("password", "Пароль слишком короткий: не меньше 10 символов")
    );
    let res = app
        .call(
            AdminCreateUser::PATH,
            &new_user_form("korotkov", "password123"),
            &admin,
        )
        .await;
    assert_eq!(
        app_error(res).await,
        AppError::validation(
            "password",
            "Этот пароль есть в списке распространённых паролей — выберите другой"
        )
    );
    // Other fields are checked too, in Russian.
    let mut bad_role = new_user_form("korotkov", "надёжный-пароль");
    bad_role[2].1 = "root".into();
    let res = app.call(AdminCreateUser::PATH, &bad_role, &admin).await;
    assert_eq!(
        app_error(res).await,
        AppError::validation("role", "Выберите роль")
    );
    let exists: Option<i64> = app::on_db!(&app.state.pool, p => sqlx::query_scalar("SELECT id FROM users WHERE login = 'korotkov'")
        .fetch_optional(p).await)
        .unwrap();
    assert_eq!(exists, None);
}

#[tokio::test]
async fn a_deactivated_user_is_signed_out_and_cannot_sign_in_and_an_admin_cannot_deactivate_themselves(
) {
    let app = TestApp::new().await;
    let admin = app.sign_in("admin", "demo").await;
    let executor_session = app.sign_in("executor", "demo").await;
    let executor = app.user_id("executor").await.to_string();
    let off = form(&[("id", &executor), ("active", "false")]);
    assert_eq!(
        app.call(AdminSetUserActive::PATH, &off, &admin)
            .await
            .status(),
        OK
    );

    let res = app
        .server_fn(
            "/serverfn/login",
            &[("login", "executor"), ("password", "demo")],
            None,
        )
        .await;
    assert_eq!(app_error(res).await, AppError::BadCredentials);
    let me = body_json(
        app.server_fn("/serverfn/me", &[], Some(&executor_session))
            .await,
    )
    .await;
    assert_eq!(me, serde_json::Value::Null, "the open session ends too");

    let on = form(&[("id", &executor), ("active", "true")]);
    assert_eq!(
        app.call(AdminSetUserActive::PATH, &on, &admin)
            .await
            .status(),
        OK
    );
    app.sign_in("executor", "demo").await;

    let me_id = app.user_id("admin").await.to_string();
    let res = app
        .call(
            AdminSetUserActive::PATH,
            &form(&[("id", &me_id), ("active", "false")]),
            &admin,
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app_error(res).await,
        AppError::Forbidden("Нельзя отключить собственную учётную запись".into())
    );
}

#[tokio::test]
async fn a_department_is_created_once() {
    let app = TestApp::new().await;
    let admin = app.sign_in("admin", "demo").await;
    let name = form(&[("name", "  Отдел культуры ")]);
    assert_eq!(
        app.call(AdminCreateDepartment::PATH, &name, &admin)
            .await
            .status(),
        OK
    );
    let res = app.call(AdminCreateDepartment::PATH, &name, &admin).await;
    assert_eq!(
        app_error(res).await,
        AppError::Conflict("Отдел «Отдел культуры» уже есть".into())
    );
}

/// The kind of `date` from the REST calendar.
async fn api_kind(app: &TestApp, token: &str, date: &str) -> serde_json::Value {
    let (status, body) = app
        .api(
            "GET",
            &format!("/api/v1/calendar?from={date}&to={date}"),
            Auth::Token(token),
            None,
        )
        .await;
    assert_eq!(status, OK, "{body}");
    body[0].clone()
}

#[tokio::test]
async fn a_calendar_correction_changes_the_api_calendar_and_the_year_totals() {
    let app = TestApp::new().await;
    let token = app.token(Role::Authority).await;
    let admin = app.sign_in("admin", "demo").await;
    // Wednesday 18.03.2026: an ordinary working day.
    assert_eq!(
        api_kind(&app, &token, "2026-03-18").await["kind"],
        "working"
    );
    let year = body_json(
        app.call(AdminCalendar::PATH, &form(&[("year", "2026")]), &admin)
            .await,
    )
    .await;
    assert_eq!(year["summary"]["working_days"], 247);
    assert_eq!(year["summary"]["norm_hours_40h"], 1972);
    assert_eq!(year["days"].as_array().unwrap().len(), 365);

    let set = |mark: &'static str| {
        form(&[
            ("date", "2026-03-18"),
            ("mark", mark),
            ("note", "Распоряжение № 12"),
        ])
    };
    assert_eq!(
        app.call(AdminSetDay::PATH, &set("non_working"), &admin)
            .await
            .status(),
        OK
    );
    let day = api_kind(&app, &token, "2026-03-18").await;
    assert_eq!(day["kind"], "non_working");
    assert_eq!(day["intervals"], serde_json::json!([]));
    let (by, note): (Option<i64>, String) =
        app::on_db!(&app.state.pool, p => sqlx::query_as("SELECT updated_by, note FROM calendar_overrides WHERE date = '2026-03-18'")
            .fetch_one(p).await)
            .unwrap();
    assert_eq!(by, Some(app.user_id("admin").await));
    assert_eq!(note, "Распоряжение № 12");

    let year = body_json(
        app.call(AdminCalendar::PATH, &form(&[("year", "2026")]), &admin)
            .await,
    )
    .await;
    assert_eq!(year["summary"]["working_days"], 246);
    let cell = year["days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["date"] == "2026-03-18")
        .cloned()
        .unwrap();
    assert_eq!(cell["kind"], "non_working");
    assert_eq!(cell["corrected"], true);
    assert_eq!(year["corrections"][0]["note"], "Распоряжение № 12");

    // Shortened, then «как обычно»: back to the shipped calendar.
    assert_eq!(
        app.call(AdminSetDay::PATH, &set("shortened"), &admin)
            .await
            .status(),
        OK
    );
    let day = api_kind(&app, &token, "2026-03-18").await;
    assert_eq!(day["kind"], "shortened");
    assert_eq!(day["intervals"][1]["end"], "17:00");
    assert_eq!(
        app.call(AdminSetDay::PATH, &set("usual"), &admin)
            .await
            .status(),
        OK
    );
    assert_eq!(
        api_kind(&app, &token, "2026-03-18").await["kind"],
        "working"
    );

    // A working Saturday (a transfer) uses the Monday hours.
    let sat = form(&[("date", "2026-03-21"), ("mark", "working")]);
    assert_eq!(app.call(AdminSetDay::PATH, &sat, &admin).await.status(), OK);
    assert_eq!(
        api_kind(&app, &token, "2026-03-21").await["kind"],
        "working"
    );

    // Bad input is named in Russian.
    let res = app
        .call(
            AdminSetDay::PATH,
            &form(&[("date", "18.03.2026"), ("mark", "working")]),
            &admin,
        )
        .await;
    assert!(matches!(app_error(res).await, AppError::Validation { field, .. } if field == "date"));
    let res = app
        .call(
            AdminSetDay::PATH,
            &form(&[("date", "2026-03-18"), ("mark", "holiday")]),
            &admin,
        )
        .await;
    assert!(matches!(app_error(res).await, AppError::Validation { field, .. } if field == "mark"));
    let res = app
        .call(AdminCalendar::PATH, &form(&[("year", "1990")]), &admin)
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

/// A Telegram message in work with the demo executor.
async fn telegram_message_in_work(app: &TestApp) -> i64 {
    let pool = &app.state.pool;
    let ctx = app.ctx().await;
    let now = ctx.now;
    let person = |login: &'static str| async move {
        let id = app.user_id(login).await;
        Caller::person(
            &app::service::users::by_id(pool, UserId(id))
                .await
                .unwrap()
                .unwrap(),
        )
    };
    let msg = NewMessage {
        administration: None,
        external_id: "admin-limit-1".into(),
        network: Network::Telegram,
        url: "https://t.me/c/1/2".into(),
        author: "Пётр".into(),
        author_url: None,
        text: "Когда починят фонарь?".into(),
        topic: None,
        detected_at: now,
    };
    let Intake::Created(id) = intake(&ctx, msg, &person("authority").await).await.unwrap() else {
        panic!("duplicate")
    };
    let assign = Command::Assign {
        executor: UserId(app.user_id("executor").await),
        department: None,
    };
    act(&ctx, id, None, assign, &person("coordinator").await)
        .await
        .unwrap();
    id.0
}

#[tokio::test]
async fn settings_round_trip_and_a_telegram_limit_of_100_refuses_a_longer_draft() {
    let app = TestApp::new().await;
    let admin = app.sign_in("admin", "demo").await;
    let limits = form(&[
        ("limits[telegram][max_chars]", "100"),
        ("limits[telegram][max_media]", "2"),
    ]);
    let res = app.call(AdminSaveNetworks::PATH, &limits, &admin).await;
    assert_eq!(res.status(), OK);
    let page = body_json(app.call(AdminSettings::PATH, &Form::new(), &admin).await).await;
    let network = |page: &serde_json::Value, name: &str| {
        page["networks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["network"] == name)
            .cloned()
            .unwrap()
    };
    let telegram = network(&page, "telegram");
    assert_eq!(
        telegram["limit"],
        serde_json::json!({ "max_chars": 100, "max_media": 2, "max_caption_chars": 1024 })
    );
    assert_eq!(telegram["hosts"], serde_json::json!(["t.me"]));
    let vk = network(&page, "vk");
    assert_eq!(
        vk["limit"]["max_chars"], 4096,
        "networks left out keep their limits"
    );
    assert_eq!(
        vk["hosts"],
        serde_json::json!(["vk.com", "vk.ru", "m.vk.com"])
    );

    // §9: the hosts of a network's links are a setting; a caption limit too.
    let hosts = form(&[
        ("limits[vk][max_chars]", "4096"),
        ("limits[vk][max_media]", "10"),
        ("limits[vk][caption_chars]", "500"),
        ("limits[vk][hosts]", "vk.com, https://vk.ru/"),
    ]);
    let res = app.call(AdminSaveNetworks::PATH, &hosts, &admin).await;
    assert_eq!(res.status(), OK);
    let page = body_json(app.call(AdminSettings::PATH, &Form::new(), &admin).await).await;
    let vk = network(&page, "vk");
    assert_eq!(vk["hosts"], serde_json::json!(["vk.com", "vk.ru"]));
    assert_eq!(vk["limit"]["max_caption_chars"], 500);
    assert_eq!(
        network(&page, "telegram")["hosts"],
        serde_json::json!(["t.me"]),
        "a network left out keeps its hosts"
    );
    let bad_host = form(&[
        ("limits[vk][max_chars]", "4096"),
        ("limits[vk][max_media]", "10"),
        ("limits[vk][hosts]", "vk.com, user@evil"),
    ]);
    let res = app.call(AdminSaveNetworks::PATH, &bad_host, &admin).await;
    assert_eq!(
        app_error(res).await,
        AppError::validation(
            "vk.hosts",
            "ВКонтакте: «user@evil» — не имя сайта (пример: vk.com)"
        )
    );
    let by: Option<i64> =
        app::on_db!(&app.state.pool, p => sqlx::query_scalar("SELECT updated_by FROM settings WHERE key = 'networks'")
            .fetch_one(p).await)
            .unwrap();
    assert_eq!(by, Some(app.user_id("admin").await));

    let id = telegram_message_in_work(&app).await.to_string();
    let executor = app.sign_in("executor", "demo").await;
    let draft = |text: String| {
        form(&[
            ("id", &id),
            ("input[action]", "submit_draft"),
            ("input[kind]", "final"),
        ])
        .into_iter()
        .chain([("input[text]".to_owned(), text)])
        .collect::<Form>()
    };
    let res = app
        .call("/serverfn/act", &draft("ж".repeat(101)), &executor)
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(matches!(
        app_error(res).await,
        AppError::Validation { field, message } if field == "text" && message.contains("лимите 100")
    ));
    let res = app
        .call("/serverfn/act", &draft("ж".repeat(100)), &executor)
        .await;
    assert_eq!(res.status(), OK, "{}", body_text(res).await);

    // A bad value names the network and the field.
    let bad = form(&[
        ("limits[telegram][max_chars]", "сто"),
        ("limits[telegram][max_media]", "2"),
    ]);
    let res = app.call(AdminSaveNetworks::PATH, &bad, &admin).await;
    assert_eq!(
        app_error(res).await,
        AppError::validation(
            "telegram.max_chars",
            "Telegram: длина ответа, символов: целое число от 1 до 100000"
        )
    );
}

#[tokio::test]
async fn schedule_deadlines_uploads_and_templates_are_stored_and_checked() {
    let app = TestApp::new().await;
    let admin = app.sign_in("admin", "demo").await;
    let pool = &app.state.pool;

    // Friday made a short day: 09:00–15:00 with lunch 12:00–12:30.
    let mut schedule = schedule_form();
    for (k, v) in schedule.iter_mut() {
        match k.as_str() {
            "input[fri][end]" => *v = "15:00".into(),
            "input[fri][lunch_start]" => *v = "12:00".into(),
            "input[fri][lunch_end]" => *v = "12:30".into(),
            _ => {}
        }
    }
    assert_eq!(
        app.call(AdminSaveSchedule::PATH, &schedule, &admin)
            .await
            .status(),
        OK
    );
    let stored = app::service::calendar::schedule(pool, app::service::settings::Layer::Region)
        .await
        .unwrap();
    let t = |h, m| chrono::NaiveTime::from_hms_opt(h, m, 0).unwrap();
    assert_eq!(
        stored.hours(chrono::Weekday::Fri),
        &[(t(9, 0), t(12, 0)), (t(12, 30), t(15, 0))]
    );
    // The REST calendar follows: Friday 20.03.2026 ends at 15:00.
    let token = app.token(Role::Observer).await;
    assert_eq!(
        api_kind(&app, &token, "2026-03-20").await["intervals"][1]["end"],
        "15:00"
    );

    // A lunch outside the day is refused, naming the day.
    let mut bad = schedule_form();
    for (k, v) in bad.iter_mut() {
        if k == "input[tue][lunch_end]" {
            *v = "19:00".into();
        }
    }
    let res = app.call(AdminSaveSchedule::PATH, &bad, &admin).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let AppError::Validation { field, message } = app_error(res).await else {
        panic!("not a validation error")
    };
    assert_eq!(field, "tue.lunch_start");
    assert!(message.starts_with("Вторник: обед"), "{message}");

    // Deadlines: §7 shortened to 4 hours.
    let mut deadlines = deadlines_form();
    deadlines[1].1 = "240".into();
    assert_eq!(
        app.call(AdminSaveDeadlines::PATH, &deadlines, &admin)
            .await
            .status(),
        OK
    );
    let stored =
        app::service::calendar::deadline_settings(pool, app::service::settings::Layer::Region)
            .await
            .unwrap();
    assert_eq!(stored.draft_by, WorkingDuration::from_hours(4));
    deadlines[1].1 = "0".into();
    let res = app.call(AdminSaveDeadlines::PATH, &deadlines, &admin).await;
    assert_eq!(
        app_error(res).await,
        AppError::validation(
            "draft_by",
            "Проект ответа (§7), минут: целое число от 1 до 10000"
        )
    );

    // Uploads in megabytes.
    let uploads = form(&[("image_mb", "3"), ("video_mb", "40")]);
    assert_eq!(
        app.call(AdminSaveUploads::PATH, &uploads, &admin)
            .await
            .status(),
        OK
    );
    let stored = app::service::attachments::upload_limits(pool)
        .await
        .unwrap();
    assert_eq!(stored.max_image_bytes, 3 * 1024 * 1024);
    assert_eq!(stored.max_video_bytes, 40 * 1024 * 1024);
    let res = app
        .call(
            AdminSaveUploads::PATH,
            &form(&[("image_mb", "0"), ("video_mb", "40")]),
            &admin,
        )
        .await;
    assert!(
        matches!(app_error(res).await, AppError::Validation { field, .. } if field == "image_mb")
    );

    // Templates: one kept, one removed, a blank row ignored.
    let templates = form(&[
        ("templates[0][name]", "Благодарность"),
        ("templates[0][text]", "{автор}, спасибо!"),
        ("templates[1][name]", "Старый"),
        ("templates[1][text]", "Удалить меня"),
        ("templates[1][remove]", "on"),
        ("templates[2][name]", ""),
        ("templates[2][text]", ""),
    ]);
    let res = app.call(AdminSaveTemplates::PATH, &templates, &admin).await;
    assert_eq!(res.status(), OK);
    let stored = app::service::settings::templates(pool, app::service::settings::Layer::Region)
        .await
        .unwrap();
    assert_eq!(stored.0.len(), 1);
    assert_eq!(stored.0[0].name, "Благодарность");
}

#[tokio::test]
async fn an_issued_token_works_once_shown_and_a_revoked_token_gets_401() {
    let app = TestApp::new().await;
    let admin = app.sign_in("admin", "demo").await;
    let res = app
        .call(
            AdminIssueToken::PATH,
            &form(&[("name", "  ЦУР ЛО "), ("role", "authority")]),
            &admin,
        )
        .await;
    assert_eq!(res.status(), OK);
    let issued = body_json(res).await;
    assert_eq!(issued["name"], "ЦУР ЛО");
    assert_eq!(issued["role"], "authority");
    let token = issued["token"].as_str().unwrap().to_owned();
    let (status, _) = app
        .api(
            "GET",
            "/api/v1/calendar?from=2026-03-16&to=2026-03-16",
            Auth::Token(&token),
            None,
        )
        .await;
    assert_eq!(status, OK);

    // The list never shows the token itself.
    let res = app.call(AdminTokens::PATH, &Form::new(), &admin).await;
    let text = body_text(res).await;
    assert!(!text.contains(&token), "the list leaks the token");
    let list: serde_json::Value = serde_json::from_str(&text).unwrap();
    let row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "ЦУР ЛО")
        .cloned()
        .unwrap();
    assert_eq!(row["revoked"], serde_json::Value::Null);
    let id = row["id"].as_i64().unwrap().to_string();

    let revoke = form(&[("id", &id)]);
    assert_eq!(
        app.call(AdminRevokeToken::PATH, &revoke, &admin)
            .await
            .status(),
        OK
    );
    let (status, body) = app
        .api(
            "GET",
            "/api/v1/calendar?from=2026-03-16&to=2026-03-16",
            Auth::Token(&token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let list = body_json(app.call(AdminTokens::PATH, &Form::new(), &admin).await).await;
    let row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "ЦУР ЛО")
        .cloned()
        .unwrap();
    assert_eq!(row["revoked"], "16.03.2026 10:00");

    let res = app.call(AdminRevokeToken::PATH, &revoke, &admin).await;
    assert_eq!(
        app_error(res).await,
        AppError::Conflict("Токен уже отозван".into())
    );
    let res = app
        .call(
            AdminIssueToken::PATH,
            &form(&[("name", "X"), ("role", "root")]),
            &admin,
        )
        .await;
    assert_eq!(
        app_error(res).await,
        AppError::validation("role", "Выберите роль")
    );
}

#[tokio::test]
async fn server_function_arguments_that_cannot_be_read_are_a_russian_422() {
    let app = TestApp::new().await;
    let executor = app.sign_in("executor", "demo").await;
    // `act` without its required `action`, and with a message id that is not a number.
    let res = app
        .server_fn("/serverfn/act", &[("id", "сорок два")], Some(&executor))
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    match app_error(res).await {
        AppError::Validation { message, .. } => {
            assert!(message.starts_with("Неверные данные формы"), "{message}")
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
    // An error of the function itself keeps its own status.
    let res = app
        .server_fn(
            "/serverfn/act",
            &[
                ("id", "999999"),
                ("input[action]", "set_urgent"),
                ("input[urgent]", "true"),
            ],
            Some(&executor),
        )
        .await;
    assert_ne!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(res.status().is_client_error(), "{}", res.status());
}

/// What another instance writes (straight SQL here, as a second process would) is seen
/// by the next request: settings and calendar corrections bump `config_version` in the
/// writing transaction. While nothing changes, requests reuse one calendar and one
/// settings value.
#[tokio::test]
async fn a_request_sees_any_writers_settings_and_calendar_and_reuses_them_otherwise() {
    use std::sync::Arc;
    let app = TestApp::new().await;
    let a = app.ctx().await;
    let b = app.ctx().await;
    assert!(Arc::ptr_eq(&a.cal, &b.cal) && Arc::ptr_eq(&a.settings, &b.settings));

    let mut deadlines = a.settings.deadlines;
    deadlines.answer_by = WorkingDuration::from_minutes(600);
    let json = serde_json::to_string(&deadlines).unwrap();
    app::on_db!(&app.state.pool, p => sqlx::query(
        "INSERT INTO settings (key, value, updated_at) VALUES ('deadlines', $1, '2026-03-16T10:00:00+03:00') \
         ON CONFLICT (administration_id, key) DO UPDATE SET value = excluded.value",
    )
    .bind(json)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))
    .unwrap();
    let c = app.ctx().await;
    assert_eq!(
        c.settings.deadlines.answer_by,
        WorkingDuration::from_minutes(600)
    );
    assert!(
        Arc::ptr_eq(&b.cal, &c.cal),
        "the calendar's inputs did not change"
    );

    // Wednesday 18 March 2026, 12:00 Moscow: working, until a correction says otherwise.
    let noon = chrono::DateTime::parse_from_rfc3339("2026-03-18T12:00:00+03:00")
        .unwrap()
        .with_timezone(&chrono::Utc);
    assert!(c.cal.is_working(noon));
    app::on_db!(&app.state.pool, p => sqlx::query(
        "INSERT INTO calendar_overrides (date, mark, note, updated_at) \
         VALUES ('2026-03-18', 'non_working', 'другой экземпляр', '2026-03-16T10:00:00+03:00')",
    )
    .execute(p)
    .await
    .map(|r| r.rows_affected()))
    .unwrap();
    let d = app.ctx().await;
    assert!(!d.cal.is_working(noon));
    assert_eq!(
        d.settings.deadlines.answer_by,
        WorkingDuration::from_minutes(600)
    );
    let e = app.ctx().await;
    assert!(Arc::ptr_eq(&d.cal, &e.cal) && Arc::ptr_eq(&d.settings, &e.settings));
}
