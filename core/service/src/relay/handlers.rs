//! The relay's app API calls, for an order's step-up and for a renewal's. Both authenticate
//! with their app token, exactly as the other app calls do: the pickup's (the order must be
//! picked up and open, its identity active) or the renewal's (still waiting for its step-up);
//! the start also carries a device-key signature over the order's or renewal's challenge. The
//! result of a completed read is decided by [`crate::stepup::decide`] and recorded by the same
//! code as evidence mode's.

use axum::Extension;
use axum::extract::State;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use tapid_card::TransportCapabilities;
use tapid_identity::service_api::{
    self as api, AppError, AppErrorCode as Code, RelayAccessKey, RelayExchangeRequest,
    RelayProgress, RelayStartRequest, RelayStep, StepUpOutcome,
};
use tapid_mrtd::mrz::{AccessKey, Can, MrzKey};
use tapid_mrtd::reader::VerifiedRead;

use super::RelayFailure;
use super::driver::{self, Job};
use super::registry::{Lease, Relays, Session};
use super::transport::{Answer, Event};
use crate::api::AppState;
use crate::api::app::{picked_up, record_step_up, verify_device};
use crate::api::error::ApiError;
use crate::api::json::Json;
use crate::api::openapi::TAG_APP;
use crate::api::renewal::{self, renewal_by_token};
use crate::entropy;
use crate::order::start;
use crate::stepup::{self, Mode};
use crate::store::RenewalPhase;

/// ISO 7816-3 and ISO 14443-4 allow at most 15 historical bytes.
const MAX_HISTORICAL_BYTES: usize = 15;

fn access_key(key: &RelayAccessKey) -> Result<AccessKey, ApiError> {
    let bad = || ApiError::app(Code::InvalidParameters, "The access key is malformed");
    match key {
        RelayAccessKey::Mrz {
            document_number,
            date_of_birth,
            date_of_expiry,
        } => MrzKey::new(document_number, date_of_birth, date_of_expiry)
            .map(AccessKey::Mrz)
            .map_err(|_| bad()),
        RelayAccessKey::Can { can } => Can::new(can).map(AccessKey::Can).map_err(|_| bad()),
    }
}

fn not_expected() -> ApiError {
    ApiError::app(Code::StepUpNotExpected, "The order expects no step-up")
}

/// What a relay reads for: the step-up of a picked-up order, or of a remote renewal. Both
/// authenticate with their app token; everything else of a relay is the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Subject {
    /// An order's passport step-up (`/app/v1/relay/*`).
    Order,
    /// A renewal's passport step-up (`/app/v1/renewal/relay/*`), matched against the holder
    /// of the identity being replaced.
    Renewal,
}

/// The open subject of an app token, as a relay needs it.
struct Bound {
    /// Its key in the relay registry: the order reference, or `renewal:<id>`.
    reference: String,
    /// The challenge the device key signs to start the relay.
    challenge: Vec<u8>,
    /// The device key that must have signed.
    device_key: Vec<u8>,
}

/// Finds the subject of `app_token`. A relay starts only for a subject still expecting its
/// step-up (`fresh`); an exchange only needs the token to be the subject's, so that a relay
/// which has ended answers `relayLost` whatever its read decided.
async fn bind(
    state: &AppState,
    subject: Subject,
    app_token: &str,
    fresh: bool,
) -> Result<Bound, ApiError> {
    match subject {
        Subject::Order => {
            let (order, identity) = picked_up(state, app_token).await?;
            if fresh && (!start::requirement(&order).mrtd || order.step_up.is_some()) {
                return Err(not_expected());
            }
            Ok(Bound {
                reference: order.order_ref,
                challenge: order.challenge,
                device_key: identity.device_public_key.unwrap_or_default(),
            })
        }
        Subject::Renewal => {
            let r = renewal_by_token(state, app_token).await?;
            if fresh && r.phase != RenewalPhase::Pending {
                return Err(ApiError::app(
                    Code::StepUpNotExpected,
                    "The renewal expects no step-up",
                ));
            }
            Ok(Bound {
                reference: format!("renewal:{}", r.renewal_id),
                challenge: r.challenge,
                device_key: r.device_public_key,
            })
        }
    }
}

