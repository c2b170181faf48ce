//! Publishing the approved answer through VK, Telegram and MAX (issue 20), against fakes
//! of their APIs on loopback (wiremock) that answer as the real APIs document: the exact
//! parameters sent, the link recorded, retries without a second post, failures in
//! Russian, concurrent clicks, and tokens that never leave the server.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;

use app::domain::ids::AdministrationId;
use app::domain::network::Network;
use app::domain::role::Role;
use app::service::publishing::connections::{self, NewConnection};
use app::service::publishing::Networks;
use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Every test's tokens: a log line or a page that carries one fails the test that reads it.
const VK_TOKEN: &str = "vk1.a.SECRET-community-token-Zq81";
const TG_TOKEN: &str = "7000001:SECRET-bot-token-Tg42";
const MAX_TOKEN: &str = "SECRET-max-bot-token-Mx77";

/// The log of this test binary, to look for tokens in.
fn log() -> Arc<Mutex<Vec<u8>>> {
    static LOG: std::sync::OnceLock<Arc<Mutex<Vec<u8>>>> = std::sync::OnceLock::new();
    LOG.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = buffer.clone();
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(
                "debug,sqlx=warn,hyper=info,h2=info",
            ))
            .with_writer(move || Sink(writer.clone()))
            .try_init();
        buffer
    })
    .clone()
}

