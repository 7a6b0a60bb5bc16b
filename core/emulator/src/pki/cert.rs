//! Issuing X.509 certificates and CRLs for the test PKI, encoded with the `der` and x509-cert
//! types the terminal side decodes them with.

use std::time::Duration;

use der::asn1::{Any, AnyRef, BitString, GeneralizedTime, OctetString, PrintableString, SetOfVec};
use der::{DateTime, Decode, Encode, Sequence, Tag};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use tapid_mrtd::oid;
use x509_cert::{
    attr::AttributeTypeAndValue,
    certificate::Version,
    crl::{RevokedCert, TbsCertList},
    ext::{
        Extension,
        pkix::{
            AuthorityKeyIdentifier, BasicConstraints, PrivateKeyUsagePeriod, SubjectKeyIdentifier,
        },
    },
    name::{Name, RdnSequence, RelativeDistinguishedName},
    serial_number::SerialNumber,
    time::{Time, Validity},
};

use super::{PkiError, keys::SigningKey};

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

/// KeyUsage of a CSCA: keyCertSign and cRLSign.
pub const KEY_USAGE_CA: &[u8] = &[0x01, 0x06];
/// KeyUsage of a Document Signer: digitalSignature.
pub const KEY_USAGE_DIGITAL_SIGNATURE: &[u8] = &[0x07, 0x80];
/// KeyUsage nonRepudiation only (no digitalSignature).
pub const KEY_USAGE_NON_REPUDIATION: &[u8] = &[0x06, 0x40];
/// KeyUsage keyEncipherment only.
pub const KEY_USAGE_KEY_ENCIPHERMENT: &[u8] = &[0x05, 0x20];

/// What a certificate says beyond its names and validity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertOptions {
    /// The KeyUsage BIT STRING content (unused-bits octet and the bits), `None` for no
    /// KeyUsage extension.
    pub key_usage: Option<Vec<u8>>,
    /// basicConstraints cA = TRUE.
    pub ca: bool,
    /// The ICAO DocumentTypeList extension (2.23.136.1.1.6.2) as raw DER, when present.
    pub document_types: Option<Vec<u8>>,
    /// The private key usage period extension (2.5.29.16): (notBefore, notAfter).
    pub private_key_usage: Option<(Option<i64>, Option<i64>)>,
}

/// `DocumentTypeListSyntax ::= SEQUENCE { version INTEGER, docTypeList SET OF DocumentType }`.
#[derive(Sequence)]
struct DocumentTypeList {
    version: u64,
    doc_type_list: SetOfVec<PrintableString>,
}

impl CertOptions {
    /// A CSCA: keyCertSign and cRLSign, cA.
    pub fn csca() -> Self {
        Self {
            key_usage: Some(KEY_USAGE_CA.to_vec()),
            ca: true,
            document_types: None,
            private_key_usage: None,
        }
    }

    /// A Document Signer (or master list signer): digitalSignature.
    pub fn document_signer() -> Self {
        Self {
            key_usage: Some(KEY_USAGE_DIGITAL_SIGNATURE.to_vec()),
            ca: false,
            document_types: None,
            private_key_usage: None,
        }
    }

    /// What [`issue`] gives a CSCA (`is_ca`) or a Document Signer.
    pub fn for_profile(profile: &CertProfile<'_>) -> Self {
        if profile.is_ca {
            Self::csca()
        } else {
            Self::document_signer()
        }
    }

    /// The same with a DocumentTypeList `SEQUENCE { version 0, SET OF PrintableString }`
    /// (no list when a type is not a PrintableString).
    pub fn with_document_types(mut self, types: &[&str]) -> Self {
        self.document_types = types
            .iter()
            .map(PrintableString::new)
            .collect::<der::Result<Vec<_>>>()
            .and_then(SetOfVec::try_from)
            .and_then(|doc_type_list| {
                DocumentTypeList {
                    version: 0,
                    doc_type_list,
                }
                .to_der()
            })
            .ok();
        self
    }

    /// The same with a private key usage period.
    pub fn with_private_key_usage(
        mut self,
        not_before: Option<i64>,
        not_after: Option<i64>,
    ) -> Self {
        self.private_key_usage = Some((not_before, not_after));
        self
    }
}

