//! Remote renewal: a new device key replaces a person's identity after a passport step-up that
//! matches the identity's holder (BankID: "this security feature makes it possible to renew a
//! BankID remotely"). Three calls of the new device: start (personal number, new key, its
//! attestation; rate-limited per personal number, and refused during the cool-off after the
//! last renewal), the step-up, and the confirmation signed with the new key, which revokes the
//! old identity (`revoked_at`, `replaced_by`) and creates the new one with a fresh OCRA secret.
//! The old device learns it on its next poll (`identityRevoked`), and can no longer pick up or
//! approve anything.
//!
//! The step-up's outcome reaches the renewal through [`record_step_up`], whatever mode made it:
//! evidence mode here ([`evidence`]), relay mode in [`crate::relay::handlers::renewal_start`]
//! (the service reads the chip itself through the new device and hands its [`StepUp`] to the
//! same function).
//!
//! **Face check seam.** Real deployments also compare a live face (with liveness detection)
//! against the passport's DG2 before renewing. tapid builds no such check and does not pretend
//! to: every renewal records [`FaceCheck::NotPerformed`] in its row and in its answer. A
//! deployment that adds one adds a variant carrying its result, decides it between the step-up
//! and [`complete`], and refuses completion unless it passed.

use axum::extract::State;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use tapid_identity::offline_code;
use tapid_identity::personal_number::PersonalNumber;
use tapid_identity::service_api::{
    self as api, AppError, AppErrorCode as Code, RenewalCompleteRequest, RenewalEvidenceRequest,
    RenewalResponse, RenewalStartRequest, RenewalStartResponse, StepUpOutcome,
};
use tapid_mrtd::reader::Evidence;
use zeroize::Zeroizing;

use super::AppState;
use super::app::{checked_attestation, token_hash, verify_device};
use super::error::ApiError;
use super::json::Json;
use super::openapi::TAG_APP;
use crate::entropy;
use crate::seal::Purpose;
use crate::stepup::{self, EvidenceRefusal, StepUp};
use crate::store::{
    IdentityKey, IdentityRecord, IdentityStatus, RenewalPhase, RenewalRecord, StoreError,
};

/// How often a handler re-reads after losing a compare-and-set race.
const RETRIES: usize = 8;
/// The rate limit's period.
const DAY: i64 = 24 * 3_600_000;

/// The face comparison policy applied to a renewal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaceCheck {
    /// No face was compared with DG2 (tapid has no face check; see the module docs).
    NotPerformed,
}

impl FaceCheck {
    /// The recorded name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotPerformed => "notPerformed",
        }
    }
}

fn gone() -> ApiError {
    ApiError::app(Code::NoSuchOrder, "No such renewal")
}

/// The renewal of a session token, still within its lifetime (the orders' lifetime).
pub async fn renewal_by_token(
    state: &AppState,
    app_token: &str,
) -> Result<RenewalRecord, ApiError> {
    let r = state
        .store
        .find_renewal(&token_hash(app_token))
        .await?
        .ok_or_else(gone)?;
    let open = matches!(r.phase, RenewalPhase::Pending | RenewalPhase::SteppedUp);
    if open && state.clock.now_millis() - r.created_at > state.config.order_lifetime {
        return Err(ApiError::app(Code::OrderClosed, "The renewal has expired"));
    }
    Ok(r)
}

