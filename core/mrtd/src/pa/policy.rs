//! The trust policy of passive authentication: every choice that decides whether a verified
//! signature is worth "valid", made explicit by the caller and named in the report.

use serde::{Deserialize, Serialize};

/// When certificates must have been valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValidityModel {
    /// Shell model (RFC 5280): the Document Signer and the CSCA certificates are valid at the
    /// verification time. The default for live reads.
    Shell,
    /// Chain model: the Document Signer certificate was valid when it signed, and the CSCA was
    /// valid when it issued the Document Signer certificate (its notBefore). The signing time
    /// is the `signingTime` signed attribute; without one, the end of the DS certificate's
    /// private key usage period (2.5.29.16) capped at the verification time (the latest moment
    /// the key may have signed), or its start when only that is given; without that
    /// extension, the DS certificate's notBefore.
    Chain,
}

impl std::fmt::Display for ValidityModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Shell => "shell",
            Self::Chain => "chain",
        })
    }
}

/// The policy [`super::verify`] applies. Build it with [`Policy::new`] (the defaults, at a
/// given time) and change the fields that differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// The validity model (default [`ValidityModel::Shell`]).
    pub validity: ValidityModel,
    /// The verification time, Unix seconds (a live read passes its own clock; a server
    /// re-verifying evidence passes its own, or a chosen time).
    pub at: i64,
    /// Accept an EF.SOD whose eContentType is the legacy `id-data` instead of
    /// id-icao-ldsSecurityObject (default true, as the widely used readers do; the report
    /// flags it either way). A strict policy sets false and gets
    /// [`super::PaFailure::LegacyContentType`].
    pub allow_legacy_content_type: bool,
    /// Count a CSCA that comes only from an unanchored master list as trusted (default
    /// false: [`super::PaFailure::CscaFromUnanchoredList`], status untrusted). When true the
    /// status may be valid, and the chain says `trusted_unanchored`.
    pub allow_unanchored: bool,
    /// Require a current CRL of the CSCA (default false). When true, a missing CRL
    /// ([`super::PaFailure::RevocationNotChecked`]) or a stale one
    /// ([`super::PaFailure::CrlStale`]) makes the status untrusted.
    pub require_revocation_checked: bool,
}

impl Policy {
    /// The default policy at time `at`: shell model, legacy eContentType accepted (and
    /// flagged), unanchored master lists not trusted, revocation reported but not required.
    pub fn new(at: i64) -> Self {
        Self {
            validity: ValidityModel::Shell,
            at,
            allow_legacy_content_type: true,
            allow_unanchored: false,
            require_revocation_checked: false,
        }
    }

    /// The default policy with the chain model.
    pub fn chain(at: i64) -> Self {
        Self {
            validity: ValidityModel::Chain,
            ..Self::new(at)
        }
    }

    /// The strict policy: the defaults, plus legacy eContentType refused and a current CRL
    /// required.
    pub fn strict(at: i64) -> Self {
        Self {
            allow_legacy_content_type: false,
            require_revocation_checked: true,
            ..Self::new(at)
        }
    }
}

/// What the document says about itself (DG1), for the checks that compare it with the
/// signer's certificates. Leave a field `None` when it is not known: that check is skipped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DocumentContext<'a> {
    /// DG1's issuing state (MRZ code such as `D`, `NLD`, `UTO`, or alpha-2): must equal the
    /// DS and CSCA countries.
    pub issuing_state: Option<&'a str>,
    /// DG1's document code (`P`, `P<`, `ID`, `I<`, `AC` …): must be among the DS
    /// certificate's DocumentTypeList extension when it has one.
    pub document_code: Option<&'a str>,
}

impl<'a> DocumentContext<'a> {
    /// A context with only the issuing state known.
    pub fn issuing_state(state: &'a str) -> Self {
        Self {
            issuing_state: Some(state),
            document_code: None,
        }
    }

    /// A context with the issuing state and the document code.
    pub fn new(issuing_state: &'a str, document_code: &'a str) -> Self {
        Self {
            issuing_state: Some(issuing_state),
            document_code: Some(document_code),
        }
    }
}

/// Whether a document code (from DG1) is among a DocumentTypeList (ICAO 9303-12): the
/// document type is the code's first two characters, a one-character code being followed by
/// the filler `<`; an entry of one letter covers every type starting with that letter, a
/// two-character entry must equal the type.
pub fn document_type_allowed(document_code: &str, allowed: &[String]) -> bool {
    let mut chars = document_code.trim().chars().map(|c| c.to_ascii_uppercase());
    let first = chars.next();
    let second = chars.next().unwrap_or('<');
    let Some(first) = first else {
        return false;
    };
    allowed.iter().any(|entry| {
        let mut e = entry.trim().chars().map(|c| c.to_ascii_uppercase());
        match (e.next(), e.next(), e.next()) {
            (Some(a), None, _) => a == first,
            (Some(a), Some(b), None) => a == first && b == second,
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn document_types_follow_9303_12() {
        assert!(document_type_allowed("P", &list(&["P"])));
        assert!(document_type_allowed("P<", &list(&["P"])));
        assert!(document_type_allowed("PD", &list(&["P"])));
        assert!(document_type_allowed("ID", &list(&["P", "ID"])));
        assert!(document_type_allowed("I<", &list(&["I"])));
        assert!(document_type_allowed("I", &list(&["I<"])));
        assert!(!document_type_allowed("ID", &list(&["P"])));
        assert!(!document_type_allowed("I<", &list(&["ID"])));
        assert!(!document_type_allowed("P", &list(&["PD"])));
        assert!(!document_type_allowed("", &list(&["P"])));
        assert!(!document_type_allowed("P", &list(&[])));
    }

    #[test]
    fn defaults_fail_closed() {
        let p = Policy::new(5);
        assert_eq!(p.validity, ValidityModel::Shell);
        assert!(p.allow_legacy_content_type && !p.allow_unanchored);
        assert!(!p.require_revocation_checked);
        let s = Policy::strict(5);
        assert!(!s.allow_legacy_content_type && s.require_revocation_checked);
        assert_eq!(Policy::chain(5).validity, ValidityModel::Chain);
    }
}
