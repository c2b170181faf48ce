//! The `otklik` binary's admin subcommands, run as a user would.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

use std::io::Write;
use std::process::{Command, Stdio};

fn otklik(dir: &std::path::Path, args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_otklik"))
        .args(args)
        .env("OTKLIK_DATA_DIR", dir)
        .env("OTKLIK_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn help_lists_the_subcommands_in_english() {
    let dir = tempfile::tempdir().unwrap();
    let out = otklik(dir.path(), &["--help"], "");
    assert!(out.status.success());
    let text = stdout(&out);
    for cmd in ["serve", "migrate", "user", "token", "backup", "restore"] {
        assert!(text.contains(cmd), "{cmd} missing in {text}");
    }
}

#[test]
fn migrate_user_add_token_add_and_backup() {
    let dir = tempfile::tempdir().unwrap();
    let out = otklik(dir.path(), &["migrate"], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("otklik.db").exists());

    // Password from stdin: not printed.
    let out = otklik(
        dir.path(),
        &[
            "user",
            "add",
            "--login",
            "petrov",
            "--name",
            "Петров Пётр",
            "--role",
            "executor",
            "--department",
            "Отдел ЖКХ",
        ],
        "s3cret-pass\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!stdout(&out).contains("s3cret-pass"));

    // A typed password the app would refuse is taken from the operator, with a warning.
    let out = otklik(
        dir.path(),
        &[
            "user",
            "add",
            "--login",
            "kratkov",
            "--name",
            "Кратков",
            "--role",
            "observer",
        ],
        "demo-luga\n",
    );
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("не меньше 10 символов"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // No stdin: a generated password printed once.
    let out = otklik(
        dir.path(),
        &[
            "user",
            "add",
            "--login",
            "sidorov",
            "--name",
            "Сидоров",
            "--role",
            "observer",
        ],
        "",
    );
    assert!(out.status.success());
    let generated = stdout(&out).lines().last().unwrap().to_owned();
    assert_eq!(generated.len(), 16);

    // A taken login is refused with a message and a failing exit code.
    let out = otklik(
        dir.path(),
        &[
            "user", "add", "--login", "petrov", "--name", "X", "--role", "executor",
        ],
        "pw-12-long-enough\n",
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("уже существует"));

    // An unknown role is refused by the argument parser.
    let out = otklik(
        dir.path(),
        &[
            "user", "add", "--login", "x1", "--name", "X", "--role", "root",
        ],
        "pw12\n",
    );
    assert!(!out.status.success());

    let out = otklik(
        dir.path(),
        &["token", "add", "--name", "ЦУР ЛО", "--role", "authority"],
        "",
    );
    assert!(out.status.success());
    let token = stdout(&out).lines().last().unwrap().to_owned();
    assert!(token.starts_with("otk_") && token.len() > 30, "{token}");

    let backup = dir.path().join("backup");
    let out = otklik(
        dir.path(),
        &["backup", "--to", backup.to_str().unwrap()],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(backup.join("otklik.db").metadata().unwrap().len() > 0);
    assert!(backup.join("manifest.json").exists());
    // The token is stored hashed, never in clear.
    let db = std::fs::read(dir.path().join("otklik.db")).unwrap();
    let wal = std::fs::read(dir.path().join("otklik.db-wal")).unwrap_or_default();
    let bk = std::fs::read(backup.join("otklik.db")).unwrap();
    for bytes in [&db, &wal, &bk] {
        assert!(!bytes.windows(token.len()).any(|w| w == token.as_bytes()));
    }
    // Backing up into a directory that is not empty is refused.
    let out = otklik(
        dir.path(),
        &["backup", "--to", backup.to_str().unwrap()],
        "",
    );
    assert!(!out.status.success());
    // The backup restores into a new data directory, where the user exists.
    let restored = dir.path().join("restored");
    let out = otklik(
        &restored,
        &["restore", "--from", backup.to_str().unwrap()],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout(&out).contains("integrity ok"), "{}", stdout(&out));
    let out = otklik(&restored, &["migrate"], "");
    assert!(out.status.success());
}

#[test]
fn due_answers_with_the_deployment_offset_and_calendar_prints_totals() {
    let dir = tempfile::tempdir().unwrap();
    let due = |from: &str, after: &str| {
        let out = otklik(dir.path(), &["due", "--from", from, "--after", after], "");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout(&out).trim().to_owned()
    };
    // SPEC's worked example (no database: the built-in calendar).
    assert_eq!(
        due("2026-03-16T10:00:00+03:00", "5h"),
        "2026-03-16T15:48:00+03:00"
    );
    assert_eq!(
        due("2026-03-16T07:00:00Z", "9h"),
        "2026-03-17T10:48:00+03:00"
    );
    assert_eq!(
        due("2026-03-16T10:00:00+03:00", "30m"),
        "2026-03-16T10:30:00+03:00"
    );
    // §10: the end of the 7th working day after Monday 16.03.2026 is Wednesday 25.03 18:00.
    assert_eq!(
        due("2026-03-16T10:00:00+03:00", "7wd"),
        "2026-03-25T18:00:00+03:00"
    );
    // Over the New-Year block of 2026.
    assert_eq!(
        due("2025-12-30T17:00:00+03:00", "9h"),
        "2026-01-12T17:48:00+03:00"
    );
    assert!(
        !dir.path().join("otklik.db").exists(),
        "due must not create a database"
    );
    let bad = otklik(
        dir.path(),
        &["due", "--from", "2026-03-16 10:00", "--after", "5h"],
        "",
    );
    assert!(!bad.status.success());

    let out = otklik(dir.path(), &["calendar", "--year", "2027"], "");
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.contains("working days: 247"), "{text}");
    assert!(
        text.contains("working hours (40-hour week norm): 1972"),
        "{text}"
    );
    assert!(
        text.contains("20.02.2027"),
        "the shortened working Saturday is listed: {text}"
    );
}

#[test]
fn due_uses_the_deployment_calendar_when_a_database_exists() {
    let dir = tempfile::tempdir().unwrap();
    assert!(otklik(dir.path(), &["migrate"], "").status.success());
    // An admin marks Tuesday 17.03.2026 non-working for this deployment.
    let db = dir.path().join("otklik.db");
    let status = Command::new("python3")
        .args([
            "-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"INSERT INTO calendar_overrides (date, mark, updated_at) VALUES ('2026-03-17','non_working','2026-03-01T00:00:00+00:00')\"); c.commit()",
            db.to_str().unwrap(),
        ])
        .status()
        .unwrap();
    assert!(status.success());
    let out = otklik(
        dir.path(),
        &[
            "due",
            "--from",
            "2026-03-16T10:00:00+03:00",
            "--after",
            "9h",
        ],
        "",
    );
    assert_eq!(stdout(&out).trim(), "2026-03-18T10:48:00+03:00");
}

#[test]
fn administrations_are_added_listed_and_joined_by_users_and_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| otklik(dir.path(), args, "");
    let err = |o: &std::process::Output| String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(run(&["migrate"]).status.success());
    let out = run(&["administration", "list"]);
    assert_eq!(stdout(&out), "main\tАдминистрация\n");

    let out = run(&[
        "administration",
        "add",
        "--code",
        "luga",
        "--name",
        "Лужский муниципальный район",
    ]);
    assert!(out.status.success(), "{}", err(&out));
    assert!(stdout(&out).contains("luga"));
    let out = run(&["administration", "add", "--code", "Луга", "--name", "X"]);
    assert!(!out.status.success());
    assert!(err(&out).contains("латинских"), "{}", err(&out));
    let out = run(&[
        "administration",
        "add",
        "--code",
        "luga",
        "--name",
        "Другая",
    ]);
    assert!(!out.status.success());
    assert!(err(&out).contains("уже есть"), "{}", err(&out));
    let out = run(&["administration", "list"]);
    assert_eq!(
        stdout(&out),
        "main\tАдминистрация\nluga\tЛужский муниципальный район\n"
    );

    // With two, a coordinator needs one; a regional role takes none.
    let user = |role: &str, administration: Option<&str>| {
        let login = format!("u-{role}-{}", administration.unwrap_or("region"));
        let mut args = vec![
            "user", "add", "--login", &login, "--name", "Тест", "--role", role,
        ];
        if let Some(a) = administration {
            args.extend(["--administration", a]);
        }
        otklik(dir.path(), &args, "password-1234\n")
    };
    let out = user("coordinator", None);
    assert!(!out.status.success());
    assert!(err(&out).contains("main, luga"), "{}", err(&out));
    assert!(user("coordinator", Some("luga")).status.success());
    let out = user("regional_observer", Some("luga"));
    assert!(!out.status.success());
    assert!(err(&out).contains("региональная"), "{}", err(&out));
    assert!(user("regional_observer", None).status.success());
    let token = |role: &str, administration: Option<&str>| {
        let mut args = vec!["token", "add", "--name", "t", "--role", role];
        if let Some(a) = administration {
            args.extend(["--administration", a]);
        }
        run(&args)
    };
    assert!(!token("executor", None).status.success());
    assert!(token("executor", Some("luga")).status.success());
    assert!(token("authority", None).status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn networks_are_connected_listed_checked_and_disconnected() {
    use wiremock::matchers::path;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let fake = MockServer::start().await;
    Mock::given(path("/method/groups.getById"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "response": { "groups": [{ "id": 77, "name": "Лужский район" }] }
        })))
        .mount(&fake)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let vk_url = format!("{}/method/", fake.uri());
    let run = move |args: &'static [&'static str]| {
        let dir = dir.path().to_owned();
        let vk_url = vk_url.clone();
        async move {
            tokio::task::spawn_blocking(move || {
                Command::new(env!("CARGO_BIN_EXE_otklik"))
                    .args(args)
                    .env("OTKLIK_DATA_DIR", &dir)
                    .env("OTKLIK_LOG", "debug")
                    .env("OTKLIK_VK_API_URL", vk_url)
                    .output()
                    .unwrap()
            })
            .await
            .unwrap()
        }
    };
    const TOKEN: &str = "vk1.a.cli-secret-token-9fK2";
    let out = run(&[
        "network",
        "connect",
        "vk",
        "--token",
        TOKEN,
        "--group-id",
        "club77",
    ])
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout(&out), "vk connected\n");
    let out = run(&[
        "network",
        "connect",
        "telegram",
        "--token",
        "7000:tg-secret-token-AbCd",
        "--chat-map",
        "luga_news=-1001",
        "--chat-map",
        "@luga_sport=-1002",
    ])
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&[
        "network",
        "connect",
        "max",
        "--token",
        "max-secret-token-QwEr",
    ])
    .await;
    assert!(out.status.success());
    let out = run(&["network", "list"]).await;
    assert_eq!(
        stdout(&out),
        "max\ttoken задан, …QwEr\n\
         telegram\ttoken задан, …AbCd\tluga_news=-1001\tluga_sport=-1002\n\
         vk\ttoken задан, …9fK2\tgroup 77\n"
    );
    let out = run(&["network", "check", "vk"]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout(&out),
        "Подключено: сообщество «Лужский район» (id 77)\n"
    );
    let all = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    assert!(
        !all.contains("cli-secret"),
        "the token in the output: {all}"
    );
    let sent = fake.received_requests().await.unwrap();
    assert_eq!(sent.len(), 1);

    // Refusals, in Russian where they come from the rules.
    let out = run(&["network", "connect", "ok", "--token", "x-token-value"]).await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("нет открытого API"));
    let out = run(&["network", "connect", "vk", "--token", "x-token-value"]).await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("идентификатор сообщества"));
    let out = run(&["network", "disconnect", "telegram"]).await;
    assert_eq!(stdout(&out), "telegram disconnected\n");
    let out = run(&["network", "disconnect", "telegram"]).await;
    assert!(!out.status.success());
    let out = run(&["network", "list"]).await;
    assert_eq!(stdout(&out).lines().count(), 2);
}
