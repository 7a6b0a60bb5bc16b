//! The service's TLS PKI: a certificate authority, the server's certificate and the client
//! certificates of relying parties and issuers, all ECDSA P-256, encoded with the `der` and
//! x509-cert types tapid decodes certificates with everywhere (one ASN.1 stack). Keys come
//! from a seed, and ECDSA signatures are deterministic (RFC 6979), so the same seed gives the
//! same files byte for byte: the test CA in `fixtures/service-pki` is reproducible, and
//! `tapid demo` makes a fresh one from a random seed per run.
//!
//! A client certificate names its party in the subject: `CN` is the party's id, `OU` its role
//! (`relying-party` or `issuer`), `O` its display name (see [`crate::tls::Party`]).

use std::time::Duration;

use der::asn1::{Any, BitString, Ia5String, ObjectIdentifier, OctetString, Utf8StringRef};
use der::{DateTime, Decode, Encode, Sequence};
use p256::ecdsa::SigningKey;
use p256::pkcs8::{EncodePrivateKey, EncodePublicKey};
use sha2::{Digest, Sha256};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::certificate::Version;
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages, SubjectAltName,
};
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};
use zeroize::Zeroizing;

const CN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
const O: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");
const OU: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.11");
const ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const SERVER_AUTH: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.1");
const CLIENT_AUTH: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.2");
const EXT_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
const EXT_SAN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.17");
const EXT_BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");
const EXT_EKU: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");

/// The subject attribute names of a party's role.
pub mod role {
    /// `OU` of a relying party's certificate.
    pub const RELYING_PARTY: &str = "relying-party";
    /// `OU` of an issuer's certificate.
    pub const ISSUER: &str = "issuer";
}

/// Why a certificate could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PkiError {
    /// An encoding step failed.
    #[error("encoding {0}")]
    Encode(&'static str),
    /// A time outside what a certificate can carry.
    #[error("time out of range")]
    Time,
}

fn enc(what: &'static str) -> impl Fn(der::Error) -> PkiError {
    move |_| PkiError::Encode(what)
}

/// A certificate (DER) with its private key (PKCS #8 DER, zeroized on drop).
#[derive(Clone)]
pub struct Credential {
    /// The certificate, DER.
    pub cert_der: Vec<u8>,
    /// The private key, PKCS #8 DER.
    pub key_pkcs8: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Credential({} byte certificate)", self.cert_der.len())
    }
}

impl Credential {
    /// The certificate as PEM.
    pub fn cert_pem(&self) -> String {
        pem("CERTIFICATE", &self.cert_der)
    }

    /// The private key as PEM.
    pub fn key_pem(&self) -> Zeroizing<String> {
        Zeroizing::new(pem("PRIVATE KEY", &self.key_pkcs8))
    }
}

/// PEM text of `der` under `label` (64-column base64).
pub fn pem(label: &str, der: &[u8]) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// A certificate authority that issues the server's and the parties' certificates.
pub struct Authority {
    key: SigningKey,
    name: Name,
    cert_der: Vec<u8>,
    seed: Zeroizing<Vec<u8>>,
    not_before: i64,
    not_after: i64,
    serial: u64,
}

impl std::fmt::Debug for Authority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Authority(..)")
    }
}

/// A P-256 key derived from `seed` and `label`: SHA-256(seed ‖ label ‖ counter) until it is a
/// valid scalar.
fn derive_key(seed: &[u8], label: &str) -> Result<SigningKey, PkiError> {
    for counter in 0u32..64 {
        let digest = Zeroizing::new(
            Sha256::new()
                .chain_update(seed)
                .chain_update(label.as_bytes())
                .chain_update(counter.to_be_bytes())
                .finalize(),
        );
        if let Ok(k) = SigningKey::from_slice(digest.as_slice()) {
            return Ok(k);
        }
    }
    Err(PkiError::Encode("key"))
}

