//! CMS SignedData (RFC 5652) as used by EF.SOD, EF.CardSecurity and CSCA master lists, read
//! from the original bytes (DER or BER with indefinite lengths) so that the signed attributes
//! are verified exactly as they were signed.
//!
//! The containers (ContentInfo, SignedData, SignerInfo, the signed attributes) are walked with
//! the BER reader of [`super::tlv`], which keeps original bytes; every leaf (OIDs, versions,
//! AlgorithmIdentifiers, certificates, times) is decoded with `der`. The `cms` crate's typed
//! SignedData is not used here: it re-sorts the signed attributes (losing what was signed),
//! and its `CertificateSet` decodes embedded certificates with the strict RFC 5280 profile,
//! so one odd Document Signer certificate would make the whole EF.SOD unreadable.

use const_oid::ObjectIdentifier;
use der::Sequence;
use spki::AlgorithmIdentifierOwned;

use super::{
    algorithm::{AlgorithmId, SignatureScheme},
    certificate::Certificate,
    error::PaError,
    hash::HashAlgorithm,
    name::same_name,
    tlv::{self, Tlv},
};
use crate::oid;

/// How a SignerInfo names its certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignerId {
    /// issuerAndSerialNumber: issuer Name DER and serial INTEGER content.
    IssuerSerial {
        /// Issuer Name, original DER.
        issuer: Vec<u8>,
        /// Serial number content octets.
        serial: Vec<u8>,
    },
    /// subjectKeyIdentifier.
    SubjectKeyId(Vec<u8>),
}

impl SignerId {
    /// Whether `cert` is the certificate this identifier names: the same serial number and
    /// the same issuer Name compared as a set of attributes (real SignerInfos list the
    /// issuer's attributes in another order than the certificate, see [`super::name`]), or
    /// the same subjectKeyIdentifier.
    pub fn matches(&self, cert: &Certificate) -> bool {
        match self {
            Self::IssuerSerial { issuer, serial } => {
                same_integer(cert.serial(), serial) && same_name(cert.issuer_der(), issuer)
            }
            Self::SubjectKeyId(ski) => cert.subject_key_id() == Some(ski.as_slice()),
        }
    }
}

/// Two INTEGER encodings of the same value (redundant leading sign octets ignored).
pub(crate) fn same_integer(a: &[u8], b: &[u8]) -> bool {
    fn trim(mut v: &[u8]) -> &[u8] {
        while let [first, second, ..] = v {
            if (*first == 0x00 && second & 0x80 == 0) || (*first == 0xFF && second & 0x80 != 0) {
                v = v.get(1..).unwrap_or_default();
            } else {
                break;
            }
        }
        v
    }
    trim(a) == trim(b)
}

/// The signed attributes of a SignerInfo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedAttributes {
    /// The original `[0]` encoding re-tagged as SET (0x31): what the signature covers.
    pub der_set: Vec<u8>,
    /// contentType attribute.
    pub content_type: Option<ObjectIdentifier>,
    /// messageDigest attribute.
    pub message_digest: Option<Vec<u8>>,
    /// signingTime attribute, Unix seconds.
    pub signing_time: Option<i64>,
    /// CMSAlgorithmProtection: (digestAlgorithm, signatureAlgorithm).
    pub algorithm_protection: Option<(AlgorithmId, Option<AlgorithmId>)>,
}

/// One SignerInfo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignerInfo {
    /// The signer's certificate identifier.
    pub sid: SignerId,
    /// digestAlgorithm.
    pub digest_algorithm: AlgorithmId,
    /// signedAttrs, when present.
    pub signed_attrs: Option<SignedAttributes>,
    /// signatureAlgorithm.
    pub signature_algorithm: AlgorithmId,
    /// The signature value.
    pub signature: Vec<u8>,
}

/// A parsed SignedData with its encapsulated content.
#[derive(Debug, Clone)]
pub struct SignedData {
    /// eContentType.
    pub content_type: ObjectIdentifier,
    /// eContent (BER chunks joined).
    pub content: Vec<u8>,
    /// Certificates embedded in the SignedData that parsed.
    pub certificates: Vec<Certificate>,
    /// Embedded certificates that did not parse, with the reason.
    pub unparsable_certificates: Vec<PaError>,
    /// SignerInfos.
    pub signer_infos: Vec<SignerInfo>,
}

