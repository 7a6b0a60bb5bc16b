//! Every object identifier tapid knows, typed, in one table: CMS and the ICAO/BSI eMRTD
//! objects, hash, signature and key algorithms, the named curves, X.500 attributes and X.509
//! extensions, and the base arcs of the BSI TR-03110 protocol families.
//!
//! Terminal and chip side (the emulator) use these constants; nothing else spells an OID, as
//! dotted text or as encoded bytes. The PACE and Chip Authentication protocol OIDs are
//! families (`id-PACE.{mapping}.{cipher}`, `id-CA.{agreement}.{cipher}`): they are built and
//! recognised as arcs under [`ID_PACE`], [`ID_CA`] and [`ID_PK`] by
//! [`crate::security_infos::PaceProtocol`] and [`crate::security_infos::CaProtocol`].

/// The OID type (re-exported so users of these constants need no const-oid dependency).
pub use const_oid::ObjectIdentifier as Oid;

/// An OID as a caller may hold it: typed, or as dotted text (a report field, a test vector,
/// another library's `to_string()`). Lookups by OID accept either.
pub trait AsOid {
    /// The typed OID, or `None` for text that is not a valid OID.
    fn as_oid(&self) -> Option<Oid>;
    /// The OID as dotted text, for error messages (text is returned as given).
    fn dotted(&self) -> String;
}

impl AsOid for Oid {
    fn as_oid(&self) -> Option<Oid> {
        Some(*self)
    }
    fn dotted(&self) -> String {
        self.to_string()
    }
}

impl AsOid for &Oid {
    fn as_oid(&self) -> Option<Oid> {
        Some(**self)
    }
    fn dotted(&self) -> String {
        self.to_string()
    }
}

impl AsOid for &str {
    fn as_oid(&self) -> Option<Oid> {
        Oid::new(self).ok()
    }
    fn dotted(&self) -> String {
        (*self).to_owned()
    }
}

// For `&oid.to_string()` (not for `String`: clippy would then ask such callers to move the
// value instead of lending it).
impl AsOid for &String {
    fn as_oid(&self) -> Option<Oid> {
        self.as_str().as_oid()
    }
    fn dotted(&self) -> String {
        (*self).clone()
    }
}

// ---- CMS (RFC 5652) and its attributes ----

/// id-signedData (RFC 5652).
pub const SIGNED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.2");
/// id-data (RFC 5652): the eContentType some issuers wrongly use for EF.SOD.
pub const ID_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.1");
/// contentType signed attribute.
pub const ATTR_CONTENT_TYPE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.3");
/// messageDigest signed attribute.
pub const ATTR_MESSAGE_DIGEST: Oid = Oid::new_unwrap("1.2.840.113549.1.9.4");
/// signingTime signed attribute.
pub const ATTR_SIGNING_TIME: Oid = Oid::new_unwrap("1.2.840.113549.1.9.5");
/// CMSAlgorithmProtection signed attribute (RFC 6211).
pub const ATTR_ALGORITHM_PROTECTION: Oid = Oid::new_unwrap("1.2.840.113549.1.9.52");

// ---- ICAO 9303 ----

/// id-icao-mrtd-security-ldsSecurityObject: eContentType of EF.SOD.
pub const LDS_SECURITY_OBJECT: Oid = Oid::new_unwrap("2.23.136.1.1.1");
/// id-icao-cscaMasterList: eContentType of a CSCA master list.
pub const CSCA_MASTER_LIST: Oid = Oid::new_unwrap("2.23.136.1.1.2");
/// id-icao-mrtd-security-aaProtocolObject (`id-AA`): the protocol of an
/// ActiveAuthenticationInfo.
pub const ID_AA: Oid = Oid::new_unwrap("2.23.136.1.1.5");
/// id-icao-mrtd-security-extensions-documentTypeList (ICAO 9303-12).
pub const EXT_DOCUMENT_TYPE_LIST: Oid = Oid::new_unwrap("2.23.136.1.1.6.2");

// ---- BSI TR-03110 / TR-03111 (bsi-de 0.4.0.127.0.7) ----

