//! Certificate revocation lists published by CSCAs (DE and NL publish theirs).

use der::Decode;
use x509_cert::{
    certificate::Raw, crl::TbsCertList, ext::pkix::AuthorityKeyIdentifier, name::Name,
};

use super::{
    algorithm::{AlgorithmId, SignatureScheme},
    certificate::{Certificate, Signed, name_der, unix_seconds},
    error::PaError,
};
use crate::oid;

/// A parsed CRL keeping the original TBS bytes for the signature check.
#[derive(Debug, Clone)]
pub struct Crl {
    tbs: Vec<u8>,
    signature_algorithm: AlgorithmId,
    signature: Vec<u8>,
    issuer: Name,
    issuer_der: Vec<u8>,
    this_update: i64,
    next_update: Option<i64>,
    authority_key_id: Option<Vec<u8>>,
    revoked: Vec<Vec<u8>>,
}

impl Crl {
    /// Parses a DER CRL (decoded once; the TBS part keeps its original bytes).
    pub fn from_der(bytes: &[u8]) -> Result<Self, PaError> {
        let signed = Signed::<TbsCertList<Raw>>::parse(bytes, "CRL")?;
        let t = &signed.tbs;
        let authority_key_id = t
            .crl_extensions
            .iter()
            .flatten()
            .find(|e| e.extn_id == oid::EXT_AUTHORITY_KEY_ID)
            .and_then(|e| AuthorityKeyIdentifier::from_der(e.extn_value.as_bytes()).ok())
            .and_then(|a| a.key_identifier.map(|k| k.as_bytes().to_vec()));
        let revoked = t
            .revoked_certificates
            .iter()
            .flatten()
            .map(|r| r.serial_number.as_bytes().to_vec())
            .collect();
        Ok(Self {
            tbs: signed.tbs_der.to_vec(),
            signature_algorithm: signed.signature_algorithm,
            signature: signed.signature,
            issuer: t.issuer.clone(),
            issuer_der: name_der(&t.issuer)?,
            this_update: unix_seconds(&t.this_update),
            next_update: t.next_update.as_ref().map(unix_seconds),
            authority_key_id,
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

    /// nextUpdate, Unix seconds (RFC 5280 requires it; `None` when the CRL omits it).
    pub fn next_update(&self) -> Option<i64> {
        self.next_update
    }

    /// Whether the CRL is stale at `at`: its nextUpdate lies before `at` (or it has none, so
    /// nothing says it is current).
    pub fn is_stale_at(&self, at: i64) -> bool {
        self.next_update.is_none_or(|next| next < at)
    }

    /// The AuthorityKeyIdentifier keyIdentifier of the CRL, when present.
    pub fn authority_key_id(&self) -> Option<&[u8]> {
        self.authority_key_id.as_deref()
    }

    /// The issuer Name's original DER.
    pub fn issuer_der(&self) -> &[u8] {
        &self.issuer_der
    }

    /// Whether this CRL is about certificates issued under `issuer_der`'s name (compared as a
    /// set of attributes, see [`super::name::same_name`]).
    pub fn covers_issuer(&self, issuer_der: &[u8]) -> bool {
        super::name::same_name(&self.issuer_der, issuer_der)
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
        self.revoked
            .iter()
            .any(|s| super::signed_data::same_integer(s, serial))
    }
}
