//! X.509 certificates as passive authentication needs them: the original TBS bytes for
//! signature checks, names for matching, key identifiers, validity, key usage and country.
//!
//! Parsing uses x509-cert's `Raw` profile: real CSCA certificates have negative or over-long
//! serial numbers and other quirks a strict RFC 5280 profile rejects.

use std::fmt;

use der::Decode;
use x509_cert::{
    certificate::{CertificateInner, Raw},
    ext::pkix::{AuthorityKeyIdentifier, BasicConstraints, KeyUsage, SubjectKeyIdentifier},
    name::Name,
};

use super::{
    algorithm::{AlgorithmId, SignatureScheme, signature_parts},
    error::PaError,
    oid,
    signature::PublicKeyInfo,
    tlv::{self},
};

/// A parsed certificate that keeps its original encoding.
#[derive(Clone)]
pub struct Certificate {
    der: Vec<u8>,
    tbs: Vec<u8>,
    signature_algorithm: AlgorithmId,
    signature: Vec<u8>,
    subject: Name,
    issuer: Name,
    subject_der: Vec<u8>,
    issuer_der: Vec<u8>,
    serial: Vec<u8>,
    not_before: i64,
    not_after: i64,
    public_key: PublicKeyInfo,
    ski: Option<Vec<u8>>,
    aki: Option<Vec<u8>>,
    key_usage: Option<KeyUsage>,
    is_ca: Option<bool>,
}

impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field("subject", &self.subject())
            .field("serial", &hex::encode(&self.serial))
            .finish()
    }
}

