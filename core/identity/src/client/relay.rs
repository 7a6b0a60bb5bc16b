//! Relay mode on the app's side: the phone carries APDUs between the chip and the service,
//! which runs the read itself. The phone learns no session key and decides nothing; it only
//! relays, within bounds of its own.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tapid_card::CardTransport;

use super::{AppClient, ClientError, PickedUp, RenewalStarted};
use crate::service_api::{
    self as api, RelayAccessKey, RelayCapabilities, RelayExchangeRequest, RelayProgress,
    RelayStartRequest, RelayStep, StepUpOutcome,
};

/// Commands the app relays for one read at most (the service's own bound is lower; this one
/// only keeps a misbehaving service from holding the phone forever).
pub const MAX_EXCHANGES: u32 = 4096;

/// How long one call to the service may take (the service answers each within its own
/// per-APDU bound).
pub const CALL_TIMEOUT: Duration = Duration::from_secs(30);

impl AppClient {
    async fn relay_call<B: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<R, ClientError> {
        tokio::time::timeout(CALL_TIMEOUT, self.http.post(path, body))
            .await
            .map_err(|_| ClientError::Transport("the service did not answer in time".into()))?
    }

    /// Runs the order's passport step-up in relay mode: the service reads the chip behind
    /// `transport` itself, opening it with `access_key` (the document's MRZ data or CAN as the
    /// app's scan got them), and this call relays each command APDU to the chip and its
    /// answer back until the service says the read is over. `progress` sees how far the
    /// service's read got after each command. The service's verdict comes back, as with
    /// [`AppClient::send_evidence`]. When the card leaves the field the service is told, and
    /// its answer (`relayCardLost`) is the error.
    pub async fn relay_read<T: CardTransport + ?Sized>(
        &self,
        picked: &PickedUp,
        access_key: &RelayAccessKey,
        transport: &mut T,
        progress: &mut (dyn FnMut(&RelayProgress) + Send),
    ) -> Result<StepUpOutcome, ClientError> {
        let relay = Relay {
            start: api::RELAY_START,
            exchange: api::RELAY_EXCHANGE,
            app_token: &picked.order.app_token,
            challenge: &picked.challenge,
        };
        self.relay(relay, access_key, transport, progress).await
    }

    /// Runs a renewal's passport step-up in relay mode, as [`AppClient::relay_read`] does an
    /// order's: the service matches the read against the holder of the identity being
    /// replaced; then [`AppClient::renew`] completes the renewal.
    pub async fn relay_renewal<T: CardTransport + ?Sized>(
        &self,
        started: &RenewalStarted,
        access_key: &RelayAccessKey,
        transport: &mut T,
        progress: &mut (dyn FnMut(&RelayProgress) + Send),
    ) -> Result<StepUpOutcome, ClientError> {
        let relay = Relay {
            start: api::RENEWAL_RELAY_START,
            exchange: api::RENEWAL_RELAY_EXCHANGE,
            app_token: &started.response.app_token,
            challenge: &started.challenge,
        };
        self.relay(relay, access_key, transport, progress).await
    }

    async fn relay<T: CardTransport + ?Sized>(
        &self,
        relay: Relay<'_>,
        access_key: &RelayAccessKey,
        transport: &mut T,
        progress: &mut (dyn FnMut(&RelayProgress) + Send),
    ) -> Result<StepUpOutcome, ClientError> {
        let caps = transport.capabilities();
        let signature = self
            .sign(&api::relay_start_payload(relay.challenge))
            .await?;
        let mut step: RelayStep = self
            .relay_call(
                relay.start,
                &RelayStartRequest {
                    app_token: relay.app_token.to_owned(),
                    access_key: access_key.clone(),
                    capabilities: RelayCapabilities {
                        extended_length: caps.extended_length,
                        max_command_len: caps.max_command_len,
                        max_response_len: caps.max_response_len,
                    },
                    historical_bytes: transport.historical_bytes().map(hex::encode),
                    signature,
                },
            )
            .await?;
        for _ in 0..MAX_EXCHANGES {
            progress(&step.progress);
            if let Some(outcome) = step.outcome {
                return Ok(outcome);
            }
            let command = step
                .command
                .as_deref()
                .and_then(|c| B64.decode(c).ok())
                .filter(|c| c.len() <= caps.max_command_len)
                .ok_or(ClientError::Decode)?;
            let response = transport.transmit(&command).await.ok();
            let card_lost = response.is_none();
            step = self
                .relay_call(
                    relay.exchange,
                    &RelayExchangeRequest {
                        app_token: relay.app_token.to_owned(),
                        relay_id: step.relay_id.clone(),
                        response: response.map(|r| B64.encode(r)),
                    },
                )
                .await?;
            if card_lost && step.outcome.is_none() {
                // The service must end a relay whose card is gone.
                return Err(ClientError::Decode);
            }
        }
        Err(ClientError::Transport(
            "the relay needed more exchanges than allowed".into(),
        ))
    }
}

/// Where a relay runs: an order's or a renewal's endpoints, token and challenge.
struct Relay<'a> {
    start: &'static str,
    exchange: &'static str,
    app_token: &'a str,
    challenge: &'a [u8],
}
