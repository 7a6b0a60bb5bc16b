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
    file_kind::{FileKind, identify},
    master_list::{MasterList, SkippedCertificate},
    name,
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
    /// `anchored` (a trusted root certifies the signer) or `unanchored` (loaded without one,
    /// only when unanchored lists are allowed).
    pub chain: &'static str,
    /// The subject of the root that anchors the list.
    pub anchored_by: Option<String>,
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
    fn count(&mut self, added: bool) {
        if added {
            self.certificates_added += 1;
        } else {
            self.duplicates += 1;
        }
    }

    fn merge(&mut self, other: LoadReport) {
        self.certificates_added += other.certificates_added;
        self.duplicates += other.duplicates;
        self.crls_added += other.crls_added;
        self.master_lists.extend(other.master_lists);
        self.skipped.extend(other.skipped);
    }
}

/// How a CSCA certificate came into the store, from the strongest to the weakest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchoring {
    /// Given directly (a certificate file or folder): an anchor itself.
    Direct,
    /// From a master list whose signer a trusted root certifies.
    AnchoredMasterList,
    /// From a master list loaded without such a root (only when unanchored lists are
    /// allowed, see [`TrustStore::set_allow_unanchored`]).
    UnanchoredMasterList,
}

impl Anchoring {
    fn rank(self) -> u8 {
        match self {
            Self::Direct => 2,
            Self::AnchoredMasterList => 1,
            Self::UnanchoredMasterList => 0,
        }
    }

    /// Whether the CSCA is anchored (given directly or by an anchored master list).
    pub fn is_anchored(self) -> bool {
        self != Self::UnanchoredMasterList
    }
}

/// Trusted CSCA certificates and CRLs, plus the roots that anchor master lists.
///
/// Master lists are trust anchors only when anchored: a list is loaded only when a root given
/// with [`TrustStore::add_master_list_root`] (or passed to [`TrustStore::add_master_list`])
/// certifies its signer, unless the caller allowed unanchored lists
/// ([`TrustStore::set_allow_unanchored`]); each CSCA remembers how it came in
/// ([`TrustStore::anchoring`]) so the verdict can say so. Single CSCA certificates are
/// anchors themselves.
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    cscas: Vec<Certificate>,
    anchoring: Vec<Anchoring>,
    by_ski: HashMap<Vec<u8>, Vec<usize>>,
    by_subject: HashMap<Vec<u8>, Vec<usize>>,
    fingerprints: HashMap<Vec<u8>, usize>,
    crls: Vec<Crl>,
    roots: Vec<Certificate>,
    allow_unanchored: bool,
}

impl TrustStore {
    /// An empty store (unanchored master lists refused).
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

    /// The roots that anchor master lists.
    pub fn master_list_roots(&self) -> &[Certificate] {
        &self.roots
    }

    /// Whether master lists without an anchoring root are loaded (default: refused).
    pub fn allows_unanchored(&self) -> bool {
        self.allow_unanchored
    }

    /// Allows (or refuses, the default) loading master lists that no root anchors. Their
    /// CSCAs are marked [`Anchoring::UnanchoredMasterList`]; the verification policy decides
    /// what such a CSCA is worth.
    pub fn set_allow_unanchored(&mut self, allow: bool) {
        self.allow_unanchored = allow;
    }

    /// Adds a root: the publishing state's CSCA whose key certifies a master list's signer.
    /// Master lists loaded afterwards through [`TrustStore::add_path`],
    /// [`TrustStore::add_bytes`] or [`TrustStore::add_master_list`] (without an explicit
    /// root) are anchored by whichever root certifies their signer. A root is not itself a
    /// trusted CSCA (give it as a certificate too for that).
    pub fn add_master_list_root(&mut self, root: Certificate) {
        if !self.roots.iter().any(|r| r.der() == root.der()) {
            self.roots.push(root);
        }
    }

    /// How `cert` came into the store (`None` when it is not a CSCA of the store).
    pub fn anchoring(&self, cert: &Certificate) -> Option<Anchoring> {
        self.fingerprints
            .get(&cert.fingerprint())
            .and_then(|i| self.anchoring.get(*i))
            .copied()
    }

    /// Adds one trusted certificate as a direct anchor; returns false when it was already
    /// present (it is then marked as a direct anchor).
    pub fn add_certificate(&mut self, cert: Certificate) -> bool {
        self.add_anchored(cert, Anchoring::Direct)
    }

