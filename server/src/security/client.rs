//! Which address a request comes from: the connection's peer, or — behind a reverse proxy
//! named by `OTKLIK_CLIENT_IP_HEADER` — the last address that proxy appended. The result
//! is put into the request as [`ClientAddr`] for the sign-in throttle.

use super::SecurityConfig;
use app::service::auth::ClientAddr;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::net::SocketAddr;
use std::sync::Arc;

/// The address used when none is known (in-process tests without a connection).
pub const UNKNOWN: &str = "unknown";

/// Puts the request's [`ClientAddr`] into its extensions.
pub async fn client_address(
    State(config): State<Arc<SecurityConfig>>,
    mut request: Request,
    next: Next,
) -> Response {
    let from_proxy = config.client_ip_header.as_ref().and_then(|name| {
        // A proxy appends the address it saw; anything before it the client could forge.
        let value = request.headers().get_all(name).iter().next_back()?;
        let last = value.to_str().ok()?.rsplit(',').next()?.trim();
        last.parse::<std::net::IpAddr>()
            .ok()
            .map(|ip| ip.to_string())
    });
    let addr = from_proxy
        .or_else(|| {
            request
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(peer)| peer.ip().to_string())
        })
        .unwrap_or_else(|| UNKNOWN.to_owned());
    request.extensions_mut().insert(ClientAddr(addr));
    next.run(request).await
}