/// `POST /app/v1/renewal/start`.
#[utoipa::path(
    post,
    path = api::RENEWAL_START,
    operation_id = "renewalStart",
    tag = TAG_APP,
    request_body = RenewalStartRequest,
    responses(
        (status = 200, description = "The renewal's token and challenges", body = RenewalStartResponse),
        (status = 400, description = "`invalidParameters`", body = AppError),
        (status = 403, description = "`badSignature`, `attestationRefused` or `identityUnusable`", body = AppError),
        (status = 415, description = "`unsupportedMediaType`: not `application/json`", body = AppError),
        (status = 429, description = "`tooManyRequests` or `renewalCoolOff`", body = AppError),
        (status = 500, description = "`internalError`", body = AppError),
    ),
)]
pub async fn start(
    State(state): State<AppState>,
    Json(req): Json<RenewalStartRequest>,
) -> Result<axum::Json<RenewalStartResponse>, ApiError> {
    let pno = req.personal_number.as_str();
    if pno.len() != 12 || PersonalNumber::parse_full(pno).is_err() {
        return Err(ApiError::app(
            Code::InvalidParameters,
            "Invalid personalNumber",
        ));
    }
    let public_key = B64
        .decode(&req.device_public_key)
        .ok()
        .filter(|k| p256::PublicKey::from_sec1_bytes(k).is_ok())
        .ok_or_else(|| ApiError::app(Code::InvalidParameters, "Invalid devicePublicKey"))?;
    verify_device(
        &public_key,
        &api::renewal_start_payload(pno, &public_key),
        &req.signature,
    )?;
    let (kind, attestation) = checked_attestation(&state, &req.attestation)?;
    let now = state.clock.now_millis();
    if state.store.renewals_started_since(pno, now - DAY).await? >= state.config.renewals_per_day {
        return Err(ApiError::app(
            Code::TooManyRequests,
            "Too many renewals for this person",
        ));
    }
    if let Some(last) = state.store.last_renewal_completed(pno).await?
        && now < last.saturating_add(state.config.renewal_cool_off)
    {
        return Err(ApiError::app(
            Code::RenewalCoolOff,
            "The identity was renewed too recently",
        ));
    }
    let holder = state
        .store
        .active_identities(pno)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| {
            ApiError::app(
                Code::IdentityUnusable,
                "No active identity to renew for this person",
            )
        })?;
    let e = state.entropy.as_ref();
    let app_token = B64.encode(entropy::bytes::<32>(e));
    let record = RenewalRecord {
        renewal_id: entropy::uuid(e),
        personal_number: pno.to_owned(),
        old_identity_id: holder.identity_id,
        new_identity_id: entropy::uuid(e),
        phase: RenewalPhase::Pending,
        version: 0,
        created_at: now,
        updated_at: now,
        device_public_key: public_key,
        attestation_kind: kind,
        attestation,
        challenge: entropy::bytes::<32>(e).to_vec(),
        aa_challenge: entropy::bytes::<8>(e).to_vec(),
        app_token_hash: token_hash(&app_token),
        step_up: None,
        face_check: FaceCheck::NotPerformed.as_str().to_owned(),
        finished_at: None,
    };
    state.store.insert_renewal(&record).await?;
    tracing::info!(renewal = %record.renewal_id, "renewal started");
    Ok(axum::Json(RenewalStartResponse {
        app_token,
        challenge: B64.encode(&record.challenge),
        aa_challenge: hex::encode(&record.aa_challenge),
        expires_at: (now + state.config.order_lifetime).div_euclid(1000),
    }))
}

/// Records the step-up outcome of `renewal`, whichever mode produced it: passed → it may be
/// confirmed; failed → it is over (a new renewal counts against the rate limit).
pub async fn record_step_up(
    state: &AppState,
    renewal: &mut RenewalRecord,
    outcome: &StepUp,
) -> Result<(), ApiError> {
    if renewal.phase != RenewalPhase::Pending {
        return Err(ApiError::app(
            Code::StepUpNotExpected,
            "The renewal expects no evidence",
        ));
    }
    let now = state.clock.now_millis();
    renewal.step_up =
        Some(serde_json::json!({"mrtd": outcome.mrtd, "details": outcome.details}).to_string());
    if outcome.mrtd {
        renewal.phase = RenewalPhase::SteppedUp;
    } else {
        renewal.phase = RenewalPhase::Failed;
        renewal.finished_at = Some(now);
    }
    renewal.updated_at = now;
    if !state.store.update_renewal(renewal).await? {
        return Err(ApiError::app(
            Code::OrderClosed,
            "The renewal changed meanwhile",
        ));
    }
    tracing::info!(renewal = %renewal.renewal_id, mrtd = outcome.mrtd, reason = outcome.reason.unwrap_or("none"), "renewal step-up assessed");
    Ok(())
}

