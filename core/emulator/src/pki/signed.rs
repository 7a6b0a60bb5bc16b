//! Building signed eMRTD objects: EF.SOD (LDSSecurityObject over the data groups, tag 77),
//! EF.CardSecurity (SecurityInfos) and master lists, all CMS SignedData signed by a Document
//! Signer, encoded with the `cms` crate's types (the terminal side reads them back with its
//! own walker, which keeps the signed bytes; see `tapid_mrtd::pa::signed_data`).

use cms::{
    cert::{CertificateChoices, IssuerAndSerialNumber},
    content_info::{CmsVersion, ContentInfo},
    signed_data::{
        CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo,
        SignerInfos,
    },
};
use der::{
    Decode, Encode,
    asn1::{Any, OctetString, SetOfVec},
};
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use tapid_card::tlv::{Tag, encode};
use tapid_mrtd::lds::sod::{DataGroupHash, LdsSecurityObject};
use tapid_mrtd::oid;
use x509_cert::{
    Certificate, attr::Attribute, ext::pkix::SubjectKeyIdentifier, name::Name,
    serial_number::SerialNumber,
};

use super::{
    PkiError,
    cert::{encoding, time},
    signer::DocumentSigner,
};

/// How the SignerInfo names its certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignerIdForm {
    /// issuerAndSerialNumber with the certificate's own issuer Name.
    IssuerSerial,
    /// issuerAndSerialNumber with this issuer Name instead (e.g. the same attributes in another
    /// order, as a real Malaysian passport has it).
    IssuerSerialNamed(Vec<u8>),
    /// subjectKeyIdentifier `[0]`.
    SubjectKeyId,
}

/// The signingTime signed attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigningTimeAttr {
    /// The signer's own ([`DocumentSigner::signing_time`]).
    Signer,
    /// This time.
    At(i64),
    /// No signingTime attribute.
    Absent,
}

/// How [`sign_sod_with`] builds EF.SOD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SodOptions {
    /// The eContentType (id-icao-ldsSecurityObject, or the legacy id-data).
    pub content_type: oid::Oid,
    /// The SignerInfo's signer identifier.
    pub signer_id: SignerIdForm,
    /// The signingTime attribute.
    pub signing_time: SigningTimeAttr,
}

impl Default for SodOptions {
    fn default() -> Self {
        Self {
            content_type: oid::LDS_SECURITY_OBJECT,
            signer_id: SignerIdForm::IssuerSerial,
            signing_time: SigningTimeAttr::Signer,
        }
    }
}

/// Builds and signs EF.SOD over the given data groups (raw bytes as the chip serves them):
/// LDSSecurityObject v0 with SHA-256 hashes, signed by `ds`, wrapped in tag `77`.
pub fn sign_sod(ds: &DocumentSigner, dgs: &[(u8, &[u8])]) -> Result<Vec<u8>, PkiError> {
    sign_sod_with(ds, dgs, &SodOptions::default())
}

/// EF.SOD over `dgs` (LDSSecurityObject v0, SHA-256), signed by `ds` as `options` says,
/// wrapped in tag `77`.
pub fn sign_sod_with(
    ds: &DocumentSigner,
    dgs: &[(u8, &[u8])],
    options: &SodOptions,
) -> Result<Vec<u8>, PkiError> {
    let data_group_hash_values = dgs
        .iter()
        .map(|(n, bytes)| {
            Ok(DataGroupHash {
                number: u64::from(*n),
                value: OctetString::new(Sha256::digest(bytes).to_vec())
                    .map_err(encoding("DataGroupHash"))?,
            })
        })
        .collect::<Result<Vec<_>, PkiError>>()?;
    let lso = LdsSecurityObject {
        version: 0,
        hash_algorithm: spki::AlgorithmIdentifierRef {
            oid: oid::SHA256,
            parameters: None,
        },
        data_group_hash_values,
        lds_version_info: None,
    }
    .to_der()
    .map_err(encoding("LDSSecurityObject"))?;
    let content_info = signed_data_with(
        ds,
        options.content_type,
        &lso,
        &options.signer_id,
        options.signing_time,
    )?;
    Ok(encode(Tag(0x77), &content_info))
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
    signed_data_with(
        ds,
        *content_type,
        content,
        &SignerIdForm::IssuerSerial,
        SigningTimeAttr::Signer,
    )
}

