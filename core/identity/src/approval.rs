//! Push approval (reference §7.1/§7.3): the server creates an approval request that lives 90 s;
//! the app approves or denies it by signing a payload bound to the request (id, operation
//! digest, expiry, decision) with its device key; the server accepts exactly one valid decision
//! before expiry. The signature scheme is injected (the device key lives in the key store).

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Lifetime of an approval request.
pub const APPROVAL_LIFETIME_SECS: u64 = 90;
/// Domain separation for the signed payload.
const PAYLOAD_TAG: &[u8] = b"tapid-approval-v1";

/// The user's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ApprovalDecision {
    /// Approve the operation.
    Approve,
    /// Reject it.
    Deny,
}

impl ApprovalDecision {
    fn byte(self) -> u8 {
        match self {
            Self::Approve => 1,
            Self::Deny => 0,
        }
    }
}

/// An approval request as pushed to the device.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApprovalRequest {
    /// Random request id (a nonce).
    #[serde(with = "hex_bytes")]
    pub id: [u8; 16],
    /// SHA-256 of the operation text the user is shown.
    #[serde(with = "hex_bytes")]
    pub operation_digest: [u8; 32],
    /// Creation time, Unix seconds.
    pub created_at: u64,
    /// Absolute expiry, Unix seconds (created + 90 s).
    pub expires_at: u64,
}

impl ApprovalRequest {
    /// Creates a request for `operation` (the text shown to the user) with a caller-supplied
    /// random id at `now`.
    pub fn new(random_id: [u8; 16], operation: &str, now: u64) -> Self {
        Self {
            id: random_id,
            operation_digest: Sha256::digest(operation.as_bytes()).into(),
            created_at: now,
            expires_at: now.saturating_add(APPROVAL_LIFETIME_SECS),
        }
    }

    /// Seconds left for the app's countdown (0 once expired).
    pub fn remaining_secs(&self, now: u64) -> u64 {
        self.expires_at.saturating_sub(now)
    }

    /// Whether `operation` is the text this request was made for (the app checks what it shows).
    pub fn is_for_operation(&self, operation: &str) -> bool {
        let digest: [u8; 32] = Sha256::digest(operation.as_bytes()).into();
        digest == self.operation_digest
    }

    /// The exact bytes the device signs: tag ‖ id ‖ operation digest ‖ expiry ‖ decision.
    pub fn signing_payload(&self, decision: ApprovalDecision) -> Vec<u8> {
        let mut p = Vec::with_capacity(PAYLOAD_TAG.len() + 16 + 32 + 8 + 1);
        p.extend_from_slice(PAYLOAD_TAG);
        p.extend_from_slice(&self.id);
        p.extend_from_slice(&self.operation_digest);
        p.extend_from_slice(&self.expires_at.to_be_bytes());
        p.push(decision.byte());
        p
    }

    /// The app side: answers the request with `sign` (the device key's signature function).
    pub fn respond(
        &self,
        decision: ApprovalDecision,
        sign: impl FnOnce(&[u8]) -> Vec<u8>,
    ) -> ApprovalResponse {
        ApprovalResponse {
            request_id: self.id,
            decision,
            signature: sign(&self.signing_payload(decision)),
        }
    }
}

/// The device's answer.
#[derive(Clone, PartialEq, Eq)]
pub struct ApprovalResponse {
    /// The request answered.
    pub request_id: [u8; 16],
    /// Approve or deny.
    pub decision: ApprovalDecision,
    /// Device-key signature over [`ApprovalRequest::signing_payload`].
    pub signature: Vec<u8>,
}

impl std::fmt::Debug for ApprovalResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApprovalResponse")
            .field("decision", &self.decision)
            .finish_non_exhaustive()
    }
}

/// Verifies device signatures (backed by the registered device public key).
pub trait SignatureVerifier {
    /// Whether `signature` is valid for `message`.
    fn verify(&self, message: &[u8], signature: &[u8]) -> bool;
}

/// Where a request stands on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ApprovalStatus {
    /// Waiting for the device.
    Pending,
    /// Approved by the device.
    Approved,
    /// Denied by the device.
    Denied,
    /// No answer within 90 s; start the operation again.
    Expired,
}

/// The server's record of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingApproval {
    request: ApprovalRequest,
    decided: Option<ApprovalDecision>,
}

impl PendingApproval {
    /// Tracks a request the server sent.
    pub fn new(request: ApprovalRequest) -> Self {
        Self {
            request,
            decided: None,
        }
    }

    /// The request.
    pub fn request(&self) -> &ApprovalRequest {
        &self.request
    }

    /// The status at `now`.
    pub fn status(&self, now: u64) -> ApprovalStatus {
        match self.decided {
            Some(ApprovalDecision::Approve) => ApprovalStatus::Approved,
            Some(ApprovalDecision::Deny) => ApprovalStatus::Denied,
            None if now > self.request.expires_at => ApprovalStatus::Expired,
            None => ApprovalStatus::Pending,
        }
    }

