//! Linked posts (issue 21): the coordinator links posts about one problem to a lead; the
//! executor, the draft and the approval happen once, on the lead, and are carried to each
//! post; each post is published on its own and its own deadlines record their outcomes.
//! The refusals (itself, a cycle, closed, another administration, after approval) are in
//! Russian, and only coordinators link.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;

use app::domain::role::Role;
use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};

/// The roles that act on a case: API tokens, and the executor signed in (an executor
/// acts on what is assigned to them).
struct Tokens {
    authority: String,
    coordinator: String,
    executor: String,
}

impl Tokens {
    fn a(&self) -> Auth<'_> {
        Auth::Token(&self.authority)
    }
    fn c(&self) -> Auth<'_> {
        Auth::Token(&self.coordinator)
    }
    fn e(&self) -> Auth<'_> {
        Auth::Cookie(&self.executor)
    }
}

async fn tokens(app: &TestApp) -> Tokens {
    Tokens {
        authority: app.token(Role::Authority).await,
        coordinator: app.token(Role::Coordinator).await,
        executor: app.sign_in("executor", "demo").await,
    }
}

/// Registers a post of `network` at `url` with `text`; its id.
async fn post(app: &TestApp, t: &Tokens, n: &str, network: &str, url: &str, text: &str) -> i64 {
    let m = app
        .register(
            &t.authority,
            &json!({
                "external_id": format!("case-{n}"),
                "network": network,
                "url": url,
                "author": format!("Житель {n}"),
                "text": text,
                "detected_at": "2026-03-16T09:30:00+03:00",
            }),
        )
        .await;
    m["id"].as_i64().unwrap()
}

/// `POST /api/v1/messages/{id}/{action}` with `body`.
async fn act(
    app: &TestApp,
    who: Auth<'_>,
    id: i64,
    action: &str,
    body: Value,
) -> (StatusCode, Value) {
    app.api(
        "POST",
        &format!("/api/v1/messages/{id}/{action}"),
        who,
        Some(&body.to_string()),
    )
    .await
}

/// Like [`act`], asserting success; the message after.
async fn ok(app: &TestApp, who: Auth<'_>, id: i64, action: &str, body: Value) -> Value {
    let (s, m) = act(app, who, id, action, body).await;
    assert_eq!(s, StatusCode::OK, "{action} on {id}: {m}");
    m
}

async fn get(app: &TestApp, who: Auth<'_>, id: i64) -> Value {
    let (s, m) = app
        .api("GET", &format!("/api/v1/messages/{id}"), who, None)
        .await;
    assert_eq!(s, StatusCode::OK, "{m}");
    m
}

/// Everything about message `id` as an API token of `role` of `main` sees it.
async fn detail(app: &TestApp, role: Role, id: i64) -> app::dto::message::MessageDetailDto {
    let administration = (!role.is_regional()).then_some(app::domain::ids::AdministrationId(1));
    let caller = app::service::messages::Caller::token("тест", role, administration);
    app::service::messages::query::detail(
        &app.ctx().await,
        &caller,
        app::domain::ids::MessageId(id),
    )
    .await
    .unwrap()
}

