//! Deterministic generation of the test PKI committed under `fixtures/pki` (run
//! `cargo run -p tapid-emulator --example gen_pki`).

use rand_core::Rng;
use rsa::PrivateKey as RsaPrivateKey;

use super::{
    PkiError,
    cert::{CertProfile, Issuer, issue, issue_crl, simple_name},
    drbg::SeededRng,
    keys::SigningKey,
};

/// The seed the committed fixtures were generated from.
pub const SEED: &[u8] = b"tapid test PKI v1";

/// 2024-01-01T00:00:00Z.
pub(crate) const START: i64 = 1_704_067_200;
/// 2044-01-01T00:00:00Z (CSCA validity end).
const CSCA_END: i64 = 2_335_219_200;
/// 2039-01-01T00:00:00Z (DS validity end: key usage period plus ten-year documents).
pub(crate) const DS_END: i64 = 2_177_452_800;

enum KeyKind {
    Rsa(usize),
    P256,
}

struct Entity {
    name: &'static str,
    country: &'static str,
    cn: &'static str,
    kind: KeyKind,
    serial: u64,
    /// Index of the issuing CSCA in `CSCAS`, or `None` for a CSCA itself.
    issuer: Option<usize>,
}

const CSCAS: [Entity; 4] = [
    Entity {
        name: "csca-ut-rsa",
        country: "UT",
        cn: "CSCA Utopia RSA",
        kind: KeyKind::Rsa(3072),
        serial: 1,
        issuer: None,
    },
    Entity {
        name: "csca-ut-ec",
        country: "UT",
        cn: "CSCA Utopia ECDSA",
        kind: KeyKind::P256,
        serial: 2,
        issuer: None,
    },
    Entity {
        name: "csca-de-ec",
        country: "DE",
        cn: "CSCA Test Germany ECDSA",
        kind: KeyKind::P256,
        serial: 3,
        issuer: None,
    },
    // Appended: every key is drawn from the seed and its own name, so the files above stay
    // byte for byte what they were.
    Entity {
        name: "csca-se-ec",
        country: "SE",
        cn: "CSCA Test Sweden ECDSA",
        kind: KeyKind::P256,
        serial: 4,
        issuer: None,
    },
];

/// Serial number of the revoked Document Signer.
pub const REVOKED_SERIAL: u64 = 104;

const DSS: [Entity; 5] = [
    Entity {
        name: "ds-ut-rsa",
        country: "UT",
        cn: "DS Utopia RSA",
        kind: KeyKind::Rsa(2048),
        serial: 101,
        issuer: Some(0),
    },
    Entity {
        name: "ds-ut-ec",
        country: "UT",
        cn: "DS Utopia ECDSA",
        kind: KeyKind::P256,
        serial: 102,
        issuer: Some(1),
    },
    Entity {
        name: "ds-de-ec",
        country: "DE",
        cn: "DS Test Germany ECDSA",
        kind: KeyKind::P256,
        serial: 103,
        issuer: Some(2),
    },
    Entity {
        name: "ds-ut-revoked",
        country: "UT",
        cn: "DS Utopia revoked",
        kind: KeyKind::P256,
        serial: REVOKED_SERIAL,
        issuer: Some(0),
    },
    Entity {
        name: "ds-se-ec",
        country: "SE",
        cn: "DS Test Sweden ECDSA",
        kind: KeyKind::P256,
        serial: 105,
        issuer: Some(3),
    },
];

fn key_for(seed: &[u8], e: &Entity) -> Result<SigningKey, PkiError> {
    let mut rng = SeededRng::new(&[seed, b"/", e.name.as_bytes()].concat());
    match e.kind {
        KeyKind::Rsa(bits) => RsaPrivateKey::new(&mut rng, bits)
            .map(|k| SigningKey::Rsa(Box::new(k)))
            .map_err(|e| PkiError::Key(e.to_string())),
        KeyKind::P256 => loop {
            let mut d = [0u8; 32];
            rng.fill_bytes(&mut d);
            if let Ok(k) = p256::ecdsa::SigningKey::from_slice(&d) {
                return Ok(SigningKey::P256(k));
            }
        },
    }
}

fn name_of(e: &Entity) -> Vec<u8> {
    simple_name(
        e.country,
        if e.country == "UT" {
            "Utopia"
        } else {
            "tapid test"
        },
        e.cn,
    )
}

/// A committed CSCA's Name DER and private key, regenerated from [`SEED`] (for signers made
/// at run time, e.g. the expired Document Signer of the fault catalogue).
pub(crate) fn csca(name: &str) -> Result<(Vec<u8>, SigningKey), PkiError> {
    let e = CSCAS
        .iter()
        .find(|e| e.name == name)
        .ok_or_else(|| PkiError::UnknownFixture(name.to_owned()))?;
    Ok((name_of(e), key_for(SEED, e)?))
}

/// The certificate of fixture `e` (a CSCA when it has no issuer), valid from [`START`] to
/// `not_after`, for `key`, signed by `issuer`.
fn certificate(
    e: &Entity,
    name: &[u8],
    key: &SigningKey,
    not_after: i64,
    issuer: Issuer<'_>,
) -> Result<Vec<u8>, PkiError> {
    let profile = CertProfile {
        serial: e.serial,
        subject: name,
        not_before: START,
        not_after,
        is_ca: e.issuer.is_none(),
    };
    issue(&profile, key, issuer)
}

/// Generates every fixture file: `(path relative to fixtures/pki, bytes)`.
pub fn generate(seed: &[u8]) -> Result<Vec<(String, Vec<u8>)>, PkiError> {
    let mut out = Vec::new();
    let mut csca_keys = Vec::new();
    for e in &CSCAS {
        let key = key_for(seed, e)?;
        let name = name_of(e);
        let self_signed = Issuer {
            name: &name,
            key: &key,
        };
        let cert = certificate(e, &name, &key, CSCA_END, self_signed)?;
        out.push((format!("csca/{}.cer", e.name), cert));
        csca_keys.push((name, key));
    }
    for e in &DSS {
        let key = key_for(seed, e)?;
        let (issuer_name, issuer_key) = e
            .issuer
            .and_then(|i| csca_keys.get(i))
            .ok_or(PkiError::UnknownFixture(e.name.into()))?;
        let issuer = Issuer {
            name: issuer_name,
            key: issuer_key,
        };
        let cert = certificate(e, &name_of(e), &key, DS_END, issuer)?;
        out.push((format!("ds/{}.cer", e.name), cert));
        out.push((format!("ds/{}.pk8", e.name), key.to_pkcs8()?));
    }
    let (ut_name, ut_key) = csca_keys
        .first()
        .ok_or(PkiError::UnknownFixture("csca-ut-rsa".into()))?;
    let crl = issue_crl(
        Issuer {
            name: ut_name,
            key: ut_key,
        },
        START + 30 * 86_400,
        CSCA_END,
        &[REVOKED_SERIAL],
    )?;
    out.push(("crl/csca-ut-rsa.crl".to_string(), crl));
    Ok(out)
}
