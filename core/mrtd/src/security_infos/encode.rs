//! DER encoding of the infos a chip publishes (EF.CardAccess, DG14, EF.CardSecurity
//! content), for the emulator and test fixtures, with the same `der` types the parser reads.
//! Parsing the output gives the input back.

use der::asn1::{Any, AnyRef, BitString, ObjectIdentifier, Uint};
use der::{Encode, Tag};
use spki::SubjectPublicKeyInfoOwned;

use super::infos::{AaDer, PublicKeyDer, VersionedDer};
use super::{
    ActiveAuthenticationInfo, Agreement, ChipAuthenticationInfo, ChipAuthenticationPublicKeyInfo,
    PaceInfo,
};
use crate::crypto::CryptoError;
#[cfg(test)]
use crate::crypto::DomainParameters;
use crate::oid;

/// Encodes a value whose encoding cannot fail. `der` reports errors only for values over
/// 256 MiB or invalid components; the infos encoded this way are a few bytes of OIDs from
/// the typed protocols and 64-bit INTEGERs. Were it ever to fail, the empty result is refused
/// by every parser.
fn infallible(encode: impl FnOnce() -> der::Result<Vec<u8>>) -> Vec<u8> {
    encode().unwrap_or_default()
}

/// A DER INTEGER from an unsigned big-endian value (minimal, with a sign byte if needed).
fn integer(value: &[u8]) -> Vec<u8> {
    infallible(|| Uint::new(value)?.to_der())
}

#[cfg(test)]
fn small(value: u64) -> Vec<u8> {
    integer(&value.to_be_bytes())
}

/// `SEQUENCE { protocol, version, id OPTIONAL }` of a PACE or CA protocol OID (content bytes).
fn versioned(protocol: &[u8], version: u64, id: Option<u64>) -> Vec<u8> {
    infallible(|| {
        VersionedDer {
            protocol: ObjectIdentifier::from_bytes(protocol)?,
            version,
            extra: id.map(|id| Any::encode_from(&id)).transpose()?,
        }
        .to_der()
    })
}

impl PaceInfo {
    /// `PACEInfo` as DER.
    pub fn to_der(&self) -> Vec<u8> {
        versioned(&self.protocol.oid_bytes(), self.version, self.parameter_id)
    }
}

impl ChipAuthenticationInfo {
    /// `ChipAuthenticationInfo` as DER.
    pub fn to_der(&self) -> Vec<u8> {
        versioned(&self.protocol.oid_bytes(), self.version, self.key_id)
    }
}

impl ActiveAuthenticationInfo {
    /// `ActiveAuthenticationInfo` (`id-AA`) as DER.
    pub fn to_der(&self) -> Vec<u8> {
        infallible(|| {
            AaDer {
                protocol: oid::ID_AA,
                version: self.version,
                signature_algorithm: self.signature_algorithm,
            }
            .to_der()
        })
    }
}

/// How a `ChipAuthenticationPublicKeyInfo` names its key's domain parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum DomainParameterForm {
    /// The parameters spelt out (`id-ecPublicKey` with `SpecifiedECDomain`, or
    /// `dhpublicnumber` with X9.42 `DomainParameters`), as real passports carry them and as
    /// readers built on BouncyCastle (JMRTD) or gmrtd need them to run Chip Authentication.
    #[default]
    Explicit,
    /// `standardizedDomainParameters` + the PACE parameter ID (BSI TR-03110-3 allows it).
    Standardized,
}

impl ChipAuthenticationPublicKeyInfo {
    /// `ChipAuthenticationPublicKeyInfo` as DER with explicit domain parameters (the
    /// default [`DomainParameterForm`]).
    pub fn to_der(&self) -> Result<Vec<u8>, CryptoError> {
        self.to_der_with(DomainParameterForm::Explicit)
    }