/// The error's status and Russian message.
fn refused(r: (StatusCode, Value)) -> (StatusCode, String) {
    (
        r.0,
        r.1["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    )
}

#[tokio::test]
async fn a_coordinator_links_and_unlinks_and_both_journals_say_so() {
    let app = TestApp::new().await;
    let t = tokens(&app).await;
    let lead = post(
        &app,
        &t,
        "l1",
        "vk",
        "https://vk.com/wall-1_1",
        "Прорвало трубу на Садовой",
    )
    .await;
    let other = post(
        &app,
        &t,
        "p1",
        "vk",
        "https://vk.com/wall-1_2",
        "На Садовой течёт труба",
    )
    .await;

    // The page suggests the other post: the same words, close in time, open.
    let d = detail(&app, Role::Coordinator, other).await;
    let ids: Vec<i64> = d.case_candidates.iter().map(|c| c.id.0).collect();
    // (The demo's messages may share a word; the lead shares two and is the first.)
    assert_eq!(ids.first(), Some(&lead), "{ids:?}");
    assert_eq!(d.case_candidates[0].words, vec!["садовой", "труба"]);
    // Nobody but a coordinator is offered the link.
    assert!(detail(&app, Role::Authority, other)
        .await
        .case_candidates
        .is_empty());

    let m = ok(&app, t.c(), other, "link", json!({ "to": lead })).await;
    assert_eq!(m["case"], json!({ "lead": lead, "posts": [other] }));
    let l = get(&app, t.a(), lead).await;
    assert_eq!(
        l["case"],
        json!({ "lead": lead, "posts": [other] }),
        "the authority sees the case"
    );
    // The list carries it too.
    let (_, list) = app
        .api("GET", "/api/v1/messages", Auth::Token(&t.coordinator), None)
        .await;
    let in_list: Vec<&Value> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| !m["case"].is_null())
        .collect();
    assert_eq!(in_list.len(), 2, "{list}");

    let m = ok(&app, t.c(), other, "unlink", json!({})).await;
    assert_eq!(m["case"], Value::Null);
    assert_eq!(get(&app, t.c(), lead).await["case"], Value::Null);

    // Both journals: the post's link and unlink name the lead, the lead's name the post.
    let journal = |id: i64| {
        let app = &app;
        async move { detail(app, Role::Coordinator, id).await.journal }
    };
    let of_post: Vec<(String, Value)> = journal(other)
        .await
        .into_iter()
        .map(|j| (j.action.as_str().to_owned(), j.details))
        .filter(|(a, _)| a == "link" || a == "unlink")
        .collect();
    assert_eq!(of_post.len(), 2, "{of_post:?}");
    assert_eq!(of_post[0].1["lead"], json!(lead));
    assert_eq!(of_post[1].1["lead"], json!(lead));
    let of_lead: Vec<(String, Value)> = journal(lead)
        .await
        .into_iter()
        .map(|j| (j.action.as_str().to_owned(), j.details))
        .filter(|(a, _)| a == "link" || a == "unlink")
        .collect();
    assert_eq!(
        of_lead,
        vec![
            ("link".to_owned(), json!({ "post": other })),
            ("unlink".to_owned(), json!({ "post": other })),
        ]
    );
}

#[tokio::test]
async fn itself_a_cycle_closed_and_other_roles_are_refused_in_russian() {
    let app = TestApp::new().await;
    let t = tokens(&app).await;
    let a = post(
        &app,
        &t,
        "a",
        "vk",
        "https://vk.com/wall-1_1",
        "Яма на дороге",
    )
    .await;
    let b = post(
        &app,
        &t,
        "b",
        "vk",
        "https://vk.com/wall-1_2",
        "Яма на дороге у школы",
    )
    .await;
    let c = post(&app, &t, "c", "vk", "https://vk.com/wall-1_3", "Снова яма").await;

    assert_eq!(
        refused(act(&app, t.c(), a, "link", json!({ "to": a })).await),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "Нельзя связать сообщение с самим собой".into()
        )
    );
    let (s, e) = act(&app, t.c(), a, "link", json!({})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["field"], "to", "{e}");
    let (s, _) = act(&app, t.c(), a, "link", json!({ "to": 999_999 })).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    ok(&app, t.c(), b, "link", json!({ "to": a })).await;
    // A cycle: the lead linked to its own post.
    assert_eq!(
        refused(act(&app, t.c(), a, "link", json!({ "to": b })).await),
        (
            StatusCode::CONFLICT,
            format!("Связь образует цикл: сообщение №{b} уже связано с №{a}")
        )
    );
    // A post is in one case at a time.
    let (s, e) = refused(act(&app, t.c(), b, "link", json!({ "to": c })).await);
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(
        e,
        format!("Сообщение привязано к делу №{a}: сначала отвяжите его")
    );
    // Linking to a post of a case joins its lead.
    let m = ok(&app, t.c(), c, "link", json!({ "to": b })).await;
    assert_eq!(m["case"], json!({ "lead": a, "posts": [b, c] }));
    // The post's draft is the lead's; a lead of posts is not returned.
    let (s, e) = refused(act(&app, t.c(), b, "submit_draft", json!({ "text": "Ответ" })).await);
    assert_eq!(s, StatusCode::CONFLICT);
    assert!(e.contains(&format!("по ведущему сообщению №{a}")), "{e}");
    let (s, e) = refused(
        act(
            &app,
            t.c(),
            a,
            "return",
            json!({ "justification": "Не наше" }),
        )
        .await,
    );
    assert_eq!(
        (s, e),
        (
            StatusCode::CONFLICT,
            "К сообщению привязаны другие посты (2): сначала отвяжите их".into()
        )
    );

    // Closed: a rejected message.
    let d = post(&app, &t, "d", "vk", "https://vk.com/wall-1_4", "Реклама").await;
    ok(&app, t.c(), d, "reject", json!({ "category": "obscenity" })).await;
    let e = post(&app, &t, "e", "vk", "https://vk.com/wall-1_5", "Яма").await;
    assert_eq!(
        refused(act(&app, t.c(), e, "link", json!({ "to": d })).await),
        (
            StatusCode::CONFLICT,
            format!("Сообщение №{d} закрыто: связывать можно только открытые сообщения")
        )
    );
    // Only coordinators link and unlink; the authority reads.
    for who in [t.e(), t.a()] {
        let (s, _) = act(&app, who, e, "link", json!({ "to": a })).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = act(&app, who, b, "unlink", json!({})).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
    // A message in no case cannot be unlinked.
    assert_eq!(
        refused(act(&app, t.c(), e, "unlink", json!({})).await),
        (
            StatusCode::CONFLICT,
            "Сообщение не привязано ни к какому делу".into()
        )
    );
}

#[tokio::test]
async fn messages_of_different_administrations_are_not_linked() {
    let app = TestApp::new().await;
    let pool = &app.state.pool;
    let now = app.state.clock.now();
    app::service::administrations::add(pool, "luga", "Лужский муниципальный район", now)
        .await
        .unwrap();
    let t = tokens(&app).await;
    let mut ours = Vec::new();
    for administration in ["main", "luga"] {
        let m = app
            .register(
                &t.authority,
                &json!({
                    "external_id": format!("case-{administration}"),
                    "administration": administration,
                    "network": "vk",
                    "url": "https://vk.com/wall-2_1",
                    "author": "Житель",
                    "text": "Яма",
                    "detected_at": "2026-03-16T09:30:00+03:00",
                }),
            )
            .await;
        ours.push(m["id"].as_i64().unwrap());
    }
    let (ours, theirs) = (ours[0], ours[1]);
    assert_eq!(
        refused(act(&app, t.c(), ours, "link", json!({ "to": theirs })).await),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "Сообщения разных администраций связать нельзя".into()
        )
    );
}

