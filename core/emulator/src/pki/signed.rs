//! Building signed eMRTD objects: EF.SOD (LDSSecurityObject over the data groups, tag 77) and
//! EF.CardSecurity (SecurityInfos), both CMS SignedData signed by a Document Signer.

use sha2::{Digest, Sha256};
use tapid_mrtd::oid;

use super::{PkiError, der, signer::DocumentSigner};

/// Builds and signs EF.SOD over the given data groups (raw bytes as the chip serves them):
/// LDSSecurityObject v0 with SHA-256 hashes, signed by `ds`, wrapped in tag `77`.
pub fn sign_sod(ds: &DocumentSigner, dgs: &[(u8, &[u8])]) -> Result<Vec<u8>, PkiError> {
    let hashes: Vec<Vec<u8>> = dgs
        .iter()
        .map(|(n, bytes)| {
            der::seq(&[
                &der::small(u64::from(*n)),
                &der::octets(&Sha256::digest(bytes)),
            ])
        })
        .collect();
    let hash_refs: Vec<&[u8]> = hashes.iter().map(Vec::as_slice).collect();
    let lso = der::seq(&[
        &der::small(0),
        &der::seq(&[&der::oid(&oid::SHA256)]),
        &der::seq(&hash_refs),
    ]);
    let content_info = signed_data(ds, &oid::LDS_SECURITY_OBJECT, &lso)?;
    Ok(der::tlv(0x77, &content_info))
}

/// Builds and signs EF.CardSecurity around the DER `SecurityInfos` (a SET).
pub fn sign_card_security(ds: &DocumentSigner, security_infos: &[u8]) -> Result<Vec<u8>, PkiError> {
    signed_data(ds, &oid::SECURITY_OBJECT, security_infos)
}

/// ContentInfo(SignedData) over `content` with signed attributes contentType, signingTime
/// (the signer's fixed signing time, so output is reproducible) and messageDigest.
pub fn signed_data(
    ds: &DocumentSigner,
    content_type: &oid::Oid,
    content: &[u8],
) -> Result<Vec<u8>, PkiError> {
    let attr = |id: &oid::Oid, value: &[u8]| der::seq(&[&der::oid(id), &der::set_of(&[value])]);
    let attrs = [
        attr(&oid::ATTR_CONTENT_TYPE, &der::oid(content_type)),
        attr(&oid::ATTR_SIGNING_TIME, &der::time(ds.signing_time())),
        attr(
            &oid::ATTR_MESSAGE_DIGEST,
            &der::octets(&Sha256::digest(content)),
        ),
    ];
    let attr_refs: Vec<&[u8]> = attrs.iter().map(Vec::as_slice).collect();
    let signed_set = der::set_of(&attr_refs);
    let signature = ds.key().sign(&signed_set)?;
    let mut signed_attrs = signed_set;
    if let Some(tag) = signed_attrs.first_mut() {
        *tag = 0xA0;
    }
    let cert = ds.certificate();
    let sha256 = der::seq(&[&der::oid(&oid::SHA256)]);
    let signer_info = der::seq(&[
        &der::small(1),
        &der::seq(&[cert.issuer_der(), &der::tlv(0x02, cert.serial())]),
        &sha256,
        &signed_attrs,
        &ds.key().signature_algorithm(),
        &der::octets(&signature),
    ]);
    let signed = der::seq(&[
        &der::small(3),
        &der::set_of(&[&sha256]),
        &der::seq(&[&der::oid(content_type), &der::ctx(0, &der::octets(content))]),
        &der::ctx(0, cert.der()),
        &der::set_of(&[&signer_info]),
    ]);
    Ok(der::seq(&[
        &der::oid(&oid::SIGNED_DATA),
        &der::ctx(0, &signed),
    ]))
}
