//! The demo relying-party page at `/demo`: a web page as a relying party would put before its
//! users (the animated QR refreshed every second, the "start the app on this device" button
//! after 5 s, the recommended user messages in Swedish or English, the holder's name when the
//! order completes), and the small backend behind it, inside the service, that acts as a
//! relying party of its own. On when [`crate::config::Config::demo`] is set (`tapid serve
//! --demo-rp CERT` sets it).

pub mod handlers;
pub mod page;
pub mod qr_svg;
pub mod sessions;
pub mod view;

use axum::Router;
use axum::routing::{get, post};

use crate::api::AppState;
use crate::config::Config;
pub use sessions::Sessions;

/// The page's path.
pub const PAGE: &str = "/demo";
/// Starts an order.
pub const START: &str = "/demo/api/start";
/// The order's status and the current QR frame.
pub const STATUS: &str = "/demo/api/status";
/// Cancels the order.
pub const CANCEL: &str = "/demo/api/cancel";

/// The page's routes, when `config` turns it on; they need [`Sessions`] as an extension.
pub fn routes(config: &Config) -> Option<(Router<AppState>, Sessions)> {
    let demo = config.demo.as_ref()?;
    let ttl = config.order_lifetime + config.collect_failed.max(config.collect_complete);
    let router = Router::new()
        .route(PAGE, get(handlers::page))
        .route(START, post(handlers::start))
        .route(STATUS, post(handlers::status))
        .route(CANCEL, post(handlers::cancel));
    Some((router, Sessions::new(demo.max_sessions, ttl)))
}
