//! Administrative subcommands: migrate, user add, token add, backup, restore.

use crate::cli::{BackupArgs, RestoreArgs, TokenAddArgs, UserAddArgs};
use app::service::auth::{issue_token, random_secret};
use app::service::clock::Clock;
use app::service::users::{self, NewUser};
use std::io::Read;
use std::path::Path;

/// A failed command, printed to stderr by `main`.
pub type CliResult = Result<(), Box<dyn std::error::Error>>;

/// `otklik migrate`.
pub async fn migrate(data_dir: &Path) -> CliResult {
    let pool = app::service::db::open(data_dir).await?;
    let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(&pool)
        .await?;
    println!(
        "database {} is up to date ({applied} migrations applied)",
        app::service::db::database_path(data_dir).display()
    );
    Ok(())
}

/// `otklik user add`.
pub async fn user_add(data_dir: &Path, args: UserAddArgs) -> CliResult {
    let pool = app::service::db::open(data_dir).await?;
    let mut stdin = String::new();
    // An interactive terminal or an empty pipe means: generate a password.
    if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        std::io::stdin().read_to_string(&mut stdin)?;
    }
    let typed = stdin.lines().next().unwrap_or("").to_owned();
    let generated = typed.is_empty();
    let password = if generated { random_secret(16) } else { typed };
    let user = NewUser {
        login: &args.login,
        full_name: &args.name,
        role: args.role,
        department: args.department.as_deref(),
        password: &password,
    };
    let id = users::create(&pool, user, Clock::system().now()).await?;
    println!("user {} created (id {id}, role {})", args.login, args.role);
    if generated {
        println!("password (shown once):");
        println!("{password}");
    }
    Ok(())
}

/// `otklik token add`.
pub async fn token_add(data_dir: &Path, args: TokenAddArgs) -> CliResult {
    let pool = app::service::db::open(data_dir).await?;
    let token = issue_token(&pool, &args.name, args.role, Clock::system().now()).await?;
    println!(
        "API token \"{}\" (role {}) issued; it is shown once, keep it safe:",
        args.name, args.role
    );
    println!("{token}");
    Ok(())
}

/// `otklik backup`.
pub async fn backup(data_dir: &Path, args: BackupArgs) -> CliResult {
    let pool = app::service::db::open(data_dir).await?;
    let manifest =
        app::service::backup::backup(&pool, data_dir, &args.to, Clock::system().now()).await?;
    println!(
        "backup written to {}: the database and {} files, {} bytes (manifest {})",
        args.to.display(),
        manifest.files.len() - 1,
        manifest.bytes(),
        app::service::backup::MANIFEST
    );
    Ok(())
}

/// `otklik restore`.
pub async fn restore(data_dir: &Path, args: RestoreArgs) -> CliResult {
    let restored = app::service::backup::restore(&args.from, data_dir).await?;
    println!(
        "restored {} into {}: {} files verified, {} attachments, integrity ok",
        args.from.display(),
        data_dir.display(),
        restored.manifest.files.len(),
        restored.attachments
    );
    Ok(())
}
