//! The passport step-up, decided by the server: in evidence mode the evidence bundle is
//! re-verified with the server's own trust store and clock, Active Authentication against the
//! challenge the server bound to the order (never the phone's verdict); in relay mode
//! ([`crate::relay`]) the server's own read is decided on. Then, in both, the holder match
//! against the identity ([`decide`]). The outcome is `stepUp.mrtd` with a reason code.

use serde_json::{Value, json};
use tapid_identity::date::Date;
use tapid_identity::holder_match::{Field, IdentityHolder, Outcome, match_holder};
use tapid_identity::personal_number::PersonalNumber;
use tapid_mrtd::pa::{PaStatus, Policy, TrustStore};
use tapid_mrtd::reader::report::ChipStatus;
use tapid_mrtd::reader::{Evidence, Verification, VerifiedRead, verify_evidence_read};

use crate::store::{IdentityRecord, OrderRecord};

/// Why a bundle was not even assessed (the order stays pending; the app may send another).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EvidenceRefusal {
    /// The bundle's Active Authentication challenge is not this order's: made for another
    /// order (replayed) or with a challenge of the device's choosing.
    #[error("the evidence answers another challenge")]
    Replayed,
    /// The bundle is not readable (no DG1, an unknown file, DG1 unparsable).
    #[error("the evidence is not readable")]
    Malformed,
}

/// The step-up's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct StepUp {
    /// `stepUp.mrtd`.
    pub mrtd: bool,
    /// Why not (a code), when `mrtd` is false.
    pub reason: Option<&'static str>,
    /// What the RP sees in `stepUpDetails`: the mode, each verdict, the verification time.
    pub details: Value,
}

fn holder(identity: &IdentityRecord) -> Option<IdentityHolder> {
    Some(IdentityHolder {
        personal_number: PersonalNumber::parse_full(&identity.personal_number).ok()?,
        given_names: identity.given_name.clone(),
        surname: identity.surname.clone(),
        date_of_birth: None::<Date>,
    })
}

fn code<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Assesses `evidence` for `order` and `identity` at `now_secs` against `trust`.
/// `accept_device_proof`: the relying party accepts chip authenticity proved only on the
/// device (CA or PACE-CAM without Active Authentication).
pub fn assess(
    evidence: &Evidence,
    order: &OrderRecord,
    identity: &IdentityRecord,
    trust: &TrustStore,
    now_secs: i64,
    accept_device_proof: bool,
) -> Result<StepUp, EvidenceRefusal> {
    assess_challenge(
        evidence,
        &order.aa_challenge,
        identity,
        trust,
        now_secs,
        accept_device_proof,
    )
}

/// [`assess`] for any flow that bound an Active Authentication challenge (an order, a
/// renewal): `identity` is the holder the passport must match.
pub fn assess_challenge(
    evidence: &Evidence,
    aa_challenge: &[u8],
    identity: &IdentityRecord,
    trust: &TrustStore,
    now_secs: i64,
    accept_device_proof: bool,
) -> Result<StepUp, EvidenceRefusal> {
    let aa_challenge: [u8; 8] = aa_challenge
        .try_into()
        .map_err(|_| EvidenceRefusal::Malformed)?;
    if let Some(aa) = &evidence.active_authentication
        && aa.challenge.0 != aa_challenge
    {
        return Err(EvidenceRefusal::Replayed);
    }
    let mut verification = Verification::with_policy(trust, Policy::new(now_secs));
    verification.aa_challenge = Some(aa_challenge);
    let read =
        verify_evidence_read(evidence, &verification).map_err(|_| EvidenceRefusal::Malformed)?;
    Ok(decide(&read, identity, Mode::Evidence, accept_device_proof))
}

/// How the server got the read it decides on (`stepUpDetails.mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The phone read the chip and sent the evidence bundle, which the server re-verified.
    Evidence,
    /// The server read the chip itself over APDUs the phone relayed.
    Relay,
}

impl Mode {
    fn as_str(self) -> &'static str {
        match self {
            Self::Evidence => "evidence",
            Self::Relay => "relay",
        }
    }
}

/// The decision on a read the server verified itself (re-verified evidence, or its own relayed
/// read): passive authentication, chip authenticity, downgrade, expiry, then the holder match
/// against `identity`. Both modes decide here, so they refuse alike.
pub fn decide(
    read: &VerifiedRead,
    identity: &IdentityRecord,
    mode: Mode,
    accept_device_proof: bool,
) -> StepUp {
    let report = read.report();
    let holder_match = holder(identity).and_then(|h| match_holder(&h, read).ok());
    let matched = holder_match.as_ref().is_some_and(|m| m.matched);
    let expired = report.document.expired
        || holder_match
            .as_ref()
            .and_then(|m| m.field(Field::Expiry))
            .is_some_and(|f| f.outcome != Outcome::Match);
    let pa = report.passive_authentication.status;
    let chip = report.chip_authenticity.status;
    let reason = if pa == PaStatus::Invalid {
        Some("passiveAuthenticationInvalid")
    } else if pa != PaStatus::Valid {
        Some("passiveAuthenticationUntrusted")
    } else if chip == ChipStatus::Invalid {
        Some("chipInvalid")
    } else if chip == ChipStatus::ProvedOnDevice && !accept_device_proof {
        Some("chipProvedOnDeviceOnly")
    } else if !matches!(chip, ChipStatus::Valid | ChipStatus::ProvedOnDevice) {
        Some("chipNotProved")
    } else if report.downgrade.status == tapid_mrtd::reader::report::DowngradeStatus::Detected {
        Some("downgradeDetected")
    } else if expired {
        Some("documentExpired")
    } else if !matched {
        Some("holderMismatch")
    } else {
        None
    };
    let failed_fields: Vec<Value> = holder_match
        .as_ref()
        .map(|m| m.failures().map(|f| code(&f.field)).collect())
        .unwrap_or_default();
    let details = json!({
        "mode": mode.as_str(),
        "reason": reason,
        "passiveAuthentication": code(&pa),
        "chipAuthenticity": code(&chip),
        "chipMethod": code(&report.chip_authenticity.method),
        "downgrade": code(&report.downgrade.status),
        "documentExpired": expired,
        "holderMatch": matched,
        "holderMismatchFields": failed_fields,
        "verifiedAt": report.verification.at,
    });
    StepUp {
        mrtd: reason.is_none(),
        reason,
        details,
    }
}