/// standardizedDomainParameters: AlgorithmIdentifier parameters are a PACE parameter ID.
pub const STANDARDIZED_DOMAIN_PARAMETERS: Oid = Oid::new_unwrap("0.4.0.127.0.7.1.2");
/// `id-PK`: the base of `id-PK-DH` (`.1`) and `id-PK-ECDH` (`.2`).
pub const ID_PK: Oid = Oid::new_unwrap("0.4.0.127.0.7.2.2.1");
/// `id-PK-DH`: a static Chip Authentication DH key.
pub const ID_PK_DH: Oid = Oid::new_unwrap("0.4.0.127.0.7.2.2.1.1");
/// `id-PK-ECDH`: a static Chip Authentication ECDH key.
pub const ID_PK_ECDH: Oid = Oid::new_unwrap("0.4.0.127.0.7.2.2.1.2");
/// `id-TA`: Terminal Authentication.
pub const ID_TA: Oid = Oid::new_unwrap("0.4.0.127.0.7.2.2.2");
/// `id-CA`: the base of the Chip Authentication protocols `id-CA.{agreement}.{cipher}`.
pub const ID_CA: Oid = Oid::new_unwrap("0.4.0.127.0.7.2.2.3");
/// `id-PACE`: the base of the PACE protocols `id-PACE.{mapping}.{cipher}`.
pub const ID_PACE: Oid = Oid::new_unwrap("0.4.0.127.0.7.2.2.4");
/// id-SecurityObject: eContentType of EF.CardSecurity.
pub const SECURITY_OBJECT: Oid = Oid::new_unwrap("0.4.0.127.0.7.3.2.1");

// ---- hash algorithms ----

/// SHA-1.
pub const SHA1: Oid = Oid::new_unwrap("1.3.14.3.2.26");
/// SHA-224.
pub const SHA224: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.4");
/// SHA-256.
pub const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
/// SHA-384.
pub const SHA384: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.2");
/// SHA-512.
pub const SHA512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.3");

// ---- RSA (PKCS #1) ----

/// rsaEncryption (key type, and a signature algorithm OID some issuers use).
pub const RSA_ENCRYPTION: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
/// sha1WithRSAEncryption.
pub const SHA1_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.5");
/// sha224WithRSAEncryption.
pub const SHA224_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.14");
/// sha256WithRSAEncryption.
pub const SHA256_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
/// sha384WithRSAEncryption.
pub const SHA384_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.12");
/// sha512WithRSAEncryption.
pub const SHA512_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.13");
/// RSASSA-PSS.
pub const RSASSA_PSS: Oid = Oid::new_unwrap("1.2.840.113549.1.1.10");
/// MGF1.
pub const MGF1: Oid = Oid::new_unwrap("1.2.840.113549.1.1.8");

// ---- elliptic curves (X9.62, SEC 2, RFC 5639) and ECDSA ----

/// id-ecPublicKey.
pub const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
/// prime-field (the FieldID of explicit EC parameters).
pub const PRIME_FIELD: Oid = Oid::new_unwrap("1.2.840.10045.1.1");
/// ecdsa-with-SHA1.
pub const ECDSA_SHA1: Oid = Oid::new_unwrap("1.2.840.10045.4.1");
/// ecdsa-with-SHA224.
pub const ECDSA_SHA224: Oid = Oid::new_unwrap("1.2.840.10045.4.3.1");
/// ecdsa-with-SHA256.
pub const ECDSA_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
/// ecdsa-with-SHA384.
pub const ECDSA_SHA384: Oid = Oid::new_unwrap("1.2.840.10045.4.3.3");
/// ecdsa-with-SHA512.
pub const ECDSA_SHA512: Oid = Oid::new_unwrap("1.2.840.10045.4.3.4");
/// ecdsa-plain-SHA1 (BSI TR-03111, r‖s).
pub const ECDSA_PLAIN_SHA1: Oid = Oid::new_unwrap("0.4.0.127.0.7.1.1.4.1.1");
/// ecdsa-plain-SHA224.
pub const ECDSA_PLAIN_SHA224: Oid = Oid::new_unwrap("0.4.0.127.0.7.1.1.4.1.2");
/// ecdsa-plain-SHA256.
pub const ECDSA_PLAIN_SHA256: Oid = Oid::new_unwrap("0.4.0.127.0.7.1.1.4.1.3");
/// ecdsa-plain-SHA384.
pub const ECDSA_PLAIN_SHA384: Oid = Oid::new_unwrap("0.4.0.127.0.7.1.1.4.1.4");
/// ecdsa-plain-SHA512.
pub const ECDSA_PLAIN_SHA512: Oid = Oid::new_unwrap("0.4.0.127.0.7.1.1.4.1.5");

