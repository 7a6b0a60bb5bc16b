//! The app API: enrolment with the activation code, picking up an order by its QR frame or
//! autostart token (exactly one app wins, across instances: the pickup is a compare-and-set),
//! the passport evidence, and the user's decision. Every call that acts for an identity
//! carries a device-key signature over the payload of `tapid_identity::service_api`.

use axum::Extension;
use axum::extract::State;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use p256::ecdsa::signature::Verifier;
use sha2::{Digest, Sha256};
use tapid_identity::offline_code;
use tapid_identity::order::HintCode;
use tapid_identity::qr::{QrOrder, QrPayload, QrStartSecret};
use tapid_identity::service_api::{
    self as api, AppError, AppErrorCode as Code, DecisionRequest, DecisionResponse, EnrolRequest,
    EnrolResponse, EvidenceRequest, PickupRequest, PickupResponse, StepUpOutcome,
};
use tapid_mrtd::reader::Evidence;

use super::error::ApiError;
use super::issuer::activation_hash;
use super::json::Json;
use super::openapi::TAG_APP;
use super::rp::current_order;
use super::{AppState, Peer};
use crate::entropy;
use crate::order::completion::{Approved, completion};
use crate::order::{lifecycle, start};
use crate::seal::Purpose;
use crate::stepup::{self, EvidenceRefusal};
use crate::store::{
    IdentityKey, IdentityRecord, IdentityStatus, OrderKey, OrderRecord, Phase, Pickup,
};

/// Checks a device-key signature (DER, base64) over `message` with a SEC1 public key.
pub(crate) fn verify_device(
    public_key: &[u8],
    message: &[u8],
    signature_b64: &str,
) -> Result<(), ApiError> {
    let bad = || ApiError::app(Code::BadSignature, "The device signature does not verify");
    let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(public_key).map_err(|_| bad())?;
    let der = B64.decode(signature_b64).map_err(|_| bad())?;
    let sig = p256::ecdsa::Signature::from_der(&der).map_err(|_| bad())?;
    key.verify(message, &sig).map_err(|_| bad())
}

/// The stored form of an app session token.
pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A key attestation the service's policy accepts: its kind and its decoded data.
pub(crate) fn checked_attestation(
    state: &AppState,
    attestation: &api::Attestation,
) -> Result<(String, Vec<u8>), ApiError> {
    let kind = attestation.kind.as_str();
    let hardware = matches!(kind, api::attestation::ANDROID | api::attestation::APPLE);
    if !hardware && kind != api::attestation::SOFTWARE {
        return Err(ApiError::app(
            Code::InvalidParameters,
            "Unknown attestation kind",
        ));
    }
    if state.config.require_hardware_key && !hardware {
        return Err(ApiError::app(
            Code::AttestationRefused,
            "A hardware-backed key is required",
        ));
    }
    let data = B64
        .decode(&attestation.data)
        .map_err(|_| ApiError::app(Code::InvalidParameters, "Invalid attestation data"))?;
    Ok((kind.to_owned(), data))
}

