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
    /// Maximum length of the text when it goes with photos or videos (a caption): Telegram
    /// 1,024 characters (§11); `None`: the same as `max_chars`.
    #[serde(default)]
    pub max_caption_chars: Option<u32>,
}

impl NetworkLimit {
    /// The most characters an answer with `media` photos or videos may have.
    pub fn max_chars_with(&self, media: usize) -> u32 {
        match self.max_caption_chars {
            Some(caption) if media > 0 => caption.min(self.max_chars),
            _ => self.max_chars,
        }
    }
}

impl Network {
    /// SPEC defaults: Telegram 4,096 characters, captions 1,024, and 10 media; MAX 4,000
    /// and 12; Instagram 2,200; VK, OK and other networks have no documented limit,
    /// default 4,096.
    pub fn default_limit(self) -> NetworkLimit {
        let (max_chars, max_media) = match self {
            Network::Max => (4000, 12),
            Network::Instagram => (2200, 10),
            Network::Vk | Network::Ok | Network::Telegram | Network::Other => (4096, 10),
        };
        NetworkLimit {
            max_chars,
            max_media,
            max_caption_chars: (self == Network::Telegram).then_some(1024),
        }
    }
}

/// The limits of every network; networks missing from stored settings use the defaults.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NetworkLimits(pub std::collections::BTreeMap<Network, NetworkLimit>);

impl NetworkLimits {
    /// The limit for `network`; a caption limit not stored (settings saved before it
    /// existed) is the network's default.
    pub fn get(&self, network: Network) -> NetworkLimit {
        let default = network.default_limit();
        match self.0.get(&network) {
            Some(stored) => NetworkLimit {
                max_caption_chars: stored.max_caption_chars.or(default.max_caption_chars),
                ..*stored
            },
            None => default,
        }
    }
}

impl Network {
    /// The hosts a published answer's link may point to by default (§9): VK `vk.com`,
    /// `vk.ru`, `m.vk.com`; OK `ok.ru`; Telegram `t.me`; MAX `max.ru`; Instagram
    /// `instagram.com`; another network any host.
    pub fn default_link_hosts(self) -> &'static [&'static str] {
        match self {
            Network::Vk => &["vk.com", "vk.ru", "m.vk.com"],
            Network::Ok => &["ok.ru"],
            Network::Telegram => &["t.me"],
            Network::Max => &["max.ru"],
            Network::Instagram => &["instagram.com"],
            Network::Other => &[],
        }
    }
}

/// The hosts a published answer's link may point to, per network (settings key
/// `link_hosts`); networks missing from stored settings use the defaults. An empty list
/// allows any host.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LinkHosts(pub std::collections::BTreeMap<Network, Vec<String>>);

impl LinkHosts {
    /// The allowed hosts of `network`.
    pub fn get(&self, network: Network) -> Vec<String> {
        self.0.get(&network).cloned().unwrap_or_else(|| {
            network
                .default_link_hosts()
                .iter()
                .map(|h| (*h).to_owned())
                .collect()
        })
    }
}

/// The host of an `https` address, lowercased: `None` when `link` is not an `https`
/// address, or names a user or a port (`https://vk.com@evil.example/` is not VK).
pub fn https_host(link: &str) -> Option<String> {
    let link = link.trim();
    if link.len() > 2000 || link.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let scheme = link.get(..8)?;
    if !scheme.eq_ignore_ascii_case("https://") {
        return None;
    }
    let rest = &link[8..];
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || host.contains(['@', ':', '\\']) {
        return None;
    }
    Some(host.trim_end_matches('.').to_lowercase())
}

/// Whether `link` is an `https` address on one of `hosts` (or its `www.` form); any
/// `https` address when `hosts` is empty.
pub fn link_on_hosts(link: &str, hosts: &[String]) -> bool {
    let Some(host) = https_host(link) else {
        return false;
    };
    hosts.is_empty()
        || hosts.iter().any(|h| {
            let h = h.trim().to_lowercase();
            host == h || host.strip_prefix("www.") == Some(h.as_str())
        })
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