struct Sink(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The app with its networks pointed at `fake`, VK, Telegram and MAX connected.
async fn app_with(fake: &MockServer, timeout: Duration) -> TestApp {
    log();
    let app = TestApp::new().await;
    let dir = app.state.data_dir.clone();
    let base = fake.uri();
    let app = app.with_state(|s| {
        s.networks = Arc::new(Networks::with(
            format!("{base}/method/"),
            format!("{base}/tg/"),
            format!("{base}/max/"),
            timeout,
            dir,
        ))
    });
    let pool = &app.state.pool;
    let now = app.state.clock.now();
    let main = AdministrationId(1);
    let vk = NewConnection {
        token: VK_TOKEN.into(),
        group_id: Some("club77".into()),
        chat_map: vec![],
    };
    connections::connect(pool, main, Network::Vk, &vk, now)
        .await
        .unwrap();
    let tg = NewConnection {
        token: TG_TOKEN.into(),
        group_id: None,
        chat_map: vec!["luga_news=-100555".into()],
    };
    connections::connect(pool, main, Network::Telegram, &tg, now)
        .await
        .unwrap();
    let max = NewConnection {
        token: MAX_TOKEN.into(),
        ..Default::default()
    };
    connections::connect(pool, main, Network::Max, &max, now)
        .await
        .unwrap();
    app
}

/// A message of `network` at `url`, taken into work, drafted with `files` and approved;
/// (its id, the coordinator's token).
async fn approved(app: &TestApp, network: &str, url: &str, files: usize) -> (i64, String) {
    let authority = app.token(Role::Authority).await;
    let coordinator = app.token(Role::Coordinator).await;
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let m = app
        .register(
            &authority,
            &json!({
                "external_id": format!("pub-{n}"),
                "network": network,
                "url": url,
                "author": "Мария Соколова",
                "text": "Когда починят дорогу на Заречной?",
                "detected_at": "2026-03-16T09:30:00+03:00",
            }),
        )
        .await;
    let id = m["id"].as_i64().unwrap();
    let executor = app.user_id("executor").await;
    let act = |action: &'static str, token: String, body: Value| async move {
        let (s, r) = app
            .api(
                "POST",
                &format!("/api/v1/messages/{id}/{action}"),
                Auth::Token(&token),
                Some(&body.to_string()),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{action}: {r}");
    };
    act(
        "assign",
        coordinator.clone(),
        json!({ "executor_id": executor }),
    )
    .await;
    let mut ids = Vec::new();
    for i in 0..files {
        let (s, f) = app
            .upload(id, &format!("фото{i}.png"), PNG, Auth::Token(&coordinator))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{f}");
        ids.push(f["id"].clone());
    }
    let draft = json!({ "text": "Мария, здравствуйте! Ремонт завершится до 20 марта.", "attachments": ids });
    act("submit_draft", coordinator.clone(), draft).await;
    act("approve", authority, json!({})).await;
    (id, coordinator)
}

static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// `publish` with `"via": "network"`.
async fn publish(app: &TestApp, id: i64, token: &str) -> (StatusCode, Value) {
    app.api(
        "POST",
        &format!("/api/v1/messages/{id}/publish"),
        Auth::Token(token),
        Some(r#"{"via": "network"}"#),
    )
    .await
}

/// The form fields of a request.
fn form(r: &Request) -> HashMap<String, String> {
    url::form_urlencoded::parse(&r.body).into_owned().collect()
}

async fn requests_to(fake: &MockServer, p: &str) -> Vec<Request> {
    fake.received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path() == p)
        .collect()
}

/// VK's `wall.createComment` as VK does it: a repeated `guid` returns the comment it
/// created before instead of a second one. Counts the comments made.
#[derive(Clone, Default)]
struct VkComments {
    made: Arc<Mutex<HashMap<String, i64>>>,
    delay_first: Option<Duration>,
    calls: Arc<Mutex<usize>>,
}

impl Respond for VkComments {
    fn respond(&self, r: &Request) -> ResponseTemplate {
        let guid = form(r).get("guid").cloned().unwrap_or_default();
        let mut made = self.made.lock().unwrap();
        let next = 900 + i64::try_from(made.len()).unwrap() + 1;
        let id = *made.entry(guid).or_insert(next);
        let mut calls = self.calls.lock().unwrap();
        *calls += 1;
        let t = ResponseTemplate::new(200)
            .set_body_json(json!({ "response": { "comment_id": id, "parents_stack": [] } }));
        match self.delay_first {
            Some(d) if *calls == 1 => t.set_delay(d),
            _ => t,
        }
    }
}

async fn state_of(app: &TestApp, id: i64) -> (String, Value) {
    let (s, m) = app
        .api(
            "GET",
            &format!("/api/v1/messages/{id}"),
            Auth::Token(&app.token(Role::Coordinator).await),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    (m["status"].as_str().unwrap().to_owned(), m)
}

fn assert_no_token(what: &str, text: &str) {
    for t in [VK_TOKEN, TG_TOKEN, MAX_TOKEN] {
        assert!(!text.contains(t), "a token in {what}: {text}");
        assert!(!text.contains(&t[8..]), "part of a token in {what}");
    }
}

#[tokio::test]
async fn vk_publishes_a_comment_with_exact_parameters_and_records_its_link() {
    let fake = MockServer::start().await;
    let vk = VkComments::default();
    Mock::given(method("POST"))
        .and(path("/method/wall.createComment"))
        .respond_with(vk.clone())
        .mount(&fake)
        .await;
    let app = app_with(&fake, Duration::from_secs(5)).await;
    let (id, token) = approved(&app, "vk", "https://vk.com/wall-77_100?reply=55", 0).await;

    let (s, m) = publish(&app, id, &token).await;
    assert_eq!(s, StatusCode::OK, "{m}");
    assert_eq!(m["status"], "answered");

    let sent = requests_to(&fake, "/method/wall.createComment").await;
    assert_eq!(sent.len(), 1);
    let f = form(&sent[0]);
    let draft_id: i64 = app::on_db!(&app.state.pool, p => sqlx::query_scalar("SELECT id FROM drafts WHERE message_id = $1")
        .bind(id).fetch_one(p).await).unwrap();
    let expected: HashMap<String, String> = [
        ("owner_id", "-77".to_owned()),
        ("post_id", "100".to_owned()),
        ("reply_to_comment", "55".to_owned()),
        ("from_group", "77".to_owned()),
        (
            "message",
            "Мария, здравствуйте! Ремонт завершится до 20 марта.".to_owned(),
        ),
        ("guid", format!("otklik-{id}-{draft_id}")),
        ("access_token", VK_TOKEN.to_owned()),
        ("v", "5.199".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    assert_eq!(f, expected);
    // The token travels in the POST body, never in the address.
    assert!(!sent[0].url.as_str().contains("SECRET"));

    let (_, detail) = state_of(&app, id).await;
    assert_eq!(
        detail["publications"][0]["link"],
        "https://vk.com/wall-77_100?reply=901"
    );
    let journal = detail["journal"].as_array().unwrap();
    let last = journal.last().unwrap();
    assert_eq!(last["action"], "publish");
    assert_eq!(last["details"]["via"], "vk", "{last}");
    assert_eq!(last["details"]["note"], "опубликовано через API ВКонтакте");
    assert_eq!(detail["publishing"]["status"], "sent");
    assert_eq!(
        detail["deadlines"]["publish_by"]["met"], true,
        "{}",
        detail["deadlines"]
    );
}

#[tokio::test]
async fn vk_photos_go_up_through_the_wall_upload_flow_and_are_attached() {
    let fake = MockServer::start().await;
    Mock::given(path("/method/photos.getWallUploadServer"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({ "response": { "upload_url": format!("{}/upload/wall", fake.uri()) } }),
        ))
        .mount(&fake)
        .await;
    Mock::given(path("/upload/wall"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({ "server": 4242, "photo": "[{\"photo\":\"abc\"}]", "hash": "h1" }),
        ))
        .mount(&fake)
        .await;
    Mock::given(path("/method/photos.saveWallPhoto"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({ "response": [{ "id": 5, "owner_id": -77 }] })),
        )
        .mount(&fake)
        .await;
    Mock::given(path("/method/wall.createComment"))
        .respond_with(VkComments::default())
        .mount(&fake)
        .await;
    let app = app_with(&fake, Duration::from_secs(5)).await;
    let (id, token) = approved(&app, "vk", "https://vk.com/wall-77_100", 1).await;
    let (s, m) = publish(&app, id, &token).await;
    assert_eq!(s, StatusCode::OK, "{m}");

    let upload = requests_to(&fake, "/upload/wall").await;
    assert_eq!(upload.len(), 1);
    let body = String::from_utf8_lossy(&upload[0].body);
    assert!(body.contains("name=\"photo\""), "{body}");
    let save = form(&requests_to(&fake, "/method/photos.saveWallPhoto").await[0]);
    assert_eq!(save["server"], "4242");
    assert_eq!(save["hash"], "h1");
    assert_eq!(save["group_id"], "77");
    let comment = form(&requests_to(&fake, "/method/wall.createComment").await[0]);
    assert_eq!(comment["attachments"], "photo-77_5");
    assert!(!comment.contains_key("reply_to_comment"));
}

#[tokio::test]
async fn a_server_error_keeps_the_request_and_the_retry_posts_once() {
    let fake = MockServer::start().await;
    let vk = VkComments::default();
    Mock::given(path("/method/wall.createComment"))
        .respond_with(ResponseTemplate::new(502).set_body_string("<html>Bad Gateway</html>"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&fake)
        .await;
    Mock::given(path("/method/wall.createComment"))
        .respond_with(vk.clone())
        .with_priority(2)
        .mount(&fake)
        .await;
    let app = app_with(&fake, Duration::from_secs(5)).await;
    let (id, token) = approved(&app, "vk", "https://vk.com/wall-77_100", 0).await;

    let (s, e) = publish(&app, id, &token).await;
    assert_eq!(s, StatusCode::BAD_GATEWAY, "{e}");
    assert_eq!(e["error"]["code"], "network");
    let reason = e["error"]["message"].as_str().unwrap();
    assert!(
        reason.starts_with("ВКонтакте: сервис недоступен"),
        "{reason}"
    );
    let (status, detail) = state_of(&app, id).await;
    assert_eq!(status, "approved");
    assert_eq!(detail["publishing"]["status"], "pending");
    assert_eq!(detail["publishing"]["last_error"], reason);

    // Not yet due: nothing is sent.
    let ctx = app.ctx().await;
    let r = app::service::publishing::retry_due(&ctx, &app.state.networks)
        .await
        .unwrap();
    assert_eq!(r, app::service::publishing::RetryReport::default());
    // Due after a minute: the leader's pass publishes it.
    let later = ctx.at(ctx.now + chrono::Duration::minutes(2));
    let r = app::service::publishing::retry_due(&later, &app.state.networks)
        .await
        .unwrap();
    assert_eq!(r.sent, 1);
    let (status, detail) = state_of(&app, id).await;
    assert_eq!(status, "answered");
    assert_eq!(detail["publications"].as_array().unwrap().len(), 1);
    let calls = requests_to(&fake, "/method/wall.createComment").await;
    assert_eq!(calls.len(), 2);
    assert_eq!(form(&calls[0])["guid"], form(&calls[1])["guid"]);
    assert_eq!(vk.made.lock().unwrap().len(), 1, "one comment in VK");
}

#[tokio::test]
async fn a_vk_timeout_is_resolved_by_the_guid_never_by_a_second_comment() {
    let fake = MockServer::start().await;
    let vk = VkComments {
        delay_first: Some(Duration::from_secs(3)),
        ..Default::default()
    };
    Mock::given(path("/method/wall.createComment"))
        .respond_with(vk.clone())
        .mount(&fake)
        .await;
    let app = app_with(&fake, Duration::from_secs(1)).await;
    let (id, token) = approved(&app, "vk", "https://vk.com/wall-77_100", 0).await;

    let (s, e) = publish(&app, id, &token).await;
    assert_eq!(s, StatusCode::BAD_GATEWAY, "{e}");
    assert!(e["error"]["message"]
        .as_str()
        .unwrap()
        .contains("не ответила вовремя"));
    assert_eq!(state_of(&app, id).await.0, "approved");
    // The person clicks again: the same guid, VK returns the comment it made.
    let (s, m) = publish(&app, id, &token).await;
    assert_eq!(s, StatusCode::OK, "{m}");
    assert_eq!(m["status"], "answered");
    assert_eq!(vk.made.lock().unwrap().len(), 1, "one comment in VK");
    let (_, detail) = state_of(&app, id).await;
    assert_eq!(
        detail["publications"][0]["link"],
        "https://vk.com/wall-77_100?reply=901"
    );
}

#[tokio::test]
async fn a_telegram_timeout_is_never_sent_again_by_itself() {
    let fake = MockServer::start().await;
    Mock::given(path(format!("/tg/bot{TG_TOKEN}/sendMessage")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({ "ok": true, "result": { "message_id": 1, "date": 0 } }))
                .set_delay(Duration::from_secs(3)),
        )
        .mount(&fake)
        .await;
    let app = app_with(&fake, Duration::from_secs(1)).await;
    let (id, token) = approved(&app, "telegram", "https://t.me/luga_news/123", 0).await;
    let (s, e) = publish(&app, id, &token).await;
    assert_eq!(s, StatusCode::BAD_GATEWAY, "{e}");
    let (status, detail) = state_of(&app, id).await;
    assert_eq!(status, "approved");
    assert_eq!(detail["publishing"]["status"], "unknown");
    // Neither the leader nor a second click posts again.
    let ctx = app.ctx().await;
    let later = ctx.at(ctx.now + chrono::Duration::hours(2));
    let r = app::service::publishing::retry_due(&later, &app.state.networks)
        .await
        .unwrap();
    assert_eq!(r.sent + r.failed, 0);
    let (s, e) = publish(&app, id, &token).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert!(e["error"]["message"]
        .as_str()
        .unwrap()
        .contains("внесите ссылку вручную"));
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        requests_to(&fake, &format!("/tg/bot{TG_TOKEN}/sendMessage"))
            .await
            .len(),
        1
    );
    // A manual publication still works.
    let (s, m) = app
        .api(
            "POST",
            &format!("/api/v1/messages/{id}/publish"),
            Auth::Token(&token),
            Some(r#"{"link": "https://t.me/luga_news/123?comment=1"}"#),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{m}");
}

#[tokio::test]
async fn flood_control_is_shown_in_russian_and_the_message_stays_approved() {
    let fake = MockServer::start().await;
    Mock::given(path("/method/wall.createComment"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({ "error": { "error_code": 9, "error_msg": "Flood control", "request_params": [] } }),
        ))
        .mount(&fake)
        .await;
    let app = app_with(&fake, Duration::from_secs(5)).await;
    let (id, token) = approved(&app, "vk", "https://vk.com/wall-77_100", 0).await;
    let (s, e) = publish(&app, id, &token).await;
    assert_eq!(s, StatusCode::BAD_GATEWAY);
    assert_eq!(
        e["error"]["message"],
        "ВКонтакте: слишком много запросов (flood control). Ответ будет отправлен повторно позже"
    );
    let (status, detail) = state_of(&app, id).await;
    assert_eq!(status, "approved");
    assert_eq!(detail["publishing"]["status"], "pending");
    assert!(detail["publishing"]["next_attempt_at"].is_string());
}

#[tokio::test]
async fn closed_comments_and_a_bad_token_need_a_person() {
    let fake = MockServer::start().await;
    Mock::given(path("/method/wall.createComment"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({ "error": { "error_code": 213, "error_msg": "Access to status replies denied" } }),
        ))
        .mount(&fake)
        .await;
    Mock::given(path(format!("/tg/bot{TG_TOKEN}/sendMessage")))
        .respond_with(ResponseTemplate::new(401).set_body_json(
            json!({ "ok": false, "error_code": 401, "description": "Unauthorized" }),
        ))
        .mount(&fake)
        .await;
    let app = app_with(&fake, Duration::from_secs(5)).await;
    let (id, token) = approved(&app, "vk", "https://vk.com/wall-77_100", 0).await;
    let (_, e) = publish(&app, id, &token).await;
    assert_eq!(
        e["error"]["message"],
        "ВКонтакте: комментарии к этому посту закрыты — опубликуйте ответ вручную"
    );
    assert_eq!(state_of(&app, id).await.1["publishing"]["status"], "failed");
    let (id, token) = approved(&app, "telegram", "https://t.me/luga_news/5", 0).await;
    let (_, e) = publish(&app, id, &token).await;
    let text = e["error"]["message"].as_str().unwrap();
    assert!(
        text.starts_with("Telegram: токен доступа неверен"),
        "{text}"
    );
    assert_no_token("an error", &e.to_string());
}

#[tokio::test]
async fn telegram_replies_in_the_discussion_group_with_reply_parameters() {
    let fake = MockServer::start().await;
    Mock::given(path(format!("/tg/bot{TG_TOKEN}/sendMessage")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ok": true,
            "result": { "message_id": 999, "date": 1_773_642_600, "chat": { "id": -100555 } }
        })))
        .mount(&fake)
        .await;
    Mock::given(path(format!("/tg/bot{TG_TOKEN}/sendPhoto")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ok": true, "result": { "message_id": 1000, "date": 1_773_642_600 }
        })))
        .mount(&fake)
        .await;
    let app = app_with(&fake, Duration::from_secs(5)).await;
    let (id, token) = approved(
        &app,
        "telegram",
        "https://t.me/luga_news/123?comment=456",
        0,
    )
    .await;
    let (s, m) = publish(&app, id, &token).await;
    assert_eq!(s, StatusCode::OK, "{m}");
    let sent = requests_to(&fake, &format!("/tg/bot{TG_TOKEN}/sendMessage")).await;
    let body: Value = serde_json::from_slice(&sent[0].body).unwrap();
    assert_eq!(
        body,
        json!({
            "chat_id": "-100555",
            "text": "Мария, здравствуйте! Ремонт завершится до 20 марта.",
            "reply_parameters": { "message_id": 456 }
        })
    );
    let (_, detail) = state_of(&app, id).await;
    assert_eq!(
        detail["publications"][0]["link"],
        "https://t.me/luga_news/123?comment=999"
    );
    // Telegram's `date` (09:30 MSK) precedes the approval (the fixed clock's 10:00): the
    // publication time is raised to the approval, never recorded before it.
    assert_eq!(
        detail["publications"][0]["published_at"],
        "2026-03-16T10:00:00+03:00"
    );

    // With a photo: sendPhoto, the text as the caption, a reply to the channel's post.
    let (id, token) = approved(&app, "telegram", "https://t.me/luga_news/124", 1).await;
    let (s, m) = publish(&app, id, &token).await;
    assert_eq!(s, StatusCode::OK, "{m}");
    let photo = requests_to(&fake, &format!("/tg/bot{TG_TOKEN}/sendPhoto")).await;
    let body = String::from_utf8_lossy(&photo[0].body);
    assert!(
        body.contains("name=\"caption\"\r\n\r\nМария, здравствуйте!"),
        "{body}"
    );
    assert!(
        body.contains(r#"{"chat_id":"@luga_news","message_id":124}"#),
        "{body}"
    );
    assert!(body.contains("name=\"photo\"; filename="), "{body}");
}

#[tokio::test]
async fn max_replies_with_a_link_to_the_message() {
    let fake = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/max/messages"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "message": {
                "recipient": { "chat_id": -70001, "chat_type": "channel" },
                "timestamp": 1_773_642_900_000_i64,
                "body": { "mid": "mid.reply1", "seq": 2, "text": "…" },
                "url": "https://max.ru/c/-70001/mid.reply1"
            }
        })))
        .mount(&fake)
        .await;
    let app = app_with(&fake, Duration::from_secs(5)).await;
    let (id, token) = approved(&app, "max", "https://max.ru/c/-70001/mid.post9", 0).await;
    let (s, m) = publish(&app, id, &token).await;
    assert_eq!(s, StatusCode::OK, "{m}");
    let sent = requests_to(&fake, "/max/messages").await;
    assert_eq!(sent[0].url.query(), Some("chat_id=-70001"));
    assert_eq!(sent[0].headers.get("authorization").unwrap(), MAX_TOKEN);
    let body: Value = serde_json::from_slice(&sent[0].body).unwrap();
    assert_eq!(
        body,
        json!({
            "text": "Мария, здравствуйте! Ремонт завершится до 20 марта.",
            "link": { "type": "reply", "mid": "mid.post9" }
        })
    );
    let (_, detail) = state_of(&app, id).await;
    assert_eq!(
        detail["publications"][0]["link"],
        "https://max.ru/c/-70001/mid.reply1"
    );
}