/// `POST /app/v1/enrol`.
#[utoipa::path(
    post,
    path = api::ENROL,
    operation_id = "enrol",
    tag = TAG_APP,
    request_body = EnrolRequest,
    responses(
        (status = 200, description = "The device acts for the identity now; its OCRA secret, once", body = EnrolResponse),
        (status = 400, description = "`invalidParameters` or `activationInvalid`", body = AppError),
        (status = 403, description = "`badSignature` or `attestationRefused`", body = AppError),
        (status = 415, description = "`unsupportedMediaType`: not `application/json`", body = AppError),
        (status = 500, description = "`internalError`", body = AppError),
    ),
)]
pub async fn enrol(
    State(state): State<AppState>,
    Json(req): Json<EnrolRequest>,
) -> Result<axum::Json<EnrolResponse>, ApiError> {
    let invalid = || {
        ApiError::app(
            Code::ActivationInvalid,
            "The activation code is unknown, used or expired",
        )
    };
    let public_key = B64
        .decode(&req.device_public_key)
        .ok()
        .filter(|k| p256::PublicKey::from_sec1_bytes(k).is_ok())
        .ok_or_else(|| ApiError::app(Code::InvalidParameters, "Invalid devicePublicKey"))?;
    let mut identity = state
        .store
        .find_identity(IdentityKey::ActivationHash(&activation_hash(
            &req.activation_code,
        )))
        .await?
        .ok_or_else(invalid)?;
    let now = state.clock.now_millis();
    if identity.status != IdentityStatus::Issued || now > identity.activation_expires_at {
        return Err(invalid());
    }
    verify_device(
        &public_key,
        &api::enrol_payload(&req.activation_code, &public_key),
        &req.signature,
    )?;
    let (kind, attestation) = checked_attestation(&state, &req.attestation)?;
    let kind = kind.as_str();
    let secret = zeroize::Zeroizing::new(entropy::bytes::<32>(state.entropy.as_ref()));
    identity.status = IdentityStatus::Active;
    identity.activation_hash = None;
    identity.device_public_key = Some(public_key);
    identity.attestation_kind = Some(kind.to_owned());
    identity.attestation = Some(attestation);
    identity.ocra_secret = Some(state.keys.data.seal(
        state.entropy.as_ref(),
        Purpose::OcraSecret {
            identity_id: &identity.identity_id,
        },
        secret.as_slice(),
    ));
    identity.enrolled_at = Some(now);
    identity.updated_at = now;
    if !state.store.update_identity(&mut identity).await? {
        return Err(invalid());
    }
    tracing::info!(identity = %identity.identity_id, attestation = kind, "device enrolled");
    Ok(axum::Json(EnrolResponse {
        identity_id: identity.identity_id,
        ocra_secret: hex::encode(secret.as_slice()),
        ocra_suite: offline_code::SUITE.into(),
    }))
}

/// The active identity `id`, or `identityUnusable`.
pub(crate) async fn active_identity(
    state: &AppState,
    id: &str,
) -> Result<IdentityRecord, ApiError> {
    state
        .store
        .find_identity(IdentityKey::Id(id))
        .await?
        .filter(|i| i.status == IdentityStatus::Active && i.device_public_key.is_some())
        .ok_or_else(|| {
            ApiError::app(
                Code::IdentityUnusable,
                "The identity is unknown, not enrolled or revoked",
            )
        })
}

fn qr_error(e: &tapid_identity::Error) -> ApiError {
    use tapid_identity::Error as E;
    match e {
        E::QrTooOld { .. } | E::QrFromFuture { .. } => {
            ApiError::app(Code::QrTooOld, "The QR code is too old")
        }
        E::QrOrderPickedUp => {
            ApiError::app(Code::AlreadyPickedUp, "The order was picked up already")
        }
        E::QrPickupWindowClosed => {
            ApiError::app(Code::PickupWindowClosed, "The QR code has expired")
        }
        _ => ApiError::app(Code::QrInvalid, "The QR code does not verify"),
    }
}

