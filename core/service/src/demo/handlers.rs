//! The page's backend: `GET /demo` and the JSON endpoints `/demo/api/start`, `/status` and
//! `/cancel`. It acts as the demo relying party ([`crate::config::DemoConfig::party`]) through
//! the same functions as the RP API, so its orders are ordinary orders of that party; it needs
//! no client certificate from the browser, and bounds what the browser can make it do: one
//! order per start call, at most [`crate::config::DemoConfig::orders_per_minute`] a minute,
//! at most [`crate::config::DemoConfig::max_sessions`] sessions at once.

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde::Deserialize;
use tapid_identity::autostart::{LaunchUrl, Platform, RedirectPolicy};
use tapid_identity::messages::Lang;
use tapid_identity::order::ErrorCode;
use tapid_identity::qr::QrStartSecret;

use super::page;
use super::sessions::{Session, Sessions};
use super::view::{self, Message};
use crate::api::error::ApiError;
use crate::api::json::Json;
use crate::api::wire::StartRequest;
use crate::api::{AppState, Peer, rp};
use crate::config::DemoConfig;
use crate::entropy;
use crate::store::OrderKind;

/// An error answer of the page's backend: the RP API's `errorCode` and `details`, and the
/// user message for it in the page's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoError {
    /// The error.
    pub error: ApiError,
    /// The page's language.
    pub lang: Lang,
}

impl IntoResponse for DemoError {
    fn into_response(self) -> Response {
        let message = Message::for_error(&self.error.code, self.lang);
        let body = serde_json::json!({
            "errorCode": self.error.code,
            "details": self.error.details,
            "message": message,
        });
        page::no_store((self.error.status, axum::Json(body)).into_response())
    }
}

fn in_lang(lang: Lang) -> impl Fn(ApiError) -> DemoError {
    move |error| DemoError { error, lang }
}

fn lang(code: Option<&str>) -> Lang {
    code.and_then(|c| c.parse().ok()).unwrap_or_default()
}

fn demo(state: &AppState, lang: Lang) -> Result<&DemoConfig, DemoError> {
    state
        .config
        .demo
        .as_ref()
        .ok_or_else(|| in_lang(lang)(ApiError::rp(ErrorCode::NotFound, "No such endpoint")))
}

fn json(value: impl serde::Serialize) -> Response {
    page::no_store(axum::Json(value).into_response())
}

/// `GET /demo`.
pub async fn page(State(state): State<AppState>) -> Response {
    match &state.config.demo {
        Some(d) => page::response(&d.party.display_name),
        None => (StatusCode::NOT_FOUND, "").into_response(),
    }
}

/// The body of `/demo/api/start`.
#[derive(Debug, Clone, Deserialize)]
pub struct StartBody {
    /// `sv` (the default) or `en`.
    #[serde(default)]
    pub lang: Option<String>,
    /// `desktop` (the default), `android` or `ios`: which launch URL the button opens.
    #[serde(default)]
    pub platform: Option<String>,
}

/// The text the app shows for the demo's order.
fn visible_text(lang: Lang) -> &'static str {
    match lang {
        Lang::Sv => "Inloggning på tapids demosida",
        Lang::En => "Log in to tapid's demo page",
    }
}

