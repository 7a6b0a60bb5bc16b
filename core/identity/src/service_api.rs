//! The app API of tapid's identity service, shared by the service and the app's client: the
//! paths, the JSON bodies, the typed error codes, and the exact bytes the device key signs
//! for each step. Every signed payload is a domain tag followed by length-prefixed fields, so
//! no signature made for one step (or one order) verifies for another.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::order::open_enum;

/// `POST`: enrol a device key with a one-time activation code.
pub const ENROL: &str = "/app/v1/enrol";
/// `POST`: pick up an order by a scanned QR payload or an autostart token.
pub const PICKUP: &str = "/app/v1/pickup";
/// `POST`: send the passport evidence bundle of the order's step-up.
pub const EVIDENCE: &str = "/app/v1/evidence";
/// `POST`: approve (sign) the order.
pub const APPROVE: &str = "/app/v1/approve";
/// `POST`: decline the order (the user cancels).
pub const DECLINE: &str = "/app/v1/decline";
/// `POST`: start a relay-mode step-up: the service reads the chip itself, the app relays its
/// APDUs. Answers with the first command APDU.
pub const RELAY_START: &str = "/app/v1/relay/start";
/// `POST`: hand the chip's answer to the last command to the service; answers with the next
/// command or the step-up's outcome.
pub const RELAY_EXCHANGE: &str = "/app/v1/relay/exchange";
/// `POST`: the pushes waiting for this device (a signed, timestamped poll).
pub const PUSH_PENDING: &str = "/app/v1/push/pending";
/// `POST`: pick up the order of a push (then approve or decline as for any picked-up order).
pub const PUSH_PICKUP: &str = "/app/v1/push/pickup";
/// `POST` (relying party): the 8-digit offline challenge for a pushed order.
pub const OFFLINE_CHALLENGE: &str = "/app/v1/offline/challenge";
/// `POST` (relying party): the response the user typed for the offline challenge.
pub const OFFLINE_VERIFY: &str = "/app/v1/offline/verify";
/// `POST`: start a remote renewal with a new device key.
pub const RENEWAL_START: &str = "/app/v1/renewal/start";
/// `POST`: the renewal's passport step-up (evidence mode).
pub const RENEWAL_EVIDENCE: &str = "/app/v1/renewal/evidence";
/// `POST`: start the renewal's passport step-up in relay mode (as [`RELAY_START`], with the
/// renewal's app token and a signature over [`relay_start_payload`] of its challenge).
pub const RENEWAL_RELAY_START: &str = "/app/v1/renewal/relay/start";
/// `POST`: the chip's answer in a renewal's relay (as [`RELAY_EXCHANGE`]).
pub const RENEWAL_RELAY_EXCHANGE: &str = "/app/v1/renewal/relay/exchange";
/// `POST`: complete the renewal: the new identity replaces the old one.
pub const RENEWAL_COMPLETE: &str = "/app/v1/renewal/complete";

/// The key attestation the app sends at enrolment.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attestation {
    /// `software`, `android-key-attestation`, `apple-app-attest`.
    pub kind: String,
    /// The platform's attestation object (base64; empty for `software`).
    #[serde(default)]
    pub data: String,
}

/// Attestation kinds.
pub mod attestation {
    /// A software key store (desktop, tests, the demo).
    pub const SOFTWARE: &str = "software";
    /// Android Keystore key attestation (certificate chain).
    pub const ANDROID: &str = "android-key-attestation";
    /// iOS App Attest.
    pub const APPLE: &str = "apple-app-attest";
}

/// `POST /app/v1/enrol`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnrolRequest {
    /// The one-time activation code from the issuer.
    pub activation_code: String,
    /// The device key's public key, uncompressed SEC1, base64.
    pub device_public_key: String,
    /// The key's attestation.
    pub attestation: Attestation,
    /// The device key's signature over [`enrol_payload`] (DER, base64): possession of the key.
    pub signature: String,
}

