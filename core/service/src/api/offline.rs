//! The offline code of a pushed order (bankid.md §7.1–7.3, the myPOS model), for a phone with
//! no network. The relying party that owns the order (its client certificate) asks for the
//! 8-digit challenge when the user says the push did not arrive, shows it, and passes on the
//! response the user typed after the app computed it from its OCRA secret
//! (`OCRA-1:HOTP-SHA256-8:QN08-T30S`). The service accepts it for 90 s within the clock-drift
//! window (T-3…T+1 around the device's learnt drift), once; five wrong answers lock the order's
//! offline code, and wrong answers across orders lock the identity's
//! ([`Config::offline_identity_max_failures`](crate::config::Config)). Every attempt is
//! counted in the store by compare-and-set before it is answered, so two instances can neither
//! both accept nor count past the limit, and a restart forgets nothing.

use axum::Extension;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tapid_identity::offline_code::{
    Challenge, MAX_ATTEMPTS, OfflineKey, PendingChallenge, VALIDITY_SECS,
};
use tapid_identity::order::ErrorCode;
use tapid_identity::service_api::{self as api, AppErrorCode as Code};

use super::app::active_identity;
use super::error::ApiError;
use super::json::Json;
use super::openapi::TAG_RP;
use super::rp::current_order;
use super::{AppState, Peer};
use crate::clock::Millis;
use crate::entropy;
use crate::order::completion::{ApprovalMethod, Approved, completion_as};
use crate::order::start;
use crate::seal::Purpose;
use crate::store::{
    IdentityRecord, OfflineCodeRecord, OrderKey, OrderRecord, Phase, Pickup, StoreError,
};
use crate::tls::Role;

/// How often a handler re-reads after losing a compare-and-set race.
const RETRIES: usize = 8;

/// `POST /app/v1/offline/challenge` and `/verify`: the order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OfflineChallengeRequest {
    /// The relying party's order.
    pub order_ref: String,
}

/// The challenge to show the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OfflineChallengeResponse {
    /// The 8 digits the user types into the app.
    pub challenge: String,
    /// When it expires (Unix seconds); ask again after it for a new one.
    pub expires_at: i64,
    /// Wrong answers the order has left.
    pub attempts_left: i64,
}

/// `POST /app/v1/offline/verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OfflineVerifyRequest {
    /// The relying party's order.
    pub order_ref: String,
    /// The 8 digits the app showed the user.
    pub response: String,
}

/// The order's state after a right answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OfflineVerifyResponse {
    /// `complete`: collect the completion as for any order.
    pub status: String,
}

/// An error answer that also says how many wrong answers are left (`attemptsLeft`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfflineError {
    /// The error.
    pub error: ApiError,
    /// Wrong answers left, when it concerns the code.
    pub attempts_left: Option<i64>,
}

impl From<ApiError> for OfflineError {
    fn from(error: ApiError) -> Self {
        Self {
            error,
            attempts_left: None,
        }
    }
}

impl From<StoreError> for OfflineError {
    fn from(e: StoreError) -> Self {
        ApiError::store(e).into()
    }
}

/// The body of an [`OfflineError`]: the app error body, with the wrong answers left when the
/// error concerns the code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OfflineErrorBody {
    /// The typed code (an app code, or an RP code such as `unauthorized`).
    pub error_code: String,
    /// Free text for logs (no personal data).
    pub details: String,
    /// Wrong answers left (`offlineCodeWrong`, `locked`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts_left: Option<i64>,
}

impl IntoResponse for OfflineError {
    fn into_response(self) -> Response {
        let body = OfflineErrorBody {
            error_code: self.error.code,
            details: self.error.details.to_owned(),
            attempts_left: self.attempts_left,
        };
        (self.error.status, axum::Json(body)).into_response()
    }
}

fn with_left(error: ApiError, left: i64) -> OfflineError {
    OfflineError {
        error,
        attempts_left: Some(left.max(0)),
    }
}

fn locked() -> OfflineError {
    with_left(
        ApiError::app(Code::Locked, "Too many wrong offline codes"),
        0,
    )
}

fn closed() -> OfflineError {
    ApiError::app(Code::OrderClosed, "The order is no longer open").into()
}

const MAX: i64 = MAX_ATTEMPTS as i64;

/// The relying party's own outstanding order that may be approved offline.
async fn offline_order(
    state: &AppState,
    peer: &Peer,
    order_ref: &str,
) -> Result<OrderRecord, OfflineError> {
    let rp = peer.require(Role::RelyingParty)?;
    let order = current_order(state, OrderKey::Ref(order_ref))
        .await?
        .filter(|o| o.rp_id == rp.id && o.phase != Phase::Cancelled)
        .ok_or_else(|| ApiError::rp(ErrorCode::InvalidParameters, "No such order"))?;
    if order.phase != Phase::Outstanding {
        return Err(closed());
    }
    if start::requirement(&order).mrtd {
        return Err(ApiError::app(
            Code::StepUpRequired,
            "An order with a passport step-up cannot be approved offline",
        )
        .into());
    }
    Ok(order)
}

