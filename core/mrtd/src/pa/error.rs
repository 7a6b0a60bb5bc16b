//! Errors of passive authentication, one variant per distinct failure.

use thiserror::Error;

/// Why parsing or verifying EF.SOD, EF.CardSecurity, a certificate or a master list failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PaError {
    /// The ASN.1 structure is not what the standard prescribes (names the element).
    #[error("malformed ASN.1: {0}")]
    Malformed(&'static str),
    /// A typed DER decoder (certificate, CRL, key) rejected the input.
    #[error("cannot decode {what}: {detail}")]
    Decode {
        /// What was being decoded.
        what: &'static str,
        /// The decoder's message.
        detail: String,
    },
    /// The ContentInfo is not id-signedData.
    #[error("content type is not id-signedData: {0}")]
    NotSignedData(String),
    /// The encapsulated content type is not the one expected here.
    #[error("unexpected eContentType {found}, expected {expected}")]
    WrongContentType {
        /// The OID found.
        found: String,
        /// The OID required.
        expected: &'static str,
    },
    /// The SignedData carries no encapsulated content.
    #[error("SignedData has no encapsulated content")]
    MissingContent,
    /// The SignedData has no SignerInfo.
    #[error("SignedData has no SignerInfo")]
    NoSigner,
    /// No certificate in the SignedData (or trust store) matches the SignerInfo's identifier.
    #[error("signer certificate not found")]
    SignerCertificateNotFound,
    /// A hash algorithm OID this implementation does not know.
    #[error("unknown hash algorithm {0}")]
    UnknownHashAlgorithm(String),
    /// A signature algorithm OID this implementation does not know.
    #[error("unknown signature algorithm {0}")]
    UnknownSignatureAlgorithm(String),
    /// A public key algorithm or curve this implementation does not support.
    #[error("unsupported public key: {0}")]
    UnsupportedKey(String),
    /// The signature algorithm does not fit the key (e.g. ECDSA with an RSA key).
    #[error("signature algorithm {algorithm} does not match key type {key}")]
    AlgorithmKeyMismatch {
        /// The signature algorithm.
        algorithm: String,
        /// The key type.
        key: &'static str,
    },
    /// The public key bytes are invalid.
    #[error("invalid public key: {0}")]
    InvalidKey(String),
    /// The signature value is not well-formed (e.g. bad DER of an ECDSA signature).
    #[error("malformed signature value")]
    MalformedSignature,
    /// The signature does not verify.
    #[error("signature verification failed")]
    BadSignature,
    /// The messageDigest signed attribute differs from the hash of the content.
    #[error("messageDigest attribute does not match the content hash")]
    MessageDigestMismatch,
    /// A required signed attribute is absent.
    #[error("signed attribute {0} missing")]
    MissingSignedAttribute(&'static str),
    /// The contentType signed attribute differs from eContentType.
    #[error("contentType attribute does not match eContentType")]
    ContentTypeMismatch,
    /// The CMSAlgorithmProtection attribute contradicts the SignerInfo's algorithms.
    #[error("CMSAlgorithmProtection attribute does not match the SignerInfo algorithms")]
    AlgorithmProtectionMismatch,
    /// A certificate's key usage does not allow what it was used for.
    #[error("key usage does not permit {0}")]
    KeyUsageNotPermitted(&'static str),
    /// An I/O error reading a trust-store path.
    #[error("cannot read {path}: {detail}")]
    Io {
        /// The path.
        path: String,
        /// The OS message.
        detail: String,
    },
    /// A file given to the trust store is neither a certificate, a CRL nor a master list.
    #[error("unrecognised trust file {0}")]
    UnrecognisedFile(String),
    /// A file given to the trust store is a recognisable object that is no trust anchor
    /// (e.g. an EF.SOD).
    #[error("{file} is {found}, not a trust file (master list, CSCA certificate or CRL)")]
    NotATrustFile {
        /// The file.
        file: String,
        /// What it is.
        found: super::FileKind,
    },
    /// A trust file is recognisably a master list, certificate or CRL but does not decode
    /// (e.g. truncated).
    #[error("{file} is a damaged {kind}: {detail}")]
    DamagedTrustFile {
        /// The file.
        file: String,
        /// "master list", "certificate" or "CRL".
        kind: &'static str,
        /// The decoder's message.
        detail: String,
    },
    /// What was given as a master list is something else.
    #[error("this is {found}, not a master list")]
    NotAMasterList {
        /// What it is.
        found: super::FileKind,
    },
    /// The master list signer does not chain to the given root.
    #[error("master list signer is not certified by the given root")]
    MasterListSignerUntrusted,
    /// A master list was given without a root that certifies its signer, and unanchored
    /// lists are not allowed.
    #[error(
        "master list (signer {signer}) is not anchored: no trusted root certifies its signer \
         (give the publishing state's root, or allow unanchored master lists)"
    )]
    MasterListUnanchored {
        /// The Master List Signer's subject.
        signer: String,
    },
    /// A CRL does not verify against any CSCA of its issuer's name in the trust store.
    #[error("CRL of {issuer} does not verify against any CSCA of that name in the trust store")]
    CrlUnverified {
        /// The CRL issuer.
        issuer: String,
    },
    /// A CRL's issuer is not in the trust store, so it cannot be verified.
    #[error("CRL of {issuer}: no CSCA of that name in the trust store to verify it with")]
    CrlIssuerUnknown {
        /// The CRL issuer.
        issuer: String,
    },
}
