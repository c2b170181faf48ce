//! `otklik serve`: migrate, seed (demo or first admin), listen.

use crate::cli::admin::CliResult;
use crate::cli::ServeArgs;
use app::domain::role::Role;
use app::service::auth::random_secret;
use app::service::clock::Clock;
use app::service::db::Target;
use app::service::users::{self, NewUser};
use leptos::config::get_configuration;

/// Runs the server until Ctrl-C / SIGTERM.
pub async fn run(target: &Target, args: ServeArgs) -> CliResult {
    let data_dir = target.data_dir.as_path();
    let mut options = get_configuration(None)?.leptos_options;
    options.site_addr = args.addr;
    let clock = match args.clock_start {
        Some(start) => Clock::starting_at(start.with_timezone(&chrono::Utc)),
        None => Clock::system(),
    };
    let state = crate::open_state_at(target, options, clock.clone()).await?;
    match state.pool.backend() {
        app::service::db::Backend::Sqlite => {
            tracing::info!(synchronous = ?args.sqlite_synchronous, "SQLite database opened")
        }
        app::service::db::Backend::Postgres => {
            tracing::info!(database = %target.describe(), "PostgreSQL database opened")
        }
    }
    // Uploads cut off by a previous stop are only wasted space.
    app::service::attachments::clean_incoming(data_dir);

    if args.demo {
        if app::service::demo::seed(&state.pool, clock.now()).await? {
            println!("demo data seeded: logins admin, coordinator, executor, executor2, authority, observer; password \"demo\"");
            if args.demo_administrations > 1 {
                app::service::demo::seed_region(
                    &state.pool,
                    args.demo_administrations,
                    clock.now(),
                )
                .await?;
                println!(
                    "{} administrations in all; logins coordinator-r02, executor-r02-1, …",
                    args.demo_administrations
                );
            }
            if args.demo_bulk > 0 {
                let started = std::time::Instant::now();
                let n =
                    app::service::demo::seed_bulk(&state.pool, args.demo_bulk, clock.now()).await?;
                println!(
                    "{n} more demo messages seeded in {:.1} s",
                    started.elapsed().as_secs_f64()
                );
            }
        }
    } else if users::count(&state.pool).await? == 0 {
        let password = random_secret(16);
        users::create(
            &state.pool,
            NewUser {
                login: "admin",
                full_name: "Администратор",
                role: Role::Admin,
                department: None,
                password: &password,
                administration: None,
            },
            clock.now(),
        )
        .await?;
        println!("first start: created user \"admin\" with password (shown once):");
        println!("{password}");
    }

    // Expired sessions are removed in the background.
    let store = crate::sessions::Store::new(&state.pool);
    tokio::spawn(
        tower_sessions::session_store::ExpiredDeletion::continuously_delete_expired(
            store,
            tokio::time::Duration::from_secs(3600),
        ),
    );

    // Deadline alerts and their e-mails in the background, on one instance at a time.
    tokio::spawn(app::service::leader::run_background(
        state.clone(),
        std::time::Duration::from_secs(20),
        std::time::Duration::from_secs(10),
    ));

    let listener = tokio::net::TcpListener::bind(args.addr).await?;
    tracing::info!("listening on http://{}", args.addr);
    println!("Otklik is listening on http://{}", args.addr);
    let events = state.events.clone();
    // The peer address reaches the handlers (the sign-in throttle counts per address).
    let app = crate::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            // Open event streams would hold the graceful shutdown forever.
            events.close();
        })
        .await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