/// The answer to an enrolment.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnrolResponse {
    /// The identity the device now acts for.
    pub identity_id: String,
    /// The OCRA secret for offline codes (hex); shown once, kept in the app's key store.
    pub ocra_secret: String,
    /// The OCRA suite.
    pub ocra_suite: String,
}

impl std::fmt::Debug for EnrolResponse {
    // The OCRA secret makes offline codes: never in logs or error messages.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnrolResponse")
            .field("identity_id", &self.identity_id)
            .field("ocra_secret", &"<redacted>")
            .field("ocra_suite", &self.ocra_suite)
            .finish()
    }
}

/// `POST /app/v1/pickup`: exactly one of `qr_payload` and `auto_start_token`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PickupRequest {
    /// The identity picking up.
    pub identity_id: String,
    /// The scanned animated QR payload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qr_payload: Option<String>,
    /// The autostart token of the launch URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_start_token: Option<String>,
    /// The device key's signature over [`pickup_payload`] (DER, base64).
    pub signature: String,
}

/// What the app learns of the order it picked up.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PickupResponse {
    /// The app's session token for this order (the later calls carry it).
    pub app_token: String,
    /// `auth` or `sign`.
    pub kind: String,
    /// The relying party's display name.
    pub relying_party: String,
    /// `userVisibleData` (base64), to show.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_visible_data: Option<String>,
    /// `userVisibleDataFormat`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_visible_data_format: Option<String>,
    /// The order's challenge the device key signs (base64, 32 bytes).
    pub challenge: String,
    /// Whether a passport step-up is required before approving.
    pub mrtd_required: bool,
    /// The Active Authentication challenge to send to the chip (hex, 8 bytes), when required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aa_challenge: Option<String>,
}

/// `POST /app/v1/evidence`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EvidenceRequest {
    /// The app token of the order.
    pub app_token: String,
    /// The evidence bundle's canonical bytes, base64.
    pub evidence: String,
    /// The device key's signature over [`evidence_payload`] (DER, base64).
    pub signature: String,
}

/// The server's step-up verdict.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StepUpOutcome {
    /// Whether the check passed (what `completionData.stepUp.mrtd` will say).
    pub mrtd: bool,
    /// Why not, as a code (`holderMismatch`, `documentExpired`, `chipInvalid`,
    /// `passiveAuthenticationInvalid`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The access key of a relay-mode read, as the app's MRZ scan (OCR) or the user's typing got it
/// from the document. The service derives the BAC or PACE keys from it itself.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum RelayAccessKey {
    /// The MRZ's document number and dates (`YYMMDD`).
    #[serde(rename_all = "camelCase")]
    Mrz {
        /// The document number as printed (without its check digit).
        document_number: String,
        /// Date of birth, `YYMMDD`.
        date_of_birth: String,
        /// Date of expiry, `YYMMDD`.
        date_of_expiry: String,
    },
    /// The card access number printed on the document (PACE only).
    Can {
        /// The digits.
        can: String,
    },
}

impl std::fmt::Debug for RelayAccessKey {
    // The key opens the chip: never in logs or error messages.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Mrz { .. } => f.write_str("RelayAccessKey::Mrz(<redacted>)"),
            Self::Can { .. } => f.write_str("RelayAccessKey::Can(<redacted>)"),
        }
    }
}

/// What the phone's NFC link can carry (`tapid_card::TransportCapabilities` on the wire); the
/// service clamps it to its own bounds.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RelayCapabilities {
    /// Whether extended-length APDUs may be sent.
    pub extended_length: bool,
    /// Largest command APDU in bytes.
    pub max_command_len: usize,
    /// Largest response APDU (data + SW) in bytes.
    pub max_response_len: usize,
}

