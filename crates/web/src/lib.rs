//! Handoff's web server: server-rendered pages for people (they work without
//! JavaScript: plain forms, post/redirect/get) and a JSON API for systems, over the same
//! services. Handlers never decide access and never touch SQL: they parse, call a
//! service, and render.
#![forbid(unsafe_code)]

pub mod api;
mod assets;
pub mod auth;
mod error;
mod hooks;
mod kit;
mod middleware;
pub mod routes;
pub mod tls;
mod ui;

use std::net::SocketAddr;

use handoff_app::App;

pub use routes::router;

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    /// Served over HTTPS (TLS here, or at a proxy in front): cookies get `Secure` and the
    /// `__Host-` prefix, and responses carry Strict-Transport-Security.
    pub secure_cookies: bool,
    /// Proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`).
    pub proxies: auth::TrustedProxies,
}

/// Serves until `shutdown` resolves.
pub async fn serve(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