/// `POST /app/v1/pickup`.
#[utoipa::path(
    post,
    path = api::PICKUP,
    operation_id = "pickup",
    tag = TAG_APP,
    request_body = PickupRequest,
    responses(
        (status = 200, description = "The order this app now handles", body = PickupResponse),
        (status = 400, description = "`invalidParameters`, `qrTooOld`, `qrInvalid` or `pickupWindowClosed`", body = AppError),
        (status = 403, description = "`badSignature`, `identityUnusable` or `identityRevoked`, or `personalNumberMismatch`", body = AppError),
        (status = 404, description = "`noSuchOrder`", body = AppError),
        (status = 409, description = "`alreadyPickedUp` or `orderClosed`", body = AppError),
        (status = 415, description = "`unsupportedMediaType`: not `application/json`", body = AppError),
        (status = 500, description = "`internalError`", body = AppError),
    ),
)]
pub async fn pickup(
    State(state): State<AppState>,
    Extension(peer): Extension<Peer>,
    Json(req): Json<PickupRequest>,
) -> Result<axum::Json<PickupResponse>, ApiError> {
    let identity = active_identity(&state, &req.identity_id).await?;
    let (scanned, key, via) = match (&req.qr_payload, &req.auto_start_token) {
        (Some(qr), None) => {
            let payload = QrPayload::parse(qr).map_err(|e| qr_error(&e))?;
            (qr.clone(), Some(payload), Pickup::Qr)
        }
        (None, Some(token)) => {
            tapid_identity::autostart::validate_token(token)
                .map_err(|_| ApiError::app(Code::InvalidParameters, "Invalid autoStartToken"))?;
            (token.clone(), None, Pickup::Autostart)
        }
        _ => {
            return Err(ApiError::app(
                Code::InvalidParameters,
                "Exactly one of qrPayload and autoStartToken",
            ));
        }
    };
    verify_device(
        identity.device_public_key.as_deref().unwrap_or_default(),
        &api::pickup_payload(&identity.identity_id, &scanned),
        &req.signature,
    )?;
    let order_key = match &key {
        Some(p) => OrderKey::QrStartToken(&p.qr_start_token),
        None => OrderKey::AutoStartToken(&scanned),
    };
    let no_order = || ApiError::app(Code::NoSuchOrder, "No such order");
    let order = current_order(&state, order_key)
        .await?
        .ok_or_else(no_order)?;
    let now = state.clock.now_millis();
    match order.phase {
        Phase::Cancelled => return Err(no_order()),
        Phase::Complete | Phase::Failed => {
            return Err(ApiError::app(
                Code::OrderClosed,
                "The order is no longer open",
            ));
        }
        Phase::Outstanding | Phase::PickedUp => {}
    }
    if let Some(payload) = &key {
        let secret = QrStartSecret::new(&order.qr_start_secret).map_err(|_| no_order())?;
        let qr = QrOrder {
            qr_start_token: order.qr_start_token.clone(),
            secret,
            picked_up: order.phase != Phase::Outstanding,
        };
        let elapsed = u64::try_from(now.saturating_sub(order.created_at) / 1000).unwrap_or(0);
        qr.check_scan(payload, elapsed, state.config.qr_window)
            .map_err(|e| qr_error(&e))?;
    }
    claim(&state, &peer, order, &identity, via, now)
        .await
        .map(axum::Json)
}

/// Claims an open order for `identity` (picked up `via` a QR frame, an autostart token or a
/// push): checks the phase and the order's person, then writes the pickup by compare-and-set,
/// so exactly one app wins, also across instances. Answers what the app needs to go on.
pub(crate) async fn claim(
    state: &AppState,
    peer: &Peer,
    mut order: OrderRecord,
    identity: &IdentityRecord,
    via: Pickup,
    now: i64,
) -> Result<PickupResponse, ApiError> {
    match order.phase {
        Phase::Outstanding => {}
        Phase::PickedUp => {
            return Err(ApiError::app(
                Code::AlreadyPickedUp,
                "The order was picked up already",
            ));
        }
        _ => {
            return Err(ApiError::app(
                Code::OrderClosed,
                "The order is no longer open",
            ));
        }
    }
    let requirement = start::requirement(&order);
    if requirement
        .personal_number
        .as_ref()
        .is_some_and(|p| *p != identity.personal_number)
    {
        return Err(ApiError::app(
            Code::PersonalNumberMismatch,
            "The order is for another person",
        ));
    }
    let app_token = B64.encode(entropy::bytes::<32>(state.entropy.as_ref()));
    order.phase = Phase::PickedUp;
    order.hint_code = Some(
        if requirement.mrtd {
            HintCode::UserMrtd
        } else {
            HintCode::UserSign
        }
        .as_str()
        .to_owned(),
    );
    order.picked_up_at = Some(now);
    order.pickup = Some(via);
    order.identity_id = Some(identity.identity_id.clone());
    order.app_token_hash = Some(token_hash(&app_token));
    order.device_ip = Some(peer.addr.ip().to_string());
    order.updated_at = now;
    if !state.store.update_order(&mut order).await? {
        // Another app (on this or another instance) won the race.
        return Err(ApiError::app(
            Code::AlreadyPickedUp,
            "The order was picked up already",
        ));
    }
    tracing::info!(order = %order.order_ref, via = via.as_str(), "order picked up");
    let rp_name = order.rp_id.clone();
    Ok(PickupResponse {
        app_token,
        kind: order.kind.as_str().into(),
        relying_party: rp_name,
        user_visible_data: order.user_visible_data.clone(),
        user_visible_data_format: order.user_visible_data_format.clone(),
        challenge: B64.encode(&order.challenge),
        mrtd_required: requirement.mrtd,
        aa_challenge: requirement.mrtd.then(|| hex::encode(&order.aa_challenge)),
    })
}