/// `POST /demo/api/start`: starts one auth order as the demo party; answers the session id.
pub async fn start(
    State(state): State<AppState>,
    Extension(peer): Extension<Peer>,
    Extension(sessions): Extension<Sessions>,
    Json(body): Json<StartBody>,
) -> Result<Response, DemoError> {
    let lang = lang(body.lang.as_deref());
    let err = in_lang(lang);
    let demo = demo(&state, lang)?;
    let platform: Platform = match body.platform.as_deref() {
        None => Platform::Desktop,
        Some(p) => p
            .parse()
            .map_err(|_| err(ApiError::invalid("Invalid platform")))?,
    };
    let reservation = sessions.reserve(state.clock.now_millis()).ok_or_else(|| {
        err(ApiError::rp(
            ErrorCode::TooManyRequests,
            "Too many sessions",
        ))
    })?;
    let req = StartRequest {
        end_user_ip: peer.addr.ip().to_canonical().to_string(),
        user_visible_data: Some(B64.encode(visible_text(lang))),
        ..Default::default()
    };
    let per_minute = demo
        .orders_per_minute
        .min(state.config.rp_orders_per_minute);
    let started = rp::start_order(&state, &demo.party, OrderKind::Auth, &req, per_minute)
        .await
        .map_err(&err)?;
    let started_at = state.clock.now_millis();
    let secret = zeroize::Zeroizing::new(started.qr_start_secret);
    let internal = |details| err(ApiError::rp(ErrorCode::InternalError, details));
    let secret = QrStartSecret::new(&secret).map_err(|_| internal("Unusable QR start secret"))?;
    let launch_url = LaunchUrl::for_platform(
        platform,
        &started.auto_start_token,
        None,
        &RedirectPolicy::new(),
    )
    .map_err(|_| internal("Unusable autostart token"))?
    .to_string();
    let id = hex::encode(entropy::bytes::<16>(state.entropy.as_ref()));
    reservation.fill(
        id.clone(),
        Session {
            order_ref: started.order_ref,
            qr_start_token: started.qr_start_token,
            secret,
            launch_url,
            started_at,
            mobile: platform != Platform::Desktop,
            cancelled: false,
            finished: false,
        },
        started_at,
    );
    Ok(json(serde_json::json!({ "session": id })))
}

/// The body of `/demo/api/status`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusBody {
    /// The session id `start` answered.
    pub session: String,
    /// `sv` (the default) or `en`.
    #[serde(default)]
    pub lang: Option<String>,
    /// The page opened the launch URL (the user chose this device).
    #[serde(default)]
    pub auto_started: bool,
}

fn no_session() -> ApiError {
    ApiError::invalid("No such session")
}

/// `POST /demo/api/status`: collects the order and answers what the page shows now
/// ([`view::View`]).
pub async fn status(
    State(state): State<AppState>,
    Extension(sessions): Extension<Sessions>,
    Json(body): Json<StatusBody>,
) -> Result<Response, DemoError> {
    let lang = lang(body.lang.as_deref());
    let err = in_lang(lang);
    let demo = demo(&state, lang)?;
    let session = sessions
        .get(&body.session)
        .ok_or_else(|| err(no_session()))?;
    if session.cancelled {
        return Ok(json(view::cancelled(lang)));
    }
    let collected = rp::collect_order(&state, &demo.party.id, &session.order_ref)
        .await
        .map_err(&err)?;
    let view = view::of(
        &collected,
        &session,
        lang,
        body.auto_started,
        state.clock.now_millis(),
    )
    .map_err(&err)?;
    if view.status != "pending" {
        sessions.update(&body.session, |s| s.finished = true);
    }
    Ok(json(view))
}

/// The body of `/demo/api/cancel`.
#[derive(Debug, Clone, Deserialize)]
pub struct CancelBody {
    /// The session id.
    pub session: String,
    /// `sv` (the default) or `en`.
    #[serde(default)]
    pub lang: Option<String>,
}

/// `POST /demo/api/cancel`: cancels the session's order (the RP API's cancel).
pub async fn cancel(
    State(state): State<AppState>,
    Extension(sessions): Extension<Sessions>,
    Json(body): Json<CancelBody>,
) -> Result<Response, DemoError> {
    let lang = lang(body.lang.as_deref());
    let err = in_lang(lang);
    let demo = demo(&state, lang)?;
    let session = sessions
        .get(&body.session)
        .ok_or_else(|| err(no_session()))?;
    rp::cancel_order(&state, &demo.party.id, &session.order_ref)
        .await
        .map_err(&err)?;
    sessions.update(&body.session, |s| {
        s.cancelled = true;
        s.finished = true;
    });
    Ok(json(serde_json::json!({})))
}
