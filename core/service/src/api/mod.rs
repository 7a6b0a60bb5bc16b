//! The HTTP API: the relying-party API (`/rp/v6.0/*`), the issuer API (`/issuer/v1/*`), the app
//! API (`/app/v1/*`), the JWK set, the health check, the OpenAPI document and, when
//! configured, the demo page ([`crate::demo`]). Handlers decide with the pure order
//! functions and write through the store before they answer.

pub mod app;
pub mod error;
pub mod issuer;
pub mod json;
pub mod offline;
pub mod openapi;
pub mod push;
pub mod renewal;
pub mod rp;
pub mod whole_body;
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

/// The `/health` body.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok`, or `storageUnavailable` when the store does not answer.
    #[schema(examples("ok", "storageUnavailable"))]
    pub status: &'static str,
}

/// `GET /health`: whether the instance can reach its store (no client certificate needed).
#[utoipa::path(
    get,
    path = HEALTH,
    operation_id = "health",
    tag = openapi::TAG_SERVICE,
    responses(
        (status = 200, description = "The instance serves", body = Health),
        (status = 503, description = "The store does not answer", body = Health),
    ),
)]
pub async fn health(State(state): State<AppState>) -> impl IntoResponse {
    match state.store.orders_started_since("", i64::MAX).await {
        Ok(_) => (StatusCode::OK, axum::Json(Health { status: "ok" })),
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(Health {
                status: "storageUnavailable",
            }),
        ),
    }
}

/// `GET /.well-known/jwks.json`: the public key that verifies completion signatures.
#[utoipa::path(
    get,
    path = JWKS,
    operation_id = "jwks",
    tag = openapi::TAG_SERVICE,
    responses((status = 200, description = "The service's signing keys", body = JwkSet)),
)]
pub async fn jwks(State(state): State<AppState>) -> axum::Json<JwkSet> {
    axum::Json(JwkSet {
        keys: vec![state.keys.jws.jwk()],
    })
}

async fn not_found() -> ApiError {
    ApiError::rp(ErrorCode::NotFound, "No such endpoint")
}

async fn method_not_allowed() -> ApiError {
    ApiError::rp(ErrorCode::MethodNotAllowed, "Method not allowed")
}

/// `GET`: the health check.
pub const HEALTH: &str = "/health";
/// `GET`: the JWK set of the completion signing key.
pub const JWKS: &str = "/.well-known/jwks.json";
/// `GET`: this API's OpenAPI document.
pub const OPENAPI: &str = "/openapi.json";
/// `POST`: start an authentication order.
pub const RP_AUTH: &str = "/rp/v6.0/auth";
/// `POST`: start a signing order.
pub const RP_SIGN: &str = "/rp/v6.0/sign";
/// `POST`: an order's status and, once complete, its completion data.
pub const RP_COLLECT: &str = "/rp/v6.0/collect";
/// `POST`: cancel a pending order.
pub const RP_CANCEL: &str = "/rp/v6.0/cancel";
/// `POST`: issue an identity and its activation code.
pub const ISSUER_IDENTITIES: &str = "/issuer/v1/identities";

/// Declares every route once: [`router`] serves exactly these, and [`ROUTES`] lists them for
/// the OpenAPI document's test (no route undocumented, no documented path unserved).
macro_rules! routes {
    ($($method:ident $path:expr => $handler:path,)*) => {
        /// Every route the router serves, as (lower-case method, path).
        pub const ROUTES: &[(&str, &str)] = &[$((stringify!($method), $path),)*];

        fn with_routes(router: Router<AppState>) -> Router<AppState> {
            router $(.route($path, $method($handler).fallback(method_not_allowed)))*
        }
    };
}

routes! {
    get HEALTH => health,
    get JWKS => jwks,
    get OPENAPI => openapi::document,
    post RP_AUTH => rp::auth,
    post RP_SIGN => rp::sign,
    post RP_COLLECT => rp::collect,
    post RP_CANCEL => rp::cancel,
    post ISSUER_IDENTITIES => issuer::issue,
    post service_api::ENROL => app::enrol,
    post service_api::PICKUP => app::pickup,
    post service_api::EVIDENCE => app::evidence,
    post service_api::APPROVE => app::approve,
    post service_api::DECLINE => app::decline,
    post service_api::RELAY_START => crate::relay::handlers::start,
    post service_api::RELAY_EXCHANGE => crate::relay::handlers::exchange,
    post service_api::PUSH_PENDING => push::pending,
    post service_api::PUSH_PICKUP => push::pickup,
    post service_api::OFFLINE_CHALLENGE => offline::challenge,
    post service_api::OFFLINE_VERIFY => offline::verify,
    post service_api::RENEWAL_START => renewal::start,
    post service_api::RENEWAL_EVIDENCE => renewal::evidence,
    post service_api::RENEWAL_RELAY_START => crate::relay::handlers::renewal_start,
    post service_api::RENEWAL_RELAY_EXCHANGE => crate::relay::handlers::renewal_exchange,
    post service_api::RENEWAL_COMPLETE => renewal::complete,
}

/// The router. The TLS layer adds a [`Peer`] extension to every request.
pub fn router(state: AppState) -> Router {
    let mut router = Router::new();
    if let Some((demo, sessions)) = crate::demo::routes(&state.config) {
        // The demo page (off by default; a web page of its own relying party, so not in the
        // API's document) keeps its sessions in this instance, as the relays do.
        router = router.merge(demo.layer(axum::Extension(sessions)));
    }
    with_routes(router)
        .fallback(not_found)
        // Bodies are read before any handler answers, so no answer leaves a body unread.
        .layer(axum::middleware::from_fn(whole_body::read_whole_body))
        // This instance's relays (the in-flight reads of relay mode), shared by the router's
        // clones: see `crate::relay` on why a relay is pinned to its instance.
        .layer(axum::Extension(crate::relay::Relays::new(
            state.config.relay,
        )))
        .with_state(state)
}
