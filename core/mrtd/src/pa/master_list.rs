//! CSCA master lists (ICAO 9303-12): a SignedData of `CscaMasterList ::= SEQUENCE { version,
//! certList SET OF Certificate }`, signed by a Master List Signer whom the publishing state's
//! CSCA certifies. Odd certificates are skipped and reported, never fatal for the whole list.

use std::collections::BTreeSet;

use serde::Serialize;

use super::{
    certificate::Certificate,
    error::PaError,
    file_kind::{FileKind, identify},
    signed_data::SignedData,
    tlv,
};
use crate::oid;

/// A certificate of the list that could not be used, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedCertificate {
    /// Position in the certList (0-based).
    pub index: usize,
    /// Why it was skipped.
    pub reason: String,
}

/// A parsed master list.
#[derive(Debug, Clone)]
pub struct MasterList {
    signed: SignedData,
    certificates: Vec<Certificate>,
    skipped: Vec<SkippedCertificate>,
}

impl MasterList {
    /// Parses a master list file (ContentInfo, DER or BER). Does not verify anything.
    ///
    /// Errors name the cause: [`PaError::NotAMasterList`] for another kind of file (e.g. a
    /// certificate), [`PaError::WrongContentType`] for another SignedData, and
    /// [`PaError::DamagedTrustFile`] for a master list that does not decode (e.g. truncated).
    pub fn parse(bytes: &[u8]) -> Result<Self, PaError> {
        Self::parse_inner(bytes).map_err(|e| match identify(bytes) {
            FileKind::MasterList => match e {
                e @ PaError::DamagedTrustFile { .. } => e,
                e => PaError::DamagedTrustFile {
                    file: "master list".into(),
                    kind: "master list",
                    detail: e.to_string(),
                },
            },
            FileKind::OtherSignedData(_) | FileKind::Sod | FileKind::CardSecurity => match e {
                e @ PaError::WrongContentType { .. } => e,
                _ => PaError::NotAMasterList {
                    found: identify(bytes),
                },
            },
            found => PaError::NotAMasterList { found },
        })
    }

    fn parse_inner(bytes: &[u8]) -> Result<Self, PaError> {
        let signed = SignedData::parse_file(
            bytes,
            oid::CSCA_MASTER_LIST,
            "2.23.136.1.1.2 (cscaMasterList)",
        )?;
        // Walked, not decoded as a typed SET OF: each certificate is decoded on its own, so
        // one odd entry is skipped and reported instead of failing the list.
        let list = tlv::parse_single(&signed.content)?.expect(0x30, "CscaMasterList")?;
        let mut f = list.children();
        let _version: u64 = f
            .next_required("CscaMasterList version")?
            .decode("CscaMasterList version")?;
        let cert_list = f.next_required("certList")?.expect(0x31, "certList")?;
        let mut certificates = Vec::new();
        let mut skipped = Vec::new();
        for (index, entry) in cert_list.children().enumerate() {
            // A framing error ends the walk (the SET content is corrupt); a bad certificate does not.
            let entry = entry?;
            match Certificate::from_der(entry.raw) {
                Ok(c) => certificates.push(c),
                Err(e) => skipped.push(SkippedCertificate {
                    index,
                    reason: e.to_string(),
                }),
            }
        }
        Ok(Self {
            signed,
            certificates,
            skipped,
        })
    }

    /// The CSCA certificates that parsed.
    pub fn certificates(&self) -> &[Certificate] {
        &self.certificates
    }

    /// The entries that did not parse.
    pub fn skipped(&self) -> &[SkippedCertificate] {
        &self.skipped
    }

    /// The distinct subject countries of the certificates.
    pub fn countries(&self) -> BTreeSet<String> {
        self.certificates
            .iter()
            .filter_map(Certificate::subject_country)
            .collect()
    }

    /// The Master List Signer certificate embedded in the list.
    pub fn signer(&self) -> Result<&Certificate, PaError> {
        self.signed.signer_certificate()
    }

    /// Verifies the list's CMS signature with the embedded signer certificate.
    pub fn verify_signature(&self) -> Result<(), PaError> {
        self.signed.verify_signature(self.signer()?).map(|_| ())
    }

    /// Verifies that `root` certifies the signer, directly or through one intermediate
    /// certificate embedded in the SignedData (e.g. a link certificate). Signatures and key
    /// usage only: the list is a snapshot and its signer's validity is the publisher's concern.
    pub fn verify_signer_chain(&self, root: &Certificate) -> Result<(), PaError> {
        let signer = self.signer()?;
        if signer.verify_signed_by(root).is_ok() && root.may_sign_certificates() {
            return Ok(());
        }
        let via_intermediate = self.signed.certificates.iter().any(|mid| {
            mid.der() != signer.der()
                && mid.may_sign_certificates()
                && signer.verify_signed_by(mid).is_ok()
                && mid.verify_signed_by(root).is_ok()
        });
        if via_intermediate {
            Ok(())
        } else {
            Err(PaError::MasterListSignerUntrusted)
        }
    }
}
