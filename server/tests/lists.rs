//! Lists in SQL (issue 16): the list the database filters, sorts and pages equals a
//! brute-force reference computed from the messages' deadlines on random workflows, for
//! every filter and both kinds of reader; the keyset cursor neither skips nor repeats a
//! row while others change; search finds Russian words whatever their case and ё.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;

use app::domain::calendar::WorkingCalendar;
use app::domain::deadline::Deadline;
use app::domain::ids::{MessageId, UserId};
use app::domain::listing::{normalise_search, search_words, Cursor};
use app::domain::network::Network;
use app::domain::workflow::{ActionKind, Command, MessageState};
use app::dto::message::{MessageDetailDto, MessageFilter};
use app::service::messages::intake::{intake, Intake, NewMessage};
use app::service::messages::query;
use app::service::messages::transition::act;
use app::service::messages::Caller;
use chrono::{DateTime, Duration, Utc};
use common::random::{caller, everything, ledger, random_workflows, Rng, WORDS};
use common::{monday_10, TestApp};
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// The list by brute force: every rule written from SPEC, not from the stored keys.
fn reference(
    all: &[MessageDetailDto],
    filter: &MessageFilter,
    reader: &Caller,
    now: DateTime<Utc>,
    cal: &WorkingCalendar,
    percent: u8,
) -> Vec<MessageId> {
    let states: Option<Vec<&str>> = filter.status.as_deref().map(|s| s.split(',').collect());
    let mut rows: Vec<(i64, i64, MessageId)> = all
        .iter()
        .filter(|d| {
            let m = &d.message;
            let running: Vec<Deadline> = ledger(d)
                .into_iter()
                .filter(|x| x.done_at.is_none())
                .collect();
            let words = search_words(filter.q.as_deref().unwrap_or(""));
            let body = normalise_search(&format!(
                "{} {} {} {}",
                m.author,
                m.text,
                m.topic.clone().unwrap_or_default(),
                m.external_id
            ));
            let body_words: Vec<&str> = body.split(|c: char| !c.is_alphanumeric()).collect();
            let assignee = m.assignee.as_ref().map(|a| a.id);
            let department = m.department.as_ref().map(|a| a.id);
            let visible = match reader.role {
                app::domain::role::Role::Executor => {
                    assignee == reader.user
                        || (reader.department.is_some() && department == reader.department)
                }
                _ => true,
            };
            visible
                && states
                    .as_ref()
                    .is_none_or(|s| s.contains(&m.status.as_str()))
                && (!filter.active.unwrap_or(false) || m.status.is_active())
                && filter.assignee.is_none_or(|a| assignee == Some(a))
                && filter.network.is_none_or(|n| m.network == n)
                && filter.urgent.is_none_or(|u| m.urgent == u)
                && (!filter.flagged.unwrap_or(false) || m.flags.is_flagged())
                && (!filter.overdue.unwrap_or(false)
                    || running.iter().any(|x| cal.between(x.due_at, now) > 0))
                && (!filter.pressing.unwrap_or(false)
                    || running.iter().any(|x| {
                        let budget = cal.between(x.started_at, x.due_at);
                        cal.between(now, x.due_at) * 100 <= budget * i64::from(percent)
                    }))
                && words
                    .iter()
                    .all(|w| body_words.iter().any(|b| b.starts_with(w.as_str())))
        })
        .map(|d| {
            let due = ledger(d)
                .iter()
                .filter(|x| x.done_at.is_none())
                .map(|x| x.due_at.timestamp())
                .min();
            let class = match (due, d.message.status.is_active()) {
                (Some(t), _) => t,
                (None, true) => i64::MAX - 1,
                (None, false) => i64::MAX,
            };
            (class, -d.message.id.0, d.message.id)
        })
        .collect();
    rows.sort();
    rows.into_iter().map(|(_, _, id)| id).collect()
}

