//! The topic catalogue (issue 21): the default list per administration, intake by name
//! (a known one is the catalogue's, an unknown one is kept and flagged), the coordinator
//! setting the topic (in the journal), the dashboard's filter, the suggestion from the
//! text's words (never applied by itself), the admin's edits, and reports by topic.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;

use app::domain::ids::{AdministrationId, MessageId, TopicId};
use app::domain::role::Role;
use app::domain::topic::DEFAULT_TOPICS;
use app::dto::admin::TopicForm;
use app::service::messages::{query, Caller};
use app::service::topics;
use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};

const MAIN: AdministrationId = AdministrationId(1);

async fn register(app: &TestApp, token: &str, n: &str, topic: Option<&str>, text: &str) -> Value {
    let mut body = json!({
        "external_id": format!("topic-{n}"),
        "network": "vk",
        "url": "https://vk.com/wall-1_1",
        "author": "Житель",
        "text": text,
        "detected_at": "2026-03-16T09:30:00+03:00",
    });
    if let Some(t) = topic {
        body["topic"] = json!(t);
    }
    let (s, m) = app
        .api(
            "POST",
            "/api/v1/messages",
            Auth::Token(token),
            Some(&body.to_string()),
        )
        .await;
    assert!(s == StatusCode::CREATED || s == StatusCode::OK, "{m}");
    m
}

fn coordinator() -> Caller {
    Caller::token("тест", Role::Coordinator, Some(MAIN))
}

async fn topic_named(app: &TestApp, name: &str) -> TopicId {
    topics::catalogue(&app.state.pool, MAIN)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.topic.name == name)
        .unwrap_or_else(|| panic!("no topic {name}"))
        .topic
        .id
}

#[tokio::test]
async fn each_administration_starts_with_the_default_catalogue() {
    let app = TestApp::new().await;
    let names = |list: Vec<app::dto::admin::TopicEntry>| -> Vec<String> {
        list.into_iter().map(|t| t.topic.name).collect()
    };
    let main = topics::catalogue(&app.state.pool, MAIN).await.unwrap();
    assert_eq!(
        names(main.clone()),
        DEFAULT_TOPICS.map(str::to_owned).to_vec()
    );
    assert!(main.iter().all(|t| t.topic.active && t.builtin));
    assert!(main[0].keywords.contains("труб"), "{}", main[0].keywords);
    let now = app.state.clock.now();
    let luga = app::service::administrations::add(&app.state.pool, "luga", "Лужский район", now)
        .await
        .unwrap();
    let theirs = topics::catalogue(&app.state.pool, luga.id).await.unwrap();
    assert_eq!(
        names(theirs.clone()),
        DEFAULT_TOPICS.map(str::to_owned).to_vec()
    );
    assert!(theirs
        .iter()
        .all(|t| main.iter().all(|m| m.topic.id != t.topic.id)));
}

#[tokio::test]
async fn intake_takes_a_known_topic_by_name_and_flags_an_unknown_one() {
    let app = TestApp::new().await;
    let authority = app.token(Role::Authority).await;
    let known = register(&app, &authority, "k", Some("  жкх "), "Нет воды").await;
    assert_eq!(known["topic"], "ЖКХ");
    assert_eq!(known["topic_id"], json!(topic_named(&app, "ЖКХ").await.0));
    assert_eq!(known["topic_unknown"], false);
    // The same again is the same message (the topic as received is kept for that).
    let again = register(&app, &authority, "k", Some("  жкх "), "Нет воды").await;
    assert_eq!(again["id"], known["id"]);

    let unknown = register(
        &app,
        &authority,
        "u",
        Some("Ёлки на площади"),
        "Когда поставят ёлку?",
    )
    .await;
    assert_eq!(unknown["topic"], "Ёлки на площади");
    assert_eq!(unknown["topic_id"], Value::Null);
    assert_eq!(unknown["topic_unknown"], true);
    let none = register(&app, &authority, "n", None, "Вопрос").await;
    assert_eq!(
        (none["topic_unknown"].clone(), none["topic"].clone()),
        (json!(false), Value::Null)
    );

    // An inactive topic is not taken either.
    let roads = topic_named(&app, "дороги").await;
    let form = TopicForm {
        id: roads.0.to_string(),
        name: "дороги".into(),
        active: None,
        ..TopicForm::default()
    };
    topics::save(&app.state.pool, MAIN, &form).await.unwrap();
    let m = register(&app, &authority, "r", Some("Дороги"), "Яма").await;
    assert_eq!(m["topic_unknown"], true);
}

