//! Trust stores for passive authentication: CSCA master lists (loaded only when their
//! publishing state's root anchors them), CSCA certificates (anchors themselves) and CRLs —
//! the core's [`tapid_mrtd::pa::TrustStore`], filled from bytes the app ships or downloads.

use std::sync::{Arc, RwLock};

use tapid_mrtd::pa::{Certificate, TrustStore as CoreTrustStore};

use crate::errors::{InputError, count};

/// What one load added.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TrustLoad {
    /// CSCA certificates added.
    pub certificates_added: u32,
    /// Certificates already in the store.
    pub duplicates: u32,
    /// CRLs added.
    pub crls_added: u32,
    /// Master lists loaded.
    pub master_lists: u32,
    /// Entries skipped (a certificate of a master list that does not decode), with the reason.
    pub skipped: Vec<String>,
}

impl From<tapid_mrtd::pa::LoadReport> for TrustLoad {
    fn from(r: tapid_mrtd::pa::LoadReport) -> Self {
        Self {
            certificates_added: count(r.certificates_added),
            duplicates: count(r.duplicates),
            crls_added: count(r.crls_added),
            master_lists: count(r.master_lists.len()),
            skipped: r
                .skipped
                .into_iter()
                .map(|s| format!("{}: {}", s.source, s.reason))
                .collect(),
        }
    }
}

/// The CSCAs and CRLs a read is verified against. Safe to share between reads; a read takes a
/// snapshot when it starts.
#[derive(uniffi::Object)]
pub struct TrustStore {
    inner: RwLock<Arc<CoreTrustStore>>,
}

impl TrustStore {
    /// The store around a core one.
    pub(crate) fn from_core(store: CoreTrustStore) -> Arc<Self> {
        Arc::new(Self {
            inner: RwLock::new(Arc::new(store)),
        })
    }

    /// The store as it is now.
    pub(crate) fn snapshot(&self) -> Arc<CoreTrustStore> {
        self.inner
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn update<T>(&self, f: impl FnOnce(&mut CoreTrustStore) -> T) -> T {
        let mut guard = self
            .inner
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(Arc::make_mut(&mut guard))
    }
}

fn trust_error(source: &str, e: tapid_mrtd::pa::PaError) -> InputError {
    InputError::TrustFile {
        source_name: source.to_owned(),
        detail: e.to_string(),
    }
}

#[uniffi::export]
impl TrustStore {
    /// An empty store: reads against it end "passive authentication untrusted".
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Self::from_core(CoreTrustStore::new())
    }

    /// Adds a publishing state's root CSCA (DER or PEM), which anchors the master lists whose
    /// signer it certifies. A root is not itself a trusted CSCA.
    pub fn add_master_list_root(
        &self,
        name: String,
        certificate: Vec<u8>,
    ) -> Result<(), InputError> {
        let cert = Certificate::from_der(&certificate).map_err(|e| trust_error(&name, e))?;
        self.update(|s| s.add_master_list_root(cert));
        Ok(())
    }

    /// Adds a trust file: a CSCA master list (refused unless a root added before anchors it,
    /// or unanchored lists are allowed), a CSCA certificate (DER or PEM, or a PEM bundle), or a
    /// CRL. `name` names it in errors.
    pub fn add_trust_file(&self, name: String, bytes: Vec<u8>) -> Result<TrustLoad, InputError> {
        self.update(|s| s.add_bytes(&name, &bytes))
            .map(TrustLoad::from)
            .map_err(|e| trust_error(&name, e))
    }

    /// Whether master lists no root anchors are loaded anyway (their CSCAs then count only
    /// when the read's policy allows it; the verdict says `trusted_unanchored`).
    pub fn set_allow_unanchored(&self, allow: bool) {
        self.update(|s| s.set_allow_unanchored(allow));
    }

    /// Trusted CSCA certificates.
    pub fn certificate_count(&self) -> u32 {
        count(self.snapshot().len())
    }

    /// CRLs.
    pub fn crl_count(&self) -> u32 {
        count(self.snapshot().crls().len())
    }
}