/// The open order of an app token, with its identity.
pub(crate) async fn picked_up(
    state: &AppState,
    app_token: &str,
) -> Result<(OrderRecord, IdentityRecord), ApiError> {
    let order = current_order(state, OrderKey::AppTokenHash(&token_hash(app_token)))
        .await?
        .ok_or_else(|| ApiError::app(Code::NoSuchOrder, "No such order"))?;
    if order.phase != Phase::PickedUp {
        return Err(ApiError::app(
            Code::OrderClosed,
            "The order is no longer open",
        ));
    }
    let identity = active_identity(state, order.identity_id.as_deref().unwrap_or_default()).await?;
    Ok((order, identity))
}

/// `POST /app/v1/evidence`.
#[utoipa::path(
    post,
    path = api::EVIDENCE,
    operation_id = "evidence",
    tag = TAG_APP,
    request_body = EvidenceRequest,
    responses(
        (status = 200, description = "The server's step-up verdict", body = StepUpOutcome),
        (status = 400, description = "`invalidParameters`, `stepUpNotExpected`, `evidenceMalformed` or `evidenceReplayed`", body = AppError),
        (status = 403, description = "`badSignature`, `identityUnusable` or `identityRevoked`", body = AppError),
        (status = 404, description = "`noSuchOrder`: unknown app token, or the order is gone", body = AppError),
        (status = 409, description = "`orderClosed`", body = AppError),
        (status = 415, description = "`unsupportedMediaType`: not `application/json`", body = AppError),
        (status = 500, description = "`internalError`", body = AppError),
    ),
)]
pub async fn evidence(
    State(state): State<AppState>,
    Json(req): Json<EvidenceRequest>,
) -> Result<axum::Json<StepUpOutcome>, ApiError> {
    let (mut order, identity) = picked_up(&state, &req.app_token).await?;
    let requirement = start::requirement(&order);
    if !requirement.mrtd || order.step_up.is_some() {
        return Err(ApiError::app(
            Code::StepUpNotExpected,
            "The order expects no evidence",
        ));
    }
    let bytes = B64
        .decode(&req.evidence)
        .map_err(|_| ApiError::app(Code::EvidenceMalformed, "The evidence is not base64"))?;
    verify_device(
        identity.device_public_key.as_deref().unwrap_or_default(),
        &api::evidence_payload(&order.challenge, &order.aa_challenge, &bytes),
        &req.signature,
    )?;
    let bundle = Evidence::from_slice(&bytes)
        .map_err(|_| ApiError::app(Code::EvidenceMalformed, "The evidence is not readable"))?;
    let now = state.clock.now_millis();
    let outcome = stepup::assess(
        &bundle,
        &order,
        &identity,
        &state.trust,
        now.div_euclid(1000),
        requirement.mrtd_accept_device_proof,
    )
    .map_err(|e| match e {
        EvidenceRefusal::Replayed => ApiError::app(
            Code::EvidenceReplayed,
            "The evidence answers another challenge",
        ),
        EvidenceRefusal::Malformed => {
            ApiError::app(Code::EvidenceMalformed, "The evidence is not readable")
        }
    })?;
    record_step_up(&state, &mut order, &outcome, &bytes).await
}

/// Records a step-up's outcome on `order` (either mode): the outcome for the completion data,
/// the evidence encrypted at rest until its retention ends, the next hint code. Written through
/// the store (compare-and-set) before the app is answered.
pub(crate) async fn record_step_up(
    state: &AppState,
    order: &mut OrderRecord,
    outcome: &stepup::StepUp,
    evidence: &[u8],
) -> Result<axum::Json<StepUpOutcome>, ApiError> {
    let now = state.clock.now_millis();
    order.step_up =
        Some(serde_json::json!({"mrtd": outcome.mrtd, "details": outcome.details}).to_string());
    order.evidence = Some(state.keys.data.seal(
        state.entropy.as_ref(),
        Purpose::Evidence {
            order_ref: &order.order_ref,
        },
        evidence,
    ));
    order.evidence_delete_at = Some(now + state.config.evidence_retention);
    order.hint_code = Some(HintCode::UserSign.as_str().to_owned());
    order.updated_at = now;
    if !state.store.update_order(order).await? {
        return Err(ApiError::app(
            Code::OrderClosed,
            "The order changed meanwhile",
        ));
    }
    tracing::info!(order = %order.order_ref, mrtd = outcome.mrtd, reason = outcome.reason.unwrap_or("none"), "step-up assessed");
    Ok(axum::Json(StepUpOutcome {
        mrtd: outcome.mrtd,
        reason: outcome.reason.map(str::to_owned),
    }))
}