impl SignedData {
    /// Parses a ContentInfo holding SignedData (DER or BER).
    pub fn parse(bytes: &[u8]) -> Result<Self, PaError> {
        let ci = tlv::parse_single(bytes)?.expect(0x30, "ContentInfo")?;
        let mut r = ci.children();
        let ct: ObjectIdentifier = r.next_required("contentType")?.decode("contentType")?;
        if ct != oid::SIGNED_DATA {
            return Err(PaError::NotSignedData(ct.to_string()));
        }
        let explicit = r.next_required("content")?.expect(0xA0, "content [0]")?;
        let sd = explicit
            .children()
            .next_required("SignedData")?
            .expect(0x30, "SignedData")?;
        let mut f = sd.children();
        let _version: u64 = f.next_required("version")?.decode("SignedData version")?;
        let _digest_algorithms = f
            .next_required("digestAlgorithms")?
            .expect(0x31, "digestAlgorithms")?;
        let eci = f
            .next_required("encapContentInfo")?
            .expect(0x30, "encapContentInfo")?;
        let mut e = eci.children();
        let content_type: ObjectIdentifier =
            e.next_required("eContentType")?.decode("eContentType")?;
        let content = match e.next().transpose()? {
            Some(c) => c
                .expect(0xA0, "eContent [0]")?
                .children()
                .next_required("eContent")?
                .octets()?,
            None => return Err(PaError::MissingContent),
        };
        let mut certificates = Vec::new();
        let mut unparsable_certificates = Vec::new();
        let mut next = f.next_required("signerInfos")?;
        if next.tag == 0xA0 {
            for cert in next.children() {
                match cert.and_then(|c| Certificate::from_der(c.raw)) {
                    Ok(c) => certificates.push(c),
                    Err(e) => unparsable_certificates.push(e),
                }
            }
            next = f.next_required("signerInfos")?;
        }
        if next.tag == 0xA1 {
            next = f.next_required("signerInfos")?;
        }
        let signer_infos = next
            .expect(0x31, "signerInfos")?
            .children()
            .map(|si| parse_signer_info(si?))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            content_type,
            content,
            certificates,
            unparsable_certificates,
            signer_infos,
        })
    }

    /// Parses the ContentInfo at the start of a file (chips pad files; the SignedData must be
    /// whole) and requires eContentType `expected` (`name` is its text for the error).
    pub(crate) fn parse_file(
        bytes: &[u8],
        expected: ObjectIdentifier,
        name: &'static str,
    ) -> Result<Self, PaError> {
        let signed = Self::parse(tlv::parse_first(bytes)?.raw)?;
        signed.require_content_type(expected, name)?;
        Ok(signed)
    }

    /// The signingTime signed attribute of the first SignerInfo, Unix seconds.
    pub fn signing_time(&self) -> Option<i64> {
        self.signer_info().ok()?.signed_attrs.as_ref()?.signing_time
    }

    /// Fails unless eContentType is `expected`.
    pub fn require_content_type(
        &self,
        expected: ObjectIdentifier,
        name: &'static str,
    ) -> Result<(), PaError> {
        if self.content_type == expected {
            Ok(())
        } else {
            Err(PaError::WrongContentType {
                found: self.content_type.to_string(),
                expected: name,
            })
        }
    }

    /// The first (in eMRTD files: the only) SignerInfo.
    pub fn signer_info(&self) -> Result<&SignerInfo, PaError> {
        self.signer_infos.first().ok_or(PaError::NoSigner)
    }

    /// The embedded certificate the first SignerInfo names.
    pub fn signer_certificate(&self) -> Result<&Certificate, PaError> {
        let si = self.signer_info()?;
        self.certificates
            .iter()
            .find(|c| si.sid.matches(c))
            .ok_or(PaError::SignerCertificateNotFound)
    }

    /// Verifies the first SignerInfo with `cert`: contentType and messageDigest attributes,
    /// CMSAlgorithmProtection if present, and the signature over the original signed attributes.
    pub fn verify_signature(&self, cert: &Certificate) -> Result<SignatureScheme, PaError> {
        let si = self.signer_info()?;
        let digest = HashAlgorithm::from_oid(&si.digest_algorithm.oid)?;
        let scheme = SignatureScheme::from_algorithm(&si.signature_algorithm, Some(digest))?;
        let message: &[u8] = match &si.signed_attrs {
            Some(attrs) => {
                let ct = attrs
                    .content_type
                    .ok_or(PaError::MissingSignedAttribute("contentType"))?;
                if ct != self.content_type {
                    return Err(PaError::ContentTypeMismatch);
                }
                let md = attrs
                    .message_digest
                    .as_deref()
                    .ok_or(PaError::MissingSignedAttribute("messageDigest"))?;
                if md != digest.digest(&self.content).as_slice() {
                    return Err(PaError::MessageDigestMismatch);
                }
                if let Some((d, s)) = &attrs.algorithm_protection
                    && (d.oid != si.digest_algorithm.oid
                        || s.as_ref()
                            .is_some_and(|s| s.oid != si.signature_algorithm.oid))
                {
                    return Err(PaError::AlgorithmProtectionMismatch);
                }
                &attrs.der_set
            }
            None => &self.content,
        };
        cert.public_key().verify(&scheme, message, &si.signature)?;
        Ok(scheme)
    }
}

