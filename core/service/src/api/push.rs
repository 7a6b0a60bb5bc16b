//! Push approvals (bankid.md §7, the myPOS model): an order a relying party starts for a named
//! person (`requirement.personalNumber`) is pushed to the device of that person's active
//! identity. The device polls with a signed, timestamped request whose nonce is remembered
//! (a captured poll cannot be sent again), picks the push up — which claims the order exactly
//! as a QR or autostart pickup does, by compare-and-set — and then approves or declines it
//! through the ordinary `/app/v1/approve` and `/app/v1/decline`. A revoked identity's device
//! is told so by its next poll.

use axum::Extension;
use axum::extract::State;
use sha2::{Digest, Sha256};
use tapid_identity::service_api::{
    self as api, AppError, AppErrorCode as Code, PickupResponse, Push, PushList,
    PushPendingRequest, PushPickupRequest,
};

use super::app::{claim, verify_device};
use super::error::ApiError;
use super::json::Json;
use super::openapi::TAG_APP;
use super::rp::current_order;
use super::{AppState, Peer};
use crate::entropy;
use crate::order::start;
use crate::store::{
    IdentityKey, IdentityRecord, IdentityStatus, OrderKey, OrderRecord, Phase, Pickup, PushRecord,
};

/// Sends the push of a new order for a named person to that person's active identity (the
/// most recently enrolled one), before the relying party is answered. No active identity: no
/// push (the order can still be picked up by QR or autostart).
pub async fn send(state: &AppState, order: &OrderRecord) -> Result<(), ApiError> {
    let Some(pno) = order.pending_pno.as_deref() else {
        return Ok(());
    };
    let Some(identity) = state.store.active_identities(pno).await?.into_iter().next() else {
        return Ok(());
    };
    let push = PushRecord {
        push_id: entropy::uuid(state.entropy.as_ref()),
        order_ref: order.order_ref.clone(),
        identity_id: identity.identity_id,
        created_at: order.created_at,
        expires_at: order.created_at + state.config.push_window,
    };
    state.store.insert_push(&push).await?;
    tracing::info!(order = %order.order_ref, "push sent");
    Ok(())
}

/// The enrolled identity `id` for a device call: `identityRevoked` when it was revoked,
/// `identityUnusable` when unknown or not enrolled. The signature is checked by the caller
/// with the key returned, before the status is revealed.
async fn device_identity(state: &AppState, id: &str) -> Result<IdentityRecord, ApiError> {
    state
        .store
        .find_identity(IdentityKey::Id(id))
        .await?
        .filter(|i| i.status != IdentityStatus::Issued && i.device_public_key.is_some())
        .ok_or_else(|| {
            ApiError::app(
                Code::IdentityUnusable,
                "The identity is unknown, not enrolled or revoked",
            )
        })
}

fn revoked() -> ApiError {
    ApiError::app(Code::IdentityRevoked, "The identity was revoked")
}

