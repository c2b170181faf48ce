//! Publishing an approved answer through a network's own API (issue 20): which networks
//! can, where a post's link says to reply, the idempotency key, and what a network's
//! refusal means in Russian. Pure: the service makes the calls.

use super::network::Network;
use serde::{Deserialize, Serialize};

/// Where to reply, read from the post's link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "network", rename_all = "snake_case")]
pub enum PostRef {
    /// A VK wall post (`https://vk.com/wall-123_456`), or a comment under it (`?reply=789`).
    Vk {
        /// The wall's owner: negative for a community.
        owner_id: i64,
        /// The post.
        post_id: i64,
        /// The comment replied to.
        reply_to: Option<i64>,
    },
    /// A Telegram channel post (`https://t.me/channel/123`), or a comment under it in the
    /// channel's discussion group (`?comment=456`). Private channels: `t.me/c/ID/123`.
    Telegram {
        /// The channel's username, or `-100ID` for a private one.
        channel: String,
        /// The channel post.
        post_id: i64,
        /// The comment (a message of the discussion group) replied to.
        comment: Option<i64>,
    },
    /// A MAX chat message (`https://max.ru/c/CHAT_ID/MID`).
    Max {
        /// The chat.
        chat_id: i64,
        /// The message replied to.
        mid: String,
    },
}

impl Network {
    /// Whether Otklik publishes to this network through its API: VK, Telegram and MAX
    /// document a bot or community API for replies; OK, Instagram and other networks do
    /// not.
    pub fn has_publishing_api(self) -> bool {
        matches!(self, Network::Vk | Network::Telegram | Network::Max)
    }

    /// The button that publishes through the API: «Опубликовать во ВКонтакте».
    pub fn publish_label(self) -> String {
        match self {
            Network::Vk => "Опубликовать во ВКонтакте".to_owned(),
            other => format!("Опубликовать в {}", other.label()),
        }
    }

    /// Why a network has no publishing through Otklik, in Russian.
    pub fn manual_only_reason(self) -> String {
        format!(
            "У сети {} нет открытого API для ответа на комментарий: опубликуйте ответ в сети \
             и внесите ссылку вручную",
            self.label()
        )
    }
}

/// The Russian message for a post link the network's API cannot reply to.
fn unreadable(network: Network, example: &str) -> String {
    format!(
        "Не удалось разобрать ссылку на пост {}: ожидается адрес вида {example}. \
         Опубликуйте ответ вручную или исправьте ссылку у сообщения",
        network.label()
    )
}

/// A link's path segments and query pairs.
type LinkParts<'a> = (Vec<&'a str>, Vec<(&'a str, &'a str)>);

/// The path segments and query pairs of an `https` link on one of `hosts`.
fn split_link<'a>(link: &'a str, hosts: &[&str]) -> Option<LinkParts<'a>> {
    let host = super::network::https_host(link)?;
    let bare = host.strip_prefix("www.").unwrap_or(&host);
    if !hosts.contains(&bare) {
        return None;
    }
    let rest = &link.trim()[8..];
    let rest = rest.split('#').next().unwrap_or_default();
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let segments = path.split('/').skip(1).filter(|s| !s.is_empty()).collect();
    let pairs = query.split('&').filter_map(|p| p.split_once('=')).collect();
    Some((segments, pairs))
}

fn query<'a>(pairs: &[(&'a str, &'a str)], key: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// `wall-123_456` → (-123, 456).
fn vk_wall(s: &str) -> Option<(i64, i64)> {
    let (owner, post) = s.strip_prefix("wall")?.split_once('_')?;
    Some((owner.parse().ok()?, post.parse().ok()?))
}