fn name(attrs: &[(ObjectIdentifier, &str)]) -> Result<Name, PkiError> {
    let rdns = attrs
        .iter()
        .map(|(oid, v)| {
            let value = Any::encode_from(&Utf8StringRef::new(v).map_err(enc("name"))?)
                .map_err(enc("name"))?;
            RelativeDistinguishedName::try_from(vec![AttributeTypeAndValue { oid: *oid, value }])
                .map_err(enc("name"))
        })
        .collect::<Result<Vec<_>, PkiError>>()?;
    Ok(Name::hazmat_from_rdn_sequence(RdnSequence::from(rdns)))
}

fn time(unix: i64) -> Result<Time, PkiError> {
    let secs = u64::try_from(unix).map_err(|_| PkiError::Time)?;
    DateTime::from_unix_duration(Duration::from_secs(secs))
        .map(Time::from)
        .map_err(|_| PkiError::Time)
}

fn spki(key: &SigningKey) -> Result<SubjectPublicKeyInfoOwned, PkiError> {
    let der = key
        .verifying_key()
        .to_public_key_der()
        .map_err(|_| PkiError::Encode("public key"))?;
    SubjectPublicKeyInfoOwned::from_der(der.as_bytes()).map_err(enc("public key"))
}

fn extension(
    id: ObjectIdentifier,
    critical: bool,
    value: &impl Encode,
) -> Result<Extension, PkiError> {
    Ok(Extension {
        extn_id: id,
        critical,
        extn_value: OctetString::new(value.to_der().map_err(enc("extension"))?)
            .map_err(enc("extension"))?,
    })
}

/// `TBSCertificate` (RFC 5280 §4.1), v3, spelled out with x509-cert's field types (its own type
/// is built only through its builder).
#[derive(Sequence)]
struct Tbs {
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

#[derive(Sequence)]
struct Signed {
    tbs: Any,
    signature_algorithm: AlgorithmIdentifierOwned,
    signature: BitString,
}

fn algorithm() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: ECDSA_SHA256,
        parameters: None,
    }
}

fn sign(tbs: &Tbs, key: &SigningKey) -> Result<Vec<u8>, PkiError> {
    use p256::ecdsa::signature::Signer;
    let tbs_der = tbs.to_der().map_err(enc("certificate"))?;
    let sig: p256::ecdsa::Signature = key.sign(&tbs_der);
    Signed {
        tbs: Any::from_der(&tbs_der).map_err(enc("certificate"))?,
        signature_algorithm: algorithm(),
        signature: BitString::from_bytes(sig.to_der().as_bytes()).map_err(enc("signature"))?,
    }
    .to_der()
    .map_err(enc("certificate"))
}

fn pkcs8(key: &SigningKey) -> Result<Zeroizing<Vec<u8>>, PkiError> {
    key.to_pkcs8_der()
        .map(|d| Zeroizing::new(d.as_bytes().to_vec()))
        .map_err(|_| PkiError::Encode("private key"))
}

