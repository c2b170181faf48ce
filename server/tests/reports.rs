//! Reports (issue 18): the figures equal a brute-force count from each message's
//! journal, deadlines and publications on random workflows, for every grouping and two
//! periods; the API answers the same rows, and only the roles that may read reports can.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;

use app::domain::deadline::{DeadlineRule, Outcome};
use app::domain::report::{Grouping, ReportRow, NOT_SET};
use app::domain::role::Role;
use app::domain::workflow::{ActionKind, AnswerKind, MessageState};
use app::dto::message::MessageDetailDto;
use app::dto::report::ReportQuery;
use app::service::reports;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use common::random::{caller, everything, ledger, random_workflows, Rng};
use common::{monday_10, Auth, TestApp};
use std::collections::BTreeMap;

/// The group (key, label) of a message, written from the DTO.
fn group(d: &MessageDetailDto, by: Grouping) -> (String, String) {
    let m = &d.message;
    match by {
        Grouping::Department => m
            .department
            .as_ref()
            .map_or(("department:-".into(), NOT_SET.into()), |x| {
                (format!("department:{}", x.id), x.name.clone())
            }),
        Grouping::Executor => m
            .assignee
            .as_ref()
            .map_or(("executor:-".into(), NOT_SET.into()), |x| {
                (format!("executor:{}", x.id), x.name.clone())
            }),
        Grouping::Topic => m
            .topic
            .as_ref()
            .map_or(("topic:-".into(), NOT_SET.into()), |t| {
                (format!("topic:{}", t.to_lowercase()), t.clone())
            }),
        Grouping::Network => (
            format!("network:{}", m.network.as_str()),
            m.network.label().to_owned(),
        ),
        // The random workflows are all of the deployment's one administration.
        Grouping::Administration => {
            assert_eq!(m.administration, "main");
            ("administration:1".into(), "Администрация".into())
        }
        Grouping::None => ("total".into(), "Итого".into()),
    }
}

/// One message's contribution, counted by brute force from its detail.
fn count(d: &MessageDetailDto, now: DateTime<Utc>, ctx: &app::service::ctx::Ctx) -> ReportRow {
    let deadlines = ledger(d);
    let kind_of = |number: i64| d.drafts.iter().find(|x| x.number == number).map(|x| x.kind);
    let answered = d.journal.iter().any(|j| j.to == MessageState::Answered);
    let last_answer_by = deadlines
        .iter()
        .rev()
        .find(|x| x.rule == DeadlineRule::AnswerBy)
        .and_then(|x| x.outcome);
    let detected = d.message.detected_at.with_timezone(&Utc);
    let first_answer = d
        .publications
        .iter()
        .filter(|p| kind_of(p.draft) != Some(AnswerKind::Clarification))
        .map(|p| p.published_at.with_timezone(&Utc))
        .min();
    let secs = first_answer.map(|t| ctx.cal.between(detected, t));
    let mut breaches: BTreeMap<String, u32> = DeadlineRule::ALL
        .iter()
        .map(|r| (r.as_str().to_owned(), 0))
        .collect();
    for x in &deadlines {
        if x.outcome == Some(Outcome::Breached) {
            *breaches.get_mut(x.rule.as_str()).unwrap() += 1;
        }
    }
    let actions = |a: ActionKind| d.journal.iter().filter(|j| j.action == a).count() as u32;
    let published = |k: AnswerKind| {
        d.publications
            .iter()
            .filter(|p| kind_of(p.draft) == Some(k))
            .count() as u32
    };
    ReportRow {
        received: 1,
        answered: u32::from(answered),
        answered_on_time: u32::from(answered && last_answer_by == Some(Outcome::Met)),
        overdue_now: u32::from(
            d.message.status.is_active()
                && deadlines
                    .iter()
                    .any(|x| x.done_at.is_none() && ctx.cal.between(x.due_at, now) > 0),
        ),
        mean_answer_secs: secs,
        breaches,
        returns: actions(ActionKind::Return),
        revisions: actions(ActionKind::RequestRevision),
        intermediate: published(AnswerKind::Intermediate),
        clarifications: published(AnswerKind::Clarification),
        rejections: actions(ActionKind::Reject),
        ..ReportRow::default()
    }
}