/// `locked` when the identity gave too many wrong answers within the configured period.
async fn identity_lock(state: &AppState, identity: &IdentityRecord) -> Result<(), OfflineError> {
    let since = state.clock.now_millis() - state.config.offline_identity_period;
    let failures = state
        .store
        .offline_failures_since(&identity.identity_id, since)
        .await?;
    if failures >= state.config.offline_identity_max_failures {
        return Err(locked());
    }
    Ok(())
}

fn expires_at(issued_at: Millis) -> i64 {
    issued_at.div_euclid(1000) + i64::try_from(VALIDITY_SECS).unwrap_or(90)
}

fn expired(code: &OfflineCodeRecord, now: Millis) -> bool {
    now.div_euclid(1000) > expires_at(code.issued_at)
}

fn answer(code: &OfflineCodeRecord) -> axum::Json<OfflineChallengeResponse> {
    axum::Json(OfflineChallengeResponse {
        challenge: code.challenge.clone(),
        expires_at: expires_at(code.issued_at),
        attempts_left: MAX - code.attempts,
    })
}

/// `POST /app/v1/offline/challenge` (relying party): the order's current challenge, a new one
/// when the last has expired (its wrong answers still count).
#[utoipa::path(
    post,
    path = api::OFFLINE_CHALLENGE,
    operation_id = "offlineChallenge",
    tag = TAG_RP,
    security(("mutualTLS" = [])),
    request_body = OfflineChallengeRequest,
    responses(
        (status = 200, description = "The challenge to show the user", body = OfflineChallengeResponse),
        (status = 400, description = "`invalidParameters` (no such order of this relying party) or `stepUpRequired`", body = OfflineErrorBody),
        (status = 401, description = "`unauthorized`: no relying party's client certificate", body = OfflineErrorBody),
        (status = 403, description = "`identityUnusable` or `identityRevoked`", body = OfflineErrorBody),
        (status = 404, description = "`noSuchOrder`: the order was not pushed to a device", body = OfflineErrorBody),
        (status = 409, description = "`orderClosed`", body = OfflineErrorBody),
        (status = 415, description = "`unsupportedMediaType`: not `application/json`", body = OfflineErrorBody),
        (status = 429, description = "`locked`: too many wrong offline codes", body = OfflineErrorBody),
        (status = 500, description = "`internalError`", body = OfflineErrorBody),
    ),
)]
pub async fn challenge(
    State(state): State<AppState>,
    Extension(peer): Extension<Peer>,
    Json(req): Json<OfflineChallengeRequest>,
) -> Result<axum::Json<OfflineChallengeResponse>, OfflineError> {
    for _ in 0..RETRIES {
        let order = offline_order(&state, &peer, &req.order_ref).await?;
        let push = state
            .store
            .push_for_order(&order.order_ref)
            .await?
            .ok_or_else(|| ApiError::app(Code::NoSuchOrder, "The order was not pushed"))?;
        let identity = active_identity(&state, &push.identity_id).await?;
        identity_lock(&state, &identity).await?;
        let now = state.clock.now_millis();
        let fresh = || Challenge::from_random(entropy::bytes(state.entropy.as_ref())).to_string();
        match state.store.find_offline_code(&order.order_ref).await? {
            None => {
                let code = OfflineCodeRecord {
                    order_ref: order.order_ref.clone(),
                    identity_id: identity.identity_id.clone(),
                    challenge: fresh(),
                    issued_at: now,
                    attempts: 0,
                    used: false,
                    step_offset: None,
                    version: 0,
                };
                match state.store.insert_offline_code(&code).await {
                    Ok(()) => return Ok(answer(&code)),
                    Err(StoreError::Conflict) => continue,
                    Err(e) => return Err(e.into()),
                }
            }
            Some(code) if code.attempts >= MAX => return Err(locked()),
            Some(code) if code.used => return Err(closed()),
            Some(mut code) if expired(&code, now) => {
                code.challenge = fresh();
                code.issued_at = now;
                if state.store.update_offline_code(&mut code).await? {
                    return Ok(answer(&code));
                }
            }
            Some(code) => return Ok(answer(&code)),
        }
    }
    Err(ApiError::rp(ErrorCode::InternalError, "The order is changing too fast").into())
}

