//! The relay's two app API calls. Both authenticate with the app token of the pickup (the
//! order must be picked up and open, its identity active), exactly as the other app calls
//! do; the start also carries a device-key signature over the order's challenge. The result
//! of a completed read is decided by [`crate::stepup::decide`] and recorded by the same code
//! as evidence mode's.

use axum::Extension;
use axum::extract::State;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use tapid_card::TransportCapabilities;
use tapid_identity::service_api::{
    self as api, AppErrorCode as Code, RelayAccessKey, RelayExchangeRequest, RelayProgress,
    RelayStartRequest, RelayStep,
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
use crate::entropy;
use crate::order::start;
use crate::stepup::{self, Mode};

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

/// `POST /app/v1/relay/start`.
pub async fn start(
    State(state): State<AppState>,
    Extension(relays): Extension<Relays>,
    Json(req): Json<RelayStartRequest>,
) -> Result<axum::Json<RelayStep>, ApiError> {
    let (order, identity) = picked_up(&state, &req.app_token).await?;
    if !start::requirement(&order).mrtd || order.step_up.is_some() {
        return Err(not_expected());
    }
    verify_device(
        identity.device_public_key.as_deref().unwrap_or_default(),
        &api::relay_start_payload(&order.challenge),
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
        order.order_ref.clone(),
        driver.events,
        driver.answers,
        driver.task,
        now,
        &limits,
    );
    let lease = relays.open(id, session)?;
    tracing::info!(order = %order.order_ref, "relay started");
    next(&state, lease, &req.app_token).await
}

/// `POST /app/v1/relay/exchange`.
pub async fn exchange(
    State(state): State<AppState>,
    Extension(relays): Extension<Relays>,
    Json(req): Json<RelayExchangeRequest>,
) -> Result<axum::Json<RelayStep>, ApiError> {
    let (order, _) = picked_up(&state, &req.app_token).await?;
    let mut lease = relays.lease(&req.relay_id, &order.order_ref)?;
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
    next(&state, lease, &req.app_token).await
}

/// Waits for the driver's next event and answers the phone with it.
async fn next(
    state: &AppState,
    mut lease: Lease,
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
            match *result {
                Ok(read) => decide(state, app_token, &read, relay_id).await,
                Err(why) => Err(why.into()),
            }
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
async fn decide(
    state: &AppState,
    app_token: &str,
    read: &VerifiedRead,
    relay_id: String,
) -> Result<axum::Json<RelayStep>, ApiError> {
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
    Ok(axum::Json(RelayStep {
        relay_id,
        command: None,
        outcome: Some(outcome),
        progress: RelayProgress::default(),
    }))
}