impl Certificate {
    /// Parses a DER certificate (trailing bytes are an error).
    pub fn from_der(bytes: &[u8]) -> Result<Self, PaError> {
        let outer = tlv::parse_single(bytes)?.expect(0x30, "Certificate")?;
        let mut parts = outer.children();
        let tbs = parts
            .next_required("tbsCertificate")?
            .expect(0x30, "tbsCertificate")?;
        let mut fields = tbs.children();
        let mut next = fields.next_required("serialNumber")?;
        if next.tag == 0xA0 {
            next = fields.next_required("serialNumber")?;
        }
        let serial = next.expect(0x02, "serialNumber")?.content.to_vec();
        let _sig = fields.next_required("signature")?;
        let issuer_der = fields
            .next_required("issuer")?
            .expect(0x30, "issuer")?
            .raw
            .to_vec();
        let _validity = fields.next_required("validity")?;
        let subject_der = fields
            .next_required("subject")?
            .expect(0x30, "subject")?
            .raw
            .to_vec();
        let spki = fields.next_required("subjectPublicKeyInfo")?;
        let public_key = PublicKeyInfo::from_der(spki.raw)?;
        let (signature_algorithm, signature) = signature_parts(&mut parts)?;

        let parsed = CertificateInner::<Raw>::from_der(bytes).map_err(|e| PaError::Decode {
            what: "certificate",
            detail: e.to_string(),
        })?;
        let t = parsed.tbs_certificate();
        let secs = |time: &x509_cert::time::Time| {
            i64::try_from(time.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
        };
        let ski = t
            .get_extension::<SubjectKeyIdentifier>()
            .ok()
            .flatten()
            .map(|(_, s)| s.0.as_bytes().to_vec());
        let aki = t
            .get_extension::<AuthorityKeyIdentifier>()
            .ok()
            .flatten()
            .and_then(|(_, a)| a.key_identifier.map(|k| k.as_bytes().to_vec()));
        let key_usage = t.get_extension::<KeyUsage>().ok().flatten().map(|(_, k)| k);
        let is_ca = t
            .get_extension::<BasicConstraints>()
            .ok()
            .flatten()
            .map(|(_, b)| b.ca);
        Ok(Self {
            der: bytes.to_vec(),
            tbs: tbs.raw.to_vec(),
            signature_algorithm,
            signature,
            subject: t.subject().clone(),
            issuer: t.issuer().clone(),
            subject_der,
            issuer_der,
            serial,
            not_before: secs(&t.validity().not_before),
            not_after: secs(&t.validity().not_after),
            public_key,
            ski,
            aki,
            key_usage,
            is_ca,
        })
    }

    /// The original DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// Subject as an RFC 4514 string, for reports.
    pub fn subject(&self) -> String {
        self.subject.to_string()
    }

    /// Issuer as an RFC 4514 string, for reports.
    pub fn issuer(&self) -> String {
        self.issuer.to_string()
    }

    /// The subject Name's original DER (what an issuer field or IssuerAndSerialNumber matches).
    pub fn subject_der(&self) -> &[u8] {
        &self.subject_der
    }

    /// The issuer Name's original DER.
    pub fn issuer_der(&self) -> &[u8] {
        &self.issuer_der
    }

    /// The serial number's INTEGER content octets.
    pub fn serial(&self) -> &[u8] {
        &self.serial
    }

    /// Validity start, seconds since the Unix epoch.
    pub fn not_before(&self) -> i64 {
        self.not_before
    }

    /// Validity end, seconds since the Unix epoch.
    pub fn not_after(&self) -> i64 {
        self.not_after
    }

    /// Whether `time` (Unix seconds) lies within the validity period.
    pub fn valid_at(&self, time: i64) -> bool {
        self.not_before <= time && time <= self.not_after
    }

    /// The subject public key.
    pub fn public_key(&self) -> &PublicKeyInfo {
        &self.public_key
    }

    /// SubjectKeyIdentifier, when present.
    pub fn subject_key_id(&self) -> Option<&[u8]> {
        self.ski.as_deref()
    }

    /// AuthorityKeyIdentifier keyIdentifier, when present.
    pub fn authority_key_id(&self) -> Option<&[u8]> {
        self.aki.as_deref()
    }

    /// Whether the key may sign data (no KeyUsage extension means no restriction).
    pub fn may_sign_documents(&self) -> bool {
        self.key_usage
            .as_ref()
            .is_none_or(|k| k.digital_signature() || k.non_repudiation())
    }

    /// Whether the key may sign certificates (KeyUsage keyCertSign, and not a non-CA by
    /// BasicConstraints).
    pub fn may_sign_certificates(&self) -> bool {
        self.key_usage.as_ref().is_none_or(KeyUsage::key_cert_sign) && self.is_ca != Some(false)
    }

    /// Whether the key may sign CRLs.
    pub fn may_sign_crls(&self) -> bool {
        self.key_usage.as_ref().is_none_or(KeyUsage::crl_sign)
    }

    /// Country (C) of the subject, upper-cased.
    pub fn subject_country(&self) -> Option<String> {
        country(&self.subject)
    }

    /// Country (C) of the issuer, upper-cased.
    pub fn issuer_country(&self) -> Option<String> {
        country(&self.issuer)
    }

    /// Whether subject and issuer are the same name (a self-signed root or a link candidate).
    pub fn is_self_issued(&self) -> bool {
        self.subject_der == self.issuer_der
    }

    /// Verifies that `issuer`'s key signed this certificate (signature only; the caller checks
    /// validity and key usage).
    pub fn verify_signed_by(&self, issuer: &Certificate) -> Result<(), PaError> {
        let scheme = SignatureScheme::from_algorithm(&self.signature_algorithm, None)?;
        issuer
            .public_key
            .verify(&scheme, &self.tbs, &self.signature)
    }

    /// Whether `candidate` could be this certificate's issuer by key identifier or name.
    pub fn may_be_issued_by(&self, candidate: &Certificate) -> bool {
        match (self.authority_key_id(), candidate.subject_key_id()) {
            (Some(aki), Some(ski)) if aki == ski => true,
            _ => self.issuer_der == candidate.subject_der || self.issuer == candidate.subject,
        }
    }

    /// SHA-256 of the DER, for de-duplication.
    pub fn fingerprint(&self) -> Vec<u8> {
        super::hash::HashAlgorithm::Sha256.digest(&self.der)
    }
}

/// Re-encodes a Name (used when comparing an IssuerAndSerialNumber decoded elsewhere).
pub(crate) fn name_from_der(bytes: &[u8]) -> Result<Name, PaError> {
    Name::from_der(bytes).map_err(|e| PaError::Decode {
        what: "Name",
        detail: e.to_string(),
    })
}

fn country(name: &Name) -> Option<String> {
    name.iter()
        .find(|atv| atv.oid == oid::COUNTRY_NAME)
        .map(|atv| {
            String::from_utf8_lossy(atv.value.value())
                .trim()
                .to_ascii_uppercase()
        })
}
