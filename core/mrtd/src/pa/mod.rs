//! Passive authentication: EF.SOD, CSCA trust stores, master lists, certificate validation.
//!
//! Entry points: [`TrustStore`] (master lists anchored by their roots, certificates, folders,
//! CRLs), the signed files it verifies ([`crate::lds::sod::Sod::parse`],
//! [`crate::lds::card_security::CardSecurity::parse`]), and [`verify`], which applies a
//! [`Policy`] (validity model, verification time, trust choices) and produces the [`PaReport`] the
//! reader puts in its verification report: a status, typed [`PaFailure`]s and their text. The CMS layer reads the original bytes ([`signed_data`]) so that
//! BER encodings and unsorted signed attributes verify as signed.

pub mod algorithm;
pub mod certificate;
pub mod country;
pub mod crl;
pub mod ec;
pub mod error;
pub mod file_kind;
pub mod hash;
pub mod master_list;
pub mod name;
pub mod policy;
pub mod report;
pub mod signature;
pub mod signed_data;
pub mod time;
pub(crate) mod tlv;
pub mod trust_store;
pub mod verify;

pub use algorithm::{AlgorithmId, SignatureScheme};
pub use certificate::{Certificate, PrivateKeyUsagePeriod};
pub use crl::Crl;
pub use ec::EcKeyCurve;
pub use error::PaError;
pub use file_kind::{FileKind, identify};
pub use hash::HashAlgorithm;
pub use master_list::{MasterList, SkippedCertificate};
pub use name::same_name;
pub use policy::{DocumentContext, Policy, ValidityModel, document_type_allowed};
pub use report::{
    CardSecurityReport, CertificateRole, ChainStatus, FileHash, HashStatus, KeyUsageBit, PaFailure,
    PaReport, PaStatus, RevocationStatus, SignatureStatus, SignerReport, SigningTimeSource,
    ValidityReport,
};
pub use signature::PublicKeyInfo;
pub use signed_data::{SignedData, SignerId, SignerInfo};
pub use trust_store::{Anchoring, LoadReport, MasterListLoad, SkippedItem, TrustStore};
pub use verify::{verify, verify_card_security, verify_card_security_parsed, verify_parsed};