    /// `ChipAuthenticationPublicKeyInfo` as DER with the domain parameters in `form`;
    /// [`DomainParameterForm::Standardized`] needs standardized parameters.
    pub fn to_der_with(&self, form: DomainParameterForm) -> Result<Vec<u8>, CryptoError> {
        let malformed = |_| CryptoError::MalformedParameters("DER");
        let algorithm = match form {
            DomainParameterForm::Explicit => self.domain.explicit_algorithm_identifier()?,
            DomainParameterForm::Standardized => self.domain.standardized_algorithm_identifier()?,
        };
        // id-PK-DH: the BIT STRING holds a DER INTEGER y; id-PK-ECDH: the point itself.
        let (protocol, key) = match self.agreement {
            Agreement::Ecdh => (oid::ID_PK_ECDH, self.public_key.clone()),
            Agreement::Dh => (oid::ID_PK_DH, integer(&self.public_key)),
        };
        PublicKeyDer {
            protocol,
            key: SubjectPublicKeyInfoOwned {
                algorithm,
                subject_public_key: BitString::from_bytes(&key).map_err(malformed)?,
            },
            key_id: self.key_id,
        }
        .to_der()
        .map_err(malformed)
    }
}

/// `SecurityInfos`: the DER `SET` of already encoded infos (EF.CardAccess, or DG14's value).
pub fn encode_security_infos(infos: &[Vec<u8>]) -> Vec<u8> {
    let mut sorted: Vec<&Vec<u8>> = infos.iter().collect();
    // DER orders SET OF elements by their encodings.
    sorted.sort();
    let body: Vec<u8> = sorted.into_iter().flatten().copied().collect();
    infallible(|| AnyRef::new(Tag::Set, &body)?.to_der())
}

