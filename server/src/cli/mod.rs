//! The `otklik` command line. Every flag also reads an `OTKLIK_*` environment variable.

/// `otklik user add`, `otklik token add`, `otklik migrate`, `otklik backup`, `otklik restore`.
pub mod admin;
/// `otklik due`, `otklik calendar`.
pub mod calendar;
/// `otklik network`.
pub mod network;
/// `otklik serve`.
pub mod serve;

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Otklik: answering social-network messages within the legal working-time deadlines.
#[derive(Debug, Parser)]
#[command(name = "otklik", version, about, long_about = None)]
pub struct Cli {
    /// Data directory: the SQLite file `otklik.db` and uploaded files under `files/`.
    #[arg(long, global = true, env = "OTKLIK_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// The database: `sqlite://FILE` or `postgres://USER@HOST/DB` (a region's deployment).
    /// Without it, the SQLite file `otklik.db` in --data-dir.
    #[arg(long, global = true, env = "OTKLIK_DATABASE_URL", hide_env_values = true, value_parser = parse_database_url)]
    pub database_url: Option<String>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run pending migrations and serve the web app and the /api/v1 integration API.
    Serve(ServeArgs),
    /// Run pending database migrations and exit.
    Migrate,
    /// Manage users.
    User {
        /// What to do with users.
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage the administrations of a regional deployment.
    Administration {
        /// What to do with administrations.
        #[command(subcommand)]
        command: AdministrationCommand,
    },
    /// Connect the social networks answers are published to through their APIs (VK,
    /// Telegram, MAX).
    Network {
        /// What to do with network connections.
        #[command(subcommand)]
        command: NetworkCommand,
    },
    /// Manage API tokens for the regional systems and scripts.
    Token {
        /// What to do with tokens.
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Back up the database and the uploaded files into a new directory, with a manifest
    /// of sizes and SHA-256 hashes (safe while the server runs).
    Backup(BackupArgs),
    /// Restore a backup into an empty data directory (--data-dir), verifying every hash.
    Restore(RestoreArgs),
    /// Print when a deadline falls: FROM plus a working duration, in the deployment's offset.
    Due(DueArgs),
    /// Print a year's non-working, shortened and working-weekend days and its totals.
    Calendar(CalendarArgs),
    /// Copy this SQLite deployment (users, messages, journal, deadlines, settings, calendar,
    /// tokens, alerts) into an empty PostgreSQL database, checking every table's count.
    Transfer(TransferArgs),
}

impl Cli {
    /// Where the deployment's data is, with SQLite's durability.
    pub fn target(&self, synchronous: app::service::db::Synchronous) -> app::service::db::Target {
        app::service::db::Target {
            data_dir: self.data_dir.clone(),
            url: self.database_url.clone(),
            synchronous,
        }
    }
}

fn parse_database_url(s: &str) -> Result<String, String> {
    let s = s.trim();
    if s.starts_with("sqlite:") || s.starts_with("postgres://") || s.starts_with("postgresql://") {
        Ok(s.to_owned())
    } else {
        Err("expected sqlite://FILE or postgres://USER@HOST/DB".into())
    }
}

/// `otklik transfer` flags.
#[derive(Debug, Args)]
pub struct TransferArgs {
    /// The empty PostgreSQL database to copy into: postgres://USER@HOST/DB.
    #[arg(long, env = "OTKLIK_TRANSFER_TO", hide_env_values = true, value_parser = parse_database_url)]
    pub to: String,
}

/// `otklik due` flags.
#[derive(Debug, Args)]
pub struct DueArgs {
    /// The start instant, RFC 3339 (e.g. 2026-03-16T10:00:00+03:00).
    #[arg(long, env = "OTKLIK_FROM")]
    pub from: chrono::DateTime<chrono::FixedOffset>,
    /// Working time to add: <N>h, <N>m, or <N>wd (the end of the N-th working day after the day of --from).
    #[arg(long, env = "OTKLIK_AFTER", value_parser = calendar::parse_after)]
    pub after: calendar::After,
}

/// `otklik calendar` flags.
#[derive(Debug, Args)]
pub struct CalendarArgs {
    /// The year, e.g. 2026.
    #[arg(long, env = "OTKLIK_YEAR")]
    pub year: i32,
}

/// `otklik serve` flags.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "OTKLIK_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: std::net::SocketAddr,
    /// Seed demo users of every role (password `demo`) and demo messages into an empty database.
    #[arg(long, env = "OTKLIK_DEMO")]
    pub demo: bool,
    /// Run the clock as if it were this instant at start-up, then in real time (RFC 3339;
    /// for demos and browser tests that need working hours on any day).
    #[arg(long, env = "OTKLIK_CLOCK_START")]
    pub clock_start: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// With `--demo`: add this many more active messages (load tests, benchmarks).
    #[arg(long, env = "OTKLIK_DEMO_BULK", default_value_t = 0, requires = "demo")]
    pub demo_bulk: usize,
    /// With `--demo`: this many administrations in all (the demo one and `r02`, `r03`, …,
    /// each with a coordinator and four executors; benchmarks of a region).
    #[arg(
        long,
        env = "OTKLIK_DEMO_ADMINISTRATIONS",
        default_value_t = 1,
        requires = "demo"
    )]
    pub demo_administrations: usize,
    /// SQLite's `synchronous`: `full` (default: no acknowledged write is lost on power
    /// loss) or `normal` (faster; in WAL mode a power loss can drop the last commits).
    #[arg(long, env = "OTKLIK_SQLITE_SYNCHRONOUS", default_value = "full", value_parser = parse_synchronous)]
    pub sqlite_synchronous: app::service::db::Synchronous,
}