#[tokio::test]
async fn concurrent_clicks_publish_once() {
    let fake = MockServer::start().await;
    let vk = VkComments {
        delay_first: Some(Duration::from_millis(500)),
        ..Default::default()
    };
    Mock::given(path("/method/wall.createComment"))
        .respond_with(vk.clone())
        .mount(&fake)
        .await;
    let app = app_with(&fake, Duration::from_secs(5)).await;
    let (id, token) = approved(&app, "vk", "https://vk.com/wall-77_100", 0).await;
    let (a, b) = tokio::join!(publish(&app, id, &token), publish(&app, id, &token));
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::CONFLICT],
        "{} / {}",
        a.1,
        b.1
    );
    assert_eq!(
        requests_to(&fake, "/method/wall.createComment").await.len(),
        1
    );
    let (_, detail) = state_of(&app, id).await;
    assert_eq!(detail["publications"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn links_without_an_api_or_unreadable_are_refused_before_anything_is_sent() {
    let fake = MockServer::start().await;
    let app = app_with(&fake, Duration::from_secs(5)).await;
    let (id, token) = approved(&app, "vk", "https://vk.com/id12345", 0).await;
    let (s, e) = publish(&app, id, &token).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Не удалось разобрать ссылку на пост ВКонтакте"),
        "{e}"
    );
    let (id, token) = approved(&app, "ok", "https://ok.ru/group/1/topic/2", 0).await;
    let (s, e) = publish(&app, id, &token).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("нет открытого API"),
        "{e}"
    );
    let (_, detail) = state_of(&app, id).await;
    assert_eq!(detail["publishing"]["available"], false);
    // Not connected.
    connections::disconnect(&app.state.pool, AdministrationId(1), Network::Max)
        .await
        .unwrap();
    let (id, token) = approved(&app, "max", "https://max.ru/c/-1/mid.x", 0).await;
    let (s, e) = publish(&app, id, &token).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Сеть MAX не подключена"),
        "{e}"
    );
    // `via` with a link, or on an unapproved message.
    let (s, _) = app
        .api(
            "POST",
            &format!("/api/v1/messages/{id}/publish"),
            Auth::Token(&token),
            Some(r#"{"via": "network", "link": "https://max.ru/c/-1/mid.y"}"#),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(fake.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_check_calls_a_harmless_method_and_answers_in_russian() {
    let fake = MockServer::start().await;
    Mock::given(path("/method/groups.getById"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "response": { "groups": [{ "id": 77, "name": "Администрация Лужского района" }], "profiles": [] }
        })))
        .mount(&fake)
        .await;
    Mock::given(path(format!("/tg/bot{TG_TOKEN}/getMe")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ok": true, "result": { "id": 7000001, "is_bot": true, "username": "luga_otklik_bot" }
        })))
        .mount(&fake)
        .await;
    Mock::given(path("/max/me"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "code": "verify.token", "message": "Invalid access_token"
        })))
        .mount(&fake)
        .await;
    let app = app_with(&fake, Duration::from_secs(5)).await;
    async fn check(t: &TestApp, n: Network) -> Result<String, String> {
        let c = connections::load(&t.state.pool, AdministrationId(1), n)
            .await
            .unwrap()
            .unwrap();
        app::service::publishing::check(&t.state.networks, &c).await
    }
    assert_eq!(
        check(&app, Network::Vk).await.unwrap(),
        "Подключено: сообщество «Администрация Лужского района» (id 77)"
    );
    let vk = requests_to(&fake, "/method/groups.getById").await;
    assert_eq!(form(&vk[0])["group_id"], "77");
    assert_eq!(
        check(&app, Network::Telegram).await.unwrap(),
        "Подключено: бот @luga_otklik_bot; каналов с группой обсуждения: 1"
    );
    let err = check(&app, Network::Max).await.unwrap_err();
    assert!(err.starts_with("MAX: токен доступа неверен"), "{err}");

    // The page's «Проверить»: the admin's only.
    let path = "/serverfn/admin/check_network";
    let coordinator = app.sign_in("coordinator", "demo").await;
    let res = app
        .server_fn(path, &[("network", "vk")], Some(&coordinator))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let admin = app.sign_in("admin", "demo").await;
    let res = app
        .server_fn(path, &[("network", "telegram")], Some(&admin))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(body_text(res).await.contains("@luga_otklik_bot"));
    let res = app
        .server_fn(path, &[("network", "max")], Some(&admin))
        .await;
    assert_eq!(res.status(), StatusCode::BAD_GATEWAY);
    assert!(body_text(res).await.contains("MAX: токен доступа неверен"));
}

