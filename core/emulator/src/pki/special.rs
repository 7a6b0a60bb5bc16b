//! Certificates, CRLs, EF.SODs and master lists made at run time, for the fault catalogue
//! and for the trust-policy tests: a rogue signer under a CSCA no trust store holds, an
//! expired signer of the committed Utopian ECDSA CSCA, and a small toolkit ([`TestCsca`],
//! [`CertOptions`], [`sign_sod_with`], [`master_list`]) to build any special case (expired or
//! unanchored CSCAs, odd key usages, document-type and private-key-usage-period extensions,
//! reordered issuer names, the legacy id-data eContentType, stale and broken CRLs). P-256
//! keys drawn from fixed seeds, so they are quick to make and the same on every run; nothing
//! here touches the committed fixtures.

use rand_core::Rng as _;
use sha2::{Digest, Sha256};
use tapid_mrtd::oid;
use tapid_mrtd::pa::Certificate;

use super::{
    DocumentSigner, PkiError,
    cert::{CertProfile, Issuer, issue, issue_crl},
    der,
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

/// KeyUsage of a CSCA: keyCertSign and cRLSign.
pub const KEY_USAGE_CA: &[u8] = &[0x01, 0x06];
/// KeyUsage of a Document Signer: digitalSignature.
pub const KEY_USAGE_DIGITAL_SIGNATURE: &[u8] = &[0x07, 0x80];
/// KeyUsage nonRepudiation only (no digitalSignature).
pub const KEY_USAGE_NON_REPUDIATION: &[u8] = &[0x06, 0x40];
/// KeyUsage keyEncipherment only.
pub const KEY_USAGE_KEY_ENCIPHERMENT: &[u8] = &[0x05, 0x20];

/// A Name from attributes in the given order, each its own RDN (PrintableString values).
pub fn name(attributes: &[(&oid::Oid, &str)]) -> Vec<u8> {
    let rdns: Vec<Vec<u8>> = attributes
        .iter()
        .map(|(o, v)| der::set_of(&[&der::seq(&[&der::oid(o), &der::tlv(0x13, v.as_bytes())])]))
        .collect();
    let refs: Vec<&[u8]> = rdns.iter().map(Vec::as_slice).collect();
    der::seq(&refs)
}

/// `C=country, O=org, CN=cn`, the shape of every test PKI name.
pub fn simple_name(country: &str, org: &str, cn: &str) -> Vec<u8> {
    der::name(country, org, cn)
}

/// What a run-time certificate says beyond its names and validity.
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

    /// The same with a DocumentTypeList `SEQUENCE { version 0, SET OF PrintableString }`.
    pub fn with_document_types(mut self, types: &[&str]) -> Self {
        let strings: Vec<Vec<u8>> = types.iter().map(|t| der::tlv(0x13, t.as_bytes())).collect();
        let refs: Vec<&[u8]> = strings.iter().map(Vec::as_slice).collect();
        self.document_types = Some(der::seq(&[&der::small(0), &der::set_of(&refs)]));
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

fn extension(id: &oid::Oid, critical: bool, value: &[u8]) -> Vec<u8> {
    if critical {
        der::seq(&[&der::oid(id), &[0x01, 0x01, 0xFF], &der::octets(value)])
    } else {
        der::seq(&[&der::oid(id), &der::octets(value)])
    }
}

/// GeneralizedTime content `YYYYMMDDHHMMSSZ` (the private key usage period requires it).
fn generalized_time(unix: i64) -> Vec<u8> {
    let t = der::time(unix);
    // der::time gives UTCTime (YYMMDD…) for 1950..2049; widen it to four digits.
    match t.split_first() {
        Some((0x17, rest)) => {
            let text = rest.get(1..).unwrap_or_default();
            let yy = text
                .get(..2)
                .and_then(|y| std::str::from_utf8(y).ok())
                .and_then(|y| y.parse::<u32>().ok())
                .unwrap_or(0);
            let century: &[u8] = if yy >= 50 { b"19" } else { b"20" };
            [century, text].concat()
        }
        Some((_, rest)) => rest.get(1..).unwrap_or_default().to_vec(),
        None => Vec::new(),
    }
}

/// Issues a certificate with `options` for `subject_key`, signed by `issuer` (pass the subject
/// itself for a self-signed CSCA).
pub fn issue_with(
    options: &CertOptions,
    profile: &CertProfile<'_>,
    subject_key: &SigningKey,
    issuer: Issuer<'_>,
) -> Result<Vec<u8>, PkiError> {
    let ski = subject_key.key_id()?;
    let aki = issuer.key.key_id()?;
    let mut exts = vec![
        extension(&oid::EXT_SUBJECT_KEY_ID, false, &der::octets(&ski)),
        extension(
            &oid::EXT_AUTHORITY_KEY_ID,
            false,
            &der::seq(&[&der::tlv(0x80, &aki)]),
        ),
    ];
    if let Some(bits) = &options.key_usage {
        exts.push(extension(&oid::EXT_KEY_USAGE, true, &der::tlv(0x03, bits)));
    }
    if options.ca {
        exts.push(extension(
            &oid::EXT_BASIC_CONSTRAINTS,
            true,
            &der::seq(&[&[0x01, 0x01, 0xFF]]),
        ));
    }
    if let Some((nb, na)) = options.private_key_usage {
        let mut fields = Vec::new();
        if let Some(t) = nb {
            fields.push(der::tlv(0x80, &generalized_time(t)));
        }
        if let Some(t) = na {
            fields.push(der::tlv(0x81, &generalized_time(t)));
        }
        let refs: Vec<&[u8]> = fields.iter().map(Vec::as_slice).collect();
        exts.push(extension(
            &oid::EXT_PRIVATE_KEY_USAGE_PERIOD,
            false,
            &der::seq(&refs),
        ));
    }
    if let Some(list) = &options.document_types {
        exts.push(extension(&oid::EXT_DOCUMENT_TYPE_LIST, false, list));
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
        let name = der::name(country, "tapid test", cn);
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

/// EF.SOD over `dgs` (LDSSecurityObject v0, SHA-256), signed by `ds` as `options` says,
/// wrapped in tag `77`.
pub fn sign_sod_with(
    ds: &DocumentSigner,
    dgs: &[(u8, &[u8])],
    options: &SodOptions,
) -> Result<Vec<u8>, PkiError> {
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
    let content_type = options.content_type;
    let attr = |id: &oid::Oid, value: &[u8]| der::seq(&[&der::oid(id), &der::set_of(&[value])]);
    let mut attrs = vec![
        attr(&oid::ATTR_CONTENT_TYPE, &der::oid(&content_type)),
        attr(
            &oid::ATTR_MESSAGE_DIGEST,
            &der::octets(&Sha256::digest(&lso)),
        ),
    ];
    match options.signing_time {
        SigningTimeAttr::Signer => {
            attrs.push(attr(&oid::ATTR_SIGNING_TIME, &der::time(ds.signing_time())))
        }
        SigningTimeAttr::At(t) => attrs.push(attr(&oid::ATTR_SIGNING_TIME, &der::time(t))),
        SigningTimeAttr::Absent => {}
    }
    let attr_refs: Vec<&[u8]> = attrs.iter().map(Vec::as_slice).collect();
    let signed_set = der::set_of(&attr_refs);
    let signature = ds.key().sign(&signed_set)?;
    let mut signed_attrs = signed_set;
    if let Some(tag) = signed_attrs.first_mut() {
        *tag = 0xA0;
    }
    let cert = ds.certificate();
    let (version, sid) = match &options.signer_id {
        SignerIdForm::IssuerSerial => (
            1,
            der::seq(&[cert.issuer_der(), &der::tlv(0x02, cert.serial())]),
        ),
        SignerIdForm::IssuerSerialNamed(issuer) => {
            (1, der::seq(&[issuer, &der::tlv(0x02, cert.serial())]))
        }
        SignerIdForm::SubjectKeyId => {
            (3, der::tlv(0x80, cert.subject_key_id().unwrap_or_default()))
        }
    };
    let sha256 = der::seq(&[&der::oid(&oid::SHA256)]);
    let signer_info = der::seq(&[
        &der::small(version),
        &sid,
        &sha256,
        &signed_attrs,
        &ds.key().signature_algorithm(),
        &der::octets(&signature),
    ]);
    let signed = der::seq(&[
        &der::small(3),
        &der::set_of(&[&sha256]),
        &der::seq(&[&der::oid(&content_type), &der::ctx(0, &der::octets(&lso))]),
        &der::ctx(0, cert.der()),
        &der::set_of(&[&signer_info]),
    ]);
    let content_info = der::seq(&[&der::oid(&oid::SIGNED_DATA), &der::ctx(0, &signed)]);
    Ok(der::tlv(0x77, &content_info))
}

/// A CSCA master list (ICAO 9303-12) of `certificates`, signed by `signer` (whose certificate
/// the list embeds).
pub fn master_list(signer: &DocumentSigner, certificates: &[&[u8]]) -> Result<Vec<u8>, PkiError> {
    let content = der::seq(&[&der::small(0), &der::set_of(certificates)]);
    super::signed::signed_data(signer, &oid::CSCA_MASTER_LIST, &content)
}
