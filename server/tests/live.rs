//! Live updates and alerts: the event stream over HTTP (visibility, resume after
//! `Last-Event-ID`, errors), the alert scan with an injected clock (once per threshold,
//! only in working time, breaches to the coordinator), and e-mail through a local SMTP
//! sink (Python `aiosmtpd`, installed by the test command).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;

use app::domain::role::Role;
use app::dto::live::AlertKind;
use app::service::alerts;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use chrono::{DateTime, Duration, TimeZone, Utc};
use common::sse::{Sse, Stream};
use common::*;
use serde_json::json;
use std::collections::BTreeMap;

const WAIT: std::time::Duration = std::time::Duration::from_millis(1500);
const QUIET: std::time::Duration = std::time::Duration::from_millis(400);

async fn intake(app: &TestApp, token: &str, external_id: &str, text: &str) -> i64 {
    let body = json!({
        "external_id": external_id,
        "network": "vk",
        "url": "https://vk.com/wall-1_1",
        "author": "Мария Соколова",
        "text": text,
        "detected_at": app.state.clock.now().to_rfc3339(),
    });
    app.register(token, &body).await["id"].as_i64().unwrap()
}

async fn assign(app: &TestApp, token: &str, id: i64, executor: i64) {
    let (s, m) = app
        .api(
            "POST",
            &format!("/api/v1/messages/{id}/assign"),
            Auth::Token(token),
            Some(&json!({ "executor_id": executor }).to_string()),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{m}");
}

#[tokio::test]
async fn the_stream_starts_ready_and_carries_what_happens_next() {
    let app = TestApp::new().await;
    let authority = app.token(Role::Authority).await;
    let coordinator = app.token(Role::Coordinator).await;
    let observer = app.sign_in("observer", "demo").await;
    let mut stream = Stream::open(&app, Auth::Cookie(&observer), None).await;
    let ready = stream.next(WAIT).await.expect("a ready event");
    assert_eq!(ready.event, "ready");
    let last: i64 = ready.id.clone().unwrap().parse().unwrap();
    assert_eq!(ready.data["last_id"], last);

    let id = intake(&app, &authority, "vk-live-1", "Когда уберут снег?").await;
    assign(&app, &coordinator, id, app.user_id("executor").await).await;
    let events = stream.drain(QUIET).await;
    let journal: Vec<&Sse> = events.iter().filter(|e| e.event == "journal").collect();
    assert_eq!(journal.len(), 2, "{events:?}");
    assert_eq!(journal[0].data["message_id"], id);
    assert_eq!(journal[0].data["action"], "intake");
    assert_eq!(journal[0].data["state"], "new");
    assert_eq!(journal[1].data["action"], "assign");
    assert_eq!(journal[1].data["state"], "in_work");
    let ids: Vec<i64> = journal
        .iter()
        .map(|e| e.id.as_deref().unwrap().parse().unwrap())
        .collect();
    assert!(ids[0] > last && ids[1] > ids[0], "{ids:?}");
    assert_eq!(journal[1].data["id"], ids[1]);
    // A notice, never the text.
    assert!(journal.iter().all(|e| e.data.get("text").is_none()));
}

#[tokio::test]
async fn an_executors_stream_never_carries_another_departments_message() {
    let app = TestApp::new().await;
    let authority = app.token(Role::Authority).await;
    let coordinator = app.token(Role::Coordinator).await;
    let ivanov = app.sign_in("executor", "demo").await; // Отдел ЖКХ
    let kuznetsova = app.sign_in("executor2", "demo").await; // Отдел благоустройства
    let mut mine = Stream::open(&app, Auth::Cookie(&ivanov), None).await;
    let mut theirs = Stream::open(&app, Auth::Cookie(&kuznetsova), None).await;

    let secret = "Секретный текст другого отдела";
    let other = intake(&app, &authority, "vk-live-2", secret).await;
    assign(&app, &coordinator, other, app.user_id("executor2").await).await;
    let own = intake(&app, &authority, "vk-live-3", "Про трубы в подвале").await;
    assign(&app, &coordinator, own, app.user_id("executor").await).await;

    let mine: Vec<Sse> = mine.drain(QUIET).await;
    let theirs: Vec<Sse> = theirs.drain(QUIET).await;
    let of = |events: &[Sse]| -> Vec<(i64, String)> {
        events
            .iter()
            .filter(|e| e.event == "journal")
            .map(|e| {
                (
                    e.data["message_id"].as_i64().unwrap(),
                    e.data["action"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    // Each executor hears of its own message only, the assignment at least. Whether the
    // intake is heard too depends on whether the pump read it before or after the
    // assignment committed: an event is judged by the message as it is when published.
    let only = |seen: Vec<(i64, String)>, id: i64| {
        assert!(seen.iter().all(|(m, _)| *m == id), "{seen:?}");
        assert!(seen.contains(&(id, "assign".to_owned())), "{seen:?}");
    };
    only(of(&mine), own);
    only(of(&theirs), other);
    let raw = format!("{mine:?}");
    assert!(!raw.contains(secret) && !raw.contains(&format!("\"message_id\": Number({other})")));
}

#[tokio::test]
async fn a_reconnect_with_last_event_id_replays_what_was_missed_once() {
    let app = TestApp::new().await;
    let authority = app.token(Role::Authority).await;
    let coordinator = app.token(Role::Coordinator).await;
    let ivanov = app.sign_in("executor", "demo").await;
    let first = Stream::open(&app, Auth::Cookie(&ivanov), None).await;
    let mut first = first;
    let ready = first.next(WAIT).await.unwrap();
    let seen: i64 = ready.id.unwrap().parse().unwrap();
    drop(first); // the connection drops

    // Meanwhile: one message for the executor's department, one for another.
    let a = intake(&app, &authority, "vk-live-4", "Первое").await;
    assign(&app, &coordinator, a, app.user_id("executor").await).await;
    let b = intake(&app, &authority, "vk-live-5", "Второе").await;
    assign(&app, &coordinator, b, app.user_id("executor2").await).await;

    let mut again = Stream::open(&app, Auth::Cookie(&ivanov), Some(seen)).await;
    let events = again.drain(QUIET).await;
    assert_eq!(events[0].event, "ready");
    let journal: Vec<(i64, &str)> = events
        .iter()
        .filter(|e| e.event == "journal")
        .map(|e| {
            (
                e.data["message_id"].as_i64().unwrap(),
                e.data["action"].as_str().unwrap(),
            )
        })
        .collect();
    // Message `a` is the executor's department's now (its intake too); `b` never shows.
    assert_eq!(journal, vec![(a, "intake"), (a, "assign")], "{events:?}");
    assert!(journal.iter().all(|(m, _)| *m != b));

    // Live events after the replay come once each.
    assign(&app, &coordinator, a, app.user_id("executor").await).await;
    let after = again.drain(QUIET).await;
    let ids: Vec<&str> = after.iter().filter_map(|e| e.id.as_deref()).collect();
    let mut unique = ids.clone();
    unique.dedup();
    assert_eq!(ids, unique);
}

#[tokio::test]
async fn the_stream_refuses_strangers_and_bad_resume_points() {
    let app = TestApp::new().await;
    let (s, v) = app
        .api("GET", "/api/v1/events", Auth::Anonymous, None)
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    let observer = app.token(Role::Observer).await;
    let (s, v) = app
        .api(
            "GET",
            "/api/v1/events?after=abc",
            Auth::Token(&observer),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"], "after");
    let res = app
        .send(
            Request::get("/api/v1/events")
                .header(header::AUTHORIZATION, format!("Bearer {observer}"))
                .header("Last-Event-ID", "вчера")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

/// Friday 13.03.2026, noon Moscow.
fn friday_noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 13, 9, 0, 0).unwrap()
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
struct AlertRow {
    user_login: String,
    rule: String,
    kind: String,
    created_at: DateTime<Utc>,
}

async fn alerts_of(app: &TestApp, message: i64) -> Vec<AlertRow> {
    app::on_db!(&app.state.pool, p => sqlx::query_as(
        "SELECT u.login AS user_login, d.rule, a.kind, a.created_at \
         FROM alerts a JOIN users u ON u.id = a.user_id JOIN deadlines d ON d.id = a.deadline_id \
         WHERE a.message_id = $1 ORDER BY a.id",
    )
    .bind(message)
    .fetch_all(p).await)
    .unwrap()
}

/// A message taken in 25 working minutes before the end of Friday; the scan runs every 20
/// minutes (:00, :20, :40) through the weekend into Monday. Its 30-minute `return_by` is
/// due Monday 09:05 and enters its last quarter on Friday after the last scan of the
/// day: it wakes nobody over the weekend and is alerted at Monday 09:00. Every threshold
/// of every deadline is raised once, at the first working scan where it holds; nobody is
/// assigned, so the coordinator gets them; nothing is raised off hours.
#[tokio::test]
async fn alerts_are_raised_once_per_threshold_and_only_in_working_time() {
    let app = TestApp::at(friday_noon()).await;
    let cal = app::service::calendar::load(
        &app.state.pool,
        &app.state.calendars,
        app::service::settings::Layer::Region,
    )
    .await
    .unwrap();
    // The end of Friday's last working interval.
    let mut friday_end = friday_noon();
    let mut t = friday_noon();
    while t < friday_noon() + Duration::hours(9) {
        if cal.is_working(t) {
            friday_end = t + Duration::minutes(1);
        }
        t += Duration::minutes(1);
    }
    let taken_in = friday_end - Duration::minutes(25);
    app.state.clock.set(taken_in);
    let authority = app.token(Role::Authority).await;
    let id = intake(&app, &authority, "vk-alert-1", "Не вывозят мусор").await;
    let deadlines: Vec<(String, DateTime<Utc>, DateTime<Utc>)> =
        app::on_db!(&app.state.pool, p => sqlx::query_as(
        "SELECT rule, started_at, due_at FROM deadlines WHERE message_id = $1 AND done_at IS NULL",
    )
    .bind(id)
    .fetch_all(p).await)
        .unwrap();
    assert!(deadlines.iter().any(|(r, _, _)| r == "return_by"));

    let monday_9 = Utc.with_ymd_and_hms(2026, 3, 16, 6, 0, 0).unwrap();
    let until = monday_9 + Duration::hours(9);
    let mut expected: BTreeMap<(String, String), DateTime<Utc>> = BTreeMap::new();
    // The first scan on the 20-minute grid after the intake.
    let mut t =
        taken_in + Duration::minutes(20 - i64::from(chrono::Timelike::minute(&taken_in) % 20));
    t -= Duration::seconds(i64::from(chrono::Timelike::second(&t)));
    while t <= until {
        app.state.clock.set(t);
        alerts::scan(&app.ctx().await.at(t)).await.unwrap();
        if cal.is_working(t) {
            for (rule, started, due) in &deadlines {
                let remaining = cal.between(t, *due);
                let budget = cal.between(*started, *due);
                if let Some(kind) =
                    app::domain::deadline::pressure(remaining, budget, 25).map(|p| match p {
                        app::domain::deadline::Pressure::DueSoon => AlertKind::DueSoon,
                        app::domain::deadline::Pressure::Overdue => AlertKind::Breached,
                    })
                {
                    let breached = expected.contains_key(&(rule.clone(), "breached".into()));
                    if !(kind == AlertKind::DueSoon && breached) {
                        expected
                            .entry((rule.clone(), kind.as_str().to_owned()))
                            .or_insert(t);
                    }
                }
            }
        }
        t += Duration::minutes(20);
    }
    let got = alerts_of(&app, id).await;
    for a in &got {
        assert!(cal.is_working(a.created_at), "raised off hours: {a:?}");
    }
    let mut by_threshold: BTreeMap<(String, String), Vec<&AlertRow>> = BTreeMap::new();
    for a in &got {
        by_threshold
            .entry((a.rule.clone(), a.kind.clone()))
            .or_default()
            .push(a);
    }
    assert_eq!(
        by_threshold.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    for (key, rows) in &by_threshold {
        assert_eq!(rows.len(), 1, "{key:?} raised {} times", rows.len());
        assert_eq!(rows[0].user_login, "coordinator");
        assert_eq!(rows[0].created_at, expected[key], "{key:?}");
    }
    let return_by = deadlines.iter().find(|(r, _, _)| r == "return_by").unwrap();
    assert_eq!(return_by.2, monday_9 + Duration::minutes(5));
    let due_soon = &by_threshold[&("return_by".to_owned(), "due_soon".to_owned())][0];
    assert_eq!(
        due_soon.created_at, monday_9,
        "alerted at Monday 09:00 sharp"
    );
    assert!(by_threshold.contains_key(&("return_by".to_owned(), "breached".to_owned())));
}

#[tokio::test]
async fn a_breach_goes_to_the_assignee_and_the_coordinator_and_is_pushed_live() {
    let app = TestApp::new().await;
    let authority = app.token(Role::Authority).await;
    let coordinator = app.token(Role::Coordinator).await;
    let id = intake(&app, &authority, "vk-alert-2", "Яма во дворе").await;
    assign(&app, &coordinator, id, app.user_id("executor").await).await;
    let ivanov = app.sign_in("executor", "demo").await;
    let mut stream = Stream::open(&app, Auth::Cookie(&ivanov), None).await;
    stream.drain(QUIET).await;

    let cal = app::service::calendar::load(
        &app.state.pool,
        &app.state.calendars,
        app::service::settings::Layer::Region,
    )
    .await
    .unwrap();
    let due: DateTime<Utc> = app::on_db!(&app.state.pool, p => sqlx::query_scalar(
        "SELECT due_at FROM deadlines WHERE message_id = $1 AND rule = 'draft_by'",
    )
    .bind(id)
    .fetch_one(p).await)
    .unwrap();
    let late = due + Duration::minutes(1);
    assert!(cal.is_working(late));
    app.state.clock.set(late);
    alerts::scan(&app.ctx().await.at(late)).await.unwrap();
    alerts::scan(&app.ctx().await.at(late)).await.unwrap(); // nothing twice

    let draft: Vec<AlertRow> = alerts_of(&app, id)
        .await
        .into_iter()
        .filter(|a| a.rule == "draft_by")
        .collect();
    let mut to: Vec<&str> = draft.iter().map(|a| a.user_login.as_str()).collect();
    to.sort();
    assert_eq!(to, vec!["coordinator", "executor"]);
    assert!(draft.iter().all(|a| a.kind == "breached"));

    let pushed: Vec<Sse> = stream
        .drain(QUIET)
        .await
        .into_iter()
        .filter(|e| {
            e.event == "alert" && e.data["message_id"] == id && e.data["rule"] == "draft_by"
        })
        .collect();
    assert_eq!(pushed.len(), 1, "{pushed:?}");
    assert_eq!(pushed[0].data["message_id"], id);
    assert_eq!(pushed[0].data["kind"], "breached");
    assert_eq!(pushed[0].data["rule"], "draft_by");

    // The bell: unread count, mark read, someone else's alert is not found.
    let unread = |cookie: String| {
        let app = &app;
        async move {
            let res = app
                .server_fn("/serverfn/alerts_unread", &[], Some(&cookie))
                .await;
            assert_eq!(res.status(), StatusCode::OK);
            body_json(res).await
        }
    };
    let expected_unread: i64 = app::on_db!(&app.state.pool, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM alerts a JOIN users u ON u.id = a.user_id WHERE u.login = 'executor'",
    )
    .fetch_one(p).await)
    .unwrap();
    assert!(expected_unread >= 1);
    assert_eq!(unread(ivanov.clone()).await, json!(expected_unread));
    let res = app
        .server_fn("/serverfn/alerts_read", &[], Some(&ivanov))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(unread(ivanov.clone()).await, json!(0));
    let coordinator_alert: i64 = app::on_db!(&app.state.pool, p => sqlx::query_scalar(
        "SELECT a.id FROM alerts a JOIN users u ON u.id = a.user_id WHERE u.login = 'coordinator' LIMIT 1",
    )
    .fetch_one(p).await)
    .unwrap();
    let res = app
        .server_fn(
            "/serverfn/alerts_read",
            &[("id", &coordinator_alert.to_string())],
            Some(&ivanov),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

/// The SMTP sink: `scripts/smtp_sink.py` on a free loopback port.
struct Sink {
    child: std::process::Child,
    dir: tempfile::TempDir,
    port: u16,
}

impl Sink {
    fn start() -> Self {
        use std::io::BufRead;
        let dir = tempfile::tempdir().unwrap();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/smtp_sink.py");
        let mut child = std::process::Command::new("python3")
            .arg(script)
            .arg(dir.path())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("python3 (the test command installs aiosmtpd)");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("ready ")
            .unwrap_or_else(|| panic!("SMTP sink did not start (is aiosmtpd installed?): {line:?}"))
            .parse()
            .unwrap();
        Self { child, dir, port }
    }

    fn messages(&self) -> Vec<String> {
        let mut files: Vec<_> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        files.sort();
        files
            .into_iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Decodes RFC 2047 encoded words (`=?utf-8?b?...?=`) of a header, as mail clients do.
fn decode_subject(raw: &str) -> String {
    let mut out = String::new();
    for word in raw.split_whitespace() {
        let lower = word.to_ascii_lowercase();
        if let Some(b64) = lower
            .strip_prefix("=?utf-8?b?")
            .and_then(|_| word.get(10..word.len() - 2))
        {
            out.push_str(&String::from_utf8(base64_decode(b64)).unwrap());
        } else {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
    out
}

/// The text of a mail whose body is base64 (as lettre sends non-ASCII text).
fn decode_body(mail: &str) -> String {
    let (head, body) = mail.split_once("\r\n\r\n").unwrap();
    if head.contains("Content-Transfer-Encoding: base64") {
        String::from_utf8(base64_decode(&body.split_whitespace().collect::<String>())).unwrap()
    } else {
        body.to_owned()
    }
}

fn base64_decode(s: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.bytes().filter(|c| *c != b'=') {
        let v = ALPHABET.iter().position(|a| *a == c).unwrap() as u32;
        bits = (bits << 6) | v;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out
}

#[tokio::test]
async fn an_alert_is_emailed_through_smtp_with_subject_and_link() {
    let sink = Sink::start();
    let app = TestApp::new().await;
    let now = app.state.clock.now();
    let admin = app.user_id("admin").await;
    app::service::mail::save_settings(
        &app.state.pool,
        app::service::settings::Layer::Region,
        app::dto::mail::SmtpSettings {
            enabled: true,
            host: "127.0.0.1".into(),
            port: sink.port,
            starttls: false,
            from: "otklik@admin.test".into(),
            base_url: "https://otklik.admin.test".into(),
            ..Default::default()
        },
        Some(app::domain::ids::UserId(admin)),
        now,
    )
    .await
    .unwrap();
    let executor = app::domain::ids::UserId(app.user_id("executor").await);
    alerts::set_email(
        &app.state.pool,
        executor,
        Some("ivanov@admin.test".into()),
        true,
    )
    .await
    .unwrap();
    // A bad address is refused in Russian.
    let err = alerts::set_email(&app.state.pool, executor, Some("не адрес".into()), true)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("неверно"), "{err}");

    let authority = app.token(Role::Authority).await;
    let coordinator = app.token(Role::Coordinator).await;
    let id = intake(&app, &authority, "vk-mail-1", "Нет света в подъезде").await;
    assign(&app, &coordinator, id, executor.0).await;
    let cal = app::service::calendar::load(
        &app.state.pool,
        &app.state.calendars,
        app::service::settings::Layer::Region,
    )
    .await
    .unwrap();
    let (started, due): (DateTime<Utc>, DateTime<Utc>) =
        app::on_db!(&app.state.pool, p => sqlx::query_as(
        "SELECT started_at, due_at FROM deadlines WHERE message_id = $1 AND rule = 'draft_by'",
    )
    .bind(id)
    .fetch_one(p).await)
        .unwrap();
    // Into the last quarter of draft_by: 5 working hours, the last 75 minutes.
    let budget = cal.between(started, due);
    let t = cal
        .add(
            started,
            app::domain::calendar::WorkingDuration::from_secs((budget * 4 / 5) as u32),
        )
        .unwrap();
    app.state.clock.set(t);
    alerts::scan(&app.ctx().await.at(t)).await.unwrap();
    let report = app::service::mail::send_due(&app.state.pool, t)
        .await
        .unwrap();
    assert!(report.sent >= 1, "{report:?}");
    assert_eq!(report.failed, 0);

    let mails = sink.messages();
    let link = format!("https://otklik.admin.test/messages/{id}");
    let (mail, text) = mails
        .iter()
        .map(|m| (m, decode_body(m)))
        .find(|(m, text)| {
            m.starts_with("X-Envelope-To: ivanov@admin.test")
                && text.contains(&link)
                && text.contains("Срок истекает: «Проект ответа»")
        })
        .unwrap_or_else(|| panic!("no mail to the executor with {link}: {mails:?}"));
    let subject_line = mail
        .lines()
        .skip_while(|l| !l.starts_with("Subject:"))
        .take_while(|l| l.starts_with("Subject:") || l.starts_with(' ') || l.starts_with('\t'))
        .collect::<Vec<_>>()
        .join(" ");
    let subject = decode_subject(subject_line.trim_start_matches("Subject:").trim());
    assert!(
        subject.contains("Срок истекает") && subject.contains(&format!("№{id}")),
        "subject: {subject}"
    );
    assert!(text.contains("Срок истекает"), "{text}");
    // Recorded as sent, with no second attempt.
    let sent: Vec<(String, i64)> = app::on_db!(&app.state.pool, p => sqlx::query_as(
        "SELECT status, attempts FROM email_outbox WHERE recipient = 'ivanov@admin.test'",
    )
    .fetch_all(p).await)
    .unwrap();
    assert!(!sent.is_empty());
    assert!(
        sent.iter().all(|r| r == &("sent".to_owned(), 1)),
        "{sent:?}"
    );
    let again = app::service::mail::send_due(&app.state.pool, t + Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(again.sent, 0);
}

#[tokio::test]
async fn an_unreachable_smtp_server_is_retried_then_given_up() {
    let app = TestApp::new().await;
    let now = app.state.clock.now();
    // A port nobody listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    app::service::mail::save_settings(
        &app.state.pool,
        app::service::settings::Layer::Region,
        app::dto::mail::SmtpSettings {
            enabled: true,
            host: "127.0.0.1".into(),
            port,
            starttls: false,
            ..Default::default()
        },
        None,
        now,
    )
    .await
    .unwrap();
    let mut tx = app::service::db::begin_write(&app.state.pool)
        .await
        .unwrap();
    app::on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO email_outbox (recipient, subject, body, next_attempt_at, created_at) VALUES ('a@b.test', 's', 'b', $1, $2)",
    )
    .bind(now)
    .bind(now)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    .unwrap());
    tx.commit().await.unwrap();
    let mut t = now;
    for attempt in 1..=app::service::mail::MAX_ATTEMPTS {
        let r = app::service::mail::send_due(&app.state.pool, t)
            .await
            .unwrap();
        assert_eq!(r.failed, 1, "attempt {attempt}");
        // Not again before the pause is over.
        let r = app::service::mail::send_due(&app.state.pool, t)
            .await
            .unwrap();
        assert_eq!(r.failed, 0);
        t += app::service::mail::retry_after(attempt);
    }
    let (status, attempts, error): (String, i64, Option<String>) =
        app::on_db!(&app.state.pool, p => sqlx::query_as("SELECT status, attempts, last_error FROM email_outbox")
            .fetch_one(p).await)
            .unwrap();
    assert_eq!((status.as_str(), attempts), ("failed", 5));
    assert!(error.is_some());
}

/// The escalation list (`pressing`): a message shows once a running deadline is in its
/// last quarter, not before.
#[tokio::test]
async fn the_pressing_filter_lists_a_message_once_a_deadline_is_in_its_last_quarter() {
    let app = TestApp::new().await;
    let authority = app.token(Role::Authority).await;
    let coordinator = app.token(Role::Coordinator).await;
    let id = intake(&app, &authority, "vk-pressing-1", "Не убран снег").await;
    assert!(!pressing_ids(&app, &coordinator).await.contains(&id));
    // return_by is 30 working minutes: its last quarter starts 22.5 minutes in.
    app.state.clock.advance(Duration::minutes(23));
    assert!(pressing_ids(&app, &coordinator).await.contains(&id));
}

async fn pressing_ids(app: &TestApp, token: &str) -> Vec<i64> {
    let (s, list) = app
        .api(
            "GET",
            "/api/v1/messages?active=true&pressing=true",
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