/// `POST /app/v1/renewal/evidence`: the evidence-mode step-up, re-verified by the server
/// against the holder of the identity being replaced.
#[utoipa::path(
    post,
    path = api::RENEWAL_EVIDENCE,
    operation_id = "renewalEvidence",
    tag = TAG_APP,
    request_body = RenewalEvidenceRequest,
    responses(
        (status = 200, description = "The server's step-up verdict", body = StepUpOutcome),
        (status = 400, description = "`invalidParameters`, `stepUpNotExpected`, `evidenceMalformed` or `evidenceReplayed`", body = AppError),
        (status = 403, description = "`badSignature` or `identityUnusable`", body = AppError),
        (status = 404, description = "`noSuchOrder`: unknown renewal token", body = AppError),
        (status = 409, description = "`orderClosed`", body = AppError),
        (status = 415, description = "`unsupportedMediaType`: not `application/json`", body = AppError),
        (status = 500, description = "`internalError`", body = AppError),
    ),
)]
pub async fn evidence(
    State(state): State<AppState>,
    Json(req): Json<RenewalEvidenceRequest>,
) -> Result<axum::Json<StepUpOutcome>, ApiError> {
    let mut renewal = renewal_by_token(&state, &req.app_token).await?;
    if renewal.phase != RenewalPhase::Pending {
        return Err(ApiError::app(
            Code::StepUpNotExpected,
            "The renewal expects no evidence",
        ));
    }
    let bytes = B64
        .decode(&req.evidence)
        .map_err(|_| ApiError::app(Code::EvidenceMalformed, "The evidence is not base64"))?;
    verify_device(
        &renewal.device_public_key,
        &api::evidence_payload(&renewal.challenge, &renewal.aa_challenge, &bytes),
        &req.signature,
    )?;
    let bundle = Evidence::from_slice(&bytes)
        .map_err(|_| ApiError::app(Code::EvidenceMalformed, "The evidence is not readable"))?;
    let holder = holder(&state, &renewal).await?;
    let outcome = stepup::assess_challenge(
        &bundle,
        &renewal.aa_challenge,
        &holder,
        &state.trust,
        state.clock.now_secs(),
        false,
    )
    .map_err(|e| match e {
        EvidenceRefusal::Replayed => ApiError::app(
            Code::EvidenceReplayed,
            "The evidence answers another challenge",
        ),
        _ => ApiError::app(Code::EvidenceMalformed, "The evidence is not readable"),
    })?;
    record_step_up(&state, &mut renewal, &outcome).await?;
    Ok(axum::Json(StepUpOutcome {
        mrtd: outcome.mrtd,
        reason: outcome.reason.map(str::to_owned),
    }))
}

/// The identity being replaced, while it is still active.
pub(crate) async fn holder(
    state: &AppState,
    r: &RenewalRecord,
) -> Result<IdentityRecord, ApiError> {
    state
        .store
        .find_identity(IdentityKey::Id(&r.old_identity_id))
        .await?
        .filter(|i| i.status == IdentityStatus::Active)
        .ok_or_else(|| {
            ApiError::app(
                Code::IdentityUnusable,
                "The identity to renew is no longer active",
            )
        })
}

/// `POST /app/v1/renewal/complete`: revokes the old identity, creates the new one. Each step
/// is a durable compare-and-set or insert that a retried call finds done and skips, so a crash
/// between them neither loses the renewal nor creates a second identity.
#[utoipa::path(
    post,
    path = api::RENEWAL_COMPLETE,
    operation_id = "renewalComplete",
    tag = TAG_APP,
    request_body = RenewalCompleteRequest,
    responses(
        (status = 200, description = "The new identity; its OCRA secret, once", body = RenewalResponse),
        (status = 400, description = "`invalidParameters` or `stepUpRequired`", body = AppError),
        (status = 403, description = "`badSignature`, `stepUpFailed` or `identityUnusable`", body = AppError),
        (status = 404, description = "`noSuchOrder`: unknown renewal token", body = AppError),
        (status = 409, description = "`orderClosed`", body = AppError),
        (status = 415, description = "`unsupportedMediaType`: not `application/json`", body = AppError),
        (status = 500, description = "`internalError`", body = AppError),
    ),
)]
pub async fn complete(
    State(state): State<AppState>,
    Json(req): Json<RenewalCompleteRequest>,
) -> Result<axum::Json<RenewalResponse>, ApiError> {
    let mut renewal = renewal_by_token(&state, &req.app_token).await?;
    match renewal.phase {
        RenewalPhase::Pending => {
            return Err(ApiError::app(
                Code::StepUpRequired,
                "The passport step-up comes first",
            ));
        }
        RenewalPhase::Failed => {
            return Err(ApiError::app(
                Code::StepUpFailed,
                "The passport step-up did not pass",
            ));
        }
        RenewalPhase::SteppedUp | RenewalPhase::Complete => {}
    }
    verify_device(
        &renewal.device_public_key,
        &api::renewal_complete_payload(&renewal.challenge),
        &req.signature,
    )?;
    let old = revoke_old(&state, &renewal).await?;
    let (identity, secret) = new_identity(&state, &renewal, &old).await?;
    for _ in 0..RETRIES {
        if renewal.phase == RenewalPhase::Complete {
            break;
        }
        let now = state.clock.now_millis();
        renewal.phase = RenewalPhase::Complete;
        renewal.finished_at = Some(now);
        renewal.updated_at = now;
        if state.store.update_renewal(&mut renewal).await? {
            break;
        }
        renewal = renewal_by_token(&state, &req.app_token).await?;
    }
    tracing::info!(renewal = %renewal.renewal_id, old = %old.identity_id, new = %identity.identity_id, "identity renewed");
    Ok(axum::Json(RenewalResponse {
        identity_id: identity.identity_id,
        replaces: old.identity_id,
        ocra_secret: hex::encode(secret.as_slice()),
        ocra_suite: offline_code::SUITE.into(),
        mrtd: true,
        face_check: renewal.face_check,
    }))
}