/// `CMSAlgorithmProtection ::= SEQUENCE { digestAlgorithm, signatureAlgorithm [1] IMPLICIT
/// OPTIONAL, macAlgorithm [2] IMPLICIT OPTIONAL }` (RFC 6211).
#[derive(Sequence)]
struct AlgorithmProtection {
    digest_algorithm: AlgorithmIdentifierOwned,
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    signature_algorithm: Option<AlgorithmIdentifierOwned>,
    #[asn1(context_specific = "2", tag_mode = "IMPLICIT", optional = "true")]
    mac_algorithm: Option<AlgorithmIdentifierOwned>,
}

fn parse_signer_info(t: Tlv<'_>) -> Result<SignerInfo, PaError> {
    let mut f = t.expect(0x30, "SignerInfo")?.children();
    let _version: u64 = f
        .next_required("SignerInfo version")?
        .decode("SignerInfo version")?;
    let sid_tlv = f.next_required("sid")?;
    let sid = match sid_tlv.tag {
        0x30 => {
            let mut s = sid_tlv.children();
            let issuer = s
                .next_required("issuer")?
                .expect(0x30, "issuer")?
                .raw
                .to_vec();
            let serial = s
                .next_required("serialNumber")?
                .expect(0x02, "serialNumber")?
                .content
                .to_vec();
            SignerId::IssuerSerial { issuer, serial }
        }
        0x80 => SignerId::SubjectKeyId(sid_tlv.content.to_vec()),
        _ => return Err(PaError::Malformed("SignerIdentifier")),
    };
    let digest_algorithm = AlgorithmId::from_der(f.next_required("digestAlgorithm")?.raw)?;
    let mut next = f.next_required("signatureAlgorithm")?;
    let signed_attrs = if next.tag == 0xA0 {
        let attrs = parse_signed_attrs(next)?;
        next = f.next_required("signatureAlgorithm")?;
        Some(attrs)
    } else {
        None
    };
    let signature_algorithm = AlgorithmId::from_der(next.raw)?;
    let signature = f.next_required("signature")?.octets()?;
    Ok(SignerInfo {
        sid,
        digest_algorithm,
        signed_attrs,
        signature_algorithm,
        signature,
    })
}

fn parse_signed_attrs(t: Tlv<'_>) -> Result<SignedAttributes, PaError> {
    let mut der_set = t.raw.to_vec();
    if let Some(first) = der_set.first_mut() {
        *first = 0x31;
    }
    let mut attrs = SignedAttributes {
        der_set,
        content_type: None,
        message_digest: None,
        signing_time: None,
        algorithm_protection: None,
    };
    for attr in t.children() {
        let mut a = attr?.expect(0x30, "Attribute")?.children();
        let ty: ObjectIdentifier = a.next_required("attrType")?.decode("attrType")?;
        let value = a
            .next_required("attrValues")?
            .expect(0x31, "attrValues")?
            .children()
            .next_required("attrValue")?;
        match ty {
            oid::ATTR_CONTENT_TYPE => attrs.content_type = Some(value.decode("contentType")?),
            oid::ATTR_MESSAGE_DIGEST => attrs.message_digest = Some(value.octets()?),
            oid::ATTR_SIGNING_TIME => {
                let time: x509_cert::time::Time = value.decode("signingTime")?;
                attrs.signing_time = i64::try_from(time.to_unix_duration().as_secs()).ok();
            }
            oid::ATTR_ALGORITHM_PROTECTION => {
                let p: AlgorithmProtection = value.decode("CMSAlgorithmProtection")?;
                let sig = p
                    .signature_algorithm
                    .as_ref()
                    .map(AlgorithmId::from_typed)
                    .transpose()?;
                attrs.algorithm_protection =
                    Some((AlgorithmId::from_typed(&p.digest_algorithm)?, sig));
            }
            _ => {}
        }
    }
    Ok(attrs)
}

#[cfg(test)]
mod tests {
    use super::same_integer;

    #[test]
    fn integers_compare_by_value_not_by_redundant_sign_octets() {
        assert!(same_integer(&[0x00, 0x05], &[0x05]));
        assert!(same_integer(&[0x00, 0x00, 0x7F], &[0x7F]));
        assert!(same_integer(&[0xFF, 0x80], &[0x80]));
        assert!(same_integer(&[0x00, 0x80], &[0x00, 0x80]));
        assert!(!same_integer(&[0x00, 0x80], &[0x80]), "+128 is not -128");
        assert!(!same_integer(&[0x01, 0x02], &[0x02]));
    }
}
