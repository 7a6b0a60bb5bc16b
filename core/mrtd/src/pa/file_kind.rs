//! Telling what a file is from its first bytes, so that an error can name the real cause: a
//! certificate given where a master list is expected, a master list cut short, an EF.SOD
//! given as a trust anchor. Only the opening elements are looked at, so a truncated or
//! otherwise damaged file is still recognised.

use std::fmt;

use super::tlv;
use crate::oid;

/// What a file looks like.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileKind {
    /// A CMS SignedData with eContentType id-icao-cscaMasterList.
    MasterList,
    /// An EF.SOD (LDS Security Object, also under the legacy id-data).
    Sod,
    /// An EF.CardSecurity (id-SecurityObject).
    CardSecurity,
    /// Another CMS SignedData (the eContentType, when readable).
    OtherSignedData(Option<String>),
    /// An X.509 certificate.
    Certificate,
    /// An X.509 CRL.
    Crl,
    /// PEM text.
    Pem,
    /// Nothing recognisable.
    Unknown,
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MasterList => f.write_str("a CSCA master list"),
            Self::Sod => f.write_str("an EF.SOD (Document Security Object)"),
            Self::CardSecurity => f.write_str("an EF.CardSecurity"),
            Self::OtherSignedData(Some(oid)) => {
                write!(f, "a CMS SignedData with eContentType {oid}")
            }
            Self::OtherSignedData(None) => f.write_str("a CMS SignedData"),
            Self::Certificate => f.write_str("an X.509 certificate"),
            Self::Crl => f.write_str("a certificate revocation list"),
            Self::Pem => f.write_str("a PEM file"),
            Self::Unknown => f.write_str("not a recognisable ASN.1 structure"),
        }
    }
}

/// Identifies `bytes` from its opening elements (tolerates truncation after them).
pub fn identify(bytes: &[u8]) -> FileKind {
    if bytes.starts_with(b"-----BEGIN") || bytes.windows(11).any(|w| w == b"-----BEGIN ") {
        return FileKind::Pem;
    }
    let bytes = match bytes.first() {
        // EF.SOD's [APPLICATION 23] wrapper.
        Some(0x77) => match enter(bytes) {
            Some(inner) => inner,
            None => return FileKind::Unknown,
        },
        _ => bytes,
    };
    if bytes.first() != Some(&0x30) {
        return FileKind::Unknown;
    }
    let Some(inner) = enter(bytes) else {
        return FileKind::Unknown;
    };
    match inner.first() {
        Some(0x06) => signed_data_kind(inner),
        Some(0x30) => certificate_or_crl(inner),
        _ => FileKind::Unknown,
    }
}

/// ContentInfo: `SEQUENCE { contentType OID, [0] { SignedData SEQUENCE { version, digestAlgorithms,
/// encapContentInfo SEQUENCE { eContentType, … } … } } }`.
fn signed_data_kind(content_info: &[u8]) -> FileKind {
    let Some((ct, rest)) = read_oid(content_info) else {
        return FileKind::Unknown;
    };
    if ct != oid::SIGNED_DATA {
        return FileKind::Unknown;
    }
    let e_content_type = (|| {
        let explicit = rest.first().filter(|t| **t == 0xA0).and(enter(rest))?;
        let sd = explicit
            .first()
            .filter(|t| **t == 0x30)
            .and(enter(explicit))?;
        let after_version = skip(sd)?;
        let after_digests = skip(after_version)?;
        let eci = after_digests
            .first()
            .filter(|t| **t == 0x30)
            .and(enter(after_digests))?;
        read_oid(eci).map(|(o, _)| o)
    })();
    match e_content_type {
        Some(oid::CSCA_MASTER_LIST) => FileKind::MasterList,
        Some(oid::LDS_SECURITY_OBJECT | oid::ID_DATA) => FileKind::Sod,
        Some(oid::SECURITY_OBJECT) => FileKind::CardSecurity,
        Some(other) => FileKind::OtherSignedData(Some(other.to_string())),
        None => FileKind::OtherSignedData(None),
    }
}

/// `tbsCertificate ::= SEQUENCE { [0] version, serial, signature, issuer, validity, … }`;
/// `tbsCertList ::= SEQUENCE { version OPTIONAL, signature, issuer, thisUpdate Time, … }`.
fn certificate_or_crl(outer_content: &[u8]) -> FileKind {
    let Some(tbs) = enter(outer_content) else {
        return FileKind::Unknown;
    };
    match tbs.first() {
        Some(0xA0) => return FileKind::Certificate,
        Some(0x02 | 0x30) => {}
        _ => return FileKind::Unknown,
    }
    let mut rest = tbs;
    if rest.first() == Some(&0x02) {
        rest = match skip(rest) {
            Some(r) => r,
            None => return FileKind::Unknown,
        };
    }
    // signature AlgorithmIdentifier, issuer Name.
    let Some(after) = skip(rest).and_then(skip) else {
        return FileKind::Unknown;
    };
    match after.first() {
        Some(0x17 | 0x18) => FileKind::Crl,
        Some(0x30) => FileKind::Certificate,
        _ => FileKind::Unknown,
    }
}

/// The content of the element at the start of `b` (as far as present; its length may run
/// past the end of a truncated file).
fn enter(b: &[u8]) -> Option<&[u8]> {
    let (&tag, rest) = b.split_first()?;
    if tag & 0x1F == 0x1F {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    if first & 0x80 == 0 || first == 0x80 {
        return Some(rest);
    }
    rest.get(usize::from(first & 0x7F)..)
}

/// What follows the (complete) element at the start of `b`.
fn skip(b: &[u8]) -> Option<&[u8]> {
    let t = tlv::parse_first(b).ok()?;
    b.get(t.raw.len()..)
}

fn read_oid(b: &[u8]) -> Option<(oid::Oid, &[u8])> {
    let t = tlv::parse_first(b).ok()?;
    if t.tag != 0x06 {
        return None;
    }
    let o = oid::Oid::from_bytes(t.content).ok()?;
    Some((o, b.get(t.raw.len()..)?))
}