fn filters(rng: &mut Rng) -> Vec<MessageFilter> {
    let mut out = vec![
        MessageFilter::default(),
        MessageFilter {
            active: Some(true),
            ..Default::default()
        },
        MessageFilter {
            overdue: Some(true),
            ..Default::default()
        },
        MessageFilter {
            pressing: Some(true),
            active: Some(true),
            ..Default::default()
        },
        MessageFilter {
            flagged: Some(true),
            ..Default::default()
        },
        MessageFilter {
            urgent: Some(true),
            ..Default::default()
        },
        MessageFilter {
            status: Some("new,in_work".into()),
            ..Default::default()
        },
        MessageFilter {
            status: Some("returned".into()),
            ..Default::default()
        },
    ];
    for _ in 0..6 {
        out.push(MessageFilter {
            q: Some(rng.pick(&WORDS).chars().take(3).collect()),
            active: Some(rng.below(2) == 0),
            ..Default::default()
        });
        out.push(MessageFilter {
            network: Some(*rng.pick(&Network::ALL)),
            overdue: Some(rng.below(2) == 0),
            ..Default::default()
        });
    }
    out
}

#[tokio::test]
async fn the_sql_list_equals_a_brute_force_reference_on_random_workflows() {
    for seed in [7u64, 1234, 99_991] {
        let app = TestApp::new().await;
        let mut rng = Rng(seed);
        let end = random_workflows(&app, &mut rng, 45).await;
        let pool = &app.state.pool;
        let all = everything(&app).await;
        let readers = [
            caller(&app, "coordinator").await,
            caller(&app, "executor").await,
            caller(&app, "executor2").await,
        ];
        for percent in [25u8, 60] {
            if percent != 25 {
                // Moving the threshold moves every message's due-soon instant.
                let admin = UserId(app.user_id("admin").await);
                app::service::alerts::save_settings(
                    pool,
                    app::service::settings::Layer::Region,
                    &app::service::alerts::AlertSettings {
                        due_soon_percent: percent,
                    },
                    admin,
                    end,
                )
                .await
                .unwrap();
            }
            let ctx = app.ctx().await;
            let cal = ctx.cal.clone();
            // Boundaries too: exactly at running deadlines' due instants.
            let dues: Vec<DateTime<Utc>> = all
                .iter()
                .flat_map(ledger)
                .filter(|d| d.done_at.is_none())
                .map(|d| d.due_at)
                .take(3)
                .collect();
            let nows = [
                monday_10() + Duration::hours(2),
                end,
                end + Duration::hours(20),
                end + Duration::days(4),
            ];
            for now in nows.into_iter().chain(dues) {
                for filter in filters(&mut rng) {
                    for reader in &readers {
                        let expected = reference(&all, &filter, reader, now, &cal, percent);
                        let got: Vec<MessageId> = query::list(&ctx.at(now), reader, &filter)
                            .await
                            .unwrap()
                            .items
                            .iter()
                            .map(|m| m.id)
                            .collect();
                        assert_eq!(
                            got, expected,
                            "seed {seed}, {percent} %, {now}, {:?}, {filter:?}",
                            reader.label
                        );
                        // Paging by cursor gives the same list.
                        let mut paged = Vec::new();
                        let mut cursor: Option<Cursor> = None;
                        loop {
                            let page = query::list(
                                &ctx.at(now),
                                reader,
                                &MessageFilter {
                                    limit: Some(7),
                                    cursor: cursor.map(|c| c.to_string()),
                                    ..filter.clone()
                                },
                            )
                            .await
                            .unwrap();
                            paged.extend(page.items.iter().map(|m| m.id));
                            match page.next {
                                Some(c) => cursor = Some(c),
                                None => break,
                            }
                        }
                        assert_eq!(paged, expected, "paged, seed {seed}, {filter:?}");
                    }
                }
            }
        }
    }
}