#[tokio::test]
async fn the_coordinator_sets_the_topic_in_the_journal_and_the_dashboard_filters_by_it() {
    let app = TestApp::new().await;
    let authority = app.token(Role::Authority).await;
    let coordinator_token = app.token(Role::Coordinator).await;
    let m = register(
        &app,
        &authority,
        "s",
        Some("Ёлки"),
        "Прорвало трубу во дворе, вода в подвале",
    )
    .await;
    let id = m["id"].as_i64().unwrap();

    // Suggested from the words, not set.
    let ctx = app.ctx().await;
    let d = query::detail(&ctx, &coordinator(), MessageId(id))
        .await
        .unwrap();
    let s = d.topic_suggestion.expect("a suggestion");
    assert_eq!(s.name, "ЖКХ");
    assert_eq!(s.matched, vec!["трубу", "вода"]);
    assert_eq!(d.message.topic_id, None);
    // The authority is not offered it.
    let authority_caller = Caller::token("тест", Role::Authority, None);
    let d = query::detail(&ctx, &authority_caller, MessageId(id))
        .await
        .unwrap();
    assert_eq!(d.topic_suggestion, None);

    let zhkh = topic_named(&app, "ЖКХ").await;
    let (s, after) = app
        .api(
            "POST",
            &format!("/api/v1/messages/{id}/set_topic"),
            Auth::Token(&coordinator_token),
            Some(&json!({ "topic_id": zhkh.0 }).to_string()),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{after}");
    assert_eq!(
        (after["topic"].clone(), after["topic_unknown"].clone()),
        (json!("ЖКХ"), json!(false))
    );
    let d = query::detail(&ctx, &coordinator(), MessageId(id))
        .await
        .unwrap();
    let j = d.journal.last().unwrap();
    assert_eq!(j.action.as_str(), "set_topic");
    assert_eq!(j.details["before"]["topic"], "Ёлки");
    assert_eq!(j.details["after"]["topic"], "ЖКХ");
    assert_eq!(d.topic_suggestion, None, "chosen: nothing more to suggest");

    // Another administration's or an unknown topic is refused.
    let (s, e) = app
        .api(
            "POST",
            &format!("/api/v1/messages/{id}/set_topic"),
            Auth::Token(&coordinator_token),
            Some(&json!({ "topic_id": 99_999 }).to_string()),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["message"], "Выберите тему из справочника");

    // The filter: only the messages of that topic.
    let (s, list) = app
        .api(
            "GET",
            &format!("/api/v1/messages?topic={}", zhkh.0),
            Auth::Token(&coordinator_token),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let list = list.as_array().unwrap();
    assert!(list.iter().any(|m| m["id"] == json!(id)));
    assert!(
        list.iter().all(|m| m["topic_id"] == json!(zhkh.0)),
        "{list:?}"
    );
}

#[tokio::test]
async fn the_admin_edits_names_keywords_and_duplicates_are_refused_in_russian() {
    let app = TestApp::new().await;
    let pool = &app.state.pool;
    let added = topics::save(
        pool,
        MAIN,
        &TopicForm {
            name: "  Праздники ".into(),
            active: Some("on".into()),
            keywords: "ёлк, салют".into(),
            ..TopicForm::default()
        },
    )
    .await
    .unwrap();
    assert_eq!((added.name.as_str(), added.active), ("Праздники", true));
    let s = topics::suggest(pool, MAIN, "Когда поставят ёлку на площади?")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((s.id, s.matched), (added.id, vec!["елку".to_owned()]));
    let err = topics::save(
        pool,
        MAIN,
        &TopicForm {
            name: "жкх".into(),
            active: Some("on".into()),
            ..TopicForm::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(err.to_string(), "Тема «жкх» уже есть в справочнике");
    let err = topics::save(pool, MAIN, &TopicForm::default())
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "Укажите название темы");
    // Through the server function, as the page posts it; only the admin.
    let admin = app.sign_in("admin", "demo").await;
    let res = app
        .server_fn(
            "/serverfn/admin/save_topic",
            &[
                ("topic[name]", "Спорт"),
                ("topic[active]", "on"),
                ("topic[keywords]", "стадион"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "{}", body_text(res).await);
    let coordinator = app.sign_in("coordinator", "demo").await;
    let res = app
        .server_fn(
            "/serverfn/admin/save_topic",
            &[("topic[name]", "Ещё")],
            Some(&coordinator),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn reports_group_by_the_catalogue_name() {
    let app = TestApp::new().await;
    let authority = app.token(Role::Authority).await;
    register(&app, &authority, "a", Some("жкх"), "Нет воды").await;
    register(&app, &authority, "b", Some("ЖКХ "), "Нет света").await;
    let observer = app.token(Role::Coordinator).await;
    let (s, r) = app
        .api(
            "GET",
            "/api/v1/reports?from=2026-03-01&to=2026-03-31&by=topic",
            Auth::Token(&observer),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let text = r.to_string();
    let rows = r["rows"].as_array().unwrap_or_else(|| panic!("{text}"));
    let zhkh: Vec<&Value> = rows.iter().filter(|g| g["label"] == "ЖКХ").collect();
    assert_eq!(zhkh.len(), 1, "{text}");
    assert!(zhkh[0]["received"].as_i64().unwrap() >= 2, "{text}");
}

#[tokio::test]
async fn a_caller_chooses_from_their_own_administrations_topics() {
    let app = TestApp::new().await;
    let ctx = app.ctx().await;
    // One administration: everyone, the regional roles too, choose from its catalogue.
    let authority = Caller::token("тест", Role::Authority, None);
    assert_eq!(
        topics::choices(&ctx, &authority).await.unwrap().len(),
        DEFAULT_TOPICS.len()
    );
    let now = app.state.clock.now();
    let luga = app::service::administrations::add(&app.state.pool, "luga", "Лужский район", now)
        .await
        .unwrap();
    let ctx = app.ctx().await;
    // Several: the authority has none of its own; a coordinator of `luga` has luga's.
    assert!(topics::choices(&ctx, &authority).await.unwrap().is_empty());
    assert!(topics::rules(&ctx, &authority).await.unwrap().0.is_empty());
    let theirs = Caller::token("тест", Role::Coordinator, Some(luga.id));
    let list = topics::choices(&ctx, &theirs).await.unwrap();
    let catalogue = topics::catalogue(&app.state.pool, luga.id).await.unwrap();
    assert_eq!(
        list.iter().map(|t| t.id).collect::<Vec<_>>(),
        catalogue.iter().map(|t| t.topic.id).collect::<Vec<_>>()
    );
    assert!(topics::rules(&ctx, &theirs)
        .await
        .unwrap()
        .suggest("Яма на дороге")
        .is_some());
}