/// Reads a post's link into the ids the network's API replies to.
pub fn parse_post(network: Network, link: &str) -> Result<PostRef, String> {
    match network {
        Network::Vk => {
            let bad = || unreadable(network, "https://vk.com/wall-123_456 (или …?reply=789)");
            let (segments, pairs) =
                split_link(link, &["vk.com", "vk.ru", "m.vk.com"]).ok_or_else(bad)?;
            // `vk.com/wall-1_2` or a community page opened on a post: `vk.com/club1?w=wall-1_2`.
            let wall = segments
                .last()
                .and_then(|s| vk_wall(s))
                .or_else(|| query(&pairs, "w").and_then(vk_wall))
                .ok_or_else(bad)?;
            let reply_to = match query(&pairs, "reply") {
                Some(r) => Some(r.parse().map_err(|_| bad())?),
                None => None,
            };
            Ok(PostRef::Vk {
                owner_id: wall.0,
                post_id: wall.1,
                reply_to,
            })
        }
        Network::Telegram => {
            let bad = || unreadable(network, "https://t.me/канал/123 (или …?comment=456)");
            let (segments, pairs) = split_link(link, &["t.me", "telegram.me"]).ok_or_else(bad)?;
            let (channel, post) = match segments.as_slice() {
                ["c", id, post] => {
                    let id: i64 = id.parse().map_err(|_| bad())?;
                    (format!("-100{id}"), *post)
                }
                [name, post] if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
                    ((*name).to_owned(), *post)
                }
                _ => return Err(bad()),
            };
            let comment = match query(&pairs, "comment") {
                Some(c) => Some(c.parse().map_err(|_| bad())?),
                None => None,
            };
            Ok(PostRef::Telegram {
                channel,
                post_id: post.parse().map_err(|_| bad())?,
                comment,
            })
        }
        Network::Max => {
            let bad = || unreadable(network, "https://max.ru/c/-123456/mid.abc");
            let (segments, _) = split_link(link, &["max.ru"]).ok_or_else(bad)?;
            match segments.as_slice() {
                ["c", chat, mid]
                    if !mid.is_empty()
                        && mid
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) =>
                {
                    Ok(PostRef::Max {
                        chat_id: chat.parse().map_err(|_| bad())?,
                        mid: (*mid).to_owned(),
                    })
                }
                _ => Err(bad()),
            }
        }
        Network::Ok | Network::Instagram | Network::Other => Err(network.manual_only_reason()),
    }
}

/// The idempotency key of publishing `draft` of `message`: the same on every retry, so
/// a network that honours it (VK's `guid`) never posts twice.
pub fn idempotency_key(message: i64, draft: i64) -> String {
    format!("otklik-{message}-{draft}")
}

/// Why a network did not publish.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Failure {
    /// The token is wrong, expired or lacks the rights.
    BadToken,
    /// Comments are closed under the post.
    CommentsClosed,
    /// The network forbids links in the text.
    LinksForbidden,
    /// Too many requests: wait.
    Flood {
        /// Seconds to wait, when the network says.
        retry_after: Option<u64>,
    },
    /// The network asks for a captcha.
    Captcha,
    /// The network is down or answered with a server error (retried).
    Unavailable {
        /// What it said.
        detail: String,
    },
    /// No answer in time: the reply may or may not have been posted.
    Timeout,
    /// Any other refusal, with the network's own words.
    Refused {
        /// What it said.
        detail: String,
    },
    /// The connection's settings do not allow this message (no discussion group mapped,
    /// a post of another community, …).
    Setup {
        /// What to fix, in Russian.
        detail: String,
    },
}

