//! `otklik`: the server binary and admin command line.

use clap::Parser;
use server::cli::{admin, calendar, serve, Cli, Command, TokenCommand, UserCommand};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("OTKLIK_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let dir = cli.data_dir.as_path();
    let result = match cli.command {
        Command::Serve(args) => serve::run(dir, args).await,
        Command::Migrate => admin::migrate(dir).await,
        Command::User {
            command: UserCommand::Add(args),
        } => admin::user_add(dir, args).await,
        Command::Token {
            command: TokenCommand::Add(args),
        } => admin::token_add(dir, args).await,
        Command::Backup(args) => admin::backup(dir, args).await,
        Command::Due(args) => calendar::run_due(dir, args).await,
        Command::Calendar(args) => calendar::run_calendar(dir, args).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