/// Byte views of table OIDs for the tests' byte-level checks.
#[cfg(test)]
const fn content<const N: usize>(oid: &oid::Oid) -> [u8; N] {
    match oid.as_bytes().first_chunk::<N>() {
        Some(bytes) if oid.as_bytes().len() == N => *bytes,
        _ => [0; N],
    }
}
#[cfg(test)]
const STANDARDIZED_DOMAIN_PARAMETERS: [u8; 7] = content(&oid::STANDARDIZED_DOMAIN_PARAMETERS);
#[cfg(test)]
const EC_PUBLIC_KEY: [u8; 7] = content(&oid::EC_PUBLIC_KEY);
#[cfg(test)]
const DH_PUBLIC_NUMBER: [u8; 7] = content(&oid::DH_PUBLIC_NUMBER);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::security_infos::{CaProtocol, Mapping, PaceProtocol, SecurityInfos};
    use crate::symmetric::CipherAlg;

    #[test]
    fn integers() {
        assert_eq!(small(0), vec![0x02, 0x01, 0x00]);
        assert_eq!(small(13), vec![0x02, 0x01, 0x0D]);
        assert_eq!(small(0x80), vec![0x02, 0x02, 0x00, 0x80]);
    }

    #[test]
    fn card_access_of_appendix_g1() {
        let info = PaceInfo {
            protocol: PaceProtocol::new(Mapping::Gm, Agreement::Ecdh, CipherAlg::Aes128).unwrap(),
            version: 2,
            parameter_id: Some(13),
        };
        assert_eq!(
            hex::encode_upper(encode_security_infos(&[info.to_der()])),
            "31143012060A04007F0007020204020202010202010D"
        );
    }

    /// Both forms of a key parse back to the same key and parameters; the explicit one names
    /// `id-ecPublicKey` / `dhpublicnumber` and no parameter ID.
    #[test]
    fn explicit_and_standardized_forms_round_trip() {
        for id in [13u64, 12, 17, 0, 2] {
            let domain = DomainParameters::from_standardized_id(id).unwrap();
            let (agreement, public_key) = match &domain {
                DomainParameters::Ec(_) => {
                    let group = domain.ec_group().unwrap();
                    let sk = group.private_key_from_bytes(&[9; 20]).unwrap();
                    (
                        Agreement::Ecdh,
                        group
                            .public_from_private(&sk)
                            .unwrap()
                            .to_sec1_uncompressed(),
                    )
                }
                DomainParameters::Dh(_) => {
                    let g = domain.dh_group().unwrap();
                    let x = g.private_key_from_bytes(&[0x42; 20]).unwrap();
                    (Agreement::Dh, g.public_from_private(&x).unwrap())
                }
            };
            let key = ChipAuthenticationPublicKeyInfo {
                agreement,
                domain,
                public_key,
                key_id: Some(1),
            };
            let explicit = key.to_der().unwrap();
            assert_eq!(
                explicit,
                key.to_der_with(DomainParameterForm::Explicit).unwrap()
            );
            let standardized = key.to_der_with(DomainParameterForm::Standardized).unwrap();
            let alg_oid = match agreement {
                Agreement::Ecdh => EC_PUBLIC_KEY.as_slice(),
                Agreement::Dh => DH_PUBLIC_NUMBER.as_slice(),
            };
            let contains =
                |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
            assert!(contains(&explicit, alg_oid), "id {id}");
            assert!(
                !contains(&explicit, &STANDARDIZED_DOMAIN_PARAMETERS),
                "id {id}"
            );
            assert!(
                contains(&standardized, &STANDARDIZED_DOMAIN_PARAMETERS),
                "id {id}"
            );
            assert!(explicit.len() > standardized.len() + 64, "id {id}");
            for der in [explicit, standardized] {
                let infos = SecurityInfos::parse(&encode_security_infos(&[der])).unwrap();
                let parsed = infos.chip_authentication_public_keys().next().unwrap();
                assert_eq!(parsed.public_key, key.public_key, "id {id}");
                assert_eq!(parsed.agreement, agreement);
                assert_eq!(parsed.key_id, Some(1));
                // Explicit parameters of a standard curve or group are recognised as it.
                assert_eq!(parsed.domain.standardized_id(), Some(id as u8), "id {id}");
            }
        }
    }

    #[test]
    fn dg14_round_trip() {
        let domain = DomainParameters::from_standardized_id(13).unwrap();
        let group = domain.ec_group().unwrap();
        let sk = group.private_key_from_bytes(&[7; 32]).unwrap();
        let key = ChipAuthenticationPublicKeyInfo {
            agreement: Agreement::Ecdh,
            domain,
            public_key: group
                .public_from_private(&sk)
                .unwrap()
                .to_sec1_uncompressed(),
            key_id: Some(1),
        };
        let ca = ChipAuthenticationInfo {
            protocol: CaProtocol {
                agreement: Agreement::Ecdh,
                cipher: CipherAlg::Aes256,
            },
            version: 1,
            key_id: Some(1),
        };
        let set = encode_security_infos(&[key.to_der().unwrap(), ca.to_der()]);
        let infos = SecurityInfos::parse(&set).unwrap();
        let parsed = infos.chip_authentication_public_keys().next().unwrap();
        assert_eq!(parsed.public_key, key.public_key);
        assert_eq!(parsed.key_id, Some(1));
        assert_eq!(infos.chip_authentication_infos().next(), Some(&ca));

        let dh = DomainParameters::from_standardized_id(0).unwrap();
        let g = dh.dh_group().unwrap();
        let x = g.private_key_from_bytes(&[0x42; 20]).unwrap();
        let dh_key = ChipAuthenticationPublicKeyInfo {
            agreement: Agreement::Dh,
            domain: dh,
            public_key: g.public_from_private(&x).unwrap(),
            key_id: None,
        };
        let infos =
            SecurityInfos::parse(&encode_security_infos(&[dh_key.to_der().unwrap()])).unwrap();
        let parsed = infos.chip_authentication_public_keys().next().unwrap();
        assert_eq!(parsed.public_key, dh_key.public_key);
        assert_eq!(parsed.agreement, Agreement::Dh);
    }
}