#[tokio::test]
async fn the_cursor_neither_skips_nor_repeats_a_row_while_others_change() {
    let app = TestApp::new().await;
    let mut rng = Rng(42);
    let end = random_workflows(&app, &mut rng, 40).await;
    let ctx = app.ctx().await;
    let coordinator = caller(&app, "coordinator").await;
    let authority = caller(&app, "authority").await;
    let filter = MessageFilter::default();
    let before: Vec<MessageId> = query::list(&ctx.at(end), &coordinator, &filter)
        .await
        .unwrap()
        .items
        .iter()
        .map(|m| m.id)
        .collect();
    let mut seen: Vec<MessageId> = Vec::new();
    let mut changed: HashSet<MessageId> = HashSet::new();
    let mut cursor: Option<String> = None;
    let mut t = end;
    let mut n = 0;
    loop {
        let page = query::list(
            &ctx.at(t),
            &coordinator,
            &MessageFilter {
                limit: Some(5),
                cursor: cursor.clone(),
                ..filter.clone()
            },
        )
        .await
        .unwrap();
        seen.extend(page.items.iter().map(|m| m.id));
        let Some(next) = page.next else { break };
        cursor = Some(next.to_string());
        // Underneath: new messages arrive and a row already read is acted on.
        for _ in 0..2 {
            t += Duration::minutes(1);
            n += 1;
            let msg = NewMessage {
                administration: None,
                external_id: format!("late-{n}"),
                network: Network::Vk,
                url: "https://vk.com/wall-1_1".into(),
                author: "Новый автор".into(),
                author_url: None,
                text: "Новое сообщение".into(),
                topic: None,
                detected_at: t - Duration::minutes(rng.below(900) as i64),
            };
            if let Intake::Created(id) = intake(&ctx.at(t), msg, &authority).await.unwrap() {
                changed.insert(id);
            }
        }
        if let Some(id) = seen.iter().rev().find(|id| !changed.contains(id)).copied() {
            let detail = query::detail(&ctx, &coordinator, id).await.unwrap();
            if detail.actions.contains(&ActionKind::SetUrgent) {
                let urgent = !detail.message.urgent;
                act(
                    &ctx.at(t),
                    id,
                    None,
                    Command::SetUrgent { urgent },
                    &coordinator,
                )
                .await
                .unwrap();
                changed.insert(id);
            }
        }
    }
    let mut counts: BTreeMap<MessageId, usize> = BTreeMap::new();
    for id in &seen {
        *counts.entry(*id).or_default() += 1;
    }
    for id in &before {
        if !changed.contains(id) {
            assert_eq!(counts.get(id), Some(&1), "unchanged row {id} seen once");
        }
    }
    let unchanged_order: Vec<MessageId> = seen
        .iter()
        .filter(|id| !changed.contains(id))
        .copied()
        .collect();
    let expected_order: Vec<MessageId> = before
        .iter()
        .filter(|id| !changed.contains(id))
        .copied()
        .collect();
    assert_eq!(unchanged_order, expected_order, "in the list's order");
    let repeated: BTreeSet<_> = counts
        .iter()
        .filter(|(_, c)| **c > 1)
        .map(|(id, _)| *id)
        .collect();
    assert!(
        repeated.is_subset(&changed.iter().copied().collect()),
        "only a row that moved may come again: {repeated:?}"
    );
    // Offset paging, for comparison, shifts under the same kind of change: the cursor is
    // what makes this hold.
    assert!(!changed.is_empty());
}

