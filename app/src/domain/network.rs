//! Social networks messages come from (SPEC "Answer format": the list is data).

use serde::{Deserialize, Serialize};

/// A social network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type, utoipa::ToSchema),
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

/// What a network accepts in one answer (§11; admin-adjustable settings).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkLimit {
    /// Maximum answer length in characters.
    pub max_chars: u32,
    /// Maximum number of photos/videos in one answer.
    pub max_media: u32,
}

impl Network {
    /// SPEC defaults: Telegram 4,096 characters and 10 media; MAX 4,000 and 12; Instagram
    /// 2,200; VK, OK and other networks have no documented limit, default 4,096.
    pub fn default_limit(self) -> NetworkLimit {
        let (max_chars, max_media) = match self {
            Network::Max => (4000, 12),
            Network::Instagram => (2200, 10),
            Network::Vk | Network::Ok | Network::Telegram | Network::Other => (4096, 10),
        };
        NetworkLimit {
            max_chars,
            max_media,
        }
    }
}

/// The limits of every network; networks missing from stored settings use the defaults.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NetworkLimits(pub std::collections::BTreeMap<Network, NetworkLimit>);

impl NetworkLimits {
    /// The limit for `network`.
    pub fn get(&self, network: Network) -> NetworkLimit {
        self.0
            .get(&network)
            .copied()
            .unwrap_or_else(|| network.default_limit())
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

/// An answer template; `{автор}` becomes the author's first name, `{дата}` a date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerTemplate {
    /// Short name on the button.
    pub name: String,
    /// The text with placeholders.
    pub text: String,
}

/// The deployment's answer templates (settings key `templates`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AnswerTemplates(pub Vec<AnswerTemplate>);

impl Default for AnswerTemplates {
    fn default() -> Self {
        let t = |name: &str, text: &str| AnswerTemplate {
            name: name.to_owned(),
            text: text.to_owned(),
        };
        Self(vec![
            t("Ответ по существу", "{автор}, здравствуйте! Спасибо за обращение. "),
            t(
                "Промежуточный ответ",
                "{автор}, здравствуйте! Ваше обращение принято в работу. Ответ будет дан до {дата}.",
            ),
            t(
                "Запрос уточнения",
                "{автор}, здравствуйте! Уточните, пожалуйста, адрес, чтобы мы могли проверить информацию.",
            ),
        ])
    }
}

impl AnswerTemplate {
    /// The text with the placeholders filled in.
    pub fn fill(&self, author_first_name: &str, date: &str) -> String {
        self.text
            .replace("{автор}", author_first_name)
            .replace("{дата}", date)
    }
}