impl Authority {
    /// A CA named `CN=<cn>` whose key and every key it issues derive from `seed`, its
    /// certificates valid from `not_before` to `not_after` (Unix seconds).
    pub fn new(seed: &[u8], cn: &str, not_before: i64, not_after: i64) -> Result<Self, PkiError> {
        let key = derive_key(seed, "ca")?;
        let subject = name(&[(O, "tapid"), (CN, cn)])?;
        let ku = KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign);
        let tbs = Tbs {
            version: Version::V3,
            serial_number: SerialNumber::from(1u64),
            signature: algorithm(),
            issuer: subject.clone(),
            validity: Validity::new(time(not_before)?, time(not_after)?),
            subject: subject.clone(),
            subject_public_key_info: spki(&key)?,
            extensions: vec![
                extension(
                    EXT_BASIC_CONSTRAINTS,
                    true,
                    &BasicConstraints {
                        ca: true,
                        path_len_constraint: Some(0),
                    },
                )?,
                extension(EXT_KEY_USAGE, true, &ku)?,
            ],
        };
        let cert_der = sign(&tbs, &key)?;
        Ok(Self {
            key,
            name: subject,
            cert_der,
            seed: Zeroizing::new(seed.to_vec()),
            not_before,
            not_after,
            serial: 1,
        })
    }

    /// The CA certificate, DER.
    pub fn cert_der(&self) -> &[u8] {
        &self.cert_der
    }

    /// The CA certificate, PEM.
    pub fn cert_pem(&self) -> String {
        pem("CERTIFICATE", &self.cert_der)
    }

    fn issue(
        &mut self,
        label: &str,
        subject: Name,
        eku: ObjectIdentifier,
        san: Vec<GeneralName>,
    ) -> Result<Credential, PkiError> {
        let key = derive_key(&self.seed, label)?;
        self.serial += 1;
        let ku = KeyUsage(KeyUsages::DigitalSignature.into());
        let mut extensions = vec![
            extension(
                EXT_BASIC_CONSTRAINTS,
                true,
                &BasicConstraints {
                    ca: false,
                    path_len_constraint: None,
                },
            )?,
            extension(EXT_KEY_USAGE, true, &ku)?,
            extension(EXT_EKU, false, &ExtendedKeyUsage(vec![eku]))?,
        ];
        if !san.is_empty() {
            extensions.push(extension(EXT_SAN, false, &SubjectAltName(san))?);
        }
        let tbs = Tbs {
            version: Version::V3,
            serial_number: SerialNumber::from(self.serial),
            signature: algorithm(),
            issuer: self.name.clone(),
            validity: Validity::new(time(self.not_before)?, time(self.not_after)?),
            subject,
            subject_public_key_info: spki(&key)?,
            extensions,
        };
        Ok(Credential {
            cert_der: sign(&tbs, &self.key)?,
            key_pkcs8: pkcs8(&key)?,
        })
    }

    /// The service's TLS server certificate for `localhost`, `127.0.0.1` and `::1`.
    pub fn server(&mut self) -> Result<Credential, PkiError> {
        let dns = Ia5String::new("localhost").map_err(enc("name"))?;
        let v4 = OctetString::new(vec![127, 0, 0, 1]).map_err(enc("name"))?;
        let mut v6 = vec![0u8; 16];
        if let Some(last) = v6.last_mut() {
            *last = 1;
        }
        let v6 = OctetString::new(v6).map_err(enc("name"))?;
        let subject = name(&[(O, "tapid"), (CN, "localhost")])?;
        self.issue(
            "server",
            subject,
            SERVER_AUTH,
            vec![
                GeneralName::DnsName(dns),
                GeneralName::IpAddress(v4),
                GeneralName::IpAddress(v6),
            ],
        )
    }

    /// A client certificate for the party `id` in `role` ([`role`]), shown as `display`.
    pub fn client(&mut self, id: &str, role: &str, display: &str) -> Result<Credential, PkiError> {
        let subject = name(&[(O, display), (OU, role), (CN, id)])?;
        self.issue(&format!("client:{id}"), subject, CLIENT_AUTH, Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_certificates() {
        let make = || {
            let mut ca = Authority::new(b"seed", "test CA", 1_767_225_600, 2_082_758_400).unwrap();
            let server = ca.server().unwrap();
            let rp = ca.client("shop", role::RELYING_PARTY, "Shop AB").unwrap();
            (ca.cert_der().to_vec(), server.cert_der, rp.cert_der)
        };
        assert_eq!(make(), make());
        let mut other = Authority::new(b"other", "test CA", 1_767_225_600, 2_082_758_400).unwrap();
        assert_ne!(other.cert_der(), make().0.as_slice());
        let cert =
            x509_cert::Certificate::from_der(&other.client("x", "issuer", "X").unwrap().cert_der)
                .unwrap();
        assert_eq!(
            cert.tbs_certificate().serial_number(),
            &SerialNumber::from(2u64)
        );
        assert!(
            other
                .cert_pem()
                .starts_with("-----BEGIN CERTIFICATE-----\n")
        );
    }
}
