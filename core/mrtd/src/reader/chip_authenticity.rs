//! Clone detection: the raw outcome of PACE-CAM, Chip Authentication and Active
//! Authentication, and the verdict, which counts them only when passive authentication proved
//! the key they used (EF.CardSecurity, DG14, DG15) belongs to this document.

use serde::Serialize;

use crate::pa::{HashStatus, PaReport, PaStatus};

/// What one protocol run showed, before passive authentication is taken into account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProtocolCheck {
    /// `valid` (the chip proved the key) or `invalid`.
    pub status: &'static str,
    /// What was checked, or why it failed.
    pub detail: String,
    /// Active Authentication: the challenge sent (hex), for a server to re-verify.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub challenge: Option<String>,
    /// Active Authentication: the chip's signature (hex).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
}

impl ProtocolCheck {
    /// A run in which the chip proved its key.
    pub fn valid(detail: impl Into<String>) -> Self {
        Self {
            status: "valid",
            detail: detail.into(),
            challenge: None,
            signature: None,
        }
    }

    /// A run in which it did not.
    pub fn invalid(detail: impl Into<String>) -> Self {
        Self {
            status: "invalid",
            detail: detail.into(),
            challenge: None,
            signature: None,
        }
    }

    fn passed(&self) -> bool {
        self.status == "valid"
    }
}

/// The chip authenticity part of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChipAuthenticityReport {
    /// `valid`, `invalid`, `not_supported` or `not_performed`.
    pub status: &'static str,
    /// The method the verdict rests on: `PACE-CAM`, `CA` or `AA`.
    pub method: Option<&'static str>,
    /// Why, in words.
    pub reason: String,
    /// PACE-CAM's check of the chip's mapping key against EF.CardSecurity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pace_cam: Option<ProtocolCheck>,
    /// Chip Authentication with the DG14 key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca: Option<ProtocolCheck>,
    /// Active Authentication with the DG15 key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aa: Option<ProtocolCheck>,
}

impl ChipAuthenticityReport {
    /// The verdict from the protocol runs and the passive-authentication result.
    pub fn assess(
        pace_cam: Option<ProtocolCheck>,
        ca: Option<ProtocolCheck>,
        aa: Option<ProtocolCheck>,
        pa: &PaReport,
    ) -> Self {
        let (method, check, signed_by) = match (&pace_cam, &ca, &aa) {
            (Some(c), _, _) => ("PACE-CAM", c, "EF.CardSecurity"),
            (None, Some(c), _) => ("CA", c, "DG14"),
            (None, None, Some(c)) => ("AA", c, "DG15"),
            (None, None, None) => {
                return Self {
                    status: "not_supported",
                    method: None,
                    reason:
                        "the chip offers no chip authentication (no PACE-CAM, DG14 key or DG15 key)"
                            .into(),
                    pace_cam,
                    ca,
                    aa,
                };
            }
        };
        let key_file_ok = match method {
            "PACE-CAM" => pa
                .card_security
                .as_ref()
                .is_some_and(|c| c.status == PaStatus::Valid),
            _ => pa
                .files
                .get(signed_by)
                .is_some_and(|f| f.hash == HashStatus::Match),
        };
        let (status, reason) = if !check.passed() {
            (
                "invalid",
                format!("{method} failed: {} (possible clone)", check.detail),
            )
        } else if pa.status == PaStatus::Invalid || (pa.status == PaStatus::Valid && !key_file_ok) {
            (
                "invalid",
                format!("{method} ran, but {signed_by} is not covered by a valid EF.SOD signature"),
            )
        } else if pa.status != PaStatus::Valid {
            let why = match pa.status {
                PaStatus::Untrusted => "passive authentication is untrusted",
                _ => "passive authentication was not performed",
            };
            (
                "not_performed",
                format!("{method} passed, but {why}: the key is not proven to be this document's"),
            )
        } else {
            (
                "valid",
                format!(
                    "{method} passed with the key in {signed_by}, verified by passive authentication"
                ),
            )
        };
        Self {
            status,
            method: Some(method),
            reason,
            pace_cam,
            ca,
            aa,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pa::FileHash;

    fn pa(status: PaStatus, dg14: Option<HashStatus>) -> PaReport {
        let mut r = PaReport::not_performed("test");
        r.status = status;
        if let Some(h) = dg14 {
            r.files.insert("DG14".into(), FileHash { hash: h });
        }
        r
    }

    #[test]
    fn gating_on_passive_authentication() {
        let ok = Some(ProtocolCheck::valid("k"));
        let a = ChipAuthenticityReport::assess(
            None,
            ok.clone(),
            None,
            &pa(PaStatus::Valid, Some(HashStatus::Match)),
        );
        assert_eq!((a.status, a.method), ("valid", Some("CA")));
        let a = ChipAuthenticityReport::assess(
            None,
            ok.clone(),
            None,
            &pa(PaStatus::Invalid, Some(HashStatus::Mismatch)),
        );
        assert_eq!(a.status, "invalid");
        let a = ChipAuthenticityReport::assess(
            None,
            ok.clone(),
            None,
            &pa(PaStatus::Untrusted, Some(HashStatus::Match)),
        );
        assert_eq!(a.status, "not_performed");
        let a = ChipAuthenticityReport::assess(None, ok, None, &pa(PaStatus::NotPerformed, None));
        assert_eq!(a.status, "not_performed");
        let bad = Some(ProtocolCheck::invalid("wrong key"));
        let a = ChipAuthenticityReport::assess(
            None,
            bad,
            None,
            &pa(PaStatus::Valid, Some(HashStatus::Match)),
        );
        assert_eq!(a.status, "invalid");
        let a = ChipAuthenticityReport::assess(None, None, None, &pa(PaStatus::Valid, None));
        assert_eq!(a.status, "not_supported");
    }
}
