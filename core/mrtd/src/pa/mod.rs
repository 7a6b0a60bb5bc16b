//! Passive authentication: EF.SOD, CSCA trust stores, master lists, certificate validation.
//!
//! Entry points: [`TrustStore`] (master lists, certificates, folders, CRLs), [`Sod::parse`],
//! [`CardSecurity::parse`], and [`verify`], which produces the [`PaReport`] the reader puts in
//! its verification report. The CMS layer reads the original bytes ([`signed_data`]) so that
//! BER encodings and unsorted signed attributes verify as signed.

pub mod algorithm;
pub mod card_security;
pub mod certificate;
pub mod country;
pub mod crl;
pub mod ec;
pub mod error;
pub mod hash;
pub mod master_list;
pub mod oid;
pub mod report;
pub mod signature;
pub mod signed_data;
pub mod sod;
mod tlv;
pub mod trust_store;
pub mod verify;

pub use algorithm::{AlgorithmId, SignatureScheme};
pub use card_security::CardSecurity;
pub use certificate::Certificate;
pub use crl::Crl;
pub use ec::EcKeyCurve;
pub use error::PaError;
pub use hash::HashAlgorithm;
pub use master_list::{MasterList, SkippedCertificate};
pub use report::{
    CardSecurityReport, ChainStatus, FileHash, HashStatus, PaReport, PaStatus, SignatureStatus,
    SignerReport,
};
pub use signature::PublicKeyInfo;
pub use signed_data::{SignedData, SignerId, SignerInfo};
pub use sod::Sod;
pub use trust_store::{LoadReport, MasterListLoad, SkippedItem, TrustStore};
pub use verify::{verify, verify_card_security};