#[tokio::test]
async fn tokens_never_reach_a_page_an_api_answer_or_a_log_line() {
    let fake = MockServer::start().await;
    Mock::given(path(format!("/tg/bot{TG_TOKEN}/sendMessage")))
        .respond_with(ResponseTemplate::new(500).set_body_string("oops"))
        .mount(&fake)
        .await;
    let app = app_with(&fake, Duration::from_secs(5)).await;
    let (id, token) = approved(&app, "telegram", "https://t.me/luga_news/7", 0).await;
    let (_, e) = publish(&app, id, &token).await;
    assert_no_token("an API error", &e.to_string());
    let (_, m) = state_of(&app, id).await;
    assert_no_token("the message", &m.to_string());

    let cookie = app.sign_in("admin", "demo").await;
    let page = body_text(app.send(get("/admin/networks", Some(&cookie))).await).await;
    assert_no_token("the networks page", &page);
    assert!(page.contains("…Zq81"), "the VK token's hint is shown");
    let page = body_text(
        app.send(get(&format!("/messages/{id}"), Some(&cookie)))
            .await,
    )
    .await;
    assert_no_token("the message page", &page);
    let networks = body_text(
        app.server_fn("/serverfn/admin/networks", &[], Some(&cookie))
            .await,
    )
    .await;
    assert_no_token("the networks data", &networks);
    assert!(networks.contains("…Tg42"), "{networks}");

    let log = String::from_utf8_lossy(&log().lock().unwrap()).into_owned();
    assert!(
        log.contains("not published through the network"),
        "the failure is logged"
    );
    assert_no_token("the log", &log);
}

