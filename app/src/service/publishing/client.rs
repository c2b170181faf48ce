//! The HTTP side of publishing: where each network's API is, one `reqwest` client
//! (rustls), and how a transport failure reads. A request's URL is never put into an
//! error or a log line: Telegram's carries the token.

use crate::domain::network::Network;
use crate::domain::publishing::Failure;
use std::path::PathBuf;
use std::time::Duration;

/// The networks' API base URLs (official by default, `OTKLIK_VK_API_URL`,
/// `OTKLIK_TELEGRAM_API_URL`, `OTKLIK_MAX_API_URL` for tests and proxies), the time a
/// call may take, and where the uploaded files are.
#[derive(Clone, Debug)]
pub struct Networks {
    /// VK API, `https://api.vk.com/method/`.
    pub vk: String,
    /// Telegram Bot API, `https://api.telegram.org/`.
    pub telegram: String,
    /// MAX Bot API, `https://platform-api.max.ru/`.
    pub max: String,
    /// How long one call may take before its result counts as unknown.
    pub timeout: Duration,
    /// The data directory (the draft's files).
    pub data_dir: PathBuf,
    client: reqwest::Client,
}

/// A file sent with the answer.
#[derive(Clone, Debug)]
pub struct Upload {
    /// The uploader's name (a label).
    pub name: String,
    /// The content type found by content.
    pub mime: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// What a network returned for a published reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sent {
    /// The reply's address.
    pub link: String,
    /// When the network says it was posted (`None`: it does not say).
    pub at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The official API address of `network`, or its override from the environment.
fn base_url(var: &str, default: &str) -> String {
    let url = std::env::var(var)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| default.to_owned());
    if url.ends_with('/') {
        url
    } else {
        format!("{url}/")
    }
}

impl Networks {
    /// The official APIs (or the environment's overrides), 20 s per call
    /// (`OTKLIK_NETWORK_TIMEOUT_SECS`).
    pub fn from_env(data_dir: PathBuf) -> Self {
        let timeout = std::env::var("OTKLIK_NETWORK_TIMEOUT_SECS")
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
            .filter(|s| (1..=300).contains(s))
            .unwrap_or(20);
        Self::with(
            base_url("OTKLIK_VK_API_URL", "https://api.vk.com/method/"),
            base_url("OTKLIK_TELEGRAM_API_URL", "https://api.telegram.org/"),
            base_url("OTKLIK_MAX_API_URL", "https://platform-api.max.ru/"),
            Duration::from_secs(timeout),
            data_dir,
        )
    }

    /// Explicit addresses (tests: fakes on loopback).
    pub fn with(
        vk: String,
        telegram: String,
        max: String,
        timeout: Duration,
        data_dir: PathBuf,
    ) -> Self {
        let slash = |u: String| if u.ends_with('/') { u } else { format!("{u}/") };
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("Otklik/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        Self {
            vk: slash(vk),
            telegram: slash(telegram),
            max: slash(max),
            timeout,
            data_dir,
            client,
        }
    }

    /// The shared HTTP client.
    pub(super) fn http(&self) -> &reqwest::Client {
        &self.client
    }

    /// Whether `network`'s calls can be repeated without posting twice after a timeout
    /// (VK dedupes by `guid`; Telegram and MAX have no such key).
    pub fn idempotent(network: Network) -> bool {
        network == Network::Vk
    }
}

/// Sends `request` and reads the JSON answer with its HTTP status; a transport failure
/// as a [`Failure`] (a timeout as [`Failure::Timeout`]).
pub(super) async fn call(
    request: reqwest::RequestBuilder,
) -> Result<(u16, serde_json::Value), Failure> {
    let response = request.send().await.map_err(transport)?;
    let status = response.status().as_u16();
    let body = response.bytes().await.map_err(transport)?;
    match serde_json::from_slice(&body) {
        Ok(json) => Ok((status, json)),
        Err(_) if status >= 500 => Err(Failure::Unavailable {
            detail: format!("HTTP {status}"),
        }),
        Err(_) => Err(Failure::Refused {
            detail: format!("непонятный ответ сервера (HTTP {status})"),
        }),
    }
}

/// A transport error without its URL. A refused connection never reached the network
/// (safe to repeat); a timeout or a connection lost midway leaves the result unknown.
fn transport(e: reqwest::Error) -> Failure {
    let e = e.without_url();
    if e.is_connect() && !e.is_timeout() {
        tracing::warn!(error = %e, "network API unreachable");
        return Failure::Unavailable {
            detail: "нет соединения".to_owned(),
        };
    }
    tracing::warn!(error = %e, "network API call ended without an answer");
    Failure::Timeout
}

/// A file as a multipart part.
pub(super) fn part(file: &Upload) -> reqwest::multipart::Part {
    let part = reqwest::multipart::Part::bytes(file.bytes.clone()).file_name(file.name.clone());
    part.mime_str(&file.mime).unwrap_or_else(|_| {
        reqwest::multipart::Part::bytes(file.bytes.clone()).file_name(file.name.clone())
    })
}
