//! The relying-party API, modelled on BankID's RP API v6.0: `auth`, `sign`, `collect`,
//! `cancel`. The relying party is the one its client certificate names, and it sees only the
//! orders it started: any other order reference is `invalidParameters`, exactly as an unknown
//! one.

use axum::Extension;
use axum::extract::State;
use tapid_identity::order::{CollectResponse, ErrorCode, ErrorResponse, HintCode};

use super::error::ApiError;
use super::json::Json;
use super::openapi::TAG_RP;
use super::wire::{Cancelled, OrderRefRequest, StartRequest, StartResponse};
use super::{AppState, Peer};
use crate::order::lifecycle::{self, Collected, Gone};
use crate::order::start;
use crate::store::{OrderKey, OrderKind, OrderRecord, Phase, StoreError};
use crate::tls::{Party, Role};

/// How often a handler re-reads an order whose compare-and-set lost a race before it gives up.
const RETRIES: usize = 8;

/// The order under `key` as it stands now: expiry applied and written first, so every
/// instance reports the same.
pub async fn current_order(
    state: &AppState,
    key: OrderKey<'_>,
) -> Result<Option<OrderRecord>, ApiError> {
    for _ in 0..RETRIES {
        let Some(mut o) = state.store.find_order(key).await? else {
            return Ok(None);
        };
        let now = state.clock.now_millis();
        if !lifecycle::expire(&mut o, now, &state.config)
            || state.store.update_order(&mut o).await?
        {
            return Ok(Some(o));
        }
    }
    Err(ApiError::rp(
        ErrorCode::InternalError,
        "The order is changing too fast",
    ))
}

async fn start(
    state: AppState,
    peer: Peer,
    kind: OrderKind,
    req: StartRequest,
) -> Result<axum::Json<StartResponse>, ApiError> {
    let rp = peer.require(Role::RelyingParty)?;
    let started = start_order(&state, rp, kind, &req, state.config.rp_orders_per_minute).await?;
    Ok(axum::Json(started))
}

