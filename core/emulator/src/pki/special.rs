//! Certificates, CRLs, EF.SODs and master lists made at run time, for the fault catalogue
//! and for the trust-policy tests: a rogue signer under a CSCA no trust store holds, an
//! expired signer of the committed Utopian ECDSA CSCA, and a small toolkit ([`TestCsca`],
//! [`CertOptions`], [`sign_sod_with`], [`master_list`]) to build any special case (expired or
//! unanchored CSCAs, odd key usages, document-type and private-key-usage-period extensions,
//! reordered issuer names, the legacy id-data eContentType, stale and broken CRLs). P-256
//! keys drawn from fixed seeds, so they are quick to make and the same on every run; nothing
//! here touches the committed fixtures.

use rand_core::Rng as _;
use tapid_mrtd::oid;
use tapid_mrtd::pa::Certificate;

pub use super::cert::{
    CertOptions, KEY_USAGE_CA, KEY_USAGE_DIGITAL_SIGNATURE, KEY_USAGE_KEY_ENCIPHERMENT,
    KEY_USAGE_NON_REPUDIATION, issue_with, name, simple_name,
};
pub use super::signed::{SignerIdForm, SigningTimeAttr, SodOptions, sign_sod_with};
use super::{
    DocumentSigner, PkiError,
    cert::{CertProfile, Issuer, issue, issue_crl},
    drbg::SeededRng,
    generate::{self, DS_END, START},
    keys::SigningKey,
};

/// Validity of the expired Document Signer: 90 days from 2024-01-01.
const EXPIRED_DS_DAYS: i64 = 90;

/// A P-256 key drawn from `seed` (the same key for the same seed).
pub fn p256(seed: &[u8]) -> Result<SigningKey, PkiError> {
    let mut rng = SeededRng::new(seed);
    for _ in 0..16 {
        let mut d = [0u8; 32];
        rng.fill_bytes(&mut d);
        if let Ok(k) = p256::ecdsa::SigningKey::from_slice(&d) {
            return Ok(SigningKey::P256(k));
        }
    }
    Err(PkiError::Key("no P-256 scalar from the seed".into()))
}

fn signer(
    name: &str,
    profile: &CertProfile<'_>,
    key: &SigningKey,
    issuer: Issuer<'_>,
) -> Result<DocumentSigner, PkiError> {
    let cert = issue(profile, key, issuer)?;
    DocumentSigner::from_parts(name, &cert, &key.to_pkcs8()?)
}

/// A Document Signer under a self-made CSCA that copies the Name of Utopia's real RSA CSCA: what
/// a forger who cannot get a trusted CSCA's key would produce. Verifies nowhere.
pub fn rogue_document_signer() -> Result<DocumentSigner, PkiError> {
    let csca_key = p256(b"tapid rogue CSCA")?;
    let csca_name = simple_name("UT", "Utopia", "CSCA Utopia RSA");
    let ds_key = p256(b"tapid rogue DS")?;
    let ds_name = simple_name("UT", "Utopia", "DS Utopia RSA");
    let profile = CertProfile {
        serial: 666,
        subject: &ds_name,
        not_before: START,
        not_after: DS_END,
        is_ca: false,
    };
    signer(
        "ds-ut-rogue",
        &profile,
        &ds_key,
        Issuer {
            name: &csca_name,
            key: &csca_key,
        },
    )
}

/// A Document Signer of the committed CSCA `csca-ut-ec` whose certificate was valid for 90
/// days from 2024-01-01. It signs one day after its notBefore, or, with
/// `sign_after_expiry`, 30 days after its notAfter.
pub fn expired_document_signer(sign_after_expiry: bool) -> Result<DocumentSigner, PkiError> {
    let (csca_name, csca_key) = generate::csca("csca-ut-ec")?;
    let ds_key = p256(b"tapid expired DS")?;
    let ds_name = simple_name("UT", "Utopia", "DS Utopia expired");
    let not_after = START + EXPIRED_DS_DAYS * 86_400;
    let profile = CertProfile {
        serial: 105,
        subject: &ds_name,
        not_before: START,
        not_after,
        is_ca: false,
    };
    let ds = signer(
        "ds-ut-expired",
        &profile,
        &ds_key,
        Issuer {
            name: &csca_name,
            key: &csca_key,
        },
    )?;
    Ok(if sign_after_expiry {
        ds.with_signing_time(not_after + 30 * 86_400)
    } else {
        ds
    })
}