impl Failure {
    /// The reason in Russian, naming the network.
    pub fn reason(&self, network: Network) -> String {
        let n = network.label();
        match self {
            Failure::BadToken => format!(
                "{n}: токен доступа неверен, отозван или не имеет нужных прав. Подключите сеть \
                 заново на странице «Сети»"
            ),
            Failure::CommentsClosed => {
                format!("{n}: комментарии к этому посту закрыты — опубликуйте ответ вручную")
            }
            Failure::LinksForbidden => format!(
                "{n}: сеть запрещает ссылки в этом ответе — уберите ссылку или опубликуйте вручную"
            ),
            Failure::Flood {
                retry_after: Some(s),
            } => format!(
                "{n}: слишком много запросов (flood control). Повторная попытка через {s} с"
            ),
            Failure::Flood { retry_after: None } => format!(
                "{n}: слишком много запросов (flood control). Ответ будет отправлен повторно позже"
            ),
            Failure::Captcha => format!(
                "{n}: сеть требует ввести капчу — опубликуйте ответ вручную или повторите позже"
            ),
            Failure::Unavailable { detail } => format!(
                "{n}: сервис недоступен ({detail}). Ответ будет отправлен повторно автоматически"
            ),
            Failure::Timeout => format!("{n}: сеть не ответила вовремя"),
            Failure::Refused { detail } => format!("{n} отказала в публикации: {detail}"),
            Failure::Setup { detail } => format!("{n}: {detail}"),
        }
    }

    /// Whether the outbox tries again by itself: flood control and a network that is
    /// down pass; a bad token or closed comments need a person.
    pub fn retried(&self) -> bool {
        matches!(self, Failure::Flood { .. } | Failure::Unavailable { .. })
    }
}

/// A VK API error (`{"error": {"error_code": N, "error_msg": "…"}}`).
pub fn vk_failure(code: i64, message: &str) -> Failure {
    match code {
        5 | 15 | 27 | 28 => Failure::BadToken,
        6 | 9 | 29 => Failure::Flood { retry_after: None },
        14 => Failure::Captcha,
        1 | 10 => Failure::Unavailable {
            detail: message.to_owned(),
        },
        213 | 212 => Failure::CommentsClosed,
        222 => Failure::LinksForbidden,
        _ => Failure::Refused {
            detail: format!("{message} (код {code})"),
        },
    }
}

/// A Telegram Bot API error (`{"ok": false, "error_code": N, "description": "…",
/// "parameters": {"retry_after": S}}`).
pub fn telegram_failure(code: i64, description: &str, retry_after: Option<u64>) -> Failure {
    let lower = description.to_lowercase();
    match code {
        401 | 403 if !lower.contains("comment") => Failure::BadToken,
        429 => Failure::Flood { retry_after },
        500..=599 => Failure::Unavailable {
            detail: description.to_owned(),
        },
        _ if lower.contains("comment") => Failure::CommentsClosed,
        _ => Failure::Refused {
            detail: description.to_owned(),
        },
    }
}

/// A MAX Bot API error (HTTP status and `{"code": "…", "message": "…"}`).
pub fn max_failure(status: u16, code: &str, message: &str) -> Failure {
    match status {
        401 => Failure::BadToken,
        403 if code.contains("token") => Failure::BadToken,
        429 => Failure::Flood { retry_after: None },
        500..=599 => Failure::Unavailable {
            detail: format!("HTTP {status}"),
        },
        _ => Failure::Refused {
            detail: if message.is_empty() {
                format!("{code} (HTTP {status})")
            } else {
                message.to_owned()
            },
        },
    }
}

