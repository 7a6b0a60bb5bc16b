//! JSON over HTTPS with rustls (`ring` provider): one POST or GET per connection, the server
//! verified against the given roots, and a client certificate when the caller has one (a
//! relying party or an issuer; the app needs none).
//!
//! TLS 1.3 only, with the AES-GCM suites and X25519/P-256 key exchange: tapid's service speaks
//! them, and what the client leaves out (TLS 1.2, ChaCha20, P-384, and for [`Https::anonymous`]
//! ring's private-key loading) stays out of the mobile library.

use std::sync::Arc;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use rustls::crypto::{CryptoProvider, KeyProvider};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use super::ClientError;

/// Where the service is and how to reach it.
#[derive(Clone)]
pub struct Https {
    host: String,
    port: u16,
    server_name: ServerName<'static>,
    connector: TlsConnector,
}

impl std::fmt::Debug for Https {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Https({}:{})", self.host, self.port)
    }
}

/// Splits `https://host:port` (an IPv6 host in brackets).
fn split_url(url: &str) -> Result<(String, u16), ClientError> {
    let rest = url
        .strip_prefix("https://")
        .ok_or(ClientError::Url)?
        .trim_end_matches('/');
    let (host, port) = if let Some(v6) = rest.strip_prefix('[') {
        let (h, p) = v6.split_once("]:").ok_or(ClientError::Url)?;
        (h, p)
    } else {
        rest.rsplit_once(':').ok_or(ClientError::Url)?
    };
    let port = port.parse().map_err(|_| ClientError::Url)?;
    if host.is_empty() || host.contains('/') {
        return Err(ClientError::Url);
    }
    Ok((host.to_owned(), port))
}

/// The certificates of `bytes`: PEM (one or more `CERTIFICATE` blocks) or one DER
/// certificate — how a service's CA certificate is handed to the app.
pub fn certificates(bytes: &[u8]) -> Result<Vec<CertificateDer<'static>>, ClientError> {
    use rustls::pki_types::pem::PemObject;
    let trimmed = bytes.trim_ascii_start();
    let certs = if trimmed.starts_with(b"-----") {
        CertificateDer::pem_slice_iter(trimmed)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| ClientError::Certificate)?
    } else if trimmed.first() == Some(&0x30) {
        // A DER SEQUENCE; rustls checks the rest when the handshake uses it.
        vec![CertificateDer::from(bytes.to_vec())]
    } else {
        Vec::new()
    };
    if certs.is_empty() {
        return Err(ClientError::Certificate);
    }
    Ok(certs)
}

/// The provider of the client's TLS (see the module docs), loading private keys with `keys`.
/// Built without `rustls::crypto::ring::default_provider()`, whose every suite, group and
/// key loader the linker would otherwise keep.
fn provider(keys: &'static dyn KeyProvider) -> CryptoProvider {
    use rustls::crypto::ring::{cipher_suite, kx_group};
    CryptoProvider {
        cipher_suites: vec![
            cipher_suite::TLS13_AES_128_GCM_SHA256,
            cipher_suite::TLS13_AES_256_GCM_SHA384,
        ],
        kx_groups: vec![kx_group::X25519, kx_group::SECP256R1],
        signature_verification_algorithms: SIGNATURES,
        secure_random: &SystemRandom,
        key_provider: keys,
    }
}

/// The server's signatures the client verifies (ring's, through webpki): certificates signed
/// with ECDSA, Ed25519, RSA-PSS or RSA PKCS#1, and the TLS 1.3 handshake schemes for them.
static SIGNATURES: rustls::crypto::WebPkiSupportedAlgorithms = {
    use rustls::SignatureScheme as S;
    use webpki::ring as alg;
    rustls::crypto::WebPkiSupportedAlgorithms {
        all: &[
            alg::ECDSA_P256_SHA256,
            alg::ECDSA_P256_SHA384,
            alg::ECDSA_P384_SHA256,
            alg::ECDSA_P384_SHA384,
            alg::ED25519,
            alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
            alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
            alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
            alg::RSA_PKCS1_2048_8192_SHA256,
            alg::RSA_PKCS1_2048_8192_SHA384,
            alg::RSA_PKCS1_2048_8192_SHA512,
            alg::RSA_PKCS1_2048_8192_SHA256_ABSENT_PARAMS,
            alg::RSA_PKCS1_2048_8192_SHA384_ABSENT_PARAMS,
            alg::RSA_PKCS1_2048_8192_SHA512_ABSENT_PARAMS,
        ],
        // TLS 1.3 fixes the curve per scheme; PKCS#1 is advertised for certificate chains.
        mapping: &[
            (S::ECDSA_NISTP256_SHA256, &[alg::ECDSA_P256_SHA256]),
            (S::ECDSA_NISTP384_SHA384, &[alg::ECDSA_P384_SHA384]),
            (S::ED25519, &[alg::ED25519]),
            (
                S::RSA_PSS_SHA256,
                &[alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY],
            ),
            (
                S::RSA_PSS_SHA384,
                &[alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY],
            ),
            (
                S::RSA_PSS_SHA512,
                &[alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY],
            ),
            (S::RSA_PKCS1_SHA256, &[alg::RSA_PKCS1_2048_8192_SHA256]),
            (S::RSA_PKCS1_SHA384, &[alg::RSA_PKCS1_2048_8192_SHA384]),
            (S::RSA_PKCS1_SHA512, &[alg::RSA_PKCS1_2048_8192_SHA512]),
        ],
    }
};

/// rustls' randomness (nonces, key shares) from the operating system.
#[derive(Debug)]
struct SystemRandom;

impl rustls::crypto::SecureRandom for SystemRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<(), rustls::crypto::GetRandomFailed> {
        getrandom::fill(buf).map_err(|_| rustls::crypto::GetRandomFailed)
    }
}

