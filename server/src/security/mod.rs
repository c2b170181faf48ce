//! Protections every request passes through (issue 15): the client address for the
//! sign-in throttle, the same-origin rule for cookie-authenticated writes, and the
//! response headers (a Content-Security-Policy with a per-response nonce among them).

/// The client address of a request.
pub mod client;
/// Content-Security-Policy with a nonce, and the other security headers.
pub mod headers;
/// Cross-site request forgery: cookie-authenticated writes must be same-origin.
pub mod origin;

use axum::http::HeaderName;

/// Deployment settings of these protections (environment variables, read at start).
#[derive(Clone, Debug, Default)]
pub struct SecurityConfig {
    /// The header a trusted reverse proxy puts the client's address in
    /// (`OTKLIK_CLIENT_IP_HEADER`, e.g. `X-Forwarded-For`; its last address is taken).
    /// Without it the peer address of the connection is the client's.
    pub client_ip_header: Option<HeaderName>,
    /// The origin browsers reach the app at (`OTKLIK_PUBLIC_ORIGIN`, e.g.
    /// `https://otklik.example.ru`). Without it a write's `Origin` must name the request's
    /// `Host`.
    pub public_origin: Option<String>,
}

impl SecurityConfig {
    /// Reads `OTKLIK_CLIENT_IP_HEADER` and `OTKLIK_PUBLIC_ORIGIN`.
    pub fn from_env() -> Self {
        let client_ip_header = std::env::var("OTKLIK_CLIENT_IP_HEADER")
            .ok()
            .filter(|v| !v.trim().is_empty())
            .and_then(|v| match HeaderName::try_from(v.trim()) {
                Ok(name) => Some(name),
                Err(e) => {
                    tracing::error!(error = %e, "OTKLIK_CLIENT_IP_HEADER is not a header name; ignored");
                    None
                }
            });
        let public_origin = std::env::var("OTKLIK_PUBLIC_ORIGIN")
            .ok()
            .map(|v| v.trim().trim_end_matches('/').to_owned())
            .filter(|v| !v.is_empty());
        Self {
            client_ip_header,
            public_origin,
        }
    }
}
