//! Two `otklik serve` processes on one PostgreSQL database (issue 17), as a region runs
//! them behind a balancer: a sign-in through one holds on the other, an intake through one
//! reaches the other's event stream, one of them leads the background work, and when the
//! leader is killed the other takes over. Needs `OTKLIK_TEST_DATABASE_URL`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Instance {
    child: Child,
    addr: SocketAddr,
    log: std::path::PathBuf,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_addr() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

fn otklik(url: &str, dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_otklik"));
    cmd.args(["--database-url", url, "--data-dir"])
        .arg(dir)
        .args(args)
        .env("OTKLIK_LOG", "info,sqlx=warn");
    cmd
}

fn start(url: &str, dir: &Path, name: &str, demo: bool) -> Instance {
    let addr = free_addr();
    let log = dir.join(format!("{name}.log"));
    let mut args = vec![
        "serve".to_owned(),
        "--addr".into(),
        addr.to_string(),
        "--clock-start".into(),
        "2026-03-16T10:00:00+03:00".into(),
    ];
    if demo {
        args.push("--demo".into());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let file = std::fs::File::create(&log).unwrap();
    let child = otklik(url, dir, &args)
        .stdout(Stdio::null())
        .stderr(file)
        .spawn()
        .unwrap();
    let instance = Instance { child, addr, log };
    let deadline = Instant::now() + Duration::from_secs(60);
    while http(addr, "GET /login HTTP/1.1\r\n", "").is_err() {
        assert!(
            Instant::now() < deadline,
            "{name} did not start: {}",
            instance.log_text()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    instance
}

impl Instance {
    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn leads(&self) -> bool {
        self.log_text().contains("leader: this instance runs")
    }
}

/// One HTTP/1.1 request (`head` is the request line and headers, without the blank
/// line); the whole response as text.
fn http(addr: SocketAddr, head: &str, body: &str) -> std::io::Result<String> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        s,
        "{head}Host: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    let mut out = String::new();
    s.read_to_string(&mut out)?;
    Ok(out)
}

fn status(response: &str) -> u16 {
    response[9..12].parse().unwrap()
}

#[test]
fn two_serve_processes_share_sessions_events_and_one_leader() {
    if !common::on_postgres() {
        eprintln!("two instances: needs OTKLIK_TEST_DATABASE_URL (PostgreSQL), skipped");
        return;
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let url = rt.block_on(common::pg_database()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let a = start(&url, dir.path(), "a", true);
    let b = start(&url, dir.path(), "b", false);

    // The token is issued by the command line, on the same database.
    let out = otklik(
        &url,
        dir.path(),
        &["token", "add", "--name", "ЦУР", "--role", "authority"],
    )
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .last()
        .unwrap()
        .to_owned();

    // Signed in through A, still signed in through B.
    let form = "login=coordinator&password=demo";
    let res = http(
        a.addr,
        &format!(
            "POST /serverfn/login HTTP/1.1\r\nOrigin: http://{}\r\nContent-Type: application/x-www-form-urlencoded\r\n",
            a.addr
        ),
        form,
    )
    .unwrap();
    let cookie = res
        .lines()
        .find_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or_else(|| l.strip_prefix("Set-Cookie: "))
        })
        .and_then(|c| c.split(';').next())
        .unwrap_or_else(|| panic!("no session cookie: {res}"))
        .to_owned();
    let page = http(
        b.addr,
        &format!("GET / HTTP/1.1\r\nCookie: {cookie}\r\n"),
        "",
    )
    .unwrap();
    assert_eq!(status(&page), 200, "{}", &page[..page.len().min(400)]);
    let anonymous = http(b.addr, "GET / HTTP/1.1\r\n", "").unwrap();
    assert_ne!(
        status(&anonymous),
        200,
        "a page without a session is not served"
    );

    // B's event stream sees an intake through A.
    let mut stream = TcpStream::connect(b.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET /api/v1/events HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n",
        b.addr
    )
    .unwrap();
    let mut seen = String::new();
    let mut buf = [0u8; 4096];
    while !seen.contains("ready") {
        let n = stream.read(&mut buf).unwrap();
        assert!(n > 0, "stream closed: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    let body = serde_json::json!({
        "external_id": "two-instances-1",
        "network": "vk",
        "url": "https://vk.com/wall-1_5",
        "author": "Житель",
        "text": "Не вывозят мусор",
        "detected_at": "2026-03-16T10:00:00+03:00",
    })
    .to_string();
    let created = http(
        a.addr,
        &format!("POST /api/v1/messages HTTP/1.1\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\n"),
        &body,
    )
    .unwrap();
    assert_eq!(status(&created), 201, "{created}");
    let json = &created[created.find("\r\n\r\n").unwrap() + 4..];
    let json = &json[json.find('{').unwrap()..=json.rfind('}').unwrap()];
    let id = serde_json::from_str::<serde_json::Value>(json).unwrap()["id"]
        .as_i64()
        .unwrap();
    let wanted = format!("\"message_id\":{id}");
    while !seen.contains(&wanted) {
        let n = stream
            .read(&mut buf)
            .expect("the event reached the other instance");
        assert!(n > 0, "stream closed: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }

    // Exactly one leads the background work (A started first and took the lock).
    let deadline = Instant::now() + Duration::from_secs(30);
    while !a.leads() {
        assert!(Instant::now() < deadline, "nobody leads: {}", a.log_text());
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(!b.leads(), "{}", b.log_text());

    // A dies without a goodbye; B takes over within a minute.
    drop(a);
    let deadline = Instant::now() + Duration::from_secs(60);
    while !b.leads() {
        assert!(Instant::now() < deadline, "no takeover: {}", b.log_text());
        std::thread::sleep(Duration::from_millis(500));
    }
}
