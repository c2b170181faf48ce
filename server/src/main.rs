//! `otklik`: the server binary and admin command line.

use app::service::db::Synchronous;
use clap::Parser;
use server::cli::{
    admin, calendar, network, serve, AdministrationCommand, Cli, Command, TokenCommand, UserCommand,
};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    return_large_allocations_to_the_system();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("OTKLIK_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let synchronous = match &cli.command {
        Command::Serve(args) => args.sqlite_synchronous,
        _ => Synchronous::Full,
    };
    let target = cli.target(synchronous);
    let target = &target;
    let result = match cli.command {
        Command::Serve(args) => serve::run(target, args).await,
        Command::Migrate => admin::migrate(target).await,
        Command::User {
            command: UserCommand::Add(args),
        } => admin::user_add(target, args).await,
        Command::Token {
            command: TokenCommand::Add(args),
        } => admin::token_add(target, args).await,
        Command::Administration {
            command: AdministrationCommand::Add(args),
        } => admin::administration_add(target, args).await,
        Command::Administration {
            command: AdministrationCommand::List,
        } => admin::administration_list(target).await,
        Command::Network { command } => network::run(target, command).await,
        Command::Backup(args) => admin::backup(target, args).await,
        Command::Restore(args) => admin::restore(target, args).await,
        Command::Due(args) => calendar::run_due(target, args).await,
        Command::Calendar(args) => calendar::run_calendar(target, args).await,
        Command::Transfer(args) => admin::transfer(target, args).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Makes glibc serve every allocation of 1 MiB or more with its own mapping, unmapped when
/// freed. By default the threshold rises to the size of the largest block freed (up to
/// 32 MiB), after which argon2's 19 MiB blocks come from per-thread arenas that keep the
/// memory: a burst of sign-ins left the server at its peak for good (issue 15).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn return_large_allocations_to_the_system() {
    // SAFETY: `mallopt` only sets a parameter of the C allocator (it takes the allocator's
    // own lock); the value is valid for M_MMAP_THRESHOLD (at most 32 MiB on 64-bit).
    let set = unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20) };
    if set != 1 {
        eprintln!("warning: could not set the allocator's mmap threshold");
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn return_large_allocations_to_the_system() {}