/// The expected rows: contributions summed per group, mean and median over the
/// messages that have an answer time.
fn expected(
    all: &[&MessageDetailDto],
    by: Grouping,
    now: DateTime<Utc>,
    ctx: &app::service::ctx::Ctx,
) -> BTreeMap<String, ReportRow> {
    let mut out: BTreeMap<String, (ReportRow, Vec<i64>)> = BTreeMap::new();
    for d in all {
        let (key, label) = group(d, by);
        let c = count(d, now, ctx);
        let (r, times) = out.entry(key.clone()).or_insert_with(|| {
            (
                ReportRow {
                    key,
                    label,
                    breaches: c.breaches.keys().map(|k| (k.clone(), 0)).collect(),
                    ..ReportRow::default()
                },
                Vec::new(),
            )
        });
        r.received += c.received;
        r.answered += c.answered;
        r.answered_on_time += c.answered_on_time;
        r.overdue_now += c.overdue_now;
        for (k, n) in c.breaches {
            *r.breaches.get_mut(&k).unwrap() += n;
        }
        r.returns += c.returns;
        r.revisions += c.revisions;
        r.intermediate += c.intermediate;
        r.clarifications += c.clarifications;
        r.rejections += c.rejections;
        times.extend(c.mean_answer_secs);
    }
    out.into_iter()
        .map(|(k, (mut r, mut times))| {
            r.share_on_time =
                (r.answered > 0).then(|| f64::from(r.answered_on_time) / f64::from(r.answered));
            times.sort_unstable();
            if !times.is_empty() {
                let n = times.len();
                r.mean_answer_secs = Some(times.iter().sum::<i64>() / n as i64);
                r.median_answer_secs = Some(if n % 2 == 1 {
                    times[n / 2]
                } else {
                    (times[n / 2 - 1] + times[n / 2]) / 2
                });
            }
            (k, r)
        })
        .collect()
}

#[tokio::test]
async fn report_figures_equal_a_brute_force_count_for_every_grouping() {
    for seed in [11u64, 4242] {
        let app = TestApp::new().await;
        let mut rng = Rng(seed);
        let end = random_workflows(&app, &mut rng, 40).await;
        let all = everything(&app).await;
        let ctx = app.ctx().await;
        let now = end + Duration::hours(3);
        let observer = caller(&app, "observer").await;
        let tz = ctx.tz();
        let local_day =
            |d: &MessageDetailDto| d.message.detected_at.with_timezone(&tz).date_naive();
        let monday = monday_10().with_timezone(&tz).date_naive();
        let periods: [(NaiveDate, NaiveDate); 2] = [
            (monday - Duration::days(1), monday + Duration::days(10)),
            (monday, monday),
        ];
        for (from, to) in periods {
            let inside: Vec<&MessageDetailDto> = all
                .iter()
                .filter(|d| (from..=to).contains(&local_day(d)))
                .collect();
            assert!(!inside.is_empty(), "seed {seed}: the period has messages");
            for by in Grouping::ALL {
                let got = reports::report(
                    &ctx.at(now),
                    &observer,
                    &ReportQuery {
                        from: Some(from.to_string()),
                        to: Some(to.to_string()),
                        by: Some(by.as_str().to_owned()),
                    },
                )
                .await
                .unwrap();
                let want = expected(&inside, by, now, &ctx);
                let total = expected(&inside, Grouping::None, now, &ctx);
                let mut want_total = total["total"].clone();
                want_total.label = "Итого".into();
                assert_eq!(got.total, want_total, "seed {seed}, {from}–{to}, total");
                if by == Grouping::None {
                    assert!(got.rows.is_empty());
                    continue;
                }
                let got_rows: BTreeMap<String, ReportRow> = got
                    .rows
                    .iter()
                    .map(|r| (r.key.clone(), r.clone()))
                    .collect();
                assert_eq!(got_rows, want, "seed {seed}, {from}–{to}, {by:?}");
                // Ordered by label, the unset group last.
                let labels: Vec<&str> = got.rows.iter().map(|r| r.label.as_str()).collect();
                let mut sorted = labels.clone();
                sorted.sort_by_key(|l| (*l == NOT_SET, l.to_string()));
                assert_eq!(labels, sorted);
            }
        }
        // Some figures are not all zero: the random workflows reached them.
        let year = reports::report(
            &ctx.at(now),
            &observer,
            &ReportQuery {
                from: Some("2026-01-01".into()),
                to: Some("2026-12-31".into()),
                by: None,
            },
        )
        .await
        .unwrap();
        assert_eq!(year.total.received as usize, all.len());
        assert!(
            year.total.answered > 0 && year.total.returns > 0,
            "{:?}",
            year.total
        );
    }
}