/// Starts an order for relying party `rp`, which may start at most `per_minute` orders in any
/// minute (counted in the store, so over every instance): what `auth` and `sign` do once the
/// certificate named the party, and what the demo page's backend does as its own party.
pub async fn start_order(
    state: &AppState,
    rp: &Party,
    kind: OrderKind,
    req: &StartRequest,
    per_minute: i64,
) -> Result<StartResponse, ApiError> {
    start::validate(kind, req)?;
    let now = state.clock.now_millis();
    let started = state
        .store
        .orders_started_since(&rp.id, now - 60_000)
        .await?;
    if started >= per_minute {
        return Err(ApiError::rp(ErrorCode::TooManyRequests, "Too many orders"));
    }
    for _ in 0..RETRIES {
        let order = start::new_order(kind, req, &rp.id, now, state.entropy.as_ref());
        match state.store.insert_order(&order).await {
            Ok(()) => {
                super::push::send(state, &order).await?;
                tracing::info!(order = %order.order_ref, rp = %rp.id, kind = kind.as_str(), "order started");
                return Ok(StartResponse {
                    order_ref: order.order_ref,
                    auto_start_token: order.auto_start_token,
                    qr_start_token: order.qr_start_token,
                    qr_start_secret: order.qr_start_secret,
                });
            }
            Err(StoreError::Conflict) => {
                let Some(pno) = order.pending_pno.as_deref() else {
                    continue; // a token collided: draw new ones
                };
                if cancel_in_progress(state, pno).await? {
                    return Err(ApiError::rp(
                        ErrorCode::AlreadyInProgress,
                        "An order for this user is already in progress",
                    ));
                }
                // The other order ended meanwhile: try again.
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::rp(
        ErrorCode::InternalError,
        "Could not start the order",
    ))
}

/// BankID's rule for a second order for the same person: no new order, and the one in
/// progress fails with `cancelled`. `false` when no order holds the personal number any more.
async fn cancel_in_progress(state: &AppState, pno: &str) -> Result<bool, ApiError> {
    for _ in 0..RETRIES {
        let Some(mut other) = current_order(state, OrderKey::PendingPersonalNumber(pno)).await?
        else {
            return Ok(false);
        };
        if !other.phase.is_open() {
            return Ok(false);
        }
        lifecycle::fail(&mut other, HintCode::Cancelled, state.clock.now_millis());
        if state.store.update_order(&mut other).await? {
            tracing::info!(order = %other.order_ref, "order cancelled by a new order for the same user");
            return Ok(true);
        }
    }
    Ok(true)
}

/// `POST /rp/v6.0/auth`.
#[utoipa::path(
    post,
    path = super::RP_AUTH,
    operation_id = "auth",
    tag = TAG_RP,
    security(("mutualTLS" = [])),
    request_body = StartRequest,
    responses(
        (status = 200, description = "The order started", body = StartResponse, links(
            ("collect" = (operation_id = "collect", request_body = json!({"orderRef": "$response.body#/orderRef"}))),
            ("cancel" = (operation_id = "cancel", request_body = json!({"orderRef": "$response.body#/orderRef"}))),
            ("offlineChallenge" = (operation_id = "offlineChallenge", request_body = json!({"orderRef": "$response.body#/orderRef"}))),
        )),
        (status = 400, description = "`invalidParameters`, or `alreadyInProgress` (the user's other order is cancelled)", body = ErrorResponse),
        (status = 401, description = "`unauthorized`: no relying party's client certificate", body = ErrorResponse),
        (status = 415, description = "`unsupportedMediaType`: not `application/json`", body = ErrorResponse),
        (status = 429, description = "`tooManyRequests`: the relying party's order rate", body = ErrorResponse),
        (status = 500, description = "`internalError`", body = ErrorResponse),
    ),
)]
pub async fn auth(
    State(state): State<AppState>,
    Extension(peer): Extension<Peer>,
    Json(req): Json<StartRequest>,
) -> Result<axum::Json<StartResponse>, ApiError> {
    start(state, peer, OrderKind::Auth, req).await
}

/// `POST /rp/v6.0/sign`.
#[utoipa::path(
    post,
    path = super::RP_SIGN,
    operation_id = "sign",
    tag = TAG_RP,
    security(("mutualTLS" = [])),
    request_body = StartRequest,
    responses(
        (status = 200, description = "The order started", body = StartResponse, links(
            ("collect" = (operation_id = "collect", request_body = json!({"orderRef": "$response.body#/orderRef"}))),
            ("cancel" = (operation_id = "cancel", request_body = json!({"orderRef": "$response.body#/orderRef"}))),
            ("offlineChallenge" = (operation_id = "offlineChallenge", request_body = json!({"orderRef": "$response.body#/orderRef"}))),
        )),
        (status = 400, description = "`invalidParameters` (`userVisibleData` is required), or `alreadyInProgress`", body = ErrorResponse),
        (status = 401, description = "`unauthorized`: no relying party's client certificate", body = ErrorResponse),
        (status = 415, description = "`unsupportedMediaType`: not `application/json`", body = ErrorResponse),
        (status = 429, description = "`tooManyRequests`: the relying party's order rate", body = ErrorResponse),
        (status = 500, description = "`internalError`", body = ErrorResponse),
    ),
)]
pub async fn sign(
    State(state): State<AppState>,
    Extension(peer): Extension<Peer>,
    Json(req): Json<StartRequest>,
) -> Result<axum::Json<StartResponse>, ApiError> {
    start(state, peer, OrderKind::Sign, req).await
}

/// Relying party `rp_id`'s own order, or `invalidParameters`.
async fn own_order(
    state: &AppState,
    rp_id: &str,
    order_ref: &str,
) -> Result<OrderRecord, ApiError> {
    match current_order(state, OrderKey::Ref(order_ref)).await? {
        Some(o) if o.rp_id == rp_id => Ok(o),
        _ => Err(ApiError::invalid("No such order")),
    }
}