/// A `der`/x509-cert encoding failure as a [`PkiError`].
pub(crate) fn encoding(what: &'static str) -> impl Fn(der::Error) -> PkiError {
    move |e| PkiError::Encode {
        what,
        detail: e.to_string(),
    }
}

/// A Name from attributes in the given order, each its own RDN (PrintableString values).
pub fn name(attributes: &[(&oid::Oid, &str)]) -> Vec<u8> {
    let rdns = attributes
        .iter()
        .map(|(o, v)| {
            let atv = AttributeTypeAndValue {
                oid: **o,
                value: Any::new(Tag::PrintableString, v.as_bytes())?,
            };
            RelativeDistinguishedName::try_from(vec![atv])
        })
        .collect::<der::Result<Vec<_>>>();
    // Encoding a few short strings cannot fail (`der` fails only past 256 MiB); an empty
    // result would be refused by every parser.
    rdns.and_then(|r| Name::hazmat_from_rdn_sequence(RdnSequence::from(r)).to_der())
        .unwrap_or_default()
}

/// `C=country, O=org, CN=cn`, the shape of every test PKI name.
pub fn simple_name(country: &str, org: &str, cn: &str) -> Vec<u8> {
    name(&[
        (&oid::COUNTRY_NAME, country),
        (&oid::ORGANIZATION_NAME, org),
        (&oid::COMMON_NAME, cn),
    ])
}

fn date_time(unix: i64) -> Result<DateTime, PkiError> {
    let secs = u64::try_from(unix).map_err(|_| PkiError::Encode {
        what: "time",
        detail: "before 1970".into(),
    })?;
    DateTime::from_unix_duration(Duration::from_secs(secs)).map_err(encoding("time"))
}

/// UTCTime (years up to 2049) or GeneralizedTime for a Unix time, as RFC 5280 requires.
pub(crate) fn time(unix: i64) -> Result<Time, PkiError> {
    date_time(unix).map(Time::from)
}

fn extension(id: oid::Oid, critical: bool, value: &impl Encode) -> Result<Extension, PkiError> {
    let value = value.to_der().map_err(encoding("extension"))?;
    Ok(Extension {
        extn_id: id,
        critical,
        extn_value: OctetString::new(value).map_err(encoding("extension"))?,
    })
}

/// The key identifier extensions every test certificate and CRL carries.
fn authority_key_id(issuer: &SigningKey) -> Result<Extension, PkiError> {
    let aki = AuthorityKeyIdentifier {
        key_identifier: Some(OctetString::new(issuer.key_id()?).map_err(encoding("AKI"))?),
        authority_cert_issuer: None,
        authority_cert_serial_number: None,
    };
    extension(oid::EXT_AUTHORITY_KEY_ID, false, &aki)
}

/// `TBSCertificate` (RFC 5280 §4.1), v3 with extensions, for encoding. x509-cert's own type
/// has crate-private fields (it is built only by its builder, which chooses the extensions
/// itself), so the test PKI spells the SEQUENCE out with x509-cert's field types.
#[derive(Sequence)]
struct TbsCertificate {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    version: Version,
    serial_number: SerialNumber,
    signature: AlgorithmIdentifierOwned,
    issuer: Name,
    validity: Validity,
    subject: Name,
    subject_public_key_info: SubjectPublicKeyInfoOwned,
    #[asn1(context_specific = "3", tag_mode = "EXPLICIT")]
    extensions: Vec<Extension>,
}

/// `SEQUENCE { tbs, signatureAlgorithm, signatureValue }` of a certificate or CRL.
#[derive(Sequence)]
struct SignedDer<'a> {
    tbs: AnyRef<'a>,
    signature_algorithm: AlgorithmIdentifierOwned,
    signature: BitString,
}

/// Signs an encoded TBS part with `key` and wraps it as a certificate or CRL.
fn sign_tbs(tbs: &impl Encode, key: &SigningKey) -> Result<Vec<u8>, PkiError> {
    let tbs = tbs.to_der().map_err(encoding("TBS"))?;
    let signature = key.sign(&tbs)?;
    SignedDer {
        tbs: AnyRef::from_der(&tbs).map_err(encoding("TBS"))?,
        signature_algorithm: key.signature_algorithm(),
        signature: BitString::from_bytes(&signature).map_err(encoding("signature"))?,
    }
    .to_der()
    .map_err(encoding("signed structure"))
}

