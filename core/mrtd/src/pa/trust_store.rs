//! The CSCA trust store: certificates from master lists, DER/PEM files and folders, plus CRLs,
//! indexed by subject key identifier and subject name. Several CSCAs can share one name
//! (link certificates, key rollover), so lookups return every candidate.

use std::{
    collections::{HashMap, HashSet},
    path::Path,
};

use base64::Engine;
use serde::Serialize;

use super::{
    certificate::Certificate,
    crl::Crl,
    error::PaError,
    master_list::{MasterList, SkippedCertificate},
    oid,
    signed_data::SignedData,
};

/// What one `add_*` call loaded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LoadReport {
    /// CSCA certificates newly added.
    pub certificates_added: usize,
    /// Certificates already in the store.
    pub duplicates: usize,
    /// CRLs added.
    pub crls_added: usize,
    /// Master lists loaded.
    pub master_lists: Vec<MasterListLoad>,
    /// Files or certificates that were skipped, with the reason.
    pub skipped: Vec<SkippedItem>,
}

/// A master list that was loaded into the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MasterListLoad {
    /// Where it came from (a path, or "bytes").
    pub source: String,
    /// Master List Signer subject.
    pub signer: String,
    /// Whether the signer chain to a given root was checked ("valid") or not ("unchecked").
    pub chain: &'static str,
    /// Certificates in the list that parsed.
    pub certificates: usize,
}

/// Something not loaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedItem {
    /// File path, or the master list path and index.
    pub source: String,
    /// Why.
    pub reason: String,
}

impl LoadReport {
    fn merge(&mut self, other: LoadReport) {
        self.certificates_added += other.certificates_added;
        self.duplicates += other.duplicates;
        self.crls_added += other.crls_added;
        self.master_lists.extend(other.master_lists);
        self.skipped.extend(other.skipped);
    }
}

/// Trusted CSCA certificates and CRLs.
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    cscas: Vec<Certificate>,
    by_ski: HashMap<Vec<u8>, Vec<usize>>,
    by_subject: HashMap<Vec<u8>, Vec<usize>>,
    fingerprints: HashSet<Vec<u8>>,
    crls: Vec<Crl>,
}