#[tokio::test]
async fn russian_search_ignores_case_and_yo_and_matches_prefixes() {
    let app = TestApp::new().await;
    let token = app.token(app::domain::role::Role::Authority).await;
    let texts = [
        ("s-1", "Дорога на Лесной разбита"),
        ("s-2", "Ёлка на площади не убрана"),
        ("s-3", "Во дворе нет света, ДОРОЖКИ не чищены"),
        ("s-4", "Про елку в парке"),
    ];
    let mut ids = BTreeMap::new();
    for (ext, text) in texts {
        let m = app
            .register(
                &token,
                &serde_json::json!({
                    "external_id": ext, "network": "vk", "url": "https://vk.com/wall-1_1",
                    "author": "Житель", "text": text,
                    "detected_at": "2026-03-16T09:30:00+03:00",
                }),
            )
            .await;
        ids.insert(ext, m["id"].as_i64().unwrap());
    }
    let found = |q: &'static str| {
        let app = &app;
        let token = token.clone();
        let ids = ids.clone();
        async move {
            let (_, list) = app
                .api(
                    "GET",
                    &format!("/api/v1/messages?q={}", common::urlencode(q)),
                    common::Auth::Token(&token),
                    None,
                )
                .await;
            let got: BTreeSet<i64> = list
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["id"].as_i64().unwrap())
                .collect();
            let mut names: Vec<&str> = ids
                .iter()
                .filter(|(_, id)| got.contains(id))
                .map(|(ext, _)| *ext)
                .collect();
            names.sort();
            names
        }
    };
    assert_eq!(found("дорога").await, ["s-1"]);
    assert_eq!(found("ДОРОГА").await, ["s-1"]);
    assert_eq!(found("дорог").await, ["s-1"]);
    assert_eq!(found("дорож").await, ["s-3"]);
    assert_eq!(found("елка").await, ["s-2"], "«елка» finds «Ёлка»");
    assert_eq!(found("ёлку").await, ["s-4"], "«ёлку» finds «елку»");
    assert_eq!(found("Ёлк").await, ["s-2", "s-4"]);
    assert_eq!(found("лесной дорога").await, ["s-1"]);
    assert_eq!(found("s-2").await, ["s-2"], "the external id");
    assert_eq!(
        found("\"*:(").await,
        ["s-1", "s-2", "s-3", "s-4"],
        "punctuation only: no filter"
    );
    assert!(found("трамвай").await.is_empty());
}

/// Keys stay right when a message changes state: a closed message sorts last and never
/// counts as overdue.
#[tokio::test]
async fn closed_messages_sort_last() {
    let app = TestApp::new().await;
    let ctx = app.ctx().await;
    let coordinator = caller(&app, "coordinator").await;
    let page = query::list(
        &ctx.at(monday_10()),
        &coordinator,
        &MessageFilter::default(),
    )
    .await
    .unwrap();
    let states: Vec<MessageState> = page.items.iter().map(|m| m.status).collect();
    let first_closed = states.iter().position(|s| !s.is_active()).unwrap();
    assert!(
        states[first_closed..].iter().all(|s| !s.is_active()),
        "{states:?}"
    );
}