/// `POST /app/v1/relay/start`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RelayStartRequest {
    /// The app token of the order.
    pub app_token: String,
    /// The document's access key.
    pub access_key: RelayAccessKey,
    /// What the phone's link carries.
    pub capabilities: RelayCapabilities,
    /// The ATS historical bytes the phone's NFC stack exposes (hex), when it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub historical_bytes: Option<String>,
    /// The device key's signature over [`relay_start_payload`] (DER, base64).
    pub signature: String,
}

/// `POST /app/v1/relay/exchange`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RelayExchangeRequest {
    /// The app token of the order.
    pub app_token: String,
    /// The relay, as [`RelayStep::relay_id`] named it.
    pub relay_id: String,
    /// The chip's answer to the last command (data ‖ SW1 SW2, base64); absent when the card
    /// left the field (the relay then ends).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<String>,
}

/// How far the service's read got, for the app's progress display.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RelayProgress {
    /// Command APDUs sent so far.
    pub exchanges: u32,
    /// The file being read (`EF.SOD`, `DG1`, …), or the access protocol being run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    /// Bytes of that file read so far.
    #[serde(default)]
    pub done: u64,
    /// That file's size.
    #[serde(default)]
    pub total: u64,
}

/// The service's answer in a relay: the next command for the chip, or the end.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RelayStep {
    /// The relay (sent back with every exchange).
    pub relay_id: String,
    /// The next command APDU to send to the chip (base64), while the read goes on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    /// The step-up's outcome, when the read is over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<StepUpOutcome>,
    /// How far the read got.
    #[serde(default)]
    pub progress: RelayProgress,
}

/// `POST /app/v1/approve` and `/app/v1/decline`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DecisionRequest {
    /// The app token of the order.
    pub app_token: String,
    /// The device key's signature over [`approve_payload`] or [`decline_payload`].
    pub signature: String,
}

/// The order's state after a decision.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DecisionResponse {
    /// `complete` or `failed`.
    pub status: String,
}

open_enum! {
    /// The `errorCode` of an app API error.
    AppErrorCode {
        /// The request is malformed.
        InvalidParameters => "invalidParameters",
        /// No such order (unknown token, or the order is gone).
        NoSuchOrder => "noSuchOrder",
        /// The QR frame is older than the accepted window.
        QrTooOld => "qrTooOld",
        /// The QR frame does not verify for its order.
        QrInvalid => "qrInvalid",
        /// The pickup window has closed.
        PickupWindowClosed => "pickupWindowClosed",
        /// Another app picked the order up already (or this token was used).
        AlreadyPickedUp => "alreadyPickedUp",
        /// The order requires another person.
        PersonalNumberMismatch => "personalNumberMismatch",
        /// The device signature does not verify.
        BadSignature => "badSignature",
        /// The identity is unknown, not enrolled or revoked.
        IdentityUnusable => "identityUnusable",
        /// The activation code is unknown, used or expired.
        ActivationInvalid => "activationInvalid",
        /// The key attestation does not satisfy the service's policy.
        AttestationRefused => "attestationRefused",
        /// The evidence was made for another order's challenge.
        EvidenceReplayed => "evidenceReplayed",
        /// The evidence bundle is not readable.
        EvidenceMalformed => "evidenceMalformed",
        /// The order needs the passport step-up first.
        StepUpRequired => "stepUpRequired",
        /// The order has no step-up, or it was done already.
        StepUpNotExpected => "stepUpNotExpected",
        /// The order is no longer open.
        OrderClosed => "orderClosed",
        /// Too many wrong offline codes.
        Locked => "locked",
        /// The relay is unknown to this instance (ended, timed out, started on another
        /// instance, or the instance restarted): start a new relay.
        RelayLost => "relayLost",
        /// The phone did not answer a command in time, or the read took too long.
        RelayTimedOut => "relayTimedOut",
        /// The chip refused the access key (wrong MRZ data or CAN).
        RelayAccessDenied => "relayAccessDenied",
        /// The card left the field during the relay.
        RelayCardLost => "relayCardLost",
        /// The read failed (the chip broke the protocol, a relayed answer was too large, or
        /// the read needed more exchanges than allowed).
        RelayFailed => "relayFailed",
        /// This instance runs as many relays as it may, or a call of this relay is in
        /// progress: try again.
        RelayBusy => "relayBusy",
        /// Internal error.
        InternalError => "internalError",
        /// The identity was revoked (replaced by a renewal, or by the issuer): this device
        /// no longer acts for anyone.
        IdentityRevoked => "identityRevoked",
        /// A signed request's timestamp is outside the accepted window.
        RequestStale => "requestStale",
        /// A signed request was sent before (its nonce is known).
        RequestReplayed => "requestReplayed",
        /// The offline response is wrong (the answer says how many attempts are left).
        OfflineCodeWrong => "offlineCodeWrong",
        /// The offline challenge is older than its 90 s: ask for a new one.
        OfflineCodeExpired => "offlineCodeExpired",
        /// The offline response matches far outside the window: the phone's clock is off.
        ClockSkew => "clockSkew",
        /// The passport step-up did not pass (the renewal cannot complete).
        StepUpFailed => "stepUpFailed",
        /// Too many renewals for this personal number.
        TooManyRequests => "tooManyRequests",
        /// The identity was renewed too recently to be renewed again.
        RenewalCoolOff => "renewalCoolOff",
    }
}