/// The deadline `rule` of message `m`: (done_at, outcome).
fn deadline(m: &Value, rule: &str) -> (Value, Value) {
    let d = &m["deadlines"][rule];
    (d["done_at"].clone(), d["outcome"].clone())
}

#[tokio::test]
async fn a_three_post_case_across_vk_and_telegram_is_drafted_and_approved_once_and_published_per_post(
) {
    let app = TestApp::new().await;
    let t = tokens(&app).await;
    let text = "Прорвало трубу во дворе дома 5 на Садовой";
    let lead = post(&app, &t, "vk1", "vk", "https://vk.com/wall-1_10", text).await;
    let vk2 = post(&app, &t, "vk2", "vk", "https://vk.com/wall-1_11", text).await;
    let tg = post(
        &app,
        &t,
        "tg",
        "telegram",
        "https://t.me/luga_news/77",
        text,
    )
    .await;
    // The lead is taken into work first; a post linked later catches up.
    let executor = app.user_id("executor").await;
    ok(
        &app,
        t.c(),
        lead,
        "assign",
        json!({ "executor_id": executor }),
    )
    .await;
    ok(&app, t.c(), vk2, "link", json!({ "to": lead })).await;
    let m = ok(&app, t.c(), tg, "link", json!({ "to": lead })).await;
    assert_eq!(
        m["status"], "in_work",
        "the post follows the lead's executor"
    );
    assert_eq!(m["assignee"]["id"], json!(executor));

    // The executor drafts once, with a photo: every post goes on approval with it.
    let (s, f) = app
        .upload(lead, "фото.png", PNG, Auth::Token(&t.coordinator))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{f}");
    let draft = "Здравствуйте! Аварийная бригада устранит течь до 18:00.";
    ok(
        &app,
        t.e(),
        lead,
        "submit_draft",
        json!({ "text": draft, "attachments": [f["id"]] }),
    )
    .await;
    for id in [lead, vk2, tg] {
        assert_eq!(get(&app, t.c(), id).await["status"], "on_approval", "{id}");
    }
    let tg_detail = detail(&app, Role::Coordinator, tg).await;
    assert_eq!(tg_detail.drafts.len(), 1);
    assert_eq!(tg_detail.drafts[0].text, draft);
    assert_eq!(
        tg_detail.attachments.len(),
        1,
        "the photo goes with each post's draft"
    );
    assert_eq!(tg_detail.attachments[0].draft, Some(1));

    // The authority approves once.
    ok(&app, t.a(), lead, "approve", json!({})).await;
    for id in [lead, vk2, tg] {
        assert_eq!(get(&app, t.c(), id).await["status"], "approved", "{id}");
    }
    // Approved: no unlinking any more.
    let (s, e) = refused(act(&app, t.c(), vk2, "unlink", json!({})).await);
    assert_eq!(s, StatusCode::CONFLICT, "{e}");

    // Each post is published on its own, with its own link; its deadlines close with it.
    ok(
        &app,
        t.e(),
        lead,
        "publish",
        json!({ "link": "https://vk.com/wall-1_10?reply=501" }),
    )
    .await;
    let before = get(&app, t.c(), tg).await;
    assert_eq!(
        before["status"], "approved",
        "one post's publication is not another's"
    );
    assert_eq!(deadline(&before, "answer_by").0, Value::Null);
    ok(
        &app,
        t.e(),
        vk2,
        "publish",
        json!({ "link": "https://vk.com/wall-1_11?reply=502" }),
    )
    .await;
    ok(
        &app,
        t.e(),
        tg,
        "publish",
        json!({ "link": "https://t.me/luga_news/77?comment=9" }),
    )
    .await;
    for id in [lead, vk2, tg] {
        let m = get(&app, t.c(), id).await;
        assert_eq!(m["status"], "answered", "{id}");
        let (done, outcome) = deadline(&m, "answer_by");
        assert!(done.is_string(), "{id}: {m}");
        assert_eq!(outcome, "met", "{id}");
        let d = detail(&app, Role::Coordinator, id).await;
        assert_eq!(d.publications.len(), 1, "{id}: one publication per post");
    }
}