/// `POST /app/v1/offline/verify` (relying party): checks the typed response; right → the
/// order completes (approved by offline code), wrong → counted, with the attempts left.
#[utoipa::path(
    post,
    path = api::OFFLINE_VERIFY,
    operation_id = "offlineVerify",
    tag = TAG_RP,
    security(("mutualTLS" = [])),
    request_body = OfflineVerifyRequest,
    responses(
        (status = 200, description = "The order is complete: collect it", body = OfflineVerifyResponse),
        (status = 400, description = "`invalidParameters`, `stepUpRequired`, `offlineCodeWrong`, `offlineCodeExpired` or `clockSkew`", body = OfflineErrorBody),
        (status = 401, description = "`unauthorized`: no relying party's client certificate", body = OfflineErrorBody),
        (status = 403, description = "`identityUnusable` or `identityRevoked`", body = OfflineErrorBody),
        (status = 404, description = "`noSuchOrder`: no challenge was asked for", body = OfflineErrorBody),
        (status = 409, description = "`orderClosed`", body = OfflineErrorBody),
        (status = 415, description = "`unsupportedMediaType`: not `application/json`", body = OfflineErrorBody),
        (status = 429, description = "`locked`: too many wrong offline codes", body = OfflineErrorBody),
        (status = 500, description = "`internalError`", body = OfflineErrorBody),
    ),
)]
pub async fn verify(
    State(state): State<AppState>,
    Extension(peer): Extension<Peer>,
    Json(req): Json<OfflineVerifyRequest>,
) -> Result<axum::Json<OfflineVerifyResponse>, OfflineError> {
    use tapid_identity::Error as E;
    for _ in 0..RETRIES {
        let order = offline_order(&state, &peer, &req.order_ref).await?;
        let mut code = state
            .store
            .find_offline_code(&order.order_ref)
            .await?
            .ok_or_else(|| ApiError::app(Code::NoSuchOrder, "No offline challenge was issued"))?;
        let identity = active_identity(&state, &code.identity_id).await?;
        identity_lock(&state, &identity).await?;
        let internal =
            || OfflineError::from(ApiError::rp(ErrorCode::InternalError, "Internal error"));
        let secret = identity
            .ocra_secret
            .as_deref()
            .and_then(|s| {
                state.keys.data.open(
                    Purpose::OcraSecret {
                        identity_id: &identity.identity_id,
                    },
                    s,
                )
            })
            .ok_or_else(internal)?;
        let key = OfflineKey::new(&secret).map_err(|_| internal())?;
        let challenge = Challenge::parse(&code.challenge).map_err(|_| internal())?;
        let drift = state.store.last_step_offset(&identity.identity_id).await?;
        let mut pending = PendingChallenge::restore(
            challenge,
            u64::try_from(code.issued_at.div_euclid(1000)).unwrap_or(0),
            u32::try_from(code.attempts).unwrap_or(MAX_ATTEMPTS),
            code.used,
        );
        let now = state.clock.now_millis();
        let now_secs = u64::try_from(now.div_euclid(1000)).unwrap_or(0);
        match pending.verify(&key, &req.response, now_secs, drift) {
            Ok(verified) => {
                code.used = true;
                code.step_offset = Some(verified.step_offset);
                if !state.store.update_offline_code(&mut code).await? {
                    continue; // another instance answered first: decide again
                }
                complete(&state, order, &identity, verified.step_offset).await?;
                return Ok(axum::Json(OfflineVerifyResponse {
                    status: "complete".into(),
                }));
            }
            Err(E::TooManyAttempts) => return Err(locked()),
            Err(E::CodeReplayed) => return Err(closed()),
            Err(E::Expired) => {
                return Err(with_left(
                    ApiError::app(
                        Code::OfflineCodeExpired,
                        "The offline challenge has expired: ask for a new one",
                    ),
                    MAX - code.attempts,
                ));
            }
            Err(e) => {
                code.attempts += 1;
                if !state.store.update_offline_code(&mut code).await? {
                    continue;
                }
                let left = MAX - code.attempts;
                tracing::info!(order = %order.order_ref, left, "wrong offline code");
                if left <= 0 {
                    return Err(locked());
                }
                let error = match e {
                    E::ClockSkew { .. } => {
                        ApiError::app(Code::ClockSkew, "The phone's clock is wrong")
                    }
                    _ => ApiError::app(Code::OfflineCodeWrong, "The offline code is wrong"),
                };
                return Err(with_left(error, left));
            }
        }
    }
    Err(ApiError::rp(ErrorCode::InternalError, "The order is changing too fast").into())
}

/// Completes `order` as approved by the offline code of `identity`.
async fn complete(
    state: &AppState,
    mut order: OrderRecord,
    identity: &IdentityRecord,
    step_offset: i64,
) -> Result<(), OfflineError> {
    for _ in 0..RETRIES {
        let now = state.clock.now_millis();
        order.identity_id = Some(identity.identity_id.clone());
        order.pickup = Some(Pickup::OfflineCode);
        order.picked_up_at = Some(now);
        let data = completion_as(
            &Approved {
                order: &order,
                identity,
                device_signature: &[],
                step_up: None,
                now,
            },
            ApprovalMethod::OfflineCode { step_offset },
            &state.keys.jws,
        );
        order.phase = Phase::Complete;
        order.hint_code = None;
        order.completion = Some(data.to_string());
        order.finished_at = Some(now);
        order.updated_at = now;
        order.pending_pno = None;
        if state.store.update_order(&mut order).await? {
            tracing::info!(order = %order.order_ref, "order complete (offline code)");
            return Ok(());
        }
        // The order changed meanwhile (expired, cancelled, picked up): decide on what it is.
        order = current_order(state, OrderKey::Ref(&order.order_ref))
            .await?
            .filter(|o| o.phase == Phase::Outstanding)
            .ok_or_else(closed)?;
    }
    Err(closed())
}