/// An app API error body.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppError {
    /// The typed code.
    pub error_code: AppErrorCode,
    /// Free text for logs (no personal data).
    #[serde(default)]
    pub details: String,
}

fn framed(tag: &str, fields: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + fields.iter().map(|f| f.len() + 4).sum::<usize>());
    for field in std::iter::once(tag.as_bytes()).chain(fields.iter().copied()) {
        out.extend_from_slice(&u32::try_from(field.len()).unwrap_or(u32::MAX).to_be_bytes());
        out.extend_from_slice(field);
    }
    out
}

fn sha256(b: &[u8]) -> [u8; 32] {
    Sha256::digest(b).into()
}

/// What the device signs to enrol: the activation code and its own public key.
pub fn enrol_payload(activation_code: &str, public_key_sec1: &[u8]) -> Vec<u8> {
    framed(
        "tapid-enrol-v1",
        &[activation_code.as_bytes(), public_key_sec1],
    )
}

/// What the device signs to pick up: its identity and what it scanned or was started with.
pub fn pickup_payload(identity_id: &str, scanned: &str) -> Vec<u8> {
    framed(
        "tapid-pickup-v1",
        &[identity_id.as_bytes(), scanned.as_bytes()],
    )
}

/// What the device signs to approve: the order's challenge and the user-visible data it
/// showed (as received, base64; empty when none).
pub fn approve_payload(challenge: &[u8], user_visible_data: Option<&str>) -> Vec<u8> {
    let uvd = sha256(user_visible_data.unwrap_or_default().as_bytes());
    framed("tapid-approve-v1", &[challenge, &uvd])
}

/// What the device signs to decline.
pub fn decline_payload(challenge: &[u8]) -> Vec<u8> {
    framed("tapid-decline-v1", &[challenge])
}

/// What the device signs to hand over the evidence: the order's challenge, the Active
/// Authentication challenge the server issued, and the bundle's bytes.
pub fn evidence_payload(challenge: &[u8], aa_challenge: &[u8], evidence: &[u8]) -> Vec<u8> {
    framed(
        "tapid-evidence-v1",
        &[challenge, aa_challenge, &sha256(evidence)],
    )
}

/// What the device signs to start a relay-mode read of the order's step-up: the order's
/// challenge (the relay runs under the app token of the pickup from then on).
pub fn relay_start_payload(challenge: &[u8]) -> Vec<u8> {
    framed("tapid-relay-start-v1", &[challenge])
}

