//! The networks an administration publishes to: tokens kept on the server, shown only as
//! «задан, …abcd».

use crate::domain::ids::AdministrationId;
use crate::domain::network::Network;
use crate::domain::publishing::token_hint;
use crate::dto::networks::ConnectionInfo;
use crate::error::AppError;
use crate::on_db;
use crate::service::db::Db;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// A token: never printed, never serialised.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// The token as the network wants it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(…)")
    }
}

/// A connection with its token (server side only).
#[derive(Clone, Debug)]
pub struct Connection {
    /// The network.
    pub network: Network,
    /// The community's or bot's token.
    pub token: Token,
    /// VK: the community id.
    pub group_id: Option<String>,
    /// Telegram: channel (username or `-100ID`) → discussion group chat id.
    pub chat_map: BTreeMap<String, String>,
}

/// What `connect` stores.
#[derive(Clone, Debug, Default)]
pub struct NewConnection {
    /// The token.
    pub token: String,
    /// VK: the community id (digits; `club123` and `-123` are read too).
    pub group_id: Option<String>,
    /// Telegram: `CHANNEL=DISCUSSION_CHAT_ID` pairs.
    pub chat_map: Vec<String>,
}

#[derive(sqlx::FromRow)]
struct Row {
    network: Network,
    token: String,
    group_id: Option<String>,
    chat_map: String,
    connected_at: DateTime<Utc>,
}

impl Row {
    fn connection(self) -> Connection {
        Connection {
            network: self.network,
            token: Token(self.token),
            group_id: self.group_id,
            chat_map: serde_json::from_str(&self.chat_map).unwrap_or_default(),
        }
    }
}

const COLUMNS: &str =
    "SELECT network, token, group_id, chat_map, connected_at FROM network_connections";

/// The connection of `administration` to `network`, if any.
pub async fn load(
    pool: &Db,
    administration: AdministrationId,
    network: Network,
) -> Result<Option<Connection>, AppError> {
    let row: Option<Row> = on_db!(pool, p => sqlx::query_as(&format!(
        "{COLUMNS} WHERE administration_id = $1 AND network = $2"
    ))
    .bind(administration)
    .bind(network)
    .fetch_optional(p)
    .await)?;
    Ok(row.map(Row::connection))
}

/// The networks `administration` is connected to, as pages and the CLI show them.
pub async fn list(
    pool: &Db,
    administration: AdministrationId,
) -> Result<Vec<ConnectionInfo>, AppError> {
    let rows: Vec<Row> = on_db!(pool, p => sqlx::query_as(&format!(
        "{COLUMNS} WHERE administration_id = $1 ORDER BY network"
    ))
    .bind(administration)
    .fetch_all(p)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|r| ConnectionInfo {
            network: r.network,
            token: token_hint(&r.token),
            group_id: r.group_id.clone(),
            chat_map: serde_json::from_str(&r.chat_map).unwrap_or_default(),
            connected_at: r.connected_at,
        })
        .collect())
}

/// A connection's token, community id and chat map, as stored.
type Checked = (String, Option<String>, BTreeMap<String, String>);

/// Reads `input` for `network`: the fields it needs, in Russian when wrong.
fn checked(network: Network, input: &NewConnection) -> Result<Checked, AppError> {
    if !network.has_publishing_api() {
        return Err(AppError::validation(
            "network",
            network.manual_only_reason(),
        ));
    }
    let token = input.token.trim();
    if token.is_empty() {
        return Err(AppError::validation("token", "Укажите токен доступа"));
    }
    if token.len() > 1000 || token.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(AppError::validation(
            "token",
            "Токен — одна строка без пробелов, не длиннее 1000 символов",
        ));
    }
    let group_id = match (network, input.group_id.as_deref().map(str::trim)) {
        (Network::Vk, Some(g)) if !g.is_empty() => {
            let digits = g
                .trim_start_matches("club")
                .trim_start_matches("public")
                .trim_start_matches('-');
            if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) || digits.len() > 18
            {
                return Err(AppError::validation(
                    "group_id",
                    "Идентификатор сообщества ВКонтакте — число (например, 123456 или club123456)",
                ));
            }
            Some(digits.to_owned())
        }
        (Network::Vk, _) => {
            return Err(AppError::validation(
                "group_id",
                "Укажите идентификатор сообщества ВКонтакте, от имени которого публикуются ответы",
            ))
        }
        (_, Some(g)) if !g.is_empty() => {
            return Err(AppError::validation(
                "group_id",
                "Идентификатор сообщества указывается только для ВКонтакте",
            ))
        }
        _ => None,
    };
    let mut chat_map = BTreeMap::new();
    for pair in input
        .chat_map
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
    {
        if network != Network::Telegram {
            return Err(AppError::validation(
                "chat_map",
                "Соответствие каналов и групп обсуждения указывается только для Telegram",
            ));
        }
        let bad = || {
            AppError::validation(
                "chat_map",
                format!("«{pair}»: ожидается КАНАЛ=ID_ГРУППЫ_ОБСУЖДЕНИЯ, например luga_news=-1001234567890"),
            )
        };
        let (channel, chat) = pair.split_once('=').ok_or_else(bad)?;
        let channel = channel.trim().trim_start_matches('@');
        let chat = chat.trim();
        if channel.is_empty() || chat.parse::<i64>().is_err() {
            return Err(bad());
        }
        chat_map.insert(channel.to_owned(), chat.to_owned());
    }
    Ok((token.to_owned(), group_id, chat_map))
}

/// Connects `administration` to `network` (replacing an earlier connection).
pub async fn connect(
    pool: &Db,
    administration: AdministrationId,
    network: Network,
    input: &NewConnection,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (token, group_id, chat_map) = checked(network, input)?;
    let chat_map = serde_json::to_string(&chat_map).map_err(|_| AppError::Internal)?;
    on_db!(pool, p => sqlx::query(
        "INSERT INTO network_connections (administration_id, network, token, group_id, chat_map, connected_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (administration_id, network) DO UPDATE SET token = excluded.token, \
         group_id = excluded.group_id, chat_map = excluded.chat_map, connected_at = excluded.connected_at",
    )
    .bind(administration)
    .bind(network)
    .bind(token)
    .bind(group_id)
    .bind(chat_map)
    .bind(now)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Disconnects `administration` from `network`; whether it was connected.
pub async fn disconnect(
    pool: &Db,
    administration: AdministrationId,
    network: Network,
) -> Result<bool, AppError> {
    let done = on_db!(pool, p => sqlx::query(
        "DELETE FROM network_connections WHERE administration_id = $1 AND network = $2",
    )
    .bind(administration)
    .bind(network)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(done > 0)
}