/// The key provider of a client without a client certificate: it has no key to load.
#[derive(Debug)]
struct NoClientKey;

impl KeyProvider for NoClientKey {
    fn load_private_key(
        &self,
        _key: PrivateKeyDer<'static>,
    ) -> Result<Arc<dyn rustls::sign::SigningKey>, rustls::Error> {
        Err(rustls::Error::General("no client certificate".into()))
    }
}

impl Https {
    /// A client of the service at `url` (`https://host:port`) trusting `roots`, presenting
    /// `identity` (certificate chain and key) when given.
    pub fn new(
        url: &str,
        roots: &[CertificateDer<'static>],
        identity: Option<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)>,
    ) -> Result<Self, ClientError> {
        let keys = rustls::crypto::ring::default_provider().key_provider;
        Self::build(url, roots, identity, keys)
    }

    /// A client without a client certificate (the app's): it links no private-key loader,
    /// which `new` does, so the mobile library calls this one.
    pub fn anonymous(url: &str, roots: &[CertificateDer<'static>]) -> Result<Self, ClientError> {
        Self::build(url, roots, None, &NoClientKey)
    }

    fn build(
        url: &str,
        roots: &[CertificateDer<'static>],
        identity: Option<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)>,
        keys: &'static dyn KeyProvider,
    ) -> Result<Self, ClientError> {
        let (host, port) = split_url(url)?;
        let mut store = rustls::RootCertStore::empty();
        for r in roots {
            store
                .add(r.clone())
                .map_err(|e| ClientError::Tls(e.to_string()))?;
        }
        let builder = rustls::ClientConfig::builder_with_provider(Arc::new(provider(keys)))
            .with_protocol_versions(&[&rustls::version::TLS13])
            .map_err(|e| ClientError::Tls(e.to_string()))?
            .with_root_certificates(store);
        let mut config = match identity {
            Some((chain, key)) => builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| ClientError::Tls(e.to_string()))?,
            None => builder.with_no_client_auth(),
        };
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        let server_name = ServerName::try_from(host.clone()).map_err(|_| ClientError::Url)?;
        Ok(Self {
            host,
            port,
            server_name,
            connector: TlsConnector::from(Arc::new(config)),
        })
    }

    /// Sends one request and returns the status and body.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<(u16, Vec<u8>), ClientError> {
        let io = |e: std::io::Error| ClientError::Transport(e.kind().to_string());
        let tcp = TcpStream::connect((self.host.as_str(), self.port))
            .await
            .map_err(io)?;
        let _ = tcp.set_nodelay(true);
        let tls = self
            .connector
            .connect(self.server_name.clone(), tcp)
            .await
            .map_err(|e| ClientError::Tls(e.to_string()))?;
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
            .await
            .map_err(|e| ClientError::Transport(e.to_string()))?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(hyper::header::HOST, format!("{}:{}", self.host, self.port));
        if body.is_some() {
            req = req.header(hyper::header::CONTENT_TYPE, "application/json");
        }
        let req = req
            .body(Full::new(Bytes::from(body.unwrap_or_default())))
            .map_err(|e| ClientError::Transport(e.to_string()))?;
        let resp = sender
            .send_request(req)
            .await
            .map_err(|e| ClientError::Transport(e.to_string()))?;
        let status = resp.status().as_u16();
        let bytes = resp
            .into_body()
            .collect()
            .await
            .map_err(|e| ClientError::Transport(e.to_string()))?
            .to_bytes();
        Ok((status, bytes.to_vec()))
    }

    /// POSTs `body` as JSON; a 2xx answer decodes as `R`, any other as [`ClientError::Api`].
    pub async fn post<B: Serialize + ?Sized, R: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<R, ClientError> {
        let json = serde_json::to_vec(body).map_err(|_| ClientError::Decode)?;
        let (status, bytes) = self.send(Method::POST, path, Some(json)).await?;
        decode(status, &bytes)
    }

    /// GETs `path`.
    pub async fn get<R: DeserializeOwned>(&self, path: &str) -> Result<R, ClientError> {
        let (status, bytes) = self.send(Method::GET, path, None).await?;
        decode(status, &bytes)
    }
}

fn decode<R: DeserializeOwned>(status: u16, bytes: &[u8]) -> Result<R, ClientError> {
    if (200..300).contains(&status) {
        return serde_json::from_slice(bytes).map_err(|_| ClientError::Decode);
    }
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Body {
        #[serde(default)]
        error_code: String,
        #[serde(default)]
        details: String,
    }
    let body: Body = serde_json::from_slice(bytes).unwrap_or(Body {
        error_code: String::new(),
        details: String::new(),
    });
    Err(ClientError::Api {
        status,
        error_code: body.error_code,
        details: body.details,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            split_url("https://127.0.0.1:8443").unwrap(),
            ("127.0.0.1".into(), 8443)
        );
        assert_eq!(
            split_url("https://localhost:1/").unwrap(),
            ("localhost".into(), 1)
        );
        assert_eq!(split_url("https://[::1]:9").unwrap(), ("::1".into(), 9));
        assert!(split_url("http://x:1").is_err());
        assert!(split_url("https://x").is_err());
        assert!(split_url("https://:1").is_err());
    }

    #[test]
    fn a_ca_certificate_is_pem_or_der() {
        let pem = b"-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n";
        assert_eq!(certificates(pem).unwrap().len(), 1);
        assert_eq!(certificates(&[0x30, 0x00]).unwrap().len(), 1);
        for bad in [
            &b"hello"[..],
            b"",
            b"-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n",
            b"-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n",
        ] {
            assert_eq!(certificates(bad), Err(ClientError::Certificate));
        }
    }
}