/// `POST /app/v1/relay/start`.
#[utoipa::path(
    post,
    path = api::RELAY_START,
    operation_id = "relayStart",
    tag = TAG_APP,
    request_body = RelayStartRequest,
    responses(
        (status = 200, description = "The first command APDU for the chip", body = RelayStep),
        (status = 400, description = "`invalidParameters`, `stepUpNotExpected`, `relayTimedOut`, `relayAccessDenied`, `relayCardLost` or `relayFailed`", body = AppError),
        (status = 403, description = "`badSignature`, `identityUnusable` or `identityRevoked`", body = AppError),
        (status = 404, description = "`noSuchOrder` (unknown app token) or `relayLost` (start a new relay)", body = AppError),
        (status = 409, description = "`orderClosed`", body = AppError),
        (status = 415, description = "`unsupportedMediaType`: not `application/json`", body = AppError),
        (status = 500, description = "`internalError`", body = AppError),
        (status = 503, description = "`relayBusy`: try again", body = AppError),
    ),
)]
pub async fn start(
    State(state): State<AppState>,
    Extension(relays): Extension<Relays>,
    Json(req): Json<RelayStartRequest>,
) -> Result<axum::Json<RelayStep>, ApiError> {
    open(&state, &relays, Subject::Order, req).await
}

/// `POST /app/v1/renewal/relay/start`: a renewal's step-up in relay mode.
#[utoipa::path(
    post,
    path = api::RENEWAL_RELAY_START,
    operation_id = "renewalRelayStart",
    tag = TAG_APP,
    request_body = RelayStartRequest,
    responses(
        (status = 200, description = "The first command APDU for the chip", body = RelayStep),
        (status = 400, description = "`invalidParameters`, `stepUpNotExpected`, `relayTimedOut`, `relayAccessDenied`, `relayCardLost` or `relayFailed`", body = AppError),
        (status = 403, description = "`badSignature`, `identityUnusable` or `identityRevoked`", body = AppError),
        (status = 404, description = "`noSuchOrder` (unknown app token) or `relayLost` (start a new relay)", body = AppError),
        (status = 409, description = "`orderClosed`", body = AppError),
        (status = 415, description = "`unsupportedMediaType`: not `application/json`", body = AppError),
        (status = 500, description = "`internalError`", body = AppError),
        (status = 503, description = "`relayBusy`: try again", body = AppError),
    ),
)]
pub async fn renewal_start(
    State(state): State<AppState>,
    Extension(relays): Extension<Relays>,
    Json(req): Json<RelayStartRequest>,
) -> Result<axum::Json<RelayStep>, ApiError> {
    open(&state, &relays, Subject::Renewal, req).await
}

/// `POST /app/v1/relay/exchange`.
#[utoipa::path(
    post,
    path = api::RELAY_EXCHANGE,
    operation_id = "relayExchange",
    tag = TAG_APP,
    request_body = RelayExchangeRequest,
    responses(
        (status = 200, description = "The next command APDU, or the step-up's outcome", body = RelayStep),
        (status = 400, description = "`invalidParameters`, `stepUpNotExpected`, `relayTimedOut`, `relayAccessDenied`, `relayCardLost` or `relayFailed`", body = AppError),
        (status = 403, description = "`badSignature`, `identityUnusable` or `identityRevoked`", body = AppError),
        (status = 404, description = "`noSuchOrder` (unknown app token) or `relayLost` (start a new relay)", body = AppError),
        (status = 409, description = "`orderClosed`", body = AppError),
        (status = 415, description = "`unsupportedMediaType`: not `application/json`", body = AppError),
        (status = 500, description = "`internalError`", body = AppError),
        (status = 503, description = "`relayBusy`: try again", body = AppError),
    ),
)]
pub async fn exchange(
    State(state): State<AppState>,
    Extension(relays): Extension<Relays>,
    Json(req): Json<RelayExchangeRequest>,
) -> Result<axum::Json<RelayStep>, ApiError> {
    answer(&state, &relays, Subject::Order, req).await
}