/// `POST /app/v1/push/pending`.
#[utoipa::path(
    post,
    path = api::PUSH_PENDING,
    operation_id = "pushPending",
    tag = TAG_APP,
    request_body = PushPendingRequest,
    responses(
        (status = 200, description = "The open pushes of this device", body = PushList),
        (status = 400, description = "`invalidParameters`, `requestStale` or `requestReplayed`", body = AppError),
        (status = 403, description = "`badSignature`, `identityUnusable` or `identityRevoked`", body = AppError),
        (status = 415, description = "`unsupportedMediaType`: not `application/json`", body = AppError),
        (status = 500, description = "`internalError`", body = AppError),
    ),
)]
pub async fn pending(
    State(state): State<AppState>,
    Json(req): Json<PushPendingRequest>,
) -> Result<axum::Json<PushList>, ApiError> {
    let identity = device_identity(&state, &req.identity_id).await?;
    verify_device(
        identity.device_public_key.as_deref().unwrap_or_default(),
        &api::push_pending_payload(&identity.identity_id, req.timestamp, &req.nonce),
        &req.signature,
    )?;
    let now = state.clock.now_millis();
    let window = state.config.app_request_window;
    let sent = req.timestamp.saturating_mul(1000);
    if sent.saturating_sub(now).abs() > window {
        return Err(ApiError::app(
            Code::RequestStale,
            "The request's timestamp is outside the accepted window",
        ));
    }
    if req.nonce.len() != 32 || hex::decode(&req.nonce).is_err() {
        return Err(ApiError::app(Code::InvalidParameters, "Invalid nonce"));
    }
    let nonce_hash = hex::encode(
        Sha256::new()
            .chain_update(identity.identity_id.as_bytes())
            .chain_update([0])
            .chain_update(req.nonce.as_bytes())
            .finalize(),
    );
    // Remembered past the point where its timestamp is refused anyway.
    if !state
        .store
        .record_nonce(&nonce_hash, now, now + 2 * window)
        .await?
    {
        return Err(ApiError::app(
            Code::RequestReplayed,
            "The request was sent before",
        ));
    }
    if identity.status == IdentityStatus::Revoked {
        return Err(revoked());
    }
    let mut pushes = Vec::new();
    for push in state.store.open_pushes(&identity.identity_id, now).await? {
        let Some(order) = current_order(&state, OrderKey::Ref(&push.order_ref)).await? else {
            continue;
        };
        if order.phase != Phase::Outstanding {
            continue;
        }
        pushes.push(Push {
            push_id: push.push_id,
            kind: order.kind.as_str().into(),
            relying_party: order.rp_id.clone(),
            user_visible_data: order.user_visible_data.clone(),
            user_visible_data_format: order.user_visible_data_format.clone(),
            mrtd_required: start::requirement(&order).mrtd,
            expires_at: push.expires_at.div_euclid(1000),
        });
    }
    Ok(axum::Json(PushList {
        server_time: now.div_euclid(1000),
        pushes,
    }))
}

/// `POST /app/v1/push/pickup`.
#[utoipa::path(
    post,
    path = api::PUSH_PICKUP,
    operation_id = "pushPickup",
    tag = TAG_APP,
    request_body = PushPickupRequest,
    responses(
        (status = 200, description = "The pushed order, picked up", body = PickupResponse),
        (status = 400, description = "`invalidParameters` or `pickupWindowClosed`", body = AppError),
        (status = 403, description = "`badSignature`, `identityUnusable` or `identityRevoked`, or `personalNumberMismatch`", body = AppError),
        (status = 404, description = "`noSuchOrder`: no such push, or its order is gone", body = AppError),
        (status = 409, description = "`alreadyPickedUp` or `orderClosed`", body = AppError),
        (status = 415, description = "`unsupportedMediaType`: not `application/json`", body = AppError),
        (status = 500, description = "`internalError`", body = AppError),
    ),
)]
pub async fn pickup(
    State(state): State<AppState>,
    Extension(peer): Extension<Peer>,
    Json(req): Json<PushPickupRequest>,
) -> Result<axum::Json<PickupResponse>, ApiError> {
    let identity = device_identity(&state, &req.identity_id).await?;
    verify_device(
        identity.device_public_key.as_deref().unwrap_or_default(),
        &api::push_pickup_payload(&identity.identity_id, &req.push_id),
        &req.signature,
    )?;
    if identity.status == IdentityStatus::Revoked {
        return Err(revoked());
    }
    let no_order = || ApiError::app(Code::NoSuchOrder, "No such push");
    let push = state
        .store
        .find_push(&req.push_id)
        .await?
        .filter(|p| p.identity_id == identity.identity_id)
        .ok_or_else(no_order)?;
    let now = state.clock.now_millis();
    if now > push.expires_at {
        return Err(ApiError::app(
            Code::PickupWindowClosed,
            "The push has expired",
        ));
    }
    let order = current_order(&state, OrderKey::Ref(&push.order_ref))
        .await?
        .ok_or_else(no_order)?;
    if order.phase == Phase::Cancelled {
        return Err(no_order());
    }
    claim(&state, &peer, order, &identity, Pickup::Push, now)
        .await
        .map(axum::Json)
}
