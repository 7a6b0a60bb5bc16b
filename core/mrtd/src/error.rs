//! The crate's boundary error. Every operational failure of tapid-mrtd reaches [`Error`]:
//!
//! | operation | its error | variant |
//! | --- | --- | --- |
//! | a passport read ([`crate::reader::read`], [`crate::reader::resume`]) | [`ReadError`] | [`Error::Read`] |
//! | re-verifying evidence ([`crate::reader::verify_evidence`]) | [`VerdictError`] | [`Error::Verdict`] |
//! | reading an evidence bundle ([`crate::reader::Evidence::from_slice`]) | [`EvidenceError`] | [`Error::Evidence`] |
//! | loading trust anchors ([`crate::pa::TrustStore`], master lists, CRLs) | [`PaError`] | [`Error::Trust`] |
//! | MRZ or CAN input ([`crate::mrz`]) | [`MrzError`] | [`Error::Mrz`] |
//! | decoding a face (feature `face-image`) | `FaceImageError` | `Error::FaceImage` |
//!
//! Each operation returns its own error, precise enough for its caller to match on; `?` turns
//! any of them into [`Error`], the one enum a binding maps. The protocol building blocks
//! (BAC, PACE, secure messaging, Chip and Active Authentication, the crypto, the LDS parsers)
//! keep their module errors; in a read they reach the boundary inside [`ReadError`] (`Bac`,
//! `Pace`, `SecureMessaging`, `CardAccess`, `Dg1`, …).
//!
//! Check outcomes are never errors: passive authentication, chip authenticity (PACE-CAM, CA,
//! AA) and the downgrade check are verdicts in the verified read's [`crate::reader::Report`].
//! A read that ran to its end returns the report, whatever the verdicts.

use crate::mrz::MrzError;
use crate::pa::PaError;
use crate::reader::{EvidenceError, ReadError, VerdictError};

/// Every way an operation of tapid-mrtd can fail. Like the errors it wraps, it carries no key
/// material, MRZ data or APDU payloads.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A passport read failed.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// Evidence could not be verified at all (no report; a report's verdicts are not errors).
    #[error(transparent)]
    Verdict(#[from] VerdictError),
    /// Bytes are not a usable evidence bundle.
    #[error(transparent)]
    Evidence(#[from] EvidenceError),
    /// Trust anchors (CSCA certificates, master lists, CRLs) could not be loaded, or a signed
    /// object given on its own could not be parsed.
    #[error(transparent)]
    Trust(#[from] PaError),
    /// MRZ text, an MRZ key or a CAN is malformed.
    #[error(transparent)]
    Mrz(#[from] MrzError),
    /// A face image could not be decoded or exported.
    #[cfg(feature = "face-jpeg2000")]
    #[error(transparent)]
    FaceImage(#[from] crate::face_image::FaceImageError),
}

impl Error {
    /// A short machine-readable code: a read's own code ([`ReadError::code`]), or the
    /// operation that failed.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Read(e) => e.code(),
            Self::Verdict(_) => "verdict",
            Self::Evidence(_) => "evidence",
            Self::Trust(_) => "trust",
            Self::Mrz(_) => "mrz",
            #[cfg(feature = "face-jpeg2000")]
            Self::FaceImage(_) => "face_image",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_errors_reach_the_boundary() {
        fn lift<E: Into<Error>>(e: E) -> Error {
            e.into()
        }
        assert_eq!(lift(ReadError::AccessDenied).code(), "access_denied");
        assert_eq!(lift(VerdictError::NoDg1).code(), "verdict");
        assert_eq!(
            lift(EvidenceError::UnknownFile("X".into())).code(),
            "evidence"
        );
        assert_eq!(lift(MrzError::UnknownLayout).code(), "mrz");
        let e = lift(ReadError::AccessDenied);
        assert_eq!(e.to_string(), ReadError::AccessDenied.to_string());
    }
}