/// Every network's connect form is checked before anything is stored.
#[tokio::test]
async fn connections_are_checked_in_russian() {
    let app = TestApp::new().await;
    let pool = &app.state.pool;
    let main = AdministrationId(1);
    async fn err_of(t: &TestApp, n: Network, c: NewConnection) -> String {
        let now = t.state.clock.now();
        connections::connect(&t.state.pool, AdministrationId(1), n, &c, now)
            .await
            .unwrap_err()
            .to_string()
    }
    let err = |n: Network, c: NewConnection| err_of(&app, n, c);
    let vk = |token: &str, group: Option<&str>| NewConnection {
        token: token.into(),
        group_id: group.map(str::to_owned),
        chat_map: vec![],
    };
    assert_eq!(
        err(Network::Vk, vk("", Some("1"))).await,
        "Укажите токен доступа"
    );
    assert!(err(Network::Vk, vk("t0ken-value", None))
        .await
        .starts_with("Укажите идентификатор сообщества"));
    assert!(err(Network::Vk, vk("t0ken-value", Some("abc")))
        .await
        .starts_with("Идентификатор сообщества ВКонтакте — число"));
    assert!(err(Network::Ok, vk("t0ken-value", None))
        .await
        .contains("нет открытого API"));
    let tg = NewConnection {
        token: "1:abc".into(),
        group_id: None,
        chat_map: vec!["luga_news".into()],
    };
    assert!(err(Network::Telegram, tg)
        .await
        .contains("ожидается КАНАЛ=ID_ГРУППЫ_ОБСУЖДЕНИЯ"));
    let listed = connections::list(pool, main).await.unwrap();
    assert!(listed.is_empty());
    let seen: HashSet<Network> = listed.iter().map(|c| c.network).collect();
    assert!(seen.is_empty());
}