/// Revokes the renewal's old identity in favour of its new one (done already: fine).
async fn revoke_old(state: &AppState, r: &RenewalRecord) -> Result<IdentityRecord, ApiError> {
    let unusable = || {
        ApiError::app(
            Code::IdentityUnusable,
            "The identity to renew is no longer active",
        )
    };
    for _ in 0..RETRIES {
        let mut old = state
            .store
            .find_identity(IdentityKey::Id(&r.old_identity_id))
            .await?
            .ok_or_else(unusable)?;
        match old.status {
            IdentityStatus::Revoked
                if old.replaced_by.as_deref() == Some(r.new_identity_id.as_str()) =>
            {
                return Ok(old);
            }
            IdentityStatus::Active => {}
            _ => return Err(unusable()),
        }
        let now = state.clock.now_millis();
        old.status = IdentityStatus::Revoked;
        old.revoked_at = Some(now);
        old.replaced_by = Some(r.new_identity_id.clone());
        old.updated_at = now;
        if state.store.update_identity(&mut old).await? {
            tracing::info!(identity = %old.identity_id, "identity revoked by renewal");
            return Ok(old);
        }
    }
    Err(unusable())
}

/// The renewal's new identity with its OCRA secret: created now, or found from a retried call.
async fn new_identity(
    state: &AppState,
    r: &RenewalRecord,
    old: &IdentityRecord,
) -> Result<(IdentityRecord, Zeroizing<Vec<u8>>), ApiError> {
    let purpose = Purpose::OcraSecret {
        identity_id: &r.new_identity_id,
    };
    let internal = || {
        ApiError::rp(
            tapid_identity::order::ErrorCode::InternalError,
            "Internal error",
        )
    };
    let open = |existing: IdentityRecord| {
        let secret = existing
            .ocra_secret
            .as_deref()
            .and_then(|s| state.keys.data.open(purpose, s))
            .ok_or_else(internal)?;
        Ok((existing, secret))
    };
    let find = || {
        state
            .store
            .find_identity(IdentityKey::Id(&r.new_identity_id))
    };
    if let Some(existing) = find().await? {
        return open(existing);
    }
    let now = state.clock.now_millis();
    let secret = Zeroizing::new(entropy::bytes::<32>(state.entropy.as_ref()).to_vec());
    let record = IdentityRecord {
        identity_id: r.new_identity_id.clone(),
        issuer_id: old.issuer_id.clone(),
        personal_number: old.personal_number.clone(),
        given_name: old.given_name.clone(),
        surname: old.surname.clone(),
        status: IdentityStatus::Active,
        version: 0,
        created_at: now,
        updated_at: now,
        activation_hash: None,
        activation_expires_at: now,
        device_public_key: Some(r.device_public_key.clone()),
        attestation_kind: Some(r.attestation_kind.clone()),
        attestation: Some(r.attestation.clone()),
        ocra_secret: Some(
            state
                .keys
                .data
                .seal(state.entropy.as_ref(), purpose, secret.as_slice()),
        ),
        enrolled_at: Some(now),
        revoked_at: None,
        replaced_by: None,
    };
    match state.store.insert_identity(&record).await {
        Ok(()) => Ok((record, secret)),
        // A concurrent retry created it first: answer with that one.
        Err(StoreError::Conflict) => open(find().await?.ok_or_else(internal)?),
        Err(e) => Err(e.into()),
    }
}