#[tokio::test]
async fn the_api_answers_the_report_to_the_roles_that_may_read_it() {
    let app = TestApp::new().await;
    let observer = app.token(Role::Observer).await;
    let (status, body) = app
        .api(
            "GET",
            "/api/v1/reports?from=2026-03-01&to=2026-03-31&by=department",
            Auth::Token(&observer),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["from"], "2026-03-01");
    assert_eq!(body["by"], "department");
    let rows = body["rows"].as_array().unwrap();
    let received: u64 = rows.iter().map(|r| r["received"].as_u64().unwrap()).sum();
    assert_eq!(received, body["total"]["received"].as_u64().unwrap());
    assert!(received > 0, "the demo messages of March");
    for role in [Role::Coordinator, Role::Admin, Role::Authority] {
        let token = app.token(role).await;
        let (status, _) = app
            .api("GET", "/api/v1/reports", Auth::Token(&token), None)
            .await;
        assert_eq!(status, 200, "{role:?}");
    }
    let executor = app.token(Role::Executor).await;
    let (status, body) = app
        .api("GET", "/api/v1/reports", Auth::Token(&executor), None)
        .await;
    assert_eq!(status, 403);
    assert_eq!(body["error"]["code"], "forbidden");
    for (query, field) in [
        ("from=2026-13-01", "from"),
        ("from=2026-03-10&to=2026-03-01", "to"),
        ("from=2020-01-01&to=2026-03-01", "to"),
        ("by=weekday", "by"),
        ("from=2026-01-01&to=9999-12-31", "to"),
        ("from=0001-01-01", "from"),
        ("to=", "to"),
    ] {
        let (status, body) = app
            .api(
                "GET",
                &format!("/api/v1/reports?{query}"),
                Auth::Token(&observer),
                None,
            )
            .await;
        assert_eq!(status, 422, "{query}: {body}");
        assert_eq!(body["error"]["field"], field, "{query}");
    }
}

/// The file's bytes from `path` as the observer's token reads it, with its content type.
async fn download(app: &TestApp, token: &str, path: &str) -> (String, Vec<u8>) {
    let req = axum::http::Request::builder()
        .uri(path)
        .header("authorization", format!("Bearer {token}"))
        .body(axum::body::Body::empty())
        .unwrap();
    let res = app.send(req).await;
    assert_eq!(res.status(), 200, "{path}");
    let ct = res.headers()["content-type"].to_str().unwrap().to_owned();
    let disposition = res.headers()["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"otklik-report-"),
        "{disposition}"
    );
    use http_body_util::BodyExt;
    let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (ct, bytes)
}

