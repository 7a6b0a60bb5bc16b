//! The app API's steps, signed with the device key.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use tapid_keystore::{KeyAlias, KeyStore, SecurityCode};

use super::{ClientError, Https};
use crate::service_api::{
    self as api, Attestation, DecisionRequest, DecisionResponse, EnrolRequest, EnrolResponse,
    EvidenceRequest, PickupRequest, PickupResponse, StepUpOutcome,
};

/// An order this app picked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickedUp {
    /// What the service said about it.
    pub order: PickupResponse,
    /// The challenge, decoded.
    pub challenge: Vec<u8>,
    /// The Active Authentication challenge to give the chip, when a step-up is required.
    pub aa_challenge: Option<[u8; 8]>,
}

impl PickedUp {
    /// Decodes the challenges of a pickup answer.
    pub(super) fn from_response(order: PickupResponse) -> Result<Self, ClientError> {
        let challenge = B64
            .decode(&order.challenge)
            .map_err(|_| ClientError::Decode)?;
        let aa_challenge = order.aa_challenge.as_deref().map(decode_aa).transpose()?;
        Ok(Self {
            order,
            challenge,
            aa_challenge,
        })
    }
}

/// An Active Authentication challenge as the service sends it (hex, 8 bytes).
pub(super) fn decode_aa(hex_text: &str) -> Result<[u8; 8], ClientError> {
    hex::decode(hex_text)
        .ok()
        .and_then(|b| <[u8; 8]>::try_from(b).ok())
        .ok_or(ClientError::Decode)
}

/// The app side of the service: one identity's device key in a key store.
pub struct AppClient {
    pub(super) http: Https,
    pub(super) keys: Arc<dyn KeyStore>,
    pub(super) alias: KeyAlias,
    code: Option<SecurityCode>,
    pub(super) identity_id: Option<String>,
}

impl std::fmt::Debug for AppClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppClient")
            .field("http", &self.http)
            .field("identity_id", &self.identity_id)
            .finish_non_exhaustive()
    }
}

impl AppClient {
    /// A client over `http` whose device key is `alias` in `keys` (unlocked with `code` when
    /// the key is protected by the security code).
    pub fn new(
        http: Https,
        keys: Arc<dyn KeyStore>,
        alias: KeyAlias,
        code: Option<SecurityCode>,
    ) -> Self {
        Self {
            http,
            keys,
            alias,
            code,
            identity_id: None,
        }
    }

    /// The identity this app acts for (after [`AppClient::enrol`] or [`AppClient::set_identity`]).
    pub fn identity_id(&self) -> Option<&str> {
        self.identity_id.as_deref()
    }

    /// Acts for an identity enrolled earlier.
    pub fn set_identity(&mut self, identity_id: &str) {
        self.identity_id = Some(identity_id.to_owned());
    }

    pub(super) async fn sign(&self, message: &[u8]) -> Result<String, ClientError> {
        let sig = self
            .keys
            .sign(&self.alias, message, self.code.as_ref())
            .await
            .map_err(ClientError::KeyStore)?;
        Ok(B64.encode(sig.as_der()))
    }

    /// The device key's public key, uncompressed SEC1 (what enrolment and renewal register).
    pub(super) async fn public_sec1(&self) -> Result<Vec<u8>, ClientError> {
        Ok(self
            .keys
            .public_key(&self.alias)
            .await
            .map_err(ClientError::KeyStore)?
            .to_sec1())
    }

    /// Enrols the device key with the issuer's one-time `activation_code`.
    pub async fn enrol(
        &mut self,
        activation_code: &str,
        attestation: Attestation,
    ) -> Result<EnrolResponse, ClientError> {
        let public = self.public_sec1().await?;
        let signature = self
            .sign(&api::enrol_payload(activation_code, &public))
            .await?;
        let resp: EnrolResponse = self
            .http
            .post(
                api::ENROL,
                &EnrolRequest {
                    activation_code: activation_code.to_owned(),
                    device_public_key: B64.encode(&public),
                    attestation,
                    signature,
                },
            )
            .await?;
        self.identity_id = Some(resp.identity_id.clone());
        Ok(resp)
    }

    pub(super) fn identity(&self) -> Result<String, ClientError> {
        self.identity_id.clone().ok_or(ClientError::NotEnrolled)
    }

    async fn pickup(
        &self,
        qr: Option<&str>,
        autostart: Option<&str>,
    ) -> Result<PickedUp, ClientError> {
        let identity_id = self.identity()?;
        let scanned = qr.or(autostart).unwrap_or_default();
        let signature = self
            .sign(&api::pickup_payload(&identity_id, scanned))
            .await?;
        let order: PickupResponse = self
            .http
            .post(
                api::PICKUP,
                &PickupRequest {
                    identity_id,
                    qr_payload: qr.map(str::to_owned),
                    auto_start_token: autostart.map(str::to_owned),
                    signature,
                },
            )
            .await?;
        PickedUp::from_response(order)
    }

    /// Picks up the order of a scanned animated QR payload.
    pub async fn pickup_qr(&self, payload: &str) -> Result<PickedUp, ClientError> {
        self.pickup(Some(payload), None).await
    }

    /// Picks up the order of an autostart token (the same-device launch).
    pub async fn pickup_autostart(&self, token: &str) -> Result<PickedUp, ClientError> {
        self.pickup(None, Some(token)).await
    }

    /// Sends the evidence bundle (canonical bytes) of the order's passport step-up; the
    /// service's verdict comes back.
    pub async fn send_evidence(
        &self,
        picked: &PickedUp,
        evidence: &[u8],
    ) -> Result<StepUpOutcome, ClientError> {
        let aa = picked.aa_challenge.unwrap_or_default();
        let signature = self
            .sign(&api::evidence_payload(&picked.challenge, &aa, evidence))
            .await?;
        self.http
            .post(
                api::EVIDENCE,
                &EvidenceRequest {
                    app_token: picked.order.app_token.clone(),
                    evidence: B64.encode(evidence),
                    signature,
                },
            )
            .await
    }

    /// Approves the order: signs its challenge and the user-visible data it shows.
    pub async fn approve(&self, picked: &PickedUp) -> Result<DecisionResponse, ClientError> {
        let payload =
            api::approve_payload(&picked.challenge, picked.order.user_visible_data.as_deref());
        let signature = self.sign(&payload).await?;
        self.http
            .post(
                api::APPROVE,
                &DecisionRequest {
                    app_token: picked.order.app_token.clone(),
                    signature,
                },
            )
            .await
    }

    /// Declines the order.
    pub async fn decline(&self, picked: &PickedUp) -> Result<DecisionResponse, ClientError> {
        let signature = self.sign(&api::decline_payload(&picked.challenge)).await?;
        self.http
            .post(
                api::DECLINE,
                &DecisionRequest {
                    app_token: picked.order.app_token.clone(),
                    signature,
                },
            )
            .await
    }
}