impl TrustStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of CSCA certificates.
    pub fn len(&self) -> usize {
        self.cscas.len()
    }

    /// Whether the store holds no CSCA.
    pub fn is_empty(&self) -> bool {
        self.cscas.is_empty()
    }

    /// All CSCA certificates.
    pub fn certificates(&self) -> &[Certificate] {
        &self.cscas
    }

    /// All CRLs.
    pub fn crls(&self) -> &[Crl] {
        &self.crls
    }

    /// Adds one trusted certificate; returns false when it was already present.
    pub fn add_certificate(&mut self, cert: Certificate) -> bool {
        if !self.fingerprints.insert(cert.fingerprint()) {
            return false;
        }
        let idx = self.cscas.len();
        if let Some(ski) = cert.subject_key_id() {
            self.by_ski.entry(ski.to_vec()).or_default().push(idx);
        }
        self.by_subject
            .entry(cert.subject_der().to_vec())
            .or_default()
            .push(idx);
        self.cscas.push(cert);
        true
    }

    /// Adds a CRL (its signature is checked against the CSCA when revocation is evaluated).
    pub fn add_crl(&mut self, crl: Crl) {
        self.crls.push(crl);
    }

    /// Loads a master list: verifies its CMS signature (always) and its signer against `root`
    /// (when given), then adds every certificate that parses, reporting the others.
    pub fn add_master_list(
        &mut self,
        bytes: &[u8],
        root: Option<&Certificate>,
    ) -> Result<LoadReport, PaError> {
        self.add_master_list_from("bytes", bytes, root)
    }

    fn add_master_list_from(
        &mut self,
        source: &str,
        bytes: &[u8],
        root: Option<&Certificate>,
    ) -> Result<LoadReport, PaError> {
        let list = MasterList::parse(bytes)?;
        list.verify_signature()?;
        if let Some(root) = root {
            list.verify_signer_chain(root)?;
        }
        let mut report = LoadReport::default();
        report.master_lists.push(MasterListLoad {
            source: source.to_string(),
            signer: list.signer()?.subject(),
            chain: if root.is_some() { "valid" } else { "unchecked" },
            certificates: list.certificates().len(),
        });
        for SkippedCertificate { index, reason } in list.skipped() {
            report.skipped.push(SkippedItem {
                source: format!("{source}#{index}"),
                reason: reason.clone(),
            });
        }
        for cert in list.certificates() {
            if self.add_certificate(cert.clone()) {
                report.certificates_added += 1;
            } else {
                report.duplicates += 1;
            }
        }
        Ok(report)
    }

    /// Loads a master list, a DER or PEM certificate (or PEM bundle), a CRL (DER or PEM), or
    /// every such file in a folder (recursively; unrecognised files in a folder are skipped and
    /// reported). Master lists loaded this way have their signature checked but no root.
    pub fn add_path(&mut self, path: &Path) -> Result<LoadReport, PaError> {
        let io = |e: std::io::Error| PaError::Io {
            path: path.display().to_string(),
            detail: e.to_string(),
        };
        if path.is_dir() {
            let mut entries: Vec<_> = std::fs::read_dir(path)
                .map_err(io)?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .collect();
            entries.sort();
            let mut report = LoadReport::default();
            for entry in entries {
                match self.add_path(&entry) {
                    Ok(r) => report.merge(r),
                    Err(e) => report.skipped.push(SkippedItem {
                        source: entry.display().to_string(),
                        reason: e.to_string(),
                    }),
                }
            }
            return Ok(report);
        }
        let bytes = std::fs::read(path).map_err(io)?;
        self.add_bytes(&path.display().to_string(), &bytes)
    }

    /// Loads one file's contents (see [`TrustStore::add_path`]); `source` names it in reports.
    pub fn add_bytes(&mut self, source: &str, bytes: &[u8]) -> Result<LoadReport, PaError> {
        let mut report = LoadReport::default();
        if bytes.starts_with(b"-----BEGIN") || bytes.windows(11).any(|w| w == b"-----BEGIN ") {
            let blocks = pem_blocks(bytes);
            if blocks.is_empty() {
                return Err(PaError::UnrecognisedFile(source.to_string()));
            }
            for (label, der) in blocks {
                match label.as_str() {
                    "CERTIFICATE" | "TRUSTED CERTIFICATE" => {
                        self.add_certificate_der(source, &der, &mut report)?
                    }
                    "X509 CRL" => {
                        self.add_crl(Crl::from_der(&der)?);
                        report.crls_added += 1;
                    }
                    other => report.skipped.push(SkippedItem {
                        source: source.to_string(),
                        reason: format!("PEM block {other}"),
                    }),
                }
            }
            return Ok(report);
        }
        if let Ok(sd) = SignedData::parse(bytes)
            && sd.content_type == oid::CSCA_MASTER_LIST
        {
            return self.add_master_list_from(source, bytes, None);
        }
        if let Ok(cert) = Certificate::from_der(bytes) {
            if self.add_certificate(cert) {
                report.certificates_added += 1;
            } else {
                report.duplicates += 1;
            }
            return Ok(report);
        }
        if let Ok(crl) = Crl::from_der(bytes) {
            self.add_crl(crl);
            report.crls_added += 1;
            return Ok(report);
        }
        Err(PaError::UnrecognisedFile(source.to_string()))
    }

    fn add_certificate_der(
        &mut self,
        _source: &str,
        der: &[u8],
        report: &mut LoadReport,
    ) -> Result<(), PaError> {
        if self.add_certificate(Certificate::from_der(der)?) {
            report.certificates_added += 1;
        } else {
            report.duplicates += 1;
        }
        Ok(())
    }

    /// Every CSCA that could have issued `cert`: by AuthorityKeyIdentifier first, then by
    /// issuer name (de-duplicated, in that order). The caller verifies each.
    pub fn issuer_candidates(&self, cert: &Certificate) -> Vec<&Certificate> {
        let mut seen = HashSet::new();
        let by_key = cert
            .authority_key_id()
            .and_then(|aki| self.by_ski.get(aki))
            .into_iter()
            .flatten();
        let by_name = self.by_subject.get(cert.issuer_der()).into_iter().flatten();
        by_key
            .chain(by_name)
            .filter(|i| seen.insert(**i))
            .filter_map(|i| self.cscas.get(*i))
            .collect()
    }
}

/// Extracts `(label, der)` from every PEM block; blocks with invalid base64 are dropped.
fn pem_blocks(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let text = String::from_utf8_lossy(bytes);
    let mut out = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in text.lines().map(str::trim) {
        if let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
        {
            current = Some((label.to_string(), String::new()));
        } else if line.starts_with("-----END ") {
            if let Some((label, b64)) = current.take()
                && let Ok(der) = base64::engine::general_purpose::STANDARD.decode(b64.as_bytes())
            {
                out.push((label, der));
            }
        } else if let Some((_, b64)) = current.as_mut() {
            b64.push_str(line);
        }
    }
    out
}