#[tokio::test]
async fn the_xlsx_reads_back_with_numbers_formats_and_formula_like_text_as_text() {
    use calamine::{Data, Reader, Xlsx};
    let app = TestApp::new().await;
    let authority = app.token(Role::Authority).await;
    for (ext, topic, author) in [
        ("x-1", "=HYPERLINK(\"http://evil\")", "@SUM(A1)"),
        ("x-2", "+79001234567", "-2+3"),
        ("x-3", "Дороги", "Житель"),
    ] {
        app.register(
            &authority,
            &serde_json::json!({
                "external_id": ext, "network": "vk", "url": "https://vk.com/wall-1_1",
                "author": author, "text": "Яма на дороге", "topic": topic,
                "detected_at": "2026-03-16T09:30:00+03:00",
            }),
        )
        .await;
    }
    let observer = app.token(Role::Observer).await;
    let query = "from=2026-03-01&to=2026-03-31&by=topic";
    let (_, json) = app
        .api(
            "GET",
            &format!("/api/v1/reports?{query}"),
            Auth::Token(&observer),
            None,
        )
        .await;
    let (ct, bytes) = download(&app, &observer, &format!("/api/v1/reports.xlsx?{query}")).await;
    assert_eq!(
        ct,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), ["Отчёт", "Сообщения"]);
    let sheet = book.worksheet_range("Отчёт").unwrap();
    let title = sheet.get_value((0, 0)).unwrap().to_string();
    assert!(
        title.contains("01.03.2026 — 31.03.2026") && title.contains("по темам"),
        "{title}"
    );
    assert_eq!(sheet.get_value((2, 0)), Some(&Data::String("Тема".into())));
    assert_eq!(
        sheet.get_value((2, 1)),
        Some(&Data::String("Поступило".into()))
    );
    // One row per group in the JSON's order, then the total; counts are numbers.
    let rows = json["rows"].as_array().unwrap();
    for (i, r) in rows.iter().enumerate() {
        let row = 3 + i as u32;
        assert_eq!(
            sheet.get_value((row, 0)),
            Some(&Data::String(r["label"].as_str().unwrap().to_owned())),
            "row {row}"
        );
        assert_eq!(
            sheet.get_value((row, 1)),
            Some(&Data::Float(r["received"].as_f64().unwrap()))
        );
    }
    let total = 3 + rows.len() as u32;
    assert_eq!(
        sheet.get_value((total, 0)),
        Some(&Data::String("Итого".into()))
    );
    assert_eq!(
        sheet.get_value((total, 1)),
        Some(&Data::Float(json["total"]["received"].as_f64().unwrap()))
    );
    // Formula-like text stays text: no cell of either sheet is a formula.
    let labels: Vec<String> = (3..total)
        .filter_map(|r| sheet.get_value((r, 0)).map(|v| v.to_string()))
        .collect();
    assert!(
        labels.contains(&"=HYPERLINK(\"http://evil\")".to_owned()),
        "{labels:?}"
    );
    assert!(labels.contains(&"+79001234567".to_owned()));
    for name in ["Отчёт", "Сообщения"] {
        let formulas = book.worksheet_formula(name).unwrap();
        assert!(
            formulas.cells().all(|(_, _, f)| f.is_empty()),
            "{name} has a formula"
        );
    }
    let messages = book.worksheet_range("Сообщения").unwrap();
    let authors: Vec<String> = (1..messages.height() as u32)
        .filter_map(|r| messages.get_value((r, 3)).map(|v| v.to_string()))
        .collect();
    assert!(authors.contains(&"@SUM(A1)".to_owned()) && authors.contains(&"-2+3".to_owned()));
    // Detection times are dates, not text.
    assert!(matches!(
        messages.get_value((1, 7)),
        Some(Data::DateTime(_))
    ));

    let (ct, csv) = download(&app, &observer, &format!("/api/v1/reports.csv?{query}")).await;
    assert_eq!(ct, "text/csv; charset=utf-8");
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM");
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[1].starts_with("Тема;Поступило;Отвечено;"),
        "{}",
        lines[1]
    );
    assert!(
        text.contains("\"'=HYPERLINK(\"\"http://evil\"\")\";"),
        "{text}"
    );
    assert!(text.contains("\n'+79001234567;"), "{text}");
    assert!(lines.last().unwrap().starts_with("Итого;"));
}

/// The local day of `d`'s final answer, if it was published.
fn final_answer_day(d: &MessageDetailDto, tz: chrono_tz::Tz) -> Option<NaiveDate> {
    d.publications
        .iter()
        .filter(|p| {
            d.drafts
                .iter()
                .any(|x| x.number == p.draft && x.kind == AnswerKind::Final)
        })
        .map(|p| p.published_at.with_timezone(&tz).date_naive())
        .max()
}