/// `POST /app/v1/push/pending`: a poll signed with the device key over
/// [`push_pending_payload`]; the timestamp must be within the service's window and the nonce
/// new, so a captured poll cannot be sent again.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PushPendingRequest {
    /// The identity polling.
    pub identity_id: String,
    /// The device's Unix time in seconds.
    pub timestamp: i64,
    /// A fresh random nonce (hex, 16 bytes).
    pub nonce: String,
    /// The device key's signature over [`push_pending_payload`] (DER, base64).
    pub signature: String,
}

/// One push: an order a relying party started for this device's holder.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Push {
    /// The push's id (pick it up with it).
    pub push_id: String,
    /// `auth` or `sign`.
    pub kind: String,
    /// The relying party.
    pub relying_party: String,
    /// `userVisibleData` (base64), to show.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_visible_data: Option<String>,
    /// `userVisibleDataFormat`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_visible_data_format: Option<String>,
    /// Whether a passport step-up is required.
    pub mrtd_required: bool,
    /// When the push expires (Unix seconds): the app's countdown.
    pub expires_at: i64,
}

/// The answer to a poll.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PushList {
    /// The service's Unix time in seconds (the app records its clock offset for offline codes).
    pub server_time: i64,
    /// The open pushes, oldest first.
    pub pushes: Vec<Push>,
}

/// `POST /app/v1/push/pickup`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PushPickupRequest {
    /// The identity picking up.
    pub identity_id: String,
    /// The push.
    pub push_id: String,
    /// The device key's signature over [`push_pickup_payload`] (DER, base64).
    pub signature: String,
}

/// `POST /app/v1/renewal/start`: a new device key asks to replace the identity of a person.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RenewalStartRequest {
    /// The holder's personal number (12 digits).
    pub personal_number: String,
    /// The new device key's public key, uncompressed SEC1, base64.
    pub device_public_key: String,
    /// The new key's attestation.
    pub attestation: Attestation,
    /// The new key's signature over [`renewal_start_payload`] (DER, base64).
    pub signature: String,
}

/// The answer to a renewal start: what the passport step-up answers.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RenewalStartResponse {
    /// The renewal's session token (the later calls carry it).
    pub app_token: String,
    /// The renewal's challenge the new key signs (base64, 32 bytes).
    pub challenge: String,
    /// The Active Authentication challenge to send to the chip (hex, 8 bytes).
    pub aa_challenge: String,
    /// When the renewal expires (Unix seconds).
    pub expires_at: i64,
}

/// `POST /app/v1/renewal/evidence`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RenewalEvidenceRequest {
    /// The renewal's token.
    pub app_token: String,
    /// The evidence bundle's canonical bytes, base64.
    pub evidence: String,
    /// The new key's signature over [`evidence_payload`] with the renewal's challenges.
    pub signature: String,
}

/// `POST /app/v1/renewal/complete`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RenewalCompleteRequest {
    /// The renewal's token.
    pub app_token: String,
    /// The new key's signature over [`renewal_complete_payload`].
    pub signature: String,
}

/// The completed renewal: the new identity, and what was checked.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RenewalResponse {
    /// The new identity the device now acts for.
    pub identity_id: String,
    /// The identity it replaced (now revoked).
    pub replaces: String,
    /// The new OCRA secret for offline codes (hex).
    pub ocra_secret: String,
    /// The OCRA suite.
    pub ocra_suite: String,
    /// `stepUp.mrtd` of the renewal (always true for a completed one).
    pub mrtd: bool,
    /// Whether the face was compared with the passport's DG2 (`notPerformed`: no such check
    /// is built; a deployment that adds one records its result here).
    pub face_check: String,
}

impl std::fmt::Debug for RenewalResponse {
    // The OCRA secret makes offline codes: never in logs or error messages.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RenewalResponse")
            .field("identity_id", &self.identity_id)
            .field("replaces", &self.replaces)
            .field("ocra_secret", &"<redacted>")
            .field("ocra_suite", &self.ocra_suite)
            .field("mrtd", &self.mrtd)
            .field("face_check", &self.face_check)
            .finish()
    }
}