fn attribute(id: oid::Oid, value: &impl Encode) -> Result<Attribute, PkiError> {
    let value = value.to_der().map_err(encoding("signed attribute"))?;
    let value = Any::from_der(&value).map_err(encoding("signed attribute"))?;
    Ok(Attribute {
        oid: id,
        values: SetOfVec::try_from(vec![value]).map_err(encoding("signed attribute"))?,
    })
}

/// ContentInfo(SignedData) over `content`, signed by `ds` with SHA-256, the signer named as
/// `signer_id` and the signingTime attribute as `signing_time` says; the SignedData embeds the
/// signer's certificate.
fn signed_data_with(
    ds: &DocumentSigner,
    content_type: oid::Oid,
    content: &[u8],
    signer_id: &SignerIdForm,
    signing_time: SigningTimeAttr,
) -> Result<Vec<u8>, PkiError> {
    let digest =
        OctetString::new(Sha256::digest(content).to_vec()).map_err(encoding("messageDigest"))?;
    let mut attrs = vec![
        attribute(oid::ATTR_CONTENT_TYPE, &content_type)?,
        attribute(oid::ATTR_MESSAGE_DIGEST, &digest)?,
    ];
    let signing_time = match signing_time {
        SigningTimeAttr::Signer => Some(ds.signing_time()),
        SigningTimeAttr::At(t) => Some(t),
        SigningTimeAttr::Absent => None,
    };
    if let Some(t) = signing_time {
        attrs.push(attribute(oid::ATTR_SIGNING_TIME, &time(t)?)?);
    }
    // DER sorts the SET OF; the signature covers exactly that SET (tag 31).
    let signed_attrs = SetOfVec::try_from(attrs).map_err(encoding("signed attributes"))?;
    let signature = ds.key().sign(
        &signed_attrs
            .to_der()
            .map_err(encoding("signed attributes"))?,
    )?;
    let cert = ds.certificate();
    let issuer_serial = |issuer: &[u8]| -> Result<SignerIdentifier, PkiError> {
        Ok(SignerIdentifier::IssuerAndSerialNumber(
            IssuerAndSerialNumber {
                issuer: Name::from_der(issuer).map_err(encoding("issuer"))?,
                serial_number: SerialNumber::new(cert.serial())
                    .map_err(encoding("serialNumber"))?,
            },
        ))
    };
    let (version, sid) = match signer_id {
        SignerIdForm::IssuerSerial => (CmsVersion::V1, issuer_serial(cert.issuer_der())?),
        SignerIdForm::IssuerSerialNamed(issuer) => (CmsVersion::V1, issuer_serial(issuer)?),
        SignerIdForm::SubjectKeyId => {
            let ski = OctetString::new(cert.subject_key_id().unwrap_or_default())
                .map_err(encoding("subjectKeyIdentifier"))?;
            (
                CmsVersion::V3,
                SignerIdentifier::SubjectKeyIdentifier(SubjectKeyIdentifier(ski)),
            )
        }
    };
    let sha256 = AlgorithmIdentifierOwned {
        oid: oid::SHA256,
        parameters: None,
    };
    let signer_info = SignerInfo {
        version,
        sid,
        digest_alg: sha256.clone(),
        signed_attrs: Some(signed_attrs),
        signature_algorithm: ds.key().signature_algorithm(),
        signature: OctetString::new(signature).map_err(encoding("signature"))?,
        unsigned_attrs: None,
    };
    let certificate = Certificate::from_der(cert.der()).map_err(encoding("certificate"))?;
    let signed = SignedData {
        version: CmsVersion::V3,
        digest_algorithms: SetOfVec::try_from(vec![sha256]).map_err(encoding("SignedData"))?,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: content_type,
            econtent: Some(
                Any::encode_from(&OctetString::new(content).map_err(encoding("eContent"))?)
                    .map_err(encoding("eContent"))?,
            ),
        },
        certificates: Some(CertificateSet(
            SetOfVec::try_from(vec![CertificateChoices::Certificate(certificate)])
                .map_err(encoding("SignedData"))?,
        )),
        crls: None,
        signer_infos: SignerInfos(
            SetOfVec::try_from(vec![signer_info]).map_err(encoding("SignedData"))?,
        ),
    };
    ContentInfo {
        content_type: oid::SIGNED_DATA,
        content: Any::encode_from(&signed).map_err(encoding("SignedData"))?,
    }
    .to_der()
    .map_err(encoding("ContentInfo"))
}
