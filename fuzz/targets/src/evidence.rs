//! The evidence bundle a server re-verifies (`tapid_mrtd::reader::Evidence`, canonical JSON).

use std::sync::LazyLock;

use tapid_mrtd::pa::TrustStore;
use tapid_mrtd::reader::{Evidence, Verification, verify_evidence};

use crate::Outcome;

static TEST_TRUST: LazyLock<TrustStore> =
    LazyLock::new(|| tapid_emulator::pki::test_trust_store().unwrap_or_default());

/// Reads a bundle and re-verifies it as a server does (passive authentication again, Active
/// Authentication over the recorded challenge) against the test CSCAs. A bundle that reads
/// has a canonical form that reads back as the same bundle. Accepted when the re-verification
/// produced a report.
pub fn evidence(data: &[u8]) -> Outcome {
    let Ok(e) = Evidence::from_slice(data) else {
        return Outcome::Rejected;
    };
    match Evidence::from_slice(&e.to_canonical_bytes()) {
        Ok(again) if again == e => {}
        other => {
            return Outcome::Violation(format!(
                "the canonical form does not read back: {:?}",
                other.err()
            ));
        }
    }
    let verification = Verification::new(&TEST_TRUST, crate::AT);
    Outcome::accepted_if(verify_evidence(&e, &verification).is_ok())
}