#[tokio::test]
async fn the_page_charts_rating_and_own_figures_equal_a_brute_force_count() {
    use app::domain::report::charts::TIME_BUCKETS;
    use app::domain::report::rating::RatingMethod;
    let app = TestApp::new().await;
    let mut rng = Rng(4242);
    let end = random_workflows(&app, &mut rng, 40).await;
    let all = everything(&app).await;
    let ctx = app.ctx().await;
    let now = end + Duration::hours(3);
    let at = ctx.at(now);
    let tz = ctx.tz();
    let today = now.with_timezone(&tz).date_naive();
    let local_day = |d: &MessageDetailDto| d.message.detected_at.with_timezone(&tz).date_naive();
    let from = all.iter().map(local_day).min().unwrap();
    let to = all.iter().map(local_day).max().unwrap();
    let q = ReportQuery {
        from: Some(from.to_string()),
        to: Some(to.to_string()),
        by: Some("department".into()),
    };
    let observer = caller(&app, "observer").await;
    let page = reports::page(&at, &observer, &q).await.unwrap();
    assert_eq!(
        page.report,
        reports::report(&at, &observer, &q).await.unwrap()
    );
    let inside: Vec<&MessageDetailDto> = all
        .iter()
        .filter(|d| (from..=to).contains(&local_day(d)))
        .collect();

    // Answers per day: every final answer on its local day, on time when answer_by was met.
    let mut per_day: BTreeMap<NaiveDate, (u32, u32)> = BTreeMap::new();
    for d in &inside {
        if let Some(day) = final_answer_day(d, tz) {
            let met = count(d, now, &ctx).answered_on_time == 1;
            let day = day.max(from);
            let key = if page.charts.weekly {
                day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
            } else {
                day
            };
            let e = per_day.entry(key).or_default();
            if met {
                e.0 += 1
            } else {
                e.1 += 1
            }
        }
    }
    assert_eq!(page.charts.weekly, (to - from).num_days() >= 62);
    let charted: BTreeMap<NaiveDate, (u32, u32)> = page
        .charts
        .answers
        .iter()
        .filter(|b| b.on_time + b.late > 0)
        .map(|b| (b.day, (b.on_time, b.late)))
        .collect();
    assert!(!per_day.is_empty(), "the random workflows answered some");
    assert_eq!(charted, per_day);
    // Answer times: one count per message with a first publication, in its range.
    let mut buckets = vec![0u32; TIME_BUCKETS.len()];
    for d in &inside {
        if let Some(s) = count(d, now, &ctx).mean_answer_secs {
            buckets[TIME_BUCKETS.iter().position(|(u, _)| s < *u).unwrap()] += 1;
        }
    }
    let got: Vec<u32> = page.charts.times.iter().map(|t| t.count).collect();
    assert_eq!(got, buckets);
    // Share on time per department, as the report's department rows have it.
    let want = expected(&inside, Grouping::Department, now, &ctx);
    for s in &page.charts.shares {
        let row = want.values().find(|r| r.label == s.label).unwrap();
        assert_eq!((s.share, s.answered), (row.share_on_time, row.answered));
    }

    // The rating of the month the period ends in: marks by brute force.
    let method = RatingMethod::default();
    let month = to.with_day0(0).unwrap();
    assert_eq!(page.rating.month, month);
    let rated_month: Vec<&MessageDetailDto> = all
        .iter()
        .filter(|d| {
            local_day(d) >= month && local_day(d) <= today && local_day(d).month() == month.month()
        })
        .collect();
    let mut marks: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for d in &rated_month {
        let c = count(d, now, &ctx);
        let breached = ledger(d)
            .iter()
            .rev()
            .find(|x| x.rule == DeadlineRule::AnswerBy)
            .and_then(|x| x.outcome)
            == Some(Outcome::Breached);
        let m = match c.mean_answer_secs {
            _ if breached => Some(0),
            Some(s) if s <= i64::from(method.full_marks_hours) * 3600 => Some(100),
            Some(_) => Some(50),
            None if c.overdue_now == 1 => Some(0),
            None => None,
        };
        let label = group(d, Grouping::Department).1;
        let e = marks.entry(label).or_default();
        e.extend(m);
    }
    assert!(!marks.is_empty());
    assert_eq!(page.rating.rows.len(), marks.len());
    for r in &page.rating.rows {
        let m = &marks[&r.label];
        assert_eq!(r.rated as usize, m.len(), "{}", r.label);
        assert_eq!(
            r.full_marks as usize,
            m.iter().filter(|&&x| x == 100).count()
        );
        let want = (m.len() >= 2)
            .then(|| (f64::from(m.iter().sum::<u32>()) / m.len() as f64 * 10.0).round() / 10.0);
        assert_eq!(r.score, want, "{}", r.label);
        assert_eq!(r.rank.is_some(), want.is_some());
    }
    let ranks: Vec<u32> = page.rating.rows.iter().filter_map(|r| r.rank).collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]) && ranks.first().is_none_or(|&r| r == 1));
    assert!(page.rating.statement.contains("8 раб. ч"));

    // The admin changes the method: stricter hours, every department ranked.
    let bad = app::service::admin::parse_rating_method("0", "2").unwrap_err();
    assert_eq!(bad.status(), 422);
    assert!(bad.to_string().contains("Полный балл"), "{bad}");
    assert_eq!(
        app::service::admin::parse_rating_method("abc", "1")
            .unwrap_err()
            .status(),
        422
    );
    let strict = app::service::admin::parse_rating_method(" 2 ", "1").unwrap();
    let admin = app.user_id("admin").await;
    app::service::admin::save(
        &app.state.pool,
        app::service::settings::Layer::Region,
        reports::RATING_KEY,
        &strict,
        app::domain::ids::UserId(admin),
        now,
    )
    .await
    .unwrap();
    let page = reports::page(&at, &observer, &q).await.unwrap();
    assert_eq!(page.rating.method, strict);
    assert!(page
        .rating
        .rows
        .iter()
        .all(|r| r.rated == 0 || r.rank.is_some()));
    assert!(page.rating.statement.contains("2 раб. ч"));

    // Executors may not read the report; they read their own figures.
    let executor = caller(&app, "executor").await;
    assert_eq!(
        reports::page(&at, &executor, &q)
            .await
            .unwrap_err()
            .status(),
        403
    );
    let first = today.with_day0(0).unwrap();
    let this_month: Vec<&MessageDetailDto> = all
        .iter()
        .filter(|d| (first..=today).contains(&local_day(d)))
        .collect();
    let per_executor = expected(&this_month, Grouping::Executor, now, &ctx);
    let users = app::service::admin::users_page(
        &at,
        &app::service::admin::Admin {
            id: app::domain::ids::UserId(admin),
            scope: app::domain::administration::Scope::One(app::domain::ids::AdministrationId(1)),
        },
    )
    .await
    .unwrap();
    let mut checked = 0;
    for login in ["executor", "executor2"] {
        let id = app.user_id(login).await;
        let mine = reports::mine(&at, &caller(&app, login).await)
            .await
            .unwrap();
        assert_eq!((mine.from, mine.to), (first, today));
        let mut want = per_executor
            .get(&format!("executor:{id}"))
            .cloned()
            .unwrap_or_else(|| ReportRow {
                breaches: DeadlineRule::ALL
                    .iter()
                    .map(|r| (r.as_str().to_owned(), 0))
                    .collect(),
                ..ReportRow::default()
            });
        want.key = "mine".into();
        want.label = "Мои показатели".into();
        assert_eq!(mine.row, want, "{login}");
        checked += mine.row.received;
        let listed = users.users.iter().find(|u| u.id.0 == id).unwrap();
        assert_eq!(
            listed.on_time_percent,
            want.share_on_time.map(|s| (s * 100.0).round() as u32),
            "{login}"
        );
    }
    assert!(checked > 0, "the executors have messages this month");
}