/// A search matching more messages than the id lookup takes walks the list's order
/// against the matches' ids instead (SQLite; kept while no searchable text changes); both
/// plans give the reference's rows in the reference's order, for every page by cursor and
/// by offset and for both kinds of reader, and a new message is found at once.
#[tokio::test]
async fn broad_and_narrow_searches_list_the_same_rows_as_the_reference() {
    use app::service::db::dialect::{search_plan, SearchPlan};
    let app = TestApp::new().await;
    let ctx = app.ctx().await;
    let authority = caller(&app, "authority").await;
    let coordinator = caller(&app, "coordinator").await;
    let executor = caller(&app, "executor").await;
    let mut t = monday_10();
    for i in 0..600 {
        t += Duration::seconds(37);
        let text = if i % 12 == 0 {
            "Яма во дворе"
        } else {
            "Дорога разбита"
        };
        let msg = NewMessage {
            administration: None,
            external_id: format!("broad-{i}"),
            network: Network::Vk,
            url: format!("https://vk.com/wall-1_{i}"),
            author: "Житель".into(),
            author_url: None,
            text: text.into(),
            topic: None,
            detected_at: t - Duration::minutes((i % 300) as i64),
        };
        let Intake::Created(id) = intake(&ctx.at(t), msg, &authority).await.unwrap() else {
            panic!("a new message");
        };
        if i % 7 == 0 {
            let assign = Command::Assign {
                executor: executor.user.unwrap(),
                department: None,
            };
            act(&ctx.at(t), id, None, assign, &coordinator)
                .await
                .unwrap();
        }
    }
    let pool = &app.state.pool;
    let sqlite = matches!(pool, app::service::db::Db::Sqlite(_));
    let matches = ctx.matches.clone();
    let app = &app;
    let plan = |q: &str| {
        let (words, matches) = (search_words(q), matches.clone());
        async move {
            // Each request reads the counters afresh with its context.
            let version = app.ctx().await.search_version;
            search_plan(pool, &matches, version, &words).await.unwrap()
        }
    };
    let (broad, narrow) = (plan("дорог").await, plan("яма").await);
    if sqlite {
        assert!(matches!(broad, SearchPlan::Walk(_)), "{broad:?}");
        assert_eq!(narrow, SearchPlan::InSql);
    }
    let all = everything(app).await;
    let now = t + Duration::hours(3);
    let list = |reader: &Caller, filter: MessageFilter| {
        let reader = reader.clone();
        // A fresh context per call, as per request: a new message moves the search counter.
        async move {
            let ctx = app.ctx().await.at(now);
            query::list(&ctx, &reader, &filter).await.unwrap()
        }
    };
    for q in ["дорог", "Яма", "дорога разб", "двор"] {
        for active in [None, Some(true)] {
            for reader in [&coordinator, &executor] {
                let filter = MessageFilter {
                    q: Some(q.into()),
                    active,
                    limit: Some(40),
                    ..Default::default()
                };
                let expected = reference(&all, &filter, reader, now, &ctx.cal, 25);
                let (mut by_cursor, mut by_offset) = (Vec::new(), Vec::new());
                let mut cursor: Option<Cursor> = None;
                loop {
                    let cursor_filter = MessageFilter {
                        cursor: cursor.map(|c| c.to_string()),
                        ..filter.clone()
                    };
                    let page = list(reader, cursor_filter).await;
                    by_cursor.extend(page.items.iter().map(|m| m.id));
                    match page.next {
                        Some(c) => cursor = Some(c),
                        None => break,
                    }
                }
                for offset in (0..).step_by(40) {
                    let offset_filter = MessageFilter {
                        offset: Some(offset),
                        ..filter.clone()
                    };
                    let page = list(reader, offset_filter).await;
                    by_offset.extend(page.items.iter().map(|m| m.id));
                    if page.next.is_none() {
                        break;
                    }
                }
                assert!(!expected.is_empty(), "{q}");
                let what = format!("{q}, active {active:?}, {:?}", reader.role);
                assert_eq!(by_cursor, expected, "{what}, by cursor");
                assert_eq!(by_offset, expected, "{what}, by offset");
            }
        }
    }
    // The broad search's ids were kept and reused; a new message changes them.
    if sqlite {
        let (SearchPlan::Walk(kept), SearchPlan::Walk(again)) = (broad, plan("дорог").await)
        else {
            panic!("a broad search walks");
        };
        assert!(std::sync::Arc::ptr_eq(&kept, &again), "the ids are reused");
    }
    let msg = NewMessage {
        administration: None,
        external_id: "broad-new".into(),
        network: Network::Vk,
        url: "https://vk.com/wall-1_9999".into(),
        author: "Новый житель".into(),
        author_url: None,
        text: "Дорогу снова размыло".into(),
        topic: None,
        detected_at: now,
    };
    let Intake::Created(new) = intake(&ctx.at(now), msg, &authority).await.unwrap() else {
        panic!("a new message");
    };
    let filter = MessageFilter {
        q: Some("дорог".into()),
        ..Default::default()
    };
    let found: Vec<MessageId> = list(&coordinator, filter.clone())
        .await
        .items
        .iter()
        .map(|m| m.id)
        .collect();
    let all = everything(app).await;
    assert!(found.contains(&new), "the new message is found at once");
    assert_eq!(
        found,
        reference(&all, &filter, &coordinator, now, &ctx.cal, 25)
    );
}