fn parse_synchronous(s: &str) -> Result<app::service::db::Synchronous, String> {
    app::service::db::Synchronous::parse(s)
        .ok_or_else(|| format!("expected full or normal, got {s:?}"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a failed parse should panic
mod tests {
    use super::*;
    use app::service::db::Synchronous;

    fn synchronous(args: &[&str]) -> Synchronous {
        match Cli::try_parse_from(args).unwrap().command {
            Command::Serve(serve) => serve.sqlite_synchronous,
            other => panic!("not serve: {other:?}"),
        }
    }

    #[test]
    fn serve_uses_full_unless_told_normal() {
        assert_eq!(synchronous(&["otklik", "serve"]), Synchronous::Full);
        assert_eq!(
            synchronous(&["otklik", "serve", "--sqlite-synchronous", "normal"]),
            Synchronous::Normal
        );
        assert!(Cli::try_parse_from(["otklik", "serve", "--sqlite-synchronous", "off"]).is_err());
    }

    #[test]
    fn every_subcommand_takes_a_database_url() {
        for args in [
            &["serve"][..],
            &["migrate"],
            &[
                "user", "add", "--login", "a", "--name", "A", "--role", "admin",
            ],
            &["token", "add", "--name", "t", "--role", "authority"],
            &["backup", "--to", "b"],
            &[
                "due",
                "--from",
                "2026-03-16T10:00:00+03:00",
                "--after",
                "5h",
            ],
        ] {
            let mut argv = vec!["otklik", "--database-url", "postgres://u@h/db"];
            argv.extend_from_slice(args);
            let cli = Cli::try_parse_from(&argv).unwrap();
            assert_eq!(
                cli.database_url.as_deref(),
                Some("postgres://u@h/db"),
                "{args:?}"
            );
            // After the subcommand too.
            let mut argv = vec!["otklik"];
            argv.extend_from_slice(args);
            argv.extend_from_slice(&["--database-url", "sqlite://x.db"]);
            let cli = Cli::try_parse_from(&argv).unwrap();
            assert_eq!(
                cli.target(Synchronous::Full).url.as_deref(),
                Some("sqlite://x.db")
            );
        }
        assert!(
            Cli::try_parse_from(["otklik", "--database-url", "mysql://h/db", "migrate"]).is_err()
        );
        let cli = Cli::try_parse_from(["otklik", "migrate"]).unwrap();
        assert_eq!(cli.target(Synchronous::Full).url, None);
    }
}

/// `otklik user` subcommands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user. The password is read from stdin, or generated and printed once if stdin is empty.
    Add(UserAddArgs),
}

/// `otklik user add` flags.
#[derive(Debug, Args)]
pub struct UserAddArgs {
    /// Login name.
    #[arg(long, env = "OTKLIK_LOGIN")]
    pub login: String,
    /// Full name, e.g. "Иванов Иван Иванович".
    #[arg(long, env = "OTKLIK_NAME")]
    pub name: String,
    /// Role: admin, coordinator, executor, authority, observer or regional_observer.
    #[arg(long, env = "OTKLIK_ROLE")]
    pub role: app::domain::role::Role,
    /// Department (created if missing).
    #[arg(long, env = "OTKLIK_DEPARTMENT")]
    pub department: Option<String>,
    /// The administration's code (`otklik administration list`). Required for the roles
    /// of an administration when there are several; the regional roles (authority,
    /// regional_observer) take none, and an admin without one is the region's admin.
    #[arg(long, env = "OTKLIK_ADMINISTRATION")]
    pub administration: Option<String>,
}

/// `otklik token` subcommands.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Issue a token; it is printed once, alone on the last line, and stored hashed.
    Add(TokenAddArgs),
}

/// `otklik token add` flags.
#[derive(Debug, Args)]
pub struct TokenAddArgs {
    /// A name for the token (who uses it).
    #[arg(long, env = "OTKLIK_TOKEN_NAME")]
    pub name: String,
    /// The token's role (`authority` for the regional systems).
    #[arg(long, env = "OTKLIK_TOKEN_ROLE")]
    pub role: app::domain::role::Role,
    /// The administration's code, as for `user add`.
    #[arg(long, env = "OTKLIK_ADMINISTRATION")]
    pub administration: Option<String>,
}

/// `otklik administration` subcommands.
#[derive(Debug, Subcommand)]
pub enum AdministrationCommand {
    /// Add an administration.
    Add(AdministrationAddArgs),
    /// List the administrations: code and name.
    List,
}

/// `otklik administration add` flags.
#[derive(Debug, Args)]
pub struct AdministrationAddArgs {
    /// Short code: 2–32 lowercase latin letters, digits or hyphens (e.g. luga).
    #[arg(long)]
    pub code: String,
    /// Name, e.g. "Лужский муниципальный район".
    #[arg(long)]
    pub name: String,
}

/// `otklik network` subcommands.
#[derive(Debug, Subcommand)]
pub enum NetworkCommand {
    /// Connect a network: `vk --token … --group-id …`, `telegram --token …
    /// [--chat-map CHANNEL=DISCUSSION_CHAT_ID]`, `max --token …` (replaces an earlier
    /// connection of the same network).
    Connect(NetworkConnectArgs),
    /// List the connected networks (tokens only as their last four characters).
    List(NetworkAdministrationArg),
    /// Disconnect a network: vk, telegram or max.
    Disconnect(NetworkNameArgs),
    /// Check a connection with a harmless call (groups.getById, getMe, /me).
    Check(NetworkNameArgs),
}

/// The administration a network command is about.
#[derive(Debug, Args)]
pub struct NetworkAdministrationArg {
    /// The administration's code; may be left out when there is one.
    #[arg(long, env = "OTKLIK_ADMINISTRATION")]
    pub administration: Option<String>,
}

/// `otklik network connect` arguments.
#[derive(Debug, Args)]
pub struct NetworkConnectArgs {
    /// The network: vk, telegram or max.
    pub network: app::domain::network::Network,
    /// The community's (VK) or bot's (Telegram, MAX) access token.
    #[arg(long, env = "OTKLIK_NETWORK_TOKEN", hide_env_values = true)]
    pub token: String,
    /// VK: the community id answers are published from.
    #[arg(long)]
    pub group_id: Option<String>,
    /// Telegram: a channel (username or -100… id) and the chat id of its discussion
    /// group, `CHANNEL=DISCUSSION_CHAT_ID`; repeat for several channels.
    #[arg(long)]
    pub chat_map: Vec<String>,
    /// The administration.
    #[command(flatten)]
    pub administration: NetworkAdministrationArg,
}

/// `otklik network disconnect|check` arguments.
#[derive(Debug, Args)]
pub struct NetworkNameArgs {
    /// The network: vk, telegram or max.
    pub network: app::domain::network::Network,
    /// The administration.
    #[command(flatten)]
    pub administration: NetworkAdministrationArg,
}

/// `otklik backup` flags.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The backup directory to write (new, or empty).
    #[arg(long, env = "OTKLIK_BACKUP_TO")]
    pub to: PathBuf,
}

/// `otklik restore` flags.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup directory (written by `otklik backup`).
    #[arg(long, env = "OTKLIK_RESTORE_FROM")]
    pub from: PathBuf,
}