/// Issue 21: two VK posts of one case, drafted and approved once on the lead, are each
/// published through VK under their own post, with their own comment and link.
#[tokio::test]
async fn each_post_of_a_case_is_published_under_its_own_post() {
    let fake = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/method/wall.createComment"))
        .respond_with(VkComments::default())
        .mount(&fake)
        .await;
    let app = app_with(&fake, Duration::from_secs(5)).await;
    let authority = app.token(Role::Authority).await;
    let coordinator = app.token(Role::Coordinator).await;
    let mut ids = Vec::new();
    for (n, post) in [(1, 100), (2, 200)] {
        let m = app
            .register(
                &authority,
                &json!({
                    "external_id": format!("case-pub-{n}"),
                    "network": "vk",
                    "url": format!("https://vk.com/wall-77_{post}"),
                    "author": "Житель",
                    "text": "Прорвало трубу",
                    "detected_at": "2026-03-16T09:30:00+03:00",
                }),
            )
            .await;
        ids.push(m["id"].as_i64().unwrap());
    }
    let (lead, post) = (ids[0], ids[1]);
    let act = |id: i64, action: &'static str, token: String, body: Value| {
        let app = &app;
        async move {
            let (s, r) = app
                .api(
                    "POST",
                    &format!("/api/v1/messages/{id}/{action}"),
                    Auth::Token(&token),
                    Some(&body.to_string()),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{action}: {r}");
        }
    };
    act(post, "link", coordinator.clone(), json!({ "to": lead })).await;
    let executor = app.user_id("executor").await;
    act(
        lead,
        "assign",
        coordinator.clone(),
        json!({ "executor_id": executor }),
    )
    .await;
    act(
        lead,
        "submit_draft",
        coordinator.clone(),
        json!({ "text": "Бригада выехала." }),
    )
    .await;
    act(lead, "approve", authority.clone(), json!({})).await;
    for id in [lead, post] {
        let (s, m) = publish(&app, id, &coordinator).await;
        assert_eq!(s, StatusCode::OK, "{m}");
        assert_eq!(m["status"], "answered");
    }
    let sent = requests_to(&fake, "/method/wall.createComment").await;
    let posts: HashSet<String> = sent.iter().map(|r| form(r)["post_id"].clone()).collect();
    assert_eq!(posts, HashSet::from(["100".to_owned(), "200".to_owned()]));
    let guids: HashSet<String> = sent.iter().map(|r| form(r)["guid"].clone()).collect();
    assert_eq!(guids.len(), 2, "one comment per post");
    let (_, l) = state_of(&app, lead).await;
    let (_, p) = state_of(&app, post).await;
    assert_eq!(
        l["publications"][0]["link"],
        "https://vk.com/wall-77_100?reply=901"
    );
    assert_eq!(
        p["publications"][0]["link"],
        "https://vk.com/wall-77_200?reply=902"
    );
}