/// secp192r1 (P-192).
pub const SECP192R1: Oid = Oid::new_unwrap(dotted::SECP192R1);
/// secp224r1 (P-224).
pub const SECP224R1: Oid = Oid::new_unwrap(dotted::SECP224R1);
/// secp256r1 (P-256).
pub const SECP256R1: Oid = Oid::new_unwrap(dotted::SECP256R1);
/// secp384r1 (P-384).
pub const SECP384R1: Oid = Oid::new_unwrap(dotted::SECP384R1);
/// secp521r1 (P-521).
pub const SECP521R1: Oid = Oid::new_unwrap(dotted::SECP521R1);
/// brainpoolP192r1.
pub const BRAINPOOL_P192R1: Oid = Oid::new_unwrap(dotted::BRAINPOOL_P192R1);
/// brainpoolP224r1.
pub const BRAINPOOL_P224R1: Oid = Oid::new_unwrap(dotted::BRAINPOOL_P224R1);
/// brainpoolP256r1.
pub const BRAINPOOL_P256R1: Oid = Oid::new_unwrap(dotted::BRAINPOOL_P256R1);
/// brainpoolP320r1.
pub const BRAINPOOL_P320R1: Oid = Oid::new_unwrap(dotted::BRAINPOOL_P320R1);
/// brainpoolP384r1.
pub const BRAINPOOL_P384R1: Oid = Oid::new_unwrap(dotted::BRAINPOOL_P384R1);
/// brainpoolP512r1.
pub const BRAINPOOL_P512R1: Oid = Oid::new_unwrap(dotted::BRAINPOOL_P512R1);

/// The named curves' OIDs as dotted text, for the interfaces that speak text
/// ([`crate::crypto::NamedCurve::oid`]); the typed constants above are made from these.
pub mod dotted {
    /// secp192r1 (P-192).
    pub const SECP192R1: &str = "1.2.840.10045.3.1.1";
    /// secp224r1 (P-224).
    pub const SECP224R1: &str = "1.3.132.0.33";
    /// secp256r1 (P-256).
    pub const SECP256R1: &str = "1.2.840.10045.3.1.7";
    /// secp384r1 (P-384).
    pub const SECP384R1: &str = "1.3.132.0.34";
    /// secp521r1 (P-521).
    pub const SECP521R1: &str = "1.3.132.0.35";
    /// brainpoolP192r1.
    pub const BRAINPOOL_P192R1: &str = "1.3.36.3.3.2.8.1.1.3";
    /// brainpoolP224r1.
    pub const BRAINPOOL_P224R1: &str = "1.3.36.3.3.2.8.1.1.5";
    /// brainpoolP256r1.
    pub const BRAINPOOL_P256R1: &str = "1.3.36.3.3.2.8.1.1.7";
    /// brainpoolP320r1.
    pub const BRAINPOOL_P320R1: &str = "1.3.36.3.3.2.8.1.1.9";
    /// brainpoolP384r1.
    pub const BRAINPOOL_P384R1: &str = "1.3.36.3.3.2.8.1.1.11";
    /// brainpoolP512r1.
    pub const BRAINPOOL_P512R1: &str = "1.3.36.3.3.2.8.1.1.13";
}

// ---- Diffie–Hellman ----

/// dhpublicnumber (X9.42): parameters are `DomainParameters` (p, g, q, …).
pub const DH_PUBLIC_NUMBER: Oid = Oid::new_unwrap("1.2.840.10046.2.1");
/// dhKeyAgreement (PKCS #3): parameters are `DHParameter` (p, g), no subgroup order.
pub const DH_KEY_AGREEMENT: Oid = Oid::new_unwrap("1.2.840.113549.1.3.1");

// ---- X.500 attributes and X.509 extensions ----

/// id-at-countryName.
pub const COUNTRY_NAME: Oid = Oid::new_unwrap("2.5.4.6");
/// id-at-commonName.
pub const COMMON_NAME: Oid = Oid::new_unwrap("2.5.4.3");
/// id-at-organizationName.
pub const ORGANIZATION_NAME: Oid = Oid::new_unwrap("2.5.4.10");
/// id-ce-subjectKeyIdentifier.
pub const EXT_SUBJECT_KEY_ID: Oid = Oid::new_unwrap("2.5.29.14");
/// id-ce-keyUsage.
pub const EXT_KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.15");
/// id-ce-privateKeyUsagePeriod.
pub const EXT_PRIVATE_KEY_USAGE_PERIOD: Oid = Oid::new_unwrap("2.5.29.16");
/// id-ce-basicConstraints.
pub const EXT_BASIC_CONSTRAINTS: Oid = Oid::new_unwrap("2.5.29.19");
/// id-ce-authorityKeyIdentifier.
pub const EXT_AUTHORITY_KEY_ID: Oid = Oid::new_unwrap("2.5.29.35");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_typed_oids_agree() {
        assert_eq!("1.2.840.10045.2.1".as_oid(), Some(EC_PUBLIC_KEY));
        assert_eq!(EC_PUBLIC_KEY.as_oid(), Some(EC_PUBLIC_KEY));
        assert_eq!("not an oid".as_oid(), None);
        assert_eq!("not an oid".dotted(), "not an oid");
        assert_eq!(ID_PK_ECDH.parent(), Some(ID_PK));
        assert_eq!(
            ID_PACE.as_bytes(),
            [0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x04]
        );
    }
}