#[tokio::test]
async fn a_post_whose_network_takes_less_than_the_draft_is_named_at_submission() {
    let app = TestApp::new().await;
    let t = tokens(&app).await;
    let lead = post(&app, &t, "v", "vk", "https://vk.com/wall-1_20", "Нет света").await;
    let max = post(
        &app,
        &t,
        "m",
        "max",
        "https://max.ru/c/-100/77",
        "Нет света",
    )
    .await;
    ok(&app, t.c(), max, "link", json!({ "to": lead })).await;
    let executor = app.user_id("executor").await;
    ok(
        &app,
        t.c(),
        lead,
        "assign",
        json!({ "executor_id": executor }),
    )
    .await;
    // 4,050 characters: within VK's 4,096, beyond MAX's 4,000.
    let long = "а".repeat(4050);
    let (s, e) = act(&app, t.e(), lead, "submit_draft", json!({ "text": long })).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(
        e["error"]["message"],
        format!(
            "Пост №{max}: Ответ длиннее допустимого для сети MAX: 4050 символов при лимите 4000"
        )
    );
    // Nothing half-done: the lead is still in work, without a draft.
    assert_eq!(get(&app, t.c(), lead).await["status"], "in_work");
}

#[tokio::test]
async fn a_post_linked_while_the_lead_is_on_approval_catches_up_and_can_be_unlinked() {
    let app = TestApp::new().await;
    let t = tokens(&app).await;
    let lead = post(
        &app,
        &t,
        "ol",
        "vk",
        "https://vk.com/wall-1_30",
        "Нет света на Лесной",
    )
    .await;
    let late = post(
        &app,
        &t,
        "op",
        "ok",
        "https://ok.ru/group/1/topic/30",
        "Нет света",
    )
    .await;
    let executor = app.user_id("executor").await;
    ok(
        &app,
        t.c(),
        lead,
        "assign",
        json!({ "executor_id": executor }),
    )
    .await;
    let draft = "Свет восстановят к 15:00.";
    ok(&app, t.e(), lead, "submit_draft", json!({ "text": draft })).await;

    // Linked late: the post gets the lead's executor and its draft on approval.
    let m = ok(&app, t.c(), late, "link", json!({ "to": lead })).await;
    assert_eq!(m["status"], "on_approval");
    assert_eq!(m["assignee"]["id"], json!(executor));
    let d = detail(&app, Role::Coordinator, late).await;
    assert_eq!(d.drafts.len(), 1);
    assert_eq!(d.drafts[0].text, draft);
    let carried: Vec<&app::dto::message::JournalEntryDto> = d
        .journal
        .iter()
        .filter(|j| j.details["case"] == json!(lead))
        .collect();
    assert_eq!(
        carried
            .iter()
            .map(|j| j.action.as_str())
            .collect::<Vec<_>>(),
        ["assign", "submit_draft"],
        "the journal says the lead's actions were carried"
    );
    // The authority returns the case's draft once: both are on revision.
    ok(
        &app,
        t.a(),
        lead,
        "request_revision",
        json!({ "remarks": "Назовите адреса" }),
    )
    .await;
    assert_eq!(get(&app, t.c(), late).await["status"], "revision");
    // Unlinked before approval, the post goes its own way: its own draft now.
    let m = ok(&app, t.c(), late, "unlink", json!({})).await;
    assert_eq!(m["case"], Value::Null);
    ok(
        &app,
        t.e(),
        late,
        "submit_draft",
        json!({ "text": "Свет на Лесной будет к 15:00." }),
    )
    .await;
    assert_eq!(get(&app, t.c(), late).await["status"], "on_approval");
    assert_eq!(get(&app, t.c(), lead).await["status"], "revision");
}
