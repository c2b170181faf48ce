//! Network connections (admin page «Сети», CLI) and publishing through them (the message
//! page). A token never leaves the server: only its hint («задан, …abcd»).

use crate::domain::network::Network;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the draft editor needs: the networks' answer limits (§11) and the answer
/// templates of the caller's administration.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditorSetup {
    /// Answer limits per network.
    pub limits: crate::domain::network::NetworkLimits,
    /// Answer templates.
    pub templates: crate::domain::network::AnswerTemplates,
}

/// A connection as shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionInfo {
    /// The network.
    pub network: Network,
    /// «задан, …abcd».
    pub token: String,
    /// VK: the community id.
    pub group_id: Option<String>,
    /// Telegram: channel → discussion group chat id.
    pub chat_map: BTreeMap<String, String>,
    /// When it was connected.
    pub connected_at: DateTime<Utc>,
}

/// The admin page «Сети».
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworksPage {
    /// The connections of the administration shown (`None`: the region's admin of
    /// several administrations has not chosen one).
    pub connections: Option<Vec<ConnectionInfo>>,
    /// Whose connections these are.
    pub layer: crate::dto::admin::LayerInfo,
}

/// The connect form: one network's token and ids.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectForm {
    /// `vk`, `telegram` or `max`.
    pub network: String,
    /// The community's or bot's token.
    pub token: String,
    /// VK: the community id.
    #[serde(default)]
    pub group_id: Option<String>,
    /// Telegram: `CHANNEL=DISCUSSION_CHAT_ID`, one per line.
    #[serde(default)]
    pub chat_map: Option<String>,
}

/// The state of publishing a message's approved draft through a network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type, utoipa::ToSchema),
    sqlx(type_name = "TEXT", rename_all = "snake_case")
)]
pub enum OutboxStatus {
    /// Waiting for the next attempt.
    Pending,
    /// Being sent now.
    Sending,
    /// Sent; the publication is recorded.
    Sent,
    /// The network did not answer in time and cannot tell whether it posted.
    Unknown,
    /// Refused: a person has to act.
    Failed,
}

/// Publishing through the network, as the message page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PublishingDto {
    /// The network has an API Otklik publishes through, and the administration has
    /// connected it.
    pub available: bool,
    /// The button: «Опубликовать во ВКонтакте».
    pub label: String,
    /// Why publishing is manual (no API, or not connected), in Russian.
    pub manual_reason: Option<String>,
    /// The last attempt's state, if any.
    pub status: Option<OutboxStatus>,
    /// The network's reason of the last failure, in Russian.
    pub last_error: Option<String>,
    /// When the outbox tries again.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// Attempts so far.
    pub attempts: i64,
}