/// A connection's token as pages show it: «задан, …abcd».
pub fn token_hint(token: &str) -> String {
    let chars: Vec<char> = token.chars().collect();
    let tail: String = chars[chars.len().saturating_sub(4)..].iter().collect();
    if chars.len() < 12 {
        "задан".to_owned()
    } else {
        format!("задан, …{tail}")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn vk_links_give_owner_post_and_comment() {
        assert_eq!(
            parse_post(Network::Vk, "https://vk.com/wall-123_456").unwrap(),
            PostRef::Vk {
                owner_id: -123,
                post_id: 456,
                reply_to: None
            }
        );
        assert_eq!(
            parse_post(Network::Vk, "https://m.vk.com/wall-1_2?reply=77&thread=5").unwrap(),
            PostRef::Vk {
                owner_id: -1,
                post_id: 2,
                reply_to: Some(77)
            }
        );
        assert_eq!(
            parse_post(Network::Vk, "https://vk.com/club1?w=wall-1_9").unwrap(),
            PostRef::Vk {
                owner_id: -1,
                post_id: 9,
                reply_to: None
            }
        );
        for bad in [
            "https://vk.com/id1",
            "http://vk.com/wall-1_2",
            "https://evil.example/wall-1_2",
            "https://vk.com@evil.example/wall-1_2",
            "https://vk.com/wall-1_2?reply=x",
        ] {
            let err = parse_post(Network::Vk, bad).unwrap_err();
            assert!(
                err.starts_with("Не удалось разобрать ссылку на пост ВКонтакте"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn telegram_links_give_channel_post_and_comment() {
        assert_eq!(
            parse_post(Network::Telegram, "https://t.me/luga_news/123?comment=456").unwrap(),
            PostRef::Telegram {
                channel: "luga_news".into(),
                post_id: 123,
                comment: Some(456)
            }
        );
        assert_eq!(
            parse_post(Network::Telegram, "https://t.me/c/1234567/8").unwrap(),
            PostRef::Telegram {
                channel: "-1001234567".into(),
                post_id: 8,
                comment: None
            }
        );
        assert!(parse_post(Network::Telegram, "https://t.me/luga_news").is_err());
        assert!(parse_post(Network::Telegram, "https://t.me/a/b").is_err());
    }

    #[test]
    fn max_links_give_chat_and_message() {
        assert_eq!(
            parse_post(Network::Max, "https://max.ru/c/-70001/mid.0a1b").unwrap(),
            PostRef::Max {
                chat_id: -70001,
                mid: "mid.0a1b".into()
            }
        );
        assert!(parse_post(Network::Max, "https://max.ru/somebody").is_err());
    }

    #[test]
    fn networks_without_an_api_say_why() {
        for n in [Network::Ok, Network::Instagram, Network::Other] {
            assert!(!n.has_publishing_api());
            let err = parse_post(n, "https://ok.ru/group/1/topic/2").unwrap_err();
            assert!(err.contains("нет открытого API"), "{err}");
            assert!(err.contains(n.label()));
        }
        assert_eq!(Network::Vk.publish_label(), "Опубликовать во ВКонтакте");
        assert_eq!(Network::Telegram.publish_label(), "Опубликовать в Telegram");
    }

    #[test]
    fn network_errors_read_as_russian_reasons() {
        assert_eq!(
            vk_failure(5, "User authorization failed"),
            Failure::BadToken
        );
        assert_eq!(
            vk_failure(213, "Access to comments denied"),
            Failure::CommentsClosed
        );
        assert_eq!(
            vk_failure(222, "Hyperlinks are forbidden"),
            Failure::LinksForbidden
        );
        assert_eq!(vk_failure(14, "Captcha needed"), Failure::Captcha);
        let flood = vk_failure(9, "Flood control");
        assert!(flood.retried());
        assert!(flood.reason(Network::Vk).contains("слишком много запросов"));
        assert!(!Failure::BadToken.retried());
        assert_eq!(
            telegram_failure(429, "Too Many Requests: retry after 7", Some(7))
                .reason(Network::Telegram),
            "Telegram: слишком много запросов (flood control). Повторная попытка через 7 с"
        );
        assert_eq!(
            telegram_failure(401, "Unauthorized", None),
            Failure::BadToken
        );
        assert!(matches!(
            telegram_failure(502, "Bad Gateway", None),
            Failure::Unavailable { .. }
        ));
        assert_eq!(
            max_failure(401, "verify.token", "Invalid access_token"),
            Failure::BadToken
        );
        assert!(matches!(
            max_failure(503, "", ""),
            Failure::Unavailable { .. }
        ));
        assert!(Failure::Timeout.reason(Network::Max).starts_with("MAX"));
    }

    #[test]
    fn tokens_show_only_their_last_four_characters() {
        assert_eq!(token_hint("vk1.a.0123456789abcdefWXYZ"), "задан, …WXYZ");
        assert_eq!(token_hint("short"), "задан");
        assert_eq!(idempotency_key(12, 3), "otklik-12-3");
    }
}