/// `POST /app/v1/renewal/relay/exchange`.
#[utoipa::path(
    post,
    path = api::RENEWAL_RELAY_EXCHANGE,
    operation_id = "renewalRelayExchange",
    tag = TAG_APP,
    request_body = RelayExchangeRequest,
    responses(
        (status = 200, description = "The next command APDU, or the step-up's outcome", body = RelayStep),
        (status = 400, description = "`invalidParameters`, `stepUpNotExpected`, `relayTimedOut`, `relayAccessDenied`, `relayCardLost` or `relayFailed`", body = AppError),
        (status = 403, description = "`badSignature`, `identityUnusable` or `identityRevoked`", body = AppError),
        (status = 404, description = "`noSuchOrder` (unknown app token) or `relayLost` (start a new relay)", body = AppError),
        (status = 409, description = "`orderClosed`", body = AppError),
        (status = 415, description = "`unsupportedMediaType`: not `application/json`", body = AppError),
        (status = 500, description = "`internalError`", body = AppError),
        (status = 503, description = "`relayBusy`: try again", body = AppError),
    ),
)]
pub async fn renewal_exchange(
    State(state): State<AppState>,
    Extension(relays): Extension<Relays>,
    Json(req): Json<RelayExchangeRequest>,
) -> Result<axum::Json<RelayStep>, ApiError> {
    answer(&state, &relays, Subject::Renewal, req).await
}

/// Starts a relay for the subject of the request's app token.
async fn open(
    state: &AppState,
    relays: &Relays,
    subject: Subject,
    req: RelayStartRequest,
) -> Result<axum::Json<RelayStep>, ApiError> {
    let bound = bind(state, subject, &req.app_token, true).await?;
    verify_device(
        &bound.device_key,
        &api::relay_start_payload(&bound.challenge),
        &req.signature,
    )?;
    let key = access_key(&req.access_key)?;
    let historical_bytes = req
        .historical_bytes
        .as_deref()
        .map(hex::decode)
        .transpose()
        .ok()
        .flatten()
        .filter(|b| b.len() <= MAX_HISTORICAL_BYTES);
    if req.historical_bytes.is_some() && historical_bytes.is_none() {
        return Err(ApiError::app(
            Code::InvalidParameters,
            "historicalBytes must be at most 15 bytes of hex",
        ));
    }
    let limits = state.config.relay;
    let capabilities = TransportCapabilities {
        extended_length: req.capabilities.extended_length,
        max_command_len: req.capabilities.max_command_len.min(limits.max_command_len),
        max_response_len: req
            .capabilities
            .max_response_len
            .min(limits.max_response_len),
    };
    let now = state.clock.now_millis();
    let driver = driver::spawn(Job {
        key,
        capabilities,
        historical_bytes,
        aa_challenge: entropy::bytes::<8>(state.entropy.as_ref()),
        now_secs: now.div_euclid(1000),
        trust: state.trust.clone(),
        entropy: state.entropy.clone(),
        limits,
    });
    let id = hex::encode(entropy::bytes::<16>(state.entropy.as_ref()));
    let session = Session::new(
        bound.reference.clone(),
        driver.events,
        driver.answers,
        driver.task,
        now,
        &limits,
    );
    let lease = relays.open(id, session)?;
    tracing::info!(subject = %bound.reference, "relay started");
    next(state, lease, subject, &req.app_token).await
}

