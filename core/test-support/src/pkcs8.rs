//! The private-key files of the conformance data (`bsi-tr03105-reference/DG14_sk.pkcs8`):
//! PKCS #8 `PrivateKeyInfo` (RFC 5208) around a SEC 1 `ECPrivateKey` (RFC 5915). The RSA key
//! files load with the `rsa` crate's own PKCS #8 support.

use der::Sequence;
use der::asn1::{Any, BitString, OctetString};

/// PKCS #8 `PrivateKeyInfo` (version 0, without attributes).
#[derive(Debug, Clone, Sequence)]
pub struct PrivateKeyInfo {
    /// 0 for PKCS #8 v1.
    pub version: u8,
    /// The key's `AlgorithmIdentifier` (for EC keys: id-ecPublicKey and its domain parameters).
    pub algorithm: Any,
    /// The algorithm-specific private key (for EC keys: a DER [`EcPrivateKey`]).
    pub private_key: OctetString,
}

/// SEC 1 `ECPrivateKey`.
#[derive(Debug, Clone, Sequence)]
pub struct EcPrivateKey {
    /// 1.
    pub version: u8,
    /// The private scalar, big-endian.
    pub private_key: OctetString,
    /// The domain parameters, when repeated here.
    #[asn1(context_specific = "0", optional = "true")]
    pub parameters: Option<Any>,
    /// The public point, when included.
    #[asn1(context_specific = "1", optional = "true")]
    pub public_key: Option<BitString>,
}

/// The `PrivateKeyInfo` and the `ECPrivateKey` inside it of the PKCS #8 file `der`, failing the
/// test when either does not parse.
pub fn ec_private_key(der: &[u8]) -> (PrivateKeyInfo, EcPrivateKey) {
    use der::Decode;
    let info = PrivateKeyInfo::from_der(der).unwrap_or_else(|e| panic!("PKCS #8: {e}"));
    let key = EcPrivateKey::from_der(info.private_key.as_bytes())
        .unwrap_or_else(|e| panic!("ECPrivateKey: {e}"));
    (info, key)
}