fn decode_name(der: &[u8]) -> Result<Name, PkiError> {
    Name::from_der(der).map_err(encoding("Name"))
}

/// Issues a certificate for `subject_key` signed by `issuer` (pass the subject itself for a
/// self-signed CSCA), with the extensions of a CSCA or a Document Signer.
pub fn issue(
    profile: &CertProfile<'_>,
    subject_key: &SigningKey,
    issuer: Issuer<'_>,
) -> Result<Vec<u8>, PkiError> {
    issue_with(
        &CertOptions::for_profile(profile),
        profile,
        subject_key,
        issuer,
    )
}

/// Issues a certificate with `options` for `subject_key`, signed by `issuer` (pass the subject
/// itself for a self-signed CSCA).
pub fn issue_with(
    options: &CertOptions,
    profile: &CertProfile<'_>,
    subject_key: &SigningKey,
    issuer: Issuer<'_>,
) -> Result<Vec<u8>, PkiError> {
    let ski = OctetString::new(subject_key.key_id()?).map_err(encoding("SKI"))?;
    let mut extensions = vec![
        extension(oid::EXT_SUBJECT_KEY_ID, false, &SubjectKeyIdentifier(ski))?,
        authority_key_id(issuer.key)?,
    ];
    if let Some(bits) = &options.key_usage {
        // The bits as given (tests use odd ones), not a typed KeyUsage.
        let bits = Any::new(Tag::BitString, bits.as_slice()).map_err(encoding("KeyUsage"))?;
        extensions.push(extension(oid::EXT_KEY_USAGE, true, &bits)?);
    }
    if options.ca {
        let constraints = BasicConstraints {
            ca: true,
            path_len_constraint: None,
        };
        extensions.push(extension(oid::EXT_BASIC_CONSTRAINTS, true, &constraints)?);
    }
    if let Some((not_before, not_after)) = options.private_key_usage {
        let generalized = |t: Option<i64>| {
            t.map(|t| date_time(t).map(GeneralizedTime::from_date_time))
                .transpose()
        };
        let period = PrivateKeyUsagePeriod {
            not_before: generalized(not_before)?,
            not_after: generalized(not_after)?,
        };
        extensions.push(extension(
            oid::EXT_PRIVATE_KEY_USAGE_PERIOD,
            false,
            &period,
        )?);
    }
    if let Some(list) = &options.document_types {
        let raw = AnyRef::from_der(list).map_err(encoding("DocumentTypeList"))?;
        extensions.push(extension(oid::EXT_DOCUMENT_TYPE_LIST, false, &raw)?);
    }
    let tbs = TbsCertificate {
        version: Version::V3,
        serial_number: SerialNumber::from(profile.serial),
        signature: issuer.key.signature_algorithm(),
        issuer: decode_name(issuer.name)?,
        validity: Validity::new(time(profile.not_before)?, time(profile.not_after)?),
        subject: decode_name(profile.subject)?,
        subject_public_key_info: subject_key.spki()?,
        extensions,
    };
    sign_tbs(&tbs, issuer.key)
}

/// Issues a CRL listing `revoked` serials (all revoked at `this_update`).
pub fn issue_crl(
    issuer: Issuer<'_>,
    this_update: i64,
    next_update: i64,
    revoked: &[u64],
) -> Result<Vec<u8>, PkiError> {
    let revoked = revoked
        .iter()
        .map(|s| {
            Ok(RevokedCert {
                serial_number: SerialNumber::from(*s),
                revocation_date: time(this_update)?,
                crl_entry_extensions: None,
            })
        })
        .collect::<Result<Vec<_>, PkiError>>()?;
    let tbs: TbsCertList = TbsCertList {
        version: Version::V2,
        signature: issuer.key.signature_algorithm(),
        issuer: decode_name(issuer.name)?,
        this_update: time(this_update)?,
        next_update: Some(time(next_update)?),
        revoked_certificates: Some(revoked),
        crl_extensions: Some(vec![authority_key_id(issuer.key)?]),
    };
    sign_tbs(&tbs, issuer.key)
}