    /// Accepts the device's answer once: it must be for this request, before expiry, and
    /// correctly signed.
    pub fn decide(
        &mut self,
        response: &ApprovalResponse,
        verifier: &impl SignatureVerifier,
        now: u64,
    ) -> Result<ApprovalDecision> {
        if response.request_id != self.request.id {
            return Err(Error::ApprovalWrongRequest);
        }
        if self.decided.is_some() {
            return Err(Error::ApprovalAlreadyDecided);
        }
        if now > self.request.expires_at {
            return Err(Error::Expired);
        }
        if !verifier.verify(
            &self.request.signing_payload(response.decision),
            &response.signature,
        ) {
            return Err(Error::ApprovalSignature);
        }
        self.decided = Some(response.decision);
        Ok(response.decision)
    }
}

mod hex_bytes {
    pub fn serialize<S: serde::Serializer, const N: usize>(
        bytes: &[u8; N],
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(bytes))
    }
}

#[cfg(test)]
mod tests {
    use hmac::{Hmac, KeyInit, Mac};
    use sha2::Sha256;

    use super::*;

    /// A stand-in for the device key: HMAC under a shared test key.
    struct TestKey(&'static [u8]);

    impl TestKey {
        fn sign(&self, msg: &[u8]) -> Vec<u8> {
            let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(self.0).unwrap();
            m.update(msg);
            m.finalize().into_bytes().to_vec()
        }
    }

    impl SignatureVerifier for TestKey {
        fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
            self.sign(message) == signature
        }
    }

    const NOW: u64 = 1_700_000_000;
    const DEVICE: TestKey = TestKey(b"device key");

    fn request() -> ApprovalRequest {
        ApprovalRequest::new([7; 16], "Log in to myshop.example", NOW)
    }

    #[test]
    fn approve_once_within_90_seconds() {
        let req = request();
        assert_eq!(req.remaining_secs(NOW + 30), 60);
        assert!(req.is_for_operation("Log in to myshop.example"));
        assert!(!req.is_for_operation("Pay 1000 SEK"));
        let mut p = PendingApproval::new(req.clone());
        assert_eq!(p.status(NOW), ApprovalStatus::Pending);
        let resp = req.respond(ApprovalDecision::Approve, |m| DEVICE.sign(m));
        assert_eq!(
            p.decide(&resp, &DEVICE, NOW + 89).unwrap(),
            ApprovalDecision::Approve
        );
        assert_eq!(p.status(NOW + 200), ApprovalStatus::Approved);
        assert_eq!(
            p.decide(&resp, &DEVICE, NOW + 89),
            Err(Error::ApprovalAlreadyDecided)
        );
    }

    #[test]
    fn deny_is_bound_too() {
        let req = request();
        let mut p = PendingApproval::new(req.clone());
        let deny = req.respond(ApprovalDecision::Deny, |m| DEVICE.sign(m));
        // Flipping the decision invalidates the signature.
        let forged = ApprovalResponse {
            decision: ApprovalDecision::Approve,
            ..deny.clone()
        };
        assert_eq!(
            p.decide(&forged, &DEVICE, NOW + 1),
            Err(Error::ApprovalSignature)
        );
        assert_eq!(
            p.decide(&deny, &DEVICE, NOW + 1).unwrap(),
            ApprovalDecision::Deny
        );
        assert_eq!(p.status(NOW + 1), ApprovalStatus::Denied);
    }

    #[test]
    fn expiry_wrong_request_wrong_key() {
        let req = request();
        let mut p = PendingApproval::new(req.clone());
        let resp = req.respond(ApprovalDecision::Approve, |m| DEVICE.sign(m));
        assert_eq!(p.decide(&resp, &DEVICE, NOW + 91), Err(Error::Expired));
        assert_eq!(p.status(NOW + 91), ApprovalStatus::Expired);
        let other = ApprovalRequest::new([8; 16], "Log in to myshop.example", NOW);
        let resp_other = other.respond(ApprovalDecision::Approve, |m| DEVICE.sign(m));
        assert_eq!(
            p.decide(&resp_other, &DEVICE, NOW),
            Err(Error::ApprovalWrongRequest)
        );
        let stranger = req.respond(ApprovalDecision::Approve, |m| TestKey(b"other").sign(m));
        assert_eq!(
            p.decide(&stranger, &DEVICE, NOW),
            Err(Error::ApprovalSignature)
        );
        assert_eq!(p.status(NOW), ApprovalStatus::Pending);
    }

    #[test]
    fn payload_layout_and_serialisation() {
        let req = request();
        let payload = req.signing_payload(ApprovalDecision::Approve);
        assert_eq!(payload.len(), 17 + 16 + 32 + 8 + 1);
        assert!(payload.starts_with(b"tapid-approval-v1"));
        assert_eq!(payload.last(), Some(&1));
        let json = serde_json::to_value(&req).unwrap();
        assert_eq!(json["id"], "07".repeat(16));
        assert_eq!(json["expiresAt"], NOW + 90);
        let resp = req.respond(ApprovalDecision::Approve, |m| DEVICE.sign(m));
        assert!(!format!("{resp:?}").contains("signature"));
    }
}