/// `POST /app/v1/approve`.
#[utoipa::path(
    post,
    path = api::APPROVE,
    operation_id = "approve",
    tag = TAG_APP,
    request_body = DecisionRequest,
    responses(
        (status = 200, description = "The order's state after the approval", body = DecisionResponse),
        (status = 400, description = "`invalidParameters` or `stepUpRequired`", body = AppError),
        (status = 403, description = "`badSignature`, `identityUnusable` or `identityRevoked`", body = AppError),
        (status = 404, description = "`noSuchOrder`: unknown app token, or the order is gone", body = AppError),
        (status = 409, description = "`orderClosed`", body = AppError),
        (status = 415, description = "`unsupportedMediaType`: not `application/json`", body = AppError),
        (status = 500, description = "`internalError`", body = AppError),
    ),
)]
pub async fn approve(
    State(state): State<AppState>,
    Json(req): Json<DecisionRequest>,
) -> Result<axum::Json<DecisionResponse>, ApiError> {
    let (mut order, identity) = picked_up(&state, &req.app_token).await?;
    let requirement = start::requirement(&order);
    let step_up = match (&order.step_up, requirement.mrtd) {
        (None, true) => {
            return Err(ApiError::app(
                Code::StepUpRequired,
                "The passport step-up comes first",
            ));
        }
        (Some(s), _) => {
            let v: serde_json::Value = serde_json::from_str(s).unwrap_or_default();
            let mrtd = v.get("mrtd").and_then(serde_json::Value::as_bool);
            let details = v.get("details").cloned().unwrap_or_default();
            Some((mrtd.unwrap_or(false), details))
        }
        (None, false) => None,
    };
    verify_device(
        identity.device_public_key.as_deref().unwrap_or_default(),
        &api::approve_payload(&order.challenge, order.user_visible_data.as_deref()),
        &req.signature,
    )?;
    let signature = B64.decode(&req.signature).unwrap_or_default();
    let now = state.clock.now_millis();
    let data = completion(
        &Approved {
            order: &order,
            identity: &identity,
            device_signature: &signature,
            step_up,
            now,
        },
        &state.keys.jws,
    );
    order.phase = Phase::Complete;
    order.hint_code = None;
    order.completion = Some(data.to_string());
    order.finished_at = Some(now);
    order.updated_at = now;
    order.pending_pno = None;
    if !state.store.update_order(&mut order).await? {
        return Err(ApiError::app(
            Code::OrderClosed,
            "The order changed meanwhile",
        ));
    }
    tracing::info!(order = %order.order_ref, "order complete");
    Ok(axum::Json(DecisionResponse {
        status: "complete".into(),
    }))
}

/// `POST /app/v1/decline`.
#[utoipa::path(
    post,
    path = api::DECLINE,
    operation_id = "decline",
    tag = TAG_APP,
    request_body = DecisionRequest,
    responses(
        (status = 200, description = "The order's state after the decline", body = DecisionResponse),
        (status = 400, description = "`invalidParameters`", body = AppError),
        (status = 403, description = "`badSignature`, `identityUnusable` or `identityRevoked`", body = AppError),
        (status = 404, description = "`noSuchOrder`: unknown app token, or the order is gone", body = AppError),
        (status = 409, description = "`orderClosed`", body = AppError),
        (status = 415, description = "`unsupportedMediaType`: not `application/json`", body = AppError),
        (status = 500, description = "`internalError`", body = AppError),
    ),
)]
pub async fn decline(
    State(state): State<AppState>,
    Json(req): Json<DecisionRequest>,
) -> Result<axum::Json<DecisionResponse>, ApiError> {
    let (mut order, identity) = picked_up(&state, &req.app_token).await?;
    verify_device(
        identity.device_public_key.as_deref().unwrap_or_default(),
        &api::decline_payload(&order.challenge),
        &req.signature,
    )?;
    lifecycle::fail(&mut order, HintCode::UserCancel, state.clock.now_millis());
    if !state.store.update_order(&mut order).await? {
        return Err(ApiError::app(
            Code::OrderClosed,
            "The order changed meanwhile",
        ));
    }
    Ok(axum::Json(DecisionResponse {
        status: "failed".into(),
    }))
}
