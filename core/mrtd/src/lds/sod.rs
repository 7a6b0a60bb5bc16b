//! EF.SOD: the Document Security Object (ICAO 9303-10 §4.6.2), a SignedData over an
//! LDSSecurityObject that lists the hash of every data group.

use crate::pa::{
    algorithm::{AlgorithmId, parse_small_uint},
    certificate::Certificate,
    error::PaError,
    hash::HashAlgorithm,
    oid,
    signed_data::{SignedData, SignerInfo},
    tlv::{self},
};

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
        let signed = SignedData::parse(trim_to_first(content_info)?)?;
        // Some issuers (seen on a Chinese passport) put the LDSSecurityObject under id-data;
        // it is accepted here and flagged, and the verification policy decides.
        let legacy_content_type = signed.content_type == oid::ID_DATA;
        if !legacy_content_type {
            signed.require_content_type(
                oid::LDS_SECURITY_OBJECT,
                "2.23.136.1.1.1 (ldsSecurityObject)",
            )?;
        }
        let lso = tlv::parse_single(&signed.content)?.expect(0x30, "LDSSecurityObject")?;
        let mut f = lso.children();
        let version = parse_small_uint(f.next_required("LDSSecurityObject version")?)?;
        if version > 1 {
            return Err(PaError::Malformed("LDSSecurityObject version"));
        }
        let hash_algorithm = HashAlgorithm::from_oid(
            &AlgorithmId::from_tlv(f.next_required("hashAlgorithm")?)?.oid,
        )?;
        let mut dg_hashes = Vec::new();
        for entry in f
            .next_required("dataGroupHashValues")?
            .expect(0x30, "dataGroupHashValues")?
            .children()
        {
            let mut e = entry?.expect(0x30, "DataGroupHash")?.children();
            let number = parse_small_uint(e.next_required("dataGroupNumber")?)?;
            let number = u8::try_from(number)
                .ok()
                .filter(|n| (1..=16).contains(n))
                .ok_or(PaError::Malformed("dataGroupNumber"))?;
            let hash = e.next_required("dataGroupHashValue")?.octets()?;
            if hash.len() != hash_algorithm.output_len() {
                return Err(PaError::Malformed("dataGroupHashValue length"));
            }
            if dg_hashes.iter().any(|(n, _)| *n == number) {
                return Err(PaError::Malformed("duplicate dataGroupNumber"));
            }
            dg_hashes.push((number, hash));
        }
        let lds_version = match f.next().transpose()? {
            Some(info) => {
                let mut v = info.expect(0x30, "LDSVersionInfo")?.children();
                let lds =
                    String::from_utf8_lossy(v.next_required("ldsVersion")?.content).into_owned();
                let unicode = String::from_utf8_lossy(v.next_required("unicodeVersion")?.content)
                    .into_owned();
                Some((lds, unicode))
            }
            None => None,
        };
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

/// Drops padding after the first element (chips pad files; the SignedData must still be whole).
fn trim_to_first(bytes: &[u8]) -> Result<&[u8], PaError> {
    tlv::parse_first(bytes).map(|t| t.raw)
}
