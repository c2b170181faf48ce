//! The live event stream under load: 500 connected SSE clients on loopback, and the time
//! from a committed action (an intake, `commit` returned) to its arrival at each client;
//! plus the process memory per connected client.
//!
//! `cargo bench -p server --bench events` (env `CLIENTS`, `ACTIONS` to change the load).

// A benchmark harness, not product code: a failed setup should stop it loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use app::domain::network::Network;
use app::domain::role::Role;
use app::service::clock::Clock;
use app::service::messages::intake::{intake, NewMessage};
use app::service::messages::Caller;
use chrono::{TimeZone, Utc};
use leptos::config::LeptosOptions;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

type Arrivals = Arc<Mutex<HashMap<i64, Vec<Instant>>>>;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Resident memory of this process in KiB.
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// One SSE client: connects, then records when each journal event id arrives.
async fn client(
    addr: std::net::SocketAddr,
    token: String,
    arrivals: Arrivals,
    ready: Arc<tokio::sync::Barrier>,
) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(
            format!(
                "GET /api/v1/events HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let mut lines = BufReader::with_capacity(1024, stream).lines();
    let mut signalled = false;
    let mut journal = false;
    while let Ok(Some(line)) = lines.next_line().await {
        if line.starts_with("event: ready") && !signalled {
            signalled = true;
            ready.wait().await;
        } else if line.starts_with("event: journal") {
            journal = true;
        } else if journal {
            if let Some(id) = line.strip_prefix("id: ") {
                let at = Instant::now();
                if let Ok(id) = id.trim().parse::<i64>() {
                    arrivals.lock().unwrap().entry(id).or_default().push(at);
                }
                journal = false;
            }
        }
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let clients = env("CLIENTS", 500);
    let actions = env("ACTIONS", 100);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let dir = tempfile::tempdir().unwrap();
        let now = Utc.with_ymd_and_hms(2026, 3, 16, 7, 0, 0).unwrap();
        let options = LeptosOptions::builder()
            .output_name("otklik")
            .site_root("target/site")
            .build();
        let state = server::open_state(dir.path(), options, Clock::fixed(now))
            .await
            .unwrap();
        app::service::demo::seed(&state.pool, now).await.unwrap();
        let token = app::service::auth::issue_token(&state.pool, "bench", Role::Observer, Some(app::domain::ids::AdministrationId(1)), None, now)
            .await
            .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router = server::router(state.clone());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });

        let before = rss_kib();
        let arrivals: Arrivals = Arc::default();
        let ready = Arc::new(tokio::sync::Barrier::new(clients + 1));
        for _ in 0..clients {
            tokio::spawn(client(addr, token.clone(), arrivals.clone(), ready.clone()));
        }
        ready.wait().await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let connected = rss_kib();
        assert_eq!(state.events.subscribers(), clients);

        let ctx = app::service::ctx::Ctx::of(&state).await.unwrap();
        let caller = Caller::token("bench", Role::Authority, None);
        let mut per_delivery = Vec::new();
        let mut to_all = Vec::new();
        let mut missing = 0usize;
        for i in 0..actions {
            let msg = NewMessage {
                administration: None,
                external_id: format!("bench-{i}"),
                network: Network::Vk,
                url: format!("https://vk.com/wall-1_{i}"),
                author: "Нагрузочный тест".into(),
                author_url: None,
                text: "Сообщение для замера задержки".into(),
                topic: None,
                detected_at: now,
            };
            intake(&ctx.at(now), msg, &caller).await.unwrap();
            let committed = Instant::now();
            let id = app::service::events::last_journal_id(&state.pool).await.unwrap();
            // Wait until every client has it (or 5 s).
            let deadline = committed + Duration::from_secs(5);
            loop {
                let n = arrivals.lock().unwrap().get(&id).map_or(0, Vec::len);
                if n >= clients || Instant::now() > deadline {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            let got = arrivals.lock().unwrap().remove(&id).unwrap_or_default();
            missing += clients - got.len().min(clients);
            let ms: Vec<f64> = got
                .iter()
                .map(|t| t.saturating_duration_since(committed).as_secs_f64() * 1000.0)
                .collect();
            if let Some(max) = ms.iter().cloned().reduce(f64::max) {
                to_all.push(max);
            }
            per_delivery.extend(ms);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        per_delivery.sort_by(f64::total_cmp);
        to_all.sort_by(f64::total_cmp);
        println!("events: {clients} SSE clients on loopback, {actions} actions (intake), 2 worker threads");
        println!(
            "  commit → arrival at a client: median {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} deliveries, {} missing)",
            percentile(&per_delivery, 0.5),
            percentile(&per_delivery, 0.99),
            per_delivery.last().copied().unwrap_or(f64::NAN),
            per_delivery.len(),
            missing
        );
        println!(
            "  commit → arrival at every client: median {:.1} ms, p99 {:.1} ms",
            percentile(&to_all, 0.5),
            percentile(&to_all, 0.99)
        );
        println!(
            "  memory: {} KiB before, {} KiB with {clients} clients connected: {:.1} KiB per connection (server and the in-process client together)",
            before,
            connected,
            (connected.saturating_sub(before)) as f64 / clients as f64
        );
        assert_eq!(missing, 0, "some clients missed events");
        drop(dir);
    });
}
