//! X.509 certificates as passive authentication needs them: the original TBS bytes for
//! signature checks, names for matching, key identifiers, validity, key usage and country.
//!
//! Each certificate is decoded once, with x509-cert's `Raw` profile (real CSCA certificates
//! have negative or over-long serial numbers and other quirks a strict RFC 5280 profile
//! rejects); [`Signed`] keeps the TBS part's original bytes, which the signature covers.

use std::fmt;

use der::{
    Decode, Encode, Reader, Sequence, Tagged,
    asn1::{AnyRef, BitString, OctetStringRef},
};
use spki::AlgorithmIdentifierOwned;
use x509_cert::{
    certificate::{Raw, TbsCertificateInner},
    ext::pkix::{AuthorityKeyIdentifier, BasicConstraints, KeyUsage, SubjectKeyIdentifier},
    name::Name,
};

use super::{
    algorithm::{AlgorithmId, SignatureScheme},
    error::PaError,
    signature::PublicKeyInfo,
    tlv::decode_error,
};
use crate::oid;

/// A signed X.509 structure (`Certificate`, `CertificateList`): `SEQUENCE { tbs, signatureAlgorithm,
/// signatureValue }`, decoded once with the TBS part's original encoding kept beside its
/// typed value.
pub(crate) struct Signed<'a, T> {
    /// The TBS part exactly as encoded (what the signature covers).
    pub tbs_der: &'a [u8],
    /// The TBS part, decoded.
    pub tbs: T,
    /// signatureAlgorithm.
    pub signature_algorithm: AlgorithmId,
    /// The signature bits.
    pub signature: Vec<u8>,
}

impl<'a, T: Decode<'a, Error = der::Error>> Decode<'a> for Signed<'a, T> {
    type Error = der::Error;

    fn decode<R: Reader<'a>>(reader: &mut R) -> der::Result<Self> {
        reader.sequence(|r| {
            let tbs_der = r.tlv_bytes()?;
            let tbs = T::from_der(tbs_der)?;
            let algorithm: AlgorithmIdentifierOwned = r.decode()?;
            let bits: BitString = r.decode()?;
            let params = algorithm
                .parameters
                .as_ref()
                .map(Encode::to_der)
                .transpose()?;
            Ok(Self {
                tbs_der,
                tbs,
                signature_algorithm: AlgorithmId {
                    oid: algorithm.oid,
                    params,
                },
                signature: bits.raw_bytes().to_vec(),
            })
        })
    }
}

impl<'a, T: Decode<'a, Error = der::Error>> Signed<'a, T> {
    /// Decodes DER (trailing bytes are an error), naming `what` in the error.
    pub fn parse(bytes: &'a [u8], what: &'static str) -> Result<Self, PaError> {
        Self::from_der(bytes).map_err(|e| decode_error(what, e))
    }
}

/// A Name's DER encoding.
pub(crate) fn name_der(name: &Name) -> Result<Vec<u8>, PaError> {
    name.to_der().map_err(|e| decode_error("Name", e))
}

/// A certificate or CRL Time as Unix seconds.
pub(crate) fn unix_seconds(time: &x509_cert::time::Time) -> i64 {
    i64::try_from(time.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
}

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
    private_key_usage: Option<PrivateKeyUsagePeriod>,
    document_types: Result<Option<Vec<String>>, PaError>,
}

