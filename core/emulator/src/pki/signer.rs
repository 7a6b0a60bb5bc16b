//! Document Signers of the test PKI: certificate plus private key, loaded from the committed
//! fixtures (at run time from the source tree, or from copies compiled into the binary).

use std::path::{Path, PathBuf};

use tapid_mrtd::pa::{Certificate, TrustStore, country};

use super::{PkiError, embedded, keys::SigningKey};

/// A Document Signer: certificate and key, with a fixed signing time for reproducible SODs.
#[derive(Debug, Clone)]
pub struct DocumentSigner {
    name: String,
    cert: Certificate,
    key: SigningKey,
    signing_time: Option<i64>,
}

/// The committed fixture directory `fixtures/pki` in the source tree.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/pki")
}

impl DocumentSigner {
    /// Builds a signer from a DER certificate and a PKCS#8 key.
    pub fn from_parts(name: &str, cert_der: &[u8], key_pkcs8: &[u8]) -> Result<Self, PkiError> {
        let cert = Certificate::from_der(cert_der)?;
        let key = SigningKey::from_pkcs8(key_pkcs8)?;
        Ok(Self {
            name: name.to_string(),
            cert,
            key,
            signing_time: None,
        })
    }

    /// Loads `fixtures/pki/ds/<name>.cer` and `<name>.pk8` from the source tree.
    pub fn load_fixture(name: &str) -> Result<Self, PkiError> {
        let dir = fixtures_dir().join("ds");
        let read = |ext: &str| {
            let path = dir.join(format!("{name}.{ext}"));
            std::fs::read(&path).map_err(|e| PkiError::Io {
                path: path.display().to_string(),
                detail: e.to_string(),
            })
        };
        Self::from_parts(name, &read("cer")?, &read("pk8")?)
    }

    /// The same signer from the copy compiled into the binary (works from any directory).
    pub fn embedded(name: &str) -> Result<Self, PkiError> {
        let (cert, key) = embedded::document_signer(name)
            .ok_or_else(|| PkiError::UnknownFixture(name.to_string()))?;
        Self::from_parts(name, cert, key)
    }

    /// The default embedded signer for an issuing state (MRZ code or alpha-2): "UTO" → the RSA
    /// signer of Utopia, "D" → the German ECDSA signer, "SWE" → the Swedish ECDSA signer.
    pub fn for_issuing_state(state: &str) -> Result<Self, PkiError> {
        match country::alpha2(state).as_deref() {
            Some("UT") => Self::embedded("ds-ut-rsa"),
            Some("DE") => Self::embedded("ds-de-ec"),
            Some("SE") => Self::embedded("ds-se-ec"),
            _ => Err(PkiError::UnknownFixture(format!(
                "document signer for issuing state {state}"
            ))),
        }
    }

    /// Fixture name ("ds-ut-rsa").
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The DS certificate.
    pub fn certificate(&self) -> &Certificate {
        &self.cert
    }

    /// The DS private key.
    pub fn key(&self) -> &SigningKey {
        &self.key
    }

    /// The same signer claiming another signingTime (e.g. one after its certificate expired).
    pub fn with_signing_time(mut self, unix: i64) -> Self {
        self.signing_time = Some(unix);
        self
    }

    /// The signingTime put into SignedData: one day after the certificate's notBefore unless
    /// set with [`DocumentSigner::with_signing_time`].
    pub fn signing_time(&self) -> i64 {
        self.signing_time.unwrap_or(self.cert.not_before() + 86_400)
    }
}

/// A trust store holding the embedded test CSCAs (what `--trust fixtures/pki/csca` loads).
pub fn test_trust_store() -> Result<TrustStore, PkiError> {
    let mut store = TrustStore::new();
    for (_, der) in embedded::CSCAS {
        store.add_certificate(Certificate::from_der(der)?);
    }
    Ok(store)
}

/// The embedded CRL of the RSA CSCA of Utopia (revokes `ds-ut-revoked`).
pub fn test_crl() -> Result<tapid_mrtd::pa::Crl, PkiError> {
    Ok(tapid_mrtd::pa::Crl::from_der(embedded::CRL_UT_RSA)?)
}