/// Hands the phone's answer to the relay's driver and answers with its next step.
async fn answer(
    state: &AppState,
    relays: &Relays,
    subject: Subject,
    req: RelayExchangeRequest,
) -> Result<axum::Json<RelayStep>, ApiError> {
    let bound = bind(state, subject, &req.app_token, false).await?;
    let mut lease = relays.lease(&req.relay_id, &bound.reference)?;
    let now = state.clock.now_millis();
    let session = lease.session().ok_or(RelayFailure::Lost)?;
    if now > session.answer_due || now > session.read_due {
        lease.end();
        return Err(RelayFailure::TimedOut.into());
    }
    let answer = match &req.response {
        Some(b64) => match B64.decode(b64) {
            Ok(bytes) => Answer::Response(bytes),
            Err(_) => {
                lease.end();
                return Err(ApiError::app(
                    Code::InvalidParameters,
                    "The response is not base64",
                ));
            }
        },
        None => Answer::CardLost,
    };
    // The driver is waiting for exactly this answer, so the one-slot channel is free; if the
    // driver has ended meanwhile, its result is what the next event says.
    let _ = session.answers.try_send(answer);
    next(state, lease, subject, &req.app_token).await
}

/// Waits for the driver's next event and answers the phone with it.
async fn next(
    state: &AppState,
    mut lease: Lease,
    subject: Subject,
    app_token: &str,
) -> Result<axum::Json<RelayStep>, ApiError> {
    let limits = state.config.relay;
    let relay_id = lease.id().to_owned();
    let session = lease.session().ok_or(RelayFailure::Lost)?;
    // The service's own work between two APDUs takes milliseconds; an answer's bound is ample.
    let bound = std::time::Duration::from_millis(u64::try_from(limits.apdu_timeout).unwrap_or(0));
    let event = tokio::time::timeout(bound, session.events.recv()).await;
    match event {
        Ok(Some(Event::Command(apdu, progress))) => {
            session.answer_due = state.clock.now_millis().saturating_add(limits.apdu_timeout);
            lease.release();
            Ok(axum::Json(RelayStep {
                relay_id,
                command: Some(B64.encode(apdu)),
                outcome: None,
                progress,
            }))
        }
        Ok(Some(Event::Done(result))) => {
            lease.end();
            let read = (*result).map_err(ApiError::from)?;
            let outcome = match subject {
                Subject::Order => decide_order(state, app_token, &read).await?,
                Subject::Renewal => decide_renewal(state, app_token, &read).await?,
            };
            Ok(axum::Json(RelayStep {
                relay_id,
                command: None,
                outcome: Some(outcome),
                progress: RelayProgress::default(),
            }))
        }
        Ok(None) => {
            lease.end();
            Err(RelayFailure::Lost.into())
        }
        Err(_) => {
            lease.end();
            Err(RelayFailure::TimedOut.into())
        }
    }
}

/// Applies a completed read to the order as it stands in the store now (it may have been
/// cancelled or expired during the read): the same decision and record as evidence mode.
async fn decide_order(
    state: &AppState,
    app_token: &str,
    read: &VerifiedRead,
) -> Result<StepUpOutcome, ApiError> {
    let (mut order, identity) = picked_up(state, app_token).await?;
    let requirement = start::requirement(&order);
    if !requirement.mrtd || order.step_up.is_some() {
        return Err(not_expected());
    }
    let outcome = stepup::decide(
        read,
        &identity,
        Mode::Relay,
        requirement.mrtd_accept_device_proof,
    );
    let evidence = read.evidence().to_canonical_bytes();
    let axum::Json(outcome) = record_step_up(state, &mut order, &outcome, &evidence).await?;
    Ok(outcome)
}

/// Applies a completed read to the renewal as it stands in the store now: matched against the
/// holder of the identity being replaced, recorded by the same code as evidence mode's. The
/// server ran Chip Authentication itself, so no device proof is needed or accepted.
async fn decide_renewal(
    state: &AppState,
    app_token: &str,
    read: &VerifiedRead,
) -> Result<StepUpOutcome, ApiError> {
    let mut renewal = renewal_by_token(state, app_token).await?;
    let holder = renewal::holder(state, &renewal).await?;
    let outcome = stepup::decide(read, &holder, Mode::Relay, false);
    renewal::record_step_up(state, &mut renewal, &outcome).await?;
    Ok(StepUpOutcome {
        mrtd: outcome.mrtd,
        reason: outcome.reason.map(str::to_owned),
    })
}
