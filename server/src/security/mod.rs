//! Protections every request passes through (issue 15): the same-origin rule for
//! cookie-authenticated writes, and the response headers (a Content-Security-Policy with
//! a per-response nonce among them).

/// Content-Security-Policy with a nonce, and the other security headers.
pub mod headers;
/// Cross-site request forgery: cookie-authenticated writes must be same-origin.
pub mod origin;

/// Deployment settings of these protections (environment variables, read at start).
#[derive(Clone, Debug, Default)]
pub struct SecurityConfig {
    /// The origin browsers reach the app at (`OTKLIK_PUBLIC_ORIGIN`, e.g.
    /// `https://otklik.example.ru`). Without it a write's `Origin` must name the request's
    /// `Host`.
    pub public_origin: Option<String>,
}

impl SecurityConfig {
    /// Reads `OTKLIK_PUBLIC_ORIGIN`.
    pub fn from_env() -> Self {
        let public_origin = std::env::var("OTKLIK_PUBLIC_ORIGIN")
            .ok()
            .map(|v| v.trim().trim_end_matches('/').to_owned())
            .filter(|v| !v.is_empty());
        Self { public_origin }
    }
}
