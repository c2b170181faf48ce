//! Server-side time of the dashboard's SSR response (`GET /` for the coordinator, the
//! whole HTML with 1,000 active messages and their countdowns), and of the API list.
//!
//! `cargo bench -p server --bench dashboard`

// A benchmark harness, not product code: a failed setup should stop it loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use app::service::clock::Clock;
use axum::body::Body;
use axum::http::{header, Request};
use chrono::{TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use http_body_util::BodyExt;
use leptos::config::LeptosOptions;
use tower::ServiceExt;

fn dashboard(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    // Monday 16.03.2026 10:00 Moscow: working time, countdowns running.
    let now = Utc.with_ymd_and_hms(2026, 3, 16, 7, 0, 0).unwrap();
    let (router, cookie) = rt.block_on(async {
        let options = LeptosOptions::builder()
            .output_name("otklik")
            .site_root("target/site")
            .build();
        let state = server::open_state(dir.path(), options, Clock::fixed(now))
            .await
            .unwrap();
        app::service::demo::seed(&state.pool, now).await.unwrap();
        app::service::demo::seed_bulk(&state.pool, 1000, now)
            .await
            .unwrap();
        let router = server::router(state);
        let res = router
            .clone()
            .oneshot(
                Request::post("/serverfn/login")
                    .header("sec-fetch-site", "same-origin")
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from("login=coordinator&password=demo"))
                    .unwrap(),
            )
            .await
            .unwrap();
        let cookie = res
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("otklik_session="))
            .and_then(|v| v.split(';').next())
            .unwrap()
            .to_owned();
        (router, cookie)
    });
    let get = |path: &'static str| {
        let (router, cookie) = (router.clone(), cookie.clone());
        async move {
            let res = router
                .oneshot(
                    Request::get(path)
                        .header(header::COOKIE, cookie)
                        .body(Body::empty())
                        .unwrap(),
                )
                .await
                .unwrap();
            assert!(res.status().is_success());
            res.into_body().collect().await.unwrap().to_bytes().len()
        }
    };
    let html = rt.block_on(get("/"));
    let rows = rt.block_on(get("/api/v1/messages?active=true"));
    eprintln!("dashboard HTML: {html} bytes; API list: {rows} bytes");
    let mut group = c.benchmark_group("dashboard_1000_active");
    group.sample_size(20);
    group.bench_function("ssr_get_root", |b| b.iter(|| rt.block_on(get("/"))));
    group.bench_function("api_list_active", |b| {
        b.iter(|| rt.block_on(get("/api/v1/messages?active=true")))
    });
    group.finish();
}

criterion_group!(benches, dashboard);
criterion_main!(benches);