/// A CSCA (or master list root) made at run time: its Name, key and self-signed certificate.
#[derive(Debug, Clone)]
pub struct TestCsca {
    /// Subject (and issuer) Name DER.
    pub name: Vec<u8>,
    /// The private key.
    pub key: SigningKey,
    /// The certificate DER.
    pub cert: Vec<u8>,
}

impl TestCsca {
    /// A self-signed CSCA `C=country, O=tapid test, CN=cn` with a P-256 key from `seed`.
    pub fn new(
        seed: &str,
        country: &str,
        cn: &str,
        not_before: i64,
        not_after: i64,
    ) -> Result<Self, PkiError> {
        let name = simple_name(country, "tapid test", cn);
        Self::with_options(seed, name, not_before, not_after, &CertOptions::csca())
    }

    /// A self-signed certificate with any Name and options (e.g. a "CSCA" without keyCertSign).
    pub fn with_options(
        seed: &str,
        name: Vec<u8>,
        not_before: i64,
        not_after: i64,
        options: &CertOptions,
    ) -> Result<Self, PkiError> {
        let key = p256(seed.as_bytes())?;
        let profile = CertProfile {
            serial: 1,
            subject: &name,
            not_before,
            not_after,
            is_ca: options.ca,
        };
        let cert = issue_with(
            options,
            &profile,
            &key,
            Issuer {
                name: &name,
                key: &key,
            },
        )?;
        Ok(Self { name, key, cert })
    }

    /// The issuer this CSCA signs as.
    pub fn issuer(&self) -> Issuer<'_> {
        Issuer {
            name: &self.name,
            key: &self.key,
        }
    }

    /// The parsed certificate.
    pub fn certificate(&self) -> Result<Certificate, PkiError> {
        Ok(Certificate::from_der(&self.cert)?)
    }

    /// Issues a signer certificate (P-256 key from `seed`) and returns it with its key.
    pub fn issue_signer(
        &self,
        seed: &str,
        profile: &CertProfile<'_>,
        options: &CertOptions,
    ) -> Result<DocumentSigner, PkiError> {
        let key = p256(seed.as_bytes())?;
        let cert = issue_with(options, profile, &key, self.issuer())?;
        DocumentSigner::from_parts(seed, &cert, &key.to_pkcs8()?)
    }

    /// A CRL of this CSCA listing `revoked` serials.
    pub fn crl(
        &self,
        this_update: i64,
        next_update: i64,
        revoked: &[u64],
    ) -> Result<Vec<u8>, PkiError> {
        issue_crl(self.issuer(), this_update, next_update, revoked)
    }
}

/// A CSCA master list (ICAO 9303-12) of `certificates`, signed by `signer` (whose certificate
/// the list embeds).
pub fn master_list(signer: &DocumentSigner, certificates: &[&[u8]]) -> Result<Vec<u8>, PkiError> {
    super::signed::signed_data(
        signer,
        &oid::CSCA_MASTER_LIST,
        &csca_master_list(certificates)?,
    )
}

/// `CscaMasterList ::= SEQUENCE { version INTEGER (v0), certList SET OF Certificate }`, the
/// certificates as given (DER sorts the SET).
fn csca_master_list(certificates: &[&[u8]]) -> Result<Vec<u8>, PkiError> {
    use der::{Decode, Encode, asn1::AnyRef, asn1::SetOfVec};
    #[derive(der::Sequence)]
    struct CscaMasterList<'a> {
        version: u64,
        cert_list: SetOfVec<AnyRef<'a>>,
    }
    let encoding = super::cert::encoding("CscaMasterList");
    let certs = certificates
        .iter()
        .map(|c| AnyRef::from_der(c))
        .collect::<der::Result<Vec<_>>>()
        .map_err(&encoding)?;
    CscaMasterList {
        version: 0,
        cert_list: SetOfVec::try_from(certs).map_err(&encoding)?,
    }
    .to_der()
    .map_err(encoding)
}
