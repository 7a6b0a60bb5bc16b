//! Issuing X.509 certificates and CRLs for the test PKI.

use tapid_mrtd::oid;

use super::{PkiError, der, keys::SigningKey};

/// What a certificate says about its subject.
#[derive(Debug, Clone)]
pub struct CertProfile<'a> {
    /// Serial number.
    pub serial: u64,
    /// Subject Name DER.
    pub subject: &'a [u8],
    /// Validity start, Unix seconds.
    pub not_before: i64,
    /// Validity end, Unix seconds.
    pub not_after: i64,
    /// A CSCA (keyCertSign, cRLSign, cA) or a Document Signer (digitalSignature).
    pub is_ca: bool,
}

/// The issuer of a certificate or CRL: its Name and key.
#[derive(Debug, Clone, Copy)]
pub struct Issuer<'a> {
    /// Issuer Name DER.
    pub name: &'a [u8],
    /// Issuer signing key.
    pub key: &'a SigningKey,
}

fn extension(id: &oid::Oid, critical: bool, value: &[u8]) -> Vec<u8> {
    if critical {
        der::seq(&[&der::oid(id), &[0x01, 0x01, 0xFF], &der::octets(value)])
    } else {
        der::seq(&[&der::oid(id), &der::octets(value)])
    }
}

/// Issues a certificate for `subject_key` signed by `issuer` (pass the subject itself for a
/// self-signed CSCA).
pub fn issue(
    profile: &CertProfile<'_>,
    subject_key: &SigningKey,
    issuer: Issuer<'_>,
) -> Result<Vec<u8>, PkiError> {
    let ski = subject_key.key_id()?;
    let aki = issuer.key.key_id()?;
    let key_usage: &[u8] = if profile.is_ca {
        &[0x03, 0x02, 0x01, 0x06]
    } else {
        &[0x03, 0x02, 0x07, 0x80]
    };
    let mut exts = vec![
        extension(&oid::EXT_SUBJECT_KEY_ID, false, &der::octets(&ski)),
        extension(
            &oid::EXT_AUTHORITY_KEY_ID,
            false,
            &der::seq(&[&der::tlv(0x80, &aki)]),
        ),
        extension(&oid::EXT_KEY_USAGE, true, key_usage),
    ];
    if profile.is_ca {
        exts.push(extension(
            &oid::EXT_BASIC_CONSTRAINTS,
            true,
            &der::seq(&[&[0x01, 0x01, 0xFF]]),
        ));
    }
    let ext_refs: Vec<&[u8]> = exts.iter().map(Vec::as_slice).collect();
    let sig_alg = issuer.key.signature_algorithm();
    let tbs = der::seq(&[
        &der::ctx(0, &der::small(2)),
        &der::small(profile.serial),
        &sig_alg,
        issuer.name,
        &der::seq(&[
            &der::time(profile.not_before),
            &der::time(profile.not_after),
        ]),
        profile.subject,
        &subject_key.spki()?,
        &der::ctx(3, &der::seq(&ext_refs)),
    ]);
    let signature = issuer.key.sign(&tbs)?;
    Ok(der::seq(&[&tbs, &sig_alg, &der::bits(&signature)]))
}

/// Issues a CRL listing `revoked` serials (all revoked at `this_update`).
pub fn issue_crl(
    issuer: Issuer<'_>,
    this_update: i64,
    next_update: i64,
    revoked: &[u64],
) -> Result<Vec<u8>, PkiError> {
    let entries: Vec<Vec<u8>> = revoked
        .iter()
        .map(|s| der::seq(&[&der::small(*s), &der::time(this_update)]))
        .collect();
    let entry_refs: Vec<&[u8]> = entries.iter().map(Vec::as_slice).collect();
    let aki = issuer.key.key_id()?;
    let sig_alg = issuer.key.signature_algorithm();
    let tbs = der::seq(&[
        &der::small(1),
        &sig_alg,
        issuer.name,
        &der::time(this_update),
        &der::time(next_update),
        &der::seq(&entry_refs),
        &der::ctx(
            0,
            &der::seq(&[&extension(
                &oid::EXT_AUTHORITY_KEY_ID,
                false,
                &der::seq(&[&der::tlv(0x80, &aki)]),
            )]),
        ),
    ]);
    let signature = issuer.key.sign(&tbs)?;
    Ok(der::seq(&[&tbs, &sig_alg, &der::bits(&signature)]))
}