/// The private key usage period extension (2.5.29.16): when the certificate's key may sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrivateKeyUsagePeriod {
    /// Start of the period, Unix seconds.
    pub not_before: Option<i64>,
    /// End of the period, Unix seconds.
    pub not_after: Option<i64>,
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
        let signed = Signed::<TbsCertificateInner<Raw>>::parse(bytes, "certificate")?;
        let t = &signed.tbs;
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
        let extension = |id: oid::Oid| {
            t.extensions()
                .into_iter()
                .flatten()
                .find(|e| e.extn_id == id)
                .map(|e| e.extn_value.as_bytes())
        };
        // A malformed period is treated as absent: it only narrows the chain model's estimate
        // of the signing time, and the certificate's own validity still applies.
        let private_key_usage = extension(oid::EXT_PRIVATE_KEY_USAGE_PERIOD)
            .and_then(|v| parse_private_key_usage(v).ok());
        let document_types = extension(oid::EXT_DOCUMENT_TYPE_LIST)
            .map(parse_document_types)
            .transpose();
        Ok(Self {
            der: bytes.to_vec(),
            tbs: signed.tbs_der.to_vec(),
            subject_der: name_der(t.subject())?,
            issuer_der: name_der(t.issuer())?,
            serial: t.serial_number().as_bytes().to_vec(),
            not_before: unix_seconds(&t.validity().not_before),
            not_after: unix_seconds(&t.validity().not_after),
            public_key: PublicKeyInfo::from_typed(t.subject_public_key_info())?,
            subject: t.subject().clone(),
            issuer: t.issuer().clone(),
            ski,
            aki,
            key_usage,
            is_ca,
            private_key_usage,
            document_types,
            signature_algorithm: signed.signature_algorithm,
            signature: signed.signature,
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

    /// Whether the KeyUsage extension is present and includes digitalSignature (what ICAO
    /// 9303-12 requires of a Document Signer certificate).
    pub fn has_digital_signature_usage(&self) -> bool {
        self.key_usage
            .as_ref()
            .is_some_and(KeyUsage::digital_signature)
    }

    /// The private key usage period (2.5.29.16), when the certificate has one that parses.
    pub fn private_key_usage_period(&self) -> Option<PrivateKeyUsagePeriod> {
        self.private_key_usage
    }

    /// The ICAO DocumentTypeList extension (2.23.136.1.1.6.2): the document types (as in the
    /// MRZ, e.g. `P`, `ID`) this Document Signer may sign; `Ok(None)` when absent, an error
    /// when present but malformed.
    pub fn document_types(&self) -> Result<Option<&[String]>, PaError> {
        match &self.document_types {
            Ok(v) => Ok(v.as_deref()),
            Err(e) => Err(e.clone()),
        }
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

/// `PrivateKeyUsagePeriod ::= SEQUENCE { notBefore [0] GeneralizedTime OPTIONAL,
/// notAfter [1] GeneralizedTime OPTIONAL }` (implicit tags). The times are taken as text, so
/// that the fractional seconds some issuers write (not DER) still parse.
#[derive(Sequence)]
struct PrivateKeyUsagePeriodDer<'a> {
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
    not_before: Option<&'a OctetStringRef>,
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    not_after: Option<&'a OctetStringRef>,
}

fn parse_private_key_usage(value: &[u8]) -> Result<PrivateKeyUsagePeriod, PaError> {
    let period: PrivateKeyUsagePeriodDer<'_> = super::tlv::decode(value, "PrivateKeyUsagePeriod")?;
    let time = |t: Option<&OctetStringRef>| {
        t.map(|t| {
            parse_generalized_time(t.as_bytes())
                .ok_or(PaError::Malformed("PrivateKeyUsagePeriod time"))
        })
        .transpose()
    };
    Ok(PrivateKeyUsagePeriod {
        not_before: time(period.not_before)?,
        not_after: time(period.not_after)?,
    })
}

/// `YYYYMMDDHHMMSS[.fff]Z` → Unix seconds.
fn parse_generalized_time(content: &[u8]) -> Option<i64> {
    let s = std::str::from_utf8(content).ok()?;
    let s = s.strip_suffix('Z')?;
    let s = s.split_once('.').map_or(s, |(whole, _)| whole);
    if s.len() != 14 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|v| v.parse::<i64>().ok());
    let (hh, mm, ss) = (num(8..10)?, num(10..12)?, num(12..14)?);
    if hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    let day = super::time::days_to_unix(
        num(0..4)?,
        u32::try_from(num(4..6)?).ok()?,
        u32::try_from(num(6..8)?).ok()?,
    )?;
    Some(day + hh * 3600 + mm * 60 + ss)
}

/// `DocumentTypeListSyntax ::= SEQUENCE { version INTEGER, docTypeList SET OF DocumentType }`,
/// `DocumentType ::= PrintableString (SIZE (1..2))` (ICAO 9303-12). Real certificates also omit
/// the version and the SET (an Indonesian DS holds `SEQUENCE { "P" }`), so strings directly in
/// the SEQUENCE are accepted too.
fn parse_document_types(value: &[u8]) -> Result<Vec<String>, PaError> {
    let malformed = |e| decode_error("DocumentTypeListSyntax", e);
    let fields: Vec<AnyRef<'_>> = super::tlv::decode(value, "DocumentTypeListSyntax")?;
    let mut types = Vec::new();
    let mut push = |t: AnyRef<'_>| -> Result<(), PaError> {
        match t.tag() {
            der::Tag::PrintableString | der::Tag::Utf8String => {
                let s = std::str::from_utf8(t.value())
                    .map_err(|_| PaError::Malformed("DocumentType"))?
                    .trim()
                    .to_ascii_uppercase();
                if s.is_empty() || s.len() > 2 {
                    return Err(PaError::Malformed("DocumentType"));
                }
                types.push(s);
                Ok(())
            }
            _ => Err(PaError::Malformed("DocumentType")),
        }
    };
    for (i, field) in fields.into_iter().enumerate() {
        match field.tag() {
            der::Tag::Integer if i == 0 => {}
            der::Tag::Set => {
                // The strings in their encoded order (a typed SET OF would re-sort them).
                let mut r = der::SliceReader::new(field.value()).map_err(malformed)?;
                while !der::Reader::is_finished(&r) {
                    push(r.decode().map_err(malformed)?)?;
                }
            }
            _ => push(field)?,
        }
    }
    Ok(types)
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