/// `POST /rp/v6.0/collect`.
#[utoipa::path(
    post,
    path = super::RP_COLLECT,
    operation_id = "collect",
    tag = TAG_RP,
    security(("mutualTLS" = [])),
    request_body = OrderRefRequest,
    responses(
        (status = 200, description = "The order's status, hint code or completion data", body = CollectResponse),
        (status = 400, description = "`invalidParameters`: no such order of this relying party, or no longer collectable", body = ErrorResponse),
        (status = 401, description = "`unauthorized`: no relying party's client certificate", body = ErrorResponse),
        (status = 415, description = "`unsupportedMediaType`: not `application/json`", body = ErrorResponse),
        (status = 500, description = "`internalError`", body = ErrorResponse),
    ),
)]
pub async fn collect(
    State(state): State<AppState>,
    Extension(peer): Extension<Peer>,
    Json(req): Json<OrderRefRequest>,
) -> Result<axum::Json<serde_json::Value>, ApiError> {
    let rp = peer.require(Role::RelyingParty)?;
    let c = collect_order(&state, &rp.id, &req.order_ref).await?;
    Ok(axum::Json(c.to_json()))
}

/// What collect answers relying party `rp_id` for its order `order_ref`.
pub async fn collect_order(
    state: &AppState,
    rp_id: &str,
    order_ref: &str,
) -> Result<Collected, ApiError> {
    let o = own_order(state, rp_id, order_ref).await?;
    match lifecycle::collect(&o, state.clock.now_millis(), &state.config) {
        Ok(c) => Ok(c),
        Err(Gone::Cancelled) => Err(ApiError::invalid("No such order")),
        Err(Gone::TooOld) => Err(ApiError::invalid("The order can no longer be collected")),
    }
}

/// `POST /rp/v6.0/cancel`.
#[utoipa::path(
    post,
    path = super::RP_CANCEL,
    operation_id = "cancel",
    tag = TAG_RP,
    security(("mutualTLS" = [])),
    request_body = OrderRefRequest,
    responses(
        (status = 200, description = "The order is cancelled", body = Cancelled),
        (status = 400, description = "`invalidParameters`: no such order of this relying party, or not pending", body = ErrorResponse),
        (status = 401, description = "`unauthorized`: no relying party's client certificate", body = ErrorResponse),
        (status = 415, description = "`unsupportedMediaType`: not `application/json`", body = ErrorResponse),
        (status = 500, description = "`internalError`", body = ErrorResponse),
    ),
)]
pub async fn cancel(
    State(state): State<AppState>,
    Extension(peer): Extension<Peer>,
    Json(req): Json<OrderRefRequest>,
) -> Result<axum::Json<Cancelled>, ApiError> {
    let rp = peer.require(Role::RelyingParty)?;
    cancel_order(&state, &rp.id, &req.order_ref).await?;
    Ok(axum::Json(Cancelled {}))
}

/// Cancels relying party `rp_id`'s pending order `order_ref`.
pub async fn cancel_order(state: &AppState, rp_id: &str, order_ref: &str) -> Result<(), ApiError> {
    for _ in 0..RETRIES {
        let mut o = own_order(state, rp_id, order_ref).await?;
        if !o.phase.is_open() {
            return Err(ApiError::invalid("The order is not pending"));
        }
        let now = state.clock.now_millis();
        o.phase = Phase::Cancelled;
        o.hint_code = None;
        o.finished_at = Some(now);
        o.updated_at = now;
        o.pending_pno = None;
        if state.store.update_order(&mut o).await? {
            tracing::info!(order = %o.order_ref, "order cancelled by the relying party");
            return Ok(());
        }
    }
    Err(ApiError::rp(
        ErrorCode::InternalError,
        "The order is changing too fast",
    ))
}
