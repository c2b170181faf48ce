//! Social networks messages come from (SPEC "Answer format": the list is data).

use serde::{Deserialize, Serialize};

/// A social network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "TEXT", rename_all = "snake_case")
)]
pub enum Network {
    /// ВКонтакте.
    Vk,
    /// Одноклассники.
    Ok,
    /// Telegram.
    Telegram,
    /// MAX.
    Max,
    /// Instagram (blocked in Russia since 2022, kept for history).
    Instagram,
    /// Anything else.
    Other,
}

named_enum!(Network {
    Vk => ("vk", "ВКонтакте"),
    Ok => ("ok", "Одноклассники"),
    Telegram => ("telegram", "Telegram"),
    Max => ("max", "MAX"),
    Instagram => ("instagram", "Instagram"),
    Other => ("other", "Другая сеть"),
});

impl Network {
    /// Default maximum answer length in characters (§11; admin-adjustable settings).
    pub fn default_max_chars(self) -> u32 {
        match self {
            Network::Max => 4000,
            Network::Instagram => 2200,
            Network::Vk | Network::Ok | Network::Telegram | Network::Other => 4096,
        }
    }
}

impl std::str::FromStr for Network {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Network::from_name(s).ok_or_else(|| {
            format!("Неизвестная сеть «{s}»: допустимы vk, ok, telegram, max, instagram, other")
        })
    }
}
