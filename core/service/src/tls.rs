//! Mutual TLS as BankID does it: rustls with the `ring` provider; the server presents its
//! certificate; a client may present one issued by the service's client CA, and the
//! relying party or issuer is read from that certificate (x509-cert, the ASN.1 stack tapid
//! uses everywhere). The app API needs no client certificate: the app proves itself with its
//! device key per request.

use std::sync::Arc;

use der::Decode;
use der::asn1::{ObjectIdentifier, PrintableStringRef, Utf8StringRef};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig};

use crate::pki::role;

const CN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
const O: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");
const OU: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.11");

/// Why the TLS configuration could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TlsError {
    /// A certificate or key file is not PEM or DER of the expected kind.
    #[error("{0} is not a usable PEM or DER file")]
    Material(&'static str),
    /// rustls refused the configuration.
    #[error("TLS configuration: {0}")]
    Config(String),
}

/// What a party is allowed to call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A relying party: `/rp/v6.0/*`.
    RelyingParty,
    /// An issuer of identities: `/issuer/v1/*`.
    Issuer,
}

/// The client a certificate names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    /// Its id (the subject's `CN`); a relying party sees only the orders it started.
    pub id: String,
    /// Its role (the subject's `OU`).
    pub role: Role,
    /// Its display name (the subject's `O`), shown to the user in the app.
    pub display_name: String,
}

/// Reads the party from a (verified) client certificate: `CN` = id, `OU` = role, `O` = name.
/// `None` when the certificate does not name one.
pub fn party(cert_der: &[u8]) -> Option<Party> {
    let cert = x509_cert::Certificate::from_der(cert_der).ok()?;
    let mut cn = None;
    let mut ou = None;
    let mut o = None;
    {
        for atv in cert.tbs_certificate().subject().iter() {
            let text = atv
                .value
                .decode_as::<Utf8StringRef<'_>>()
                .map(|s| s.as_str().to_owned())
                .or_else(|_| {
                    atv.value
                        .decode_as::<PrintableStringRef<'_>>()
                        .map(|s| s.as_str().to_owned())
                })
                .ok();
            match atv.oid {
                oid if oid == CN => cn = text,
                oid if oid == OU => ou = text,
                oid if oid == O => o = text,
                _ => {}
            }
        }
    }
    let role = match ou.as_deref()? {
        role::RELYING_PARTY => Role::RelyingParty,
        role::ISSUER => Role::Issuer,
        _ => return None,
    };
    let id = cn.filter(|c| !c.is_empty())?;
    Some(Party {
        display_name: o.unwrap_or_else(|| id.clone()),
        id,
        role,
    })
}

/// Certificates from PEM (one or more) or a single DER certificate.
pub fn certificates(
    bytes: &[u8],
    what: &'static str,
) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    if bytes.starts_with(b"-----") {
        let certs = CertificateDer::pem_slice_iter(bytes)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| TlsError::Material(what))?;
        if certs.is_empty() {
            return Err(TlsError::Material(what));
        }
        Ok(certs)
    } else if x509_cert::Certificate::from_der(bytes).is_ok() {
        Ok(vec![CertificateDer::from(bytes.to_vec())])
    } else {
        Err(TlsError::Material(what))
    }
}

/// A private key from PEM or PKCS #8 DER.
pub fn private_key(bytes: &[u8], what: &'static str) -> Result<PrivateKeyDer<'static>, TlsError> {
    if bytes.starts_with(b"-----") {
        PrivateKeyDer::from_pem_slice(bytes).map_err(|_| TlsError::Material(what))
    } else {
        PrivateKeyDer::try_from(bytes.to_vec()).map_err(|_| TlsError::Material(what))
    }
}

/// The server's TLS material.
#[derive(Debug)]
pub struct ServerTls {
    /// The server certificate chain (leaf first).
    pub chain: Vec<CertificateDer<'static>>,
    /// The server's private key.
    pub key: PrivateKeyDer<'static>,
    /// The CAs whose client certificates identify relying parties and issuers.
    pub client_cas: Vec<CertificateDer<'static>>,
}

/// The rustls provider tapid uses: `ring`.
pub fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The server configuration: TLS 1.2/1.3 with `ring`, client certificates optional but
/// verified against `client_cas` when presented, HTTP/1.1.
pub fn server_config(tls: ServerTls) -> Result<Arc<ServerConfig>, TlsError> {
    let provider = provider();
    let mut roots = RootCertStore::empty();
    for ca in tls.client_cas {
        roots.add(ca).map_err(|e| TlsError::Config(e.to_string()))?;
    }
    let verifier =
        WebPkiClientVerifier::builder_with_provider(Arc::new(roots), Arc::clone(&provider))
            .allow_unauthenticated()
            .build()
            .map_err(|e| TlsError::Config(e.to_string()))?;
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Config(e.to_string()))?
        .with_client_cert_verifier(verifier)
        .with_single_cert(tls.chain, tls.key)
        .map_err(|e| TlsError::Config(e.to_string()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::Authority;

    #[test]
    fn the_party_is_read_from_the_certificate() {
        let mut ca = Authority::new(b"t", "CA", 1_767_225_600, 2_082_758_400).unwrap();
        let rp = ca.client("shop", role::RELYING_PARTY, "Shop AB").unwrap();
        assert_eq!(
            party(&rp.cert_der),
            Some(Party {
                id: "shop".into(),
                role: Role::RelyingParty,
                display_name: "Shop AB".into()
            })
        );
        let issuer = ca.client("bank", role::ISSUER, "Bank").unwrap();
        assert_eq!(party(&issuer.cert_der).unwrap().role, Role::Issuer);
        let other = ca.client("x", "operator", "X").unwrap();
        assert_eq!(party(&other.cert_der), None);
        assert_eq!(party(&ca.server().unwrap().cert_der), None);
        assert_eq!(party(b"junk"), None);
        assert_eq!(
            certificates(rp.cert_pem().as_bytes(), "c").unwrap().len(),
            1
        );
        assert!(certificates(b"junk", "c").is_err());
        assert!(private_key(rp.key_pem().as_bytes(), "k").is_ok());
        assert!(private_key(&rp.key_pkcs8, "k").is_ok());
    }
}
