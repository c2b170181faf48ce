//! Administrative subcommands: migrate, administration add/list, user add, token add,
//! backup, restore.

use crate::cli::{
    AdministrationAddArgs, BackupArgs, RestoreArgs, TokenAddArgs, TransferArgs, UserAddArgs,
};
use app::service::auth::{issue_token, random_secret};
use app::service::clock::Clock;
use app::service::db::{Backend, Target};
use app::service::users::{self, NewUser};
use std::io::Read;

/// A failed command, printed to stderr by `main`.
pub type CliResult = Result<(), Box<dyn std::error::Error>>;

/// `otklik migrate`.
pub async fn migrate(target: &Target) -> CliResult {
    let pool = app::service::db::connect(target).await?;
    let applied: i64 = app::on_db!(&pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(p)
        .await?);
    println!(
        "database {} is up to date ({applied} migrations applied)",
        target.describe()
    );
    Ok(())
}

/// `otklik user add`.
pub async fn user_add(target: &Target, args: UserAddArgs) -> CliResult {
    let pool = app::service::db::connect(target).await?;
    let mut stdin = String::new();
    // An interactive terminal or an empty pipe means: generate a password.
    if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        std::io::stdin().read_to_string(&mut stdin)?;
    }
    let typed = stdin.lines().next().unwrap_or("").to_owned();
    let generated = typed.is_empty();
    // The operator at the server's shell may set any password (scripts and tests do);
    // one the app would refuse is named, so that it gets replaced.
    if !generated {
        if let Err(e) = app::service::auth::password::chosen(&typed) {
            eprintln!("warning: {e}; the user should change it (page «Смена пароля»)");
        }
    }
    let password = if generated { random_secret(16) } else { typed };
    let user = NewUser {
        login: &args.login,
        full_name: &args.name,
        role: args.role,
        department: args.department.as_deref(),
        password: &password,
        administration: args.administration.as_deref(),
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
pub async fn token_add(target: &Target, args: TokenAddArgs) -> CliResult {
    let pool = app::service::db::connect(target).await?;
    let administration = app::domain::administration::membership(
        args.role,
        args.administration.as_deref(),
        &app::service::administrations::known(&pool).await?,
    )?;
    let token = issue_token(
        &pool,
        &args.name,
        args.role,
        administration,
        None,
        Clock::system().now(),
    )
    .await?;
    println!(
        "API token \"{}\" (role {}) issued; it is shown once, keep it safe:",
        args.name, args.role
    );
    println!("{token}");
    Ok(())
}

/// `otklik administration add`.
pub async fn administration_add(target: &Target, args: AdministrationAddArgs) -> CliResult {
    let pool = app::service::db::connect(target).await?;
    let added =
        app::service::administrations::add(&pool, &args.code, &args.name, Clock::system().now())
            .await?;
    println!(
        "administration {} «{}» added (id {})",
        added.code, added.name, added.id
    );
    Ok(())
}

/// `otklik administration list`: one line per administration, code then name.
pub async fn administration_list(target: &Target) -> CliResult {
    let pool = app::service::db::connect(target).await?;
    for a in app::service::administrations::list(&pool).await? {
        println!("{}\t{}", a.code, a.name);
    }
    Ok(())
}

/// `otklik backup`.
pub async fn backup(target: &Target, args: BackupArgs) -> CliResult {
    let pool = app::service::db::connect(target).await?;
    if pool.backend() == Backend::Postgres {
        let url = target.url.as_deref().unwrap_or_default();
        let written = app::service::backup::pg_dump(url, &target.data_dir, &args.to)?;
        println!("{written}");
        return Ok(());
    }
    let manifest =
        app::service::backup::backup(&pool, &target.data_dir, &args.to, Clock::system().now())
            .await?;
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
pub async fn restore(target: &Target, args: RestoreArgs) -> CliResult {
    if target
        .url
        .as_deref()
        .is_some_and(|u| !u.starts_with("sqlite:"))
    {
        return Err(app::service::backup::PG_RESTORE_HINT.into());
    }
    let data_dir = target.data_dir.as_path();
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

/// `otklik transfer`.
pub async fn transfer(target: &Target, args: TransferArgs) -> CliResult {
    println!("copying {} into PostgreSQL", target.describe());
    let copied = app::service::transfer::transfer(target, &args.to, |c| {
        println!("  {:<20} {:>9} rows", c.table, c.rows);
    })
    .await?;
    let rows: i64 = copied.iter().map(|c| c.rows).sum();
    println!(
        "transfer complete: {} tables, {rows} rows, every count checked; copy {} (the uploaded \
         files) to the region's files volume",
        copied.len(),
        target.data_dir.join("files").display()
    );
    Ok(())
}
