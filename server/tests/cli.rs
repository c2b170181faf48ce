//! The `otklik` binary's admin subcommands, run as a user would.

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
    for cmd in ["serve", "migrate", "user", "token", "backup"] {
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
        "pw12\n",
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

    let backup = dir.path().join("backup.db");
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
    assert!(backup.metadata().unwrap().len() > 0);
    // The token is stored hashed, never in clear.
    let db = std::fs::read(dir.path().join("otklik.db")).unwrap();
    let wal = std::fs::read(dir.path().join("otklik.db-wal")).unwrap_or_default();
    let bk = std::fs::read(&backup).unwrap();
    for bytes in [&db, &wal, &bk] {
        assert!(!bytes.windows(token.len()).any(|w| w == token.as_bytes()));
    }
    // Backing up onto an existing file is refused.
    let out = otklik(
        dir.path(),
        &["backup", "--to", backup.to_str().unwrap()],
        "",
    );
    assert!(!out.status.success());
}