    fn add_anchored(&mut self, cert: Certificate, how: Anchoring) -> bool {
        let fingerprint = cert.fingerprint();
        if let Some(i) = self.fingerprints.get(&fingerprint) {
            if let Some(a) = self.anchoring.get_mut(*i)
                && a.rank() < how.rank()
            {
                *a = how;
            }
            return false;
        }
        let idx = self.cscas.len();
        self.fingerprints.insert(fingerprint, idx);
        if let Some(ski) = cert.subject_key_id() {
            self.by_ski.entry(ski.to_vec()).or_default().push(idx);
        }
        self.by_subject
            .entry(name::key(cert.subject_der()))
            .or_default()
            .push(idx);
        self.cscas.push(cert);
        self.anchoring.push(how);
        true
    }

    /// Adds a CRL. Its signature is checked against its CSCA when revocation is evaluated
    /// (a CRL that does not verify then makes the verdict invalid) and by
    /// [`TrustStore::verify_crls`].
    pub fn add_crl(&mut self, crl: Crl) {
        self.crls.push(crl);
    }

    /// Loads a master list: verifies its CMS signature and that its signer is certified by
    /// `root` (when given; a failure is [`PaError::MasterListSignerUntrusted`]) or else by one
    /// of the store's master-list roots. A list no root anchors is refused with
    /// [`PaError::MasterListUnanchored`] unless unanchored lists are allowed. Every
    /// certificate that parses is added, the others are reported.
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
        let list = MasterList::parse(bytes).map_err(|e| match e {
            PaError::DamagedTrustFile { kind, detail, .. } => PaError::DamagedTrustFile {
                file: source.to_string(),
                kind,
                detail,
            },
            e => e,
        })?;
        list.verify_signature()?;
        let signer = list.signer()?.subject();
        let anchored_by = match root {
            Some(root) => {
                list.verify_signer_chain(root)?;
                Some(root.subject())
            }
            None => self
                .roots
                .iter()
                .find(|r| list.verify_signer_chain(r).is_ok())
                .map(Certificate::subject),
        };
        let how = match (&anchored_by, self.allow_unanchored) {
            (Some(_), _) => Anchoring::AnchoredMasterList,
            (None, true) => Anchoring::UnanchoredMasterList,
            (None, false) => return Err(PaError::MasterListUnanchored { signer }),
        };
        let mut report = LoadReport::default();
        report.master_lists.push(MasterListLoad {
            source: source.to_string(),
            signer,
            chain: if how.is_anchored() {
                "anchored"
            } else {
                "unanchored"
            },
            anchored_by,
            certificates: list.certificates().len(),
        });
        for SkippedCertificate { index, reason } in list.skipped() {
            report.skipped.push(SkippedItem {
                source: format!("{source}#{index}"),
                reason: reason.clone(),
            });
        }
        for cert in list.certificates() {
            if self.add_anchored(cert.clone(), how) {
                report.certificates_added += 1;
            } else {
                report.duplicates += 1;
            }
        }
        Ok(report)
    }

    /// Loads a master list (anchored as [`TrustStore::add_master_list`] describes), a DER or
    /// PEM certificate (or PEM bundle), a CRL (DER or PEM), or every such file in a folder
    /// (recursively). In a folder, files that are no trust file and certificates that do not
    /// decode are skipped and reported (fewer anchors fail closed); a damaged CRL or master
    /// list and an unanchored master list are errors wherever they are.
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
                    // Fewer anchors only fail closed; a missing CRL or master list would
                    // not, so those stay errors.
                    Err(
                        e @ (PaError::UnrecognisedFile(_)
                        | PaError::NotATrustFile { .. }
                        | PaError::DamagedTrustFile {
                            kind: "certificate",
                            ..
                        }),
                    ) => report.skipped.push(SkippedItem {
                        source: entry.display().to_string(),
                        reason: e.to_string(),
                    }),
                    Err(e) => return Err(e),
                }
            }
            return Ok(report);
        }
        let bytes = std::fs::read(path).map_err(io)?;
        self.add_bytes(&path.display().to_string(), &bytes)
    }

    /// Loads one file's contents (see [`TrustStore::add_path`]); `source` names it in reports
    /// and errors.
    pub fn add_bytes(&mut self, source: &str, bytes: &[u8]) -> Result<LoadReport, PaError> {
        let mut report = LoadReport::default();
        let damaged = |kind: &'static str, e: PaError| PaError::DamagedTrustFile {
            file: source.to_string(),
            kind,
            detail: e.to_string(),
        };
        match identify(bytes) {
            FileKind::Pem => {
                let blocks = pem_blocks(bytes);
                if blocks.is_empty() {
                    return Err(PaError::UnrecognisedFile(source.to_string()));
                }
                for (label, der) in blocks {
                    match label.as_str() {
                        "CERTIFICATE" | "TRUSTED CERTIFICATE" => {
                            let cert = Certificate::from_der(&der)
                                .map_err(|e| damaged("certificate", e))?;
                            report.count(self.add_certificate(cert));
                        }
                        "X509 CRL" => {
                            self.add_crl(Crl::from_der(&der).map_err(|e| damaged("CRL", e))?);
                            report.crls_added += 1;
                        }
                        other => report.skipped.push(SkippedItem {
                            source: source.to_string(),
                            reason: format!("PEM block {other}"),
                        }),
                    }
                }
                Ok(report)
            }
            FileKind::MasterList => self.add_master_list_from(source, bytes, None),
            found @ (FileKind::Sod | FileKind::CardSecurity | FileKind::OtherSignedData(_)) => {
                Err(PaError::NotATrustFile {
                    file: source.to_string(),
                    found,
                })
            }
            kind => {
                let cert_err = match Certificate::from_der(bytes) {
                    Ok(cert) => {
                        report.count(self.add_certificate(cert));
                        return Ok(report);
                    }
                    Err(e) => e,
                };
                match Crl::from_der(bytes) {
                    Ok(crl) => {
                        self.add_crl(crl);
                        report.crls_added += 1;
                        Ok(report)
                    }
                    Err(crl_err) => Err(match kind {
                        FileKind::Crl => damaged("CRL", crl_err),
                        FileKind::Certificate => damaged("certificate", cert_err),
                        _ => PaError::UnrecognisedFile(source.to_string()),
                    }),
                }
            }
        }
    }

    /// Every CSCA that could have issued `cert`: by AuthorityKeyIdentifier first, then by
    /// issuer name (compared as a set of attributes; de-duplicated, in that order). The
    /// caller verifies each.
    pub fn issuer_candidates(&self, cert: &Certificate) -> Vec<&Certificate> {
        let mut seen = HashSet::new();
        let by_key = cert
            .authority_key_id()
            .and_then(|aki| self.by_ski.get(aki))
            .into_iter()
            .flatten();
        let by_name = self
            .by_subject
            .get(&name::key(cert.issuer_der()))
            .into_iter()
            .flatten();
        by_key
            .chain(by_name)
            .filter(|i| seen.insert(**i))
            .filter_map(|i| self.cscas.get(*i))
            .collect()
    }

    /// The CSCAs whose subject is the Name `name_der`.
    pub fn cscas_named(&self, name_der: &[u8]) -> Vec<&Certificate> {
        self.by_subject
            .get(&name::key(name_der))
            .into_iter()
            .flatten()
            .filter_map(|i| self.cscas.get(*i))
            .collect()
    }

    /// The CRLs about certificates issued under the Name `issuer_der`.
    pub fn crls_for(&self, issuer_der: &[u8]) -> Vec<&Crl> {
        self.crls
            .iter()
            .filter(|c| c.covers_issuer(issuer_der))
            .collect()
    }

    /// Whether `crl` is signed by `csca` or by another CSCA of the store with the CRL issuer's
    /// name (key rollover: a CRL covers every certificate issued under the name).
    pub fn crl_is_verified(&self, crl: &Crl, csca: Option<&Certificate>) -> bool {
        csca.into_iter()
            .chain(self.cscas_named(crl.issuer_der()))
            .any(|c| crl.verify_signed_by(c).is_ok())
    }

    /// Checks every CRL against the CSCAs of the store: a CRL whose issuer has no CSCA here,
    /// or that no CSCA of its issuer's name verifies, is a broken trust input.
    pub fn verify_crls(&self) -> Result<(), PaError> {
        for crl in &self.crls {
            if self.cscas_named(crl.issuer_der()).is_empty() {
                return Err(PaError::CrlIssuerUnknown {
                    issuer: crl.issuer(),
                });
            }
            if !self.crl_is_verified(crl, None) {
                return Err(PaError::CrlUnverified {
                    issuer: crl.issuer(),
                });
            }
        }
        Ok(())
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
