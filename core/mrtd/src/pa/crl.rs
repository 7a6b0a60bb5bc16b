//! Certificate revocation lists published by CSCAs (DE and NL publish theirs).

use der::Decode;
use x509_cert::{certificate::Raw, crl::CertificateList, name::Name};

use super::{
    algorithm::{AlgorithmId, SignatureScheme, signature_parts},
    certificate::Certificate,
    error::PaError,
    tlv,
};

/// A parsed CRL keeping the original TBS bytes for the signature check.
#[derive(Debug, Clone)]
pub struct Crl {
    tbs: Vec<u8>,
    signature_algorithm: AlgorithmId,
    signature: Vec<u8>,
    issuer: Name,
    issuer_der: Vec<u8>,
    this_update: i64,
    revoked: Vec<Vec<u8>>,
}

impl Crl {
    /// Parses a DER CRL.
    pub fn from_der(bytes: &[u8]) -> Result<Self, PaError> {
        let outer = tlv::parse_single(bytes)?.expect(0x30, "CertificateList")?;
        let mut parts = outer.children();
        let tbs = parts
            .next_required("tbsCertList")?
            .expect(0x30, "tbsCertList")?;
        let mut fields = tbs.children();
        let mut next = fields.next_required("signature")?;
        if next.tag == 0x02 {
            next = fields.next_required("signature")?;
        }
        let _ = next;
        let issuer_der = fields
            .next_required("issuer")?
            .expect(0x30, "issuer")?
            .raw
            .to_vec();
        let (signature_algorithm, signature) = signature_parts(&mut parts)?;
        let parsed = CertificateList::<Raw>::from_der(bytes).map_err(|e| PaError::Decode {
            what: "CRL",
            detail: e.to_string(),
        })?;
        let t = &parsed.tbs_cert_list;
        let revoked = t
            .revoked_certificates
            .iter()
            .flatten()
            .map(|r| r.serial_number.as_bytes().to_vec())
            .collect();
        Ok(Self {
            tbs: tbs.raw.to_vec(),
            signature_algorithm,
            signature,
            issuer: t.issuer.clone(),
            issuer_der,
            this_update: i64::try_from(t.this_update.to_unix_duration().as_secs())
                .unwrap_or(i64::MAX),
            revoked,
        })
    }

    /// Issuer as an RFC 4514 string.
    pub fn issuer(&self) -> String {
        self.issuer.to_string()
    }

    /// thisUpdate, Unix seconds.
    pub fn this_update(&self) -> i64 {
        self.this_update
    }

    /// Whether this CRL is about certificates issued under `issuer_der`'s name.
    pub fn covers_issuer(&self, issuer_der: &[u8]) -> bool {
        self.issuer_der == issuer_der
    }

    /// Verifies the CRL's signature with a CSCA certificate (and its cRLSign usage).
    pub fn verify_signed_by(&self, csca: &Certificate) -> Result<(), PaError> {
        if !csca.may_sign_crls() {
            return Err(PaError::KeyUsageNotPermitted("CRL signing"));
        }
        let scheme = SignatureScheme::from_algorithm(&self.signature_algorithm, None)?;
        csca.public_key()
            .verify(&scheme, &self.tbs, &self.signature)
    }

    /// Whether the serial number (INTEGER content octets) is listed as revoked.
    pub fn lists_serial(&self, serial: &[u8]) -> bool {
        self.revoked.iter().any(|s| s.as_slice() == serial)
    }
}
