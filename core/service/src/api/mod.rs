//! The HTTP API: the relying-party API (`/rp/v6.0/*`), the issuer API (`/issuer/v1/*`), the app
//! API (`/app/v1/*`), the JWK set, the health check and, when configured, the demo page
//! ([`crate::demo`]). Handlers decide with the pure order
//! functions and write through the store before they answer.

pub mod app;
pub mod error;
pub mod issuer;
pub mod json;
pub mod offline;
pub mod push;
pub mod renewal;
pub mod rp;
pub mod wire;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use tapid_identity::order::ErrorCode;
use tapid_identity::service_api;
use tapid_mrtd::pa::TrustStore;

use crate::clock::Clock;
use crate::config::Config;
use crate::entropy::Entropy;
use crate::jws::JwkSet;
use crate::keys::ServiceKeys;
use crate::store::Store;
use crate::tls::{Party, Role};
use error::ApiError;

/// Everything a handler needs; cheap to clone. Nothing in it is state another instance needs:
/// orders and identities live in the store.
#[derive(Clone)]
pub struct AppState {
    /// The storage.
    pub store: Store,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// The randomness.
    pub entropy: Arc<dyn Entropy>,
    /// The service's keys.
    pub keys: Arc<ServiceKeys>,
    /// Policies and timings.
    pub config: Arc<Config>,
    /// The CSCAs the step-up verifies passports against (the server's own trust store).
    pub trust: Arc<TrustStore>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}

/// The TLS peer of a request: the party its client certificate names, and its address.
#[derive(Debug, Clone)]
pub struct Peer {
    /// The party, when a client certificate of the client CA was presented.
    pub party: Option<Party>,
    /// The remote address.
    pub addr: SocketAddr,
}

impl Peer {
    /// The party if it has `role`, else `unauthorized`.
    pub fn require(&self, role: Role) -> Result<&Party, ApiError> {
        self.party
            .as_ref()
            .filter(|p| p.role == role)
            .ok_or_else(|| {
                ApiError::rp(
                    ErrorCode::Unauthorized,
                    "A client certificate of this role is required",
                )
            })
    }
}

async fn health(State(state): State<AppState>) -> impl IntoResponse {
    match state.store.orders_started_since("", i64::MAX).await {
        Ok(_) => (
            StatusCode::OK,
            axum::Json(serde_json::json!({"status": "ok"})),
        ),
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(serde_json::json!({"status": "storageUnavailable"})),
        ),
    }
}

async fn jwks(State(state): State<AppState>) -> axum::Json<JwkSet> {
    axum::Json(JwkSet {
        keys: vec![state.keys.jws.jwk()],
    })
}

async fn not_found() -> ApiError {
    ApiError::rp(ErrorCode::NotFound, "No such endpoint")
}

async fn method_not_allowed() -> ApiError {
    ApiError::rp(ErrorCode::MethodNotAllowed, "Only POST is allowed")
}

/// The router. The TLS layer adds a [`Peer`] extension to every request.
pub fn router(state: AppState) -> Router {
    let post_only = |r: axum::routing::MethodRouter<AppState>| r.fallback(method_not_allowed);
    let mut router = Router::new();
    if let Some((demo, sessions)) = crate::demo::routes(&state.config) {
        // The demo page's sessions live in this instance, as its relays do.
        router = router.merge(demo.layer(axum::Extension(sessions)));
    }
    router
        .route("/health", get(health))
        .route("/.well-known/jwks.json", get(jwks))
        .route("/rp/v6.0/auth", post_only(post(rp::auth)))
        .route("/rp/v6.0/sign", post_only(post(rp::sign)))
        .route("/rp/v6.0/collect", post_only(post(rp::collect)))
        .route("/rp/v6.0/cancel", post_only(post(rp::cancel)))
        .route("/issuer/v1/identities", post_only(post(issuer::issue)))
        .route(service_api::ENROL, post_only(post(app::enrol)))
        .route(service_api::PICKUP, post_only(post(app::pickup)))
        .route(service_api::EVIDENCE, post_only(post(app::evidence)))
        .route(service_api::APPROVE, post_only(post(app::approve)))
        .route(service_api::DECLINE, post_only(post(app::decline)))
        .route(
            service_api::RELAY_START,
            post_only(post(crate::relay::handlers::start)),
        )
        .route(
            service_api::RELAY_EXCHANGE,
            post_only(post(crate::relay::handlers::exchange)),
        )
        .route(service_api::PUSH_PENDING, post_only(post(push::pending)))
        .route(service_api::PUSH_PICKUP, post_only(post(push::pickup)))
        .route(
            service_api::OFFLINE_CHALLENGE,
            post_only(post(offline::challenge)),
        )
        .route(
            service_api::OFFLINE_VERIFY,
            post_only(post(offline::verify)),
        )
        .route(service_api::RENEWAL_START, post_only(post(renewal::start)))
        .route(
            service_api::RENEWAL_EVIDENCE,
            post_only(post(renewal::evidence)),
        )
        .route(
            service_api::RENEWAL_COMPLETE,
            post_only(post(renewal::complete)),
        )
        .fallback(not_found)
        // This instance's relays (the in-flight reads of relay mode), shared by the router's
        // clones: see `crate::relay` on why a relay is pinned to its instance.
        .layer(axum::Extension(crate::relay::Relays::new(
            state.config.relay,
        )))
        .with_state(state)
}
