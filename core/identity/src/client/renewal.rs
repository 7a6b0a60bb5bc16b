//! Remote renewal on the app side: a new device key replaces the identity of the person whose
//! passport it taps. Start with the personal number and the new key's attestation, send the
//! passport evidence for the server's Active Authentication challenge, then confirm; the
//! client then acts for the new identity.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

use super::app::decode_aa;
use super::{AppClient, ClientError};
use crate::service_api::{
    self as api, Attestation, RenewalCompleteRequest, RenewalEvidenceRequest, RenewalResponse,
    RenewalStartRequest, RenewalStartResponse, StepUpOutcome,
};

/// A renewal this app started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenewalStarted {
    /// What the service answered.
    pub response: RenewalStartResponse,
    /// The renewal's challenge, decoded.
    pub challenge: Vec<u8>,
    /// The Active Authentication challenge to give the chip.
    pub aa_challenge: [u8; 8],
}

impl AppClient {
    /// Starts replacing the identity of `personal_number` with this client's device key.
    pub async fn start_renewal(
        &self,
        personal_number: &str,
        attestation: Attestation,
    ) -> Result<RenewalStarted, ClientError> {
        let public = self.public_sec1().await?;
        let signature = self
            .sign(&api::renewal_start_payload(personal_number, &public))
            .await?;
        let response: RenewalStartResponse = self
            .http
            .post(
                api::RENEWAL_START,
                &RenewalStartRequest {
                    personal_number: personal_number.to_owned(),
                    device_public_key: B64.encode(&public),
                    attestation,
                    signature,
                },
            )
            .await?;
        let challenge = B64
            .decode(&response.challenge)
            .map_err(|_| ClientError::Decode)?;
        let aa_challenge = decode_aa(&response.aa_challenge)?;
        Ok(RenewalStarted {
            response,
            challenge,
            aa_challenge,
        })
    }

    /// Sends the passport evidence (canonical bytes) of the renewal's step-up; the service's
    /// verdict comes back.
    pub async fn send_renewal_evidence(
        &self,
        started: &RenewalStarted,
        evidence: &[u8],
    ) -> Result<StepUpOutcome, ClientError> {
        let signature = self
            .sign(&api::evidence_payload(
                &started.challenge,
                &started.aa_challenge,
                evidence,
            ))
            .await?;
        self.http
            .post(
                api::RENEWAL_EVIDENCE,
                &RenewalEvidenceRequest {
                    app_token: started.response.app_token.clone(),
                    evidence: B64.encode(evidence),
                    signature,
                },
            )
            .await
    }

    /// Completes the renewal: the service revokes the old identity and creates the new one,
    /// which this client acts for from now on (keep the returned OCRA secret).
    pub async fn renew(
        &mut self,
        started: &RenewalStarted,
    ) -> Result<RenewalResponse, ClientError> {
        let signature = self
            .sign(&api::renewal_complete_payload(&started.challenge))
            .await?;
        let done: RenewalResponse = self
            .http
            .post(
                api::RENEWAL_COMPLETE,
                &RenewalCompleteRequest {
                    app_token: started.response.app_token.clone(),
                    signature,
                },
            )
            .await?;
        self.identity_id = Some(done.identity_id.clone());
        Ok(done)
    }
}