/// What the device signs to poll for pushes.
pub fn push_pending_payload(identity_id: &str, timestamp: i64, nonce: &str) -> Vec<u8> {
    framed(
        "tapid-push-pending-v1",
        &[
            identity_id.as_bytes(),
            &timestamp.to_be_bytes(),
            nonce.as_bytes(),
        ],
    )
}

/// What the device signs to pick up a push.
pub fn push_pickup_payload(identity_id: &str, push_id: &str) -> Vec<u8> {
    framed(
        "tapid-push-pickup-v1",
        &[identity_id.as_bytes(), push_id.as_bytes()],
    )
}

/// What the new device key signs to start a renewal: the person and its own public key.
pub fn renewal_start_payload(personal_number: &str, public_key_sec1: &[u8]) -> Vec<u8> {
    framed(
        "tapid-renewal-start-v1",
        &[personal_number.as_bytes(), public_key_sec1],
    )
}

/// What the new device key signs to complete a renewal.
pub fn renewal_complete_payload(challenge: &[u8]) -> Vec<u8> {
    framed("tapid-renewal-complete-v1", &[challenge])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_and_renewal_payloads_are_domain_separated() {
        assert_ne!(
            push_pending_payload("a", 1, "n"),
            push_pending_payload("a", 2, "n")
        );
        assert_ne!(push_pickup_payload("a", "p"), pickup_payload("a", "p"));
        assert_ne!(renewal_complete_payload(b"c"), decline_payload(b"c"));
        assert_ne!(renewal_start_payload("1", &[4]), enrol_payload("1", &[4]));
    }

    #[test]
    fn payloads_are_domain_separated_and_unambiguous() {
        assert_ne!(approve_payload(b"c", None), decline_payload(b"c"));
        assert_ne!(
            pickup_payload("ab", "c"),
            pickup_payload("a", "bc"),
            "length prefixes keep fields apart"
        );
        assert_ne!(
            approve_payload(b"c", Some("SGVq")),
            approve_payload(b"c", Some("SGVr"))
        );
        assert_ne!(
            evidence_payload(b"c", b"aa", b"e"),
            evidence_payload(b"c", b"ab", b"e")
        );
        let p = enrol_payload("X", &[4]);
        assert_eq!(&p[..4], &14u32.to_be_bytes());
        assert!(p.starts_with(b"\0\0\0\x0etapid-enrol-v1"));
    }

    #[test]
    fn relay_access_keys_are_tagged_and_never_shown() {
        let key: RelayAccessKey = serde_json::from_str(
            r#"{"kind":"mrz","documentNumber":"AA1234567","dateOfBirth":"850314","dateOfExpiry":"300101"}"#,
        )
        .unwrap();
        assert!(
            matches!(&key, RelayAccessKey::Mrz { document_number, .. } if document_number == "AA1234567")
        );
        assert_eq!(format!("{key:?}"), "RelayAccessKey::Mrz(<redacted>)");
        let can = RelayAccessKey::Can {
            can: "314159".into(),
        };
        assert_eq!(
            serde_json::to_string(&can).unwrap(),
            r#"{"kind":"can","can":"314159"}"#
        );
        assert!(!format!("{can:?}").contains("314159"));
        assert_ne!(relay_start_payload(b"c"), decline_payload(b"c"));
    }

    #[test]
    fn error_codes_are_open() {
        let e: AppError =
            serde_json::from_str(r#"{"errorCode":"alreadyPickedUp","details":"x"}"#).unwrap();
        assert_eq!(e.error_code, AppErrorCode::AlreadyPickedUp);
        let u: AppError = serde_json::from_str(r#"{"errorCode":"newThing"}"#).unwrap();
        assert!(!u.error_code.is_known());
    }
}
