//! Document Signers made at run time for the fault catalogue: a rogue signer under a CSCA no
//! trust store holds, and an expired signer of the committed Utopian ECDSA CSCA. P-256 keys
//! drawn from fixed seeds, so they are quick to make and the same on every run.

use rand_core::Rng as _;

use super::{
    DocumentSigner, PkiError,
    cert::{CertProfile, Issuer, issue},
    der,
    drbg::SeededRng,
    generate::{self, DS_END, START},
    keys::SigningKey,
};

/// Validity of the expired Document Signer: 90 days from 2024-01-01.
const EXPIRED_DS_DAYS: i64 = 90;

fn p256(seed: &[u8]) -> Result<SigningKey, PkiError> {
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
    let csca_name = der::name("UT", "Utopia", "CSCA Utopia RSA");
    let ds_key = p256(b"tapid rogue DS")?;
    let ds_name = der::name("UT", "Utopia", "DS Utopia RSA");
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
    let ds_name = der::name("UT", "Utopia", "DS Utopia expired");
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
