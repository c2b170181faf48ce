//! `otklik network connect|list|disconnect|check`: the networks an administration
//! publishes to through their APIs. A token is printed only as its last four characters.

use crate::cli::admin::CliResult;
use crate::cli::{NetworkAdministrationArg, NetworkCommand};
use app::domain::ids::AdministrationId;
use app::service::clock::Clock;
use app::service::db::{Db, Target};
use app::service::publishing::{connections, Networks};

/// The administration named by `--administration`, or the only one.
async fn administration(
    pool: &Db,
    arg: &NetworkAdministrationArg,
) -> Result<AdministrationId, Box<dyn std::error::Error>> {
    let all = app::service::administrations::known(pool).await?;
    let codes = || {
        all.iter()
            .map(|k| k.code.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match arg.administration.as_deref() {
        Some(code) => all
            .iter()
            .find(|k| k.code == code.trim())
            .map(|k| k.id)
            .ok_or_else(|| format!("no administration «{code}»; known: {}", codes()).into()),
        None => match all.as_slice() {
            [only] => Ok(only.id),
            _ => Err(format!(
                "several administrations: name one with --administration ({})",
                codes()
            )
            .into()),
        },
    }
}

/// Runs a `network` subcommand.
pub async fn run(target: &Target, command: NetworkCommand) -> CliResult {
    let pool = app::service::db::connect(target).await?;
    match command {
        NetworkCommand::Connect(args) => {
            let a = administration(&pool, &args.administration).await?;
            let input = connections::NewConnection {
                token: args.token,
                group_id: args.group_id,
                chat_map: args.chat_map,
            };
            connections::connect(&pool, a, args.network, &input, Clock::system().now()).await?;
            println!("{} connected", args.network);
        }
        NetworkCommand::List(arg) => {
            let a = administration(&pool, &arg).await?;
            for c in connections::list(&pool, a).await? {
                let mut line = format!("{}\ttoken {}", c.network, c.token);
                if let Some(g) = c.group_id {
                    line.push_str(&format!("\tgroup {g}"));
                }
                for (channel, chat) in c.chat_map {
                    line.push_str(&format!("\t{channel}={chat}"));
                }
                println!("{line}");
            }
        }
        NetworkCommand::Disconnect(args) => {
            let a = administration(&pool, &args.administration).await?;
            if connections::disconnect(&pool, a, args.network).await? {
                println!("{} disconnected", args.network);
            } else {
                return Err(format!("{} is not connected", args.network).into());
            }
        }
        NetworkCommand::Check(args) => {
            let a = administration(&pool, &args.administration).await?;
            let c = connections::load(&pool, a, args.network)
                .await?
                .ok_or_else(|| format!("{} is not connected", args.network))?;
            let networks = Networks::from_env(target.data_dir.clone());
            match app::service::publishing::check(&networks, &c).await {
                Ok(said) => println!("{said}"),
                Err(why) => return Err(why.into()),
            }
        }
    }
    Ok(())
}
