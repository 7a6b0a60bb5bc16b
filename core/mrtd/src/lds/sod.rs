//! EF.SOD: the Document Security Object (ICAO 9303-10 §4.6.2), a SignedData over an
//! LDSSecurityObject that lists the hash of every data group.

use der::{
    Sequence,
    asn1::{AnyRef, OctetString},
};
use spki::AlgorithmIdentifierRef;

use crate::oid;
use crate::pa::{
    certificate::Certificate,
    error::PaError,
    hash::HashAlgorithm,
    signed_data::{SignedData, SignerInfo},
    tlv,
};

/// `LDSSecurityObject ::= SEQUENCE { version LDSSecurityObjectVersion, hashAlgorithm
/// DigestAlgorithmIdentifier, dataGroupHashValues SEQUENCE SIZE (2..ub-DataGroups) OF
/// DataGroupHash, ldsVersionInfo LDSVersionInfo OPTIONAL }` (9303-10 §4.6.2.2): what
/// [`Sod::parse`] decodes and the chip side (the emulator) encodes.
#[derive(Sequence)]
pub struct LdsSecurityObject<'a> {
    /// 0, or 1 with `lds_version_info` (LDS 1.8).
    pub version: u64,
    /// The hash algorithm of the data group hashes.
    pub hash_algorithm: AlgorithmIdentifierRef<'a>,
    /// The data group numbers and hashes.
    pub data_group_hash_values: Vec<DataGroupHash>,
    /// LDS and Unicode versions (version 1 only).
    pub lds_version_info: Option<LdsVersionInfo<'a>>,
}

/// `DataGroupHash ::= SEQUENCE { dataGroupNumber DataGroupNumber, dataGroupHashValue OCTET
/// STRING }`.
#[derive(Sequence)]
pub struct DataGroupHash {
    /// The data group number (1–16).
    pub number: u64,
    /// The hash of the data group as read from the chip.
    pub value: OctetString,
}

/// `LDSVersionInfo ::= SEQUENCE { ldsVersion PrintableString, unicodeVersion PrintableString }`
/// (read as text whatever the string type).
#[derive(Sequence)]
pub struct LdsVersionInfo<'a> {
    /// e.g. `0108`.
    pub lds_version: AnyRef<'a>,
    /// e.g. `040000`.
    pub unicode_version: AnyRef<'a>,
}

/// A parsed EF.SOD.
#[derive(Debug, Clone)]
pub struct Sod {
    signed: SignedData,
    version: u64,
    hash_algorithm: HashAlgorithm,
    dg_hashes: Vec<(u8, Vec<u8>)>,
    lds_version: Option<(String, String)>,
    legacy_content_type: bool,
}

impl Sod {
    /// Parses EF.SOD, with or without its `77` application tag, DER or BER.
    pub fn parse(bytes: &[u8]) -> Result<Self, PaError> {
        let content_info = match bytes.first() {
            Some(0x77) => tlv::parse_first(bytes)?.content,
            _ => bytes,
        };
        let signed = SignedData::parse(tlv::parse_first(content_info)?.raw)?;
        // Some issuers (seen on a Chinese passport) put the LDSSecurityObject under id-data;
        // it is accepted here and flagged, and the verification policy decides.
        let legacy_content_type = signed.content_type == oid::ID_DATA;
        if !legacy_content_type {
            signed.require_content_type(
                oid::LDS_SECURITY_OBJECT,
                "2.23.136.1.1.1 (ldsSecurityObject)",
            )?;
        }
        let lso: LdsSecurityObject<'_> = tlv::decode(&signed.content, "LDSSecurityObject")?;
        if lso.version > 1 {
            return Err(PaError::Malformed("LDSSecurityObject version"));
        }
        let version = lso.version;
        let hash_algorithm = HashAlgorithm::from_oid(&lso.hash_algorithm.oid)?;
        let mut dg_hashes: Vec<(u8, Vec<u8>)> = Vec::new();
        for entry in lso.data_group_hash_values {
            let number = u8::try_from(entry.number)
                .ok()
                .filter(|n| (1..=16).contains(n))
                .ok_or(PaError::Malformed("dataGroupNumber"))?;
            let hash = Vec::from(entry.value.into_bytes());
            if hash.len() != hash_algorithm.output_len() {
                return Err(PaError::Malformed("dataGroupHashValue length"));
            }
            if dg_hashes.iter().any(|(n, _)| *n == number) {
                return Err(PaError::Malformed("duplicate dataGroupNumber"));
            }
            dg_hashes.push((number, hash));
        }
        let text = |s: AnyRef<'_>| String::from_utf8_lossy(s.value()).into_owned();
        let lds_version = lso
            .lds_version_info
            .map(|v| (text(v.lds_version), text(v.unicode_version)));
        Ok(Self {
            signed,
            version,
            hash_algorithm,
            dg_hashes,
            lds_version,
            legacy_content_type,
        })
    }

    /// LDSSecurityObject version: 0, or 1 for LDS 1.8 with version info.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Whether the eContentType is the legacy `id-data` (1.2.840.113549.1.7.1) instead of
    /// id-icao-mrtd-security-ldsSecurityObject (2.23.136.1.1.1).
    pub fn legacy_content_type(&self) -> bool {
        self.legacy_content_type
    }

    /// The hash algorithm of the data group hashes.
    pub fn hash_algorithm(&self) -> HashAlgorithm {
        self.hash_algorithm
    }

    /// Data group numbers and their hashes, in the order the SOD lists them.
    pub fn dg_hashes(&self) -> &[(u8, Vec<u8>)] {
        &self.dg_hashes
    }

    /// The expected hash of data group `dg`, if the SOD lists it.
    pub fn dg_hash(&self, dg: u8) -> Option<&[u8]> {
        self.dg_hashes
            .iter()
            .find(|(n, _)| *n == dg)
            .map(|(_, h)| h.as_slice())
    }

    /// LDS and Unicode versions (v1 objects only).
    pub fn lds_version(&self) -> Option<(&str, &str)> {
        self.lds_version
            .as_ref()
            .map(|(a, b)| (a.as_str(), b.as_str()))
    }

    /// The SignerInfo.
    pub fn signer_info(&self) -> Result<&SignerInfo, PaError> {
        self.signed.signer_info()
    }

    /// The Document Signer certificate embedded in the SOD.
    pub fn ds_certificate(&self) -> Result<&Certificate, PaError> {
        self.signed.signer_certificate()
    }

    /// The underlying SignedData (its signer info holds the signingTime attribute).
    pub fn signed_data(&self) -> &SignedData {
        &self.signed
    }
}
