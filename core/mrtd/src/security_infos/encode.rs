//! DER encoding of the infos a chip publishes (EF.CardAccess, DG14, EF.CardSecurity
//! content), for the emulator and test fixtures. Parsing the output gives the input back.

use tapid_card::tlv::{self, Tag};

use super::protocol::{ARC_PK, BSI_SMARTCARD};
use super::{Agreement, ChipAuthenticationInfo, ChipAuthenticationPublicKeyInfo, PaceInfo};
use crate::crypto::{CryptoError, DomainParameters};

/// DER content bytes of `standardizedDomainParameters` 0.4.0.127.0.7.1.2.
const STANDARDIZED_DOMAIN_PARAMETERS: [u8; 7] = [0x04, 0x00, 0x7F, 0x00, 0x07, 0x01, 0x02];

/// A DER INTEGER from an unsigned big-endian value (minimal, with a sign byte if needed).
fn integer(value: &[u8]) -> Vec<u8> {
    let skip = value.iter().take_while(|b| **b == 0).count();
    let digits = value.get(skip..).unwrap_or_default();
    let mut content = Vec::with_capacity(digits.len() + 1);
    if digits.first().is_none_or(|b| b & 0x80 != 0) {
        content.push(0);
    }
    content.extend_from_slice(digits);
    tlv::encode(Tag(0x02), &content)
}

fn small(value: u64) -> Vec<u8> {
    integer(&value.to_be_bytes())
}

impl PaceInfo {
    /// `PACEInfo` as DER.
    pub fn to_der(&self) -> Vec<u8> {
        let mut body = tlv::encode(Tag(0x06), &self.protocol.oid_bytes());
        body.extend(small(self.version));
        if let Some(id) = self.parameter_id {
            body.extend(small(id));
        }
        tlv::encode(Tag(0x30), &body)
    }
}

impl ChipAuthenticationInfo {
    /// `ChipAuthenticationInfo` as DER.
    pub fn to_der(&self) -> Vec<u8> {
        let mut body = tlv::encode(Tag(0x06), &self.protocol.oid_bytes());
        body.extend(small(self.version));
        if let Some(id) = self.key_id {
            body.extend(small(id));
        }
        tlv::encode(Tag(0x30), &body)
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

/// DER content bytes of `id-ecPublicKey` 1.2.840.10045.2.1.
const EC_PUBLIC_KEY: [u8; 7] = [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01];
/// DER content bytes of `prime-field` 1.2.840.10045.1.1.
const PRIME_FIELD: [u8; 7] = [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x01, 0x01];
/// DER content bytes of `dhpublicnumber` 1.2.840.10046.2.1 (X9.42).
const DH_PUBLIC_NUMBER: [u8; 7] = [0x2A, 0x86, 0x48, 0xCE, 0x3E, 0x02, 0x01];
/// DER content bytes of `dhKeyAgreement` 1.2.840.113549.1.3.1 (PKCS #3, no subgroup order).
const DH_KEY_AGREEMENT: [u8; 9] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x03, 0x01];

/// The `AlgorithmIdentifier` of a public key on `domain` with explicit parameters.
fn explicit_algorithm(domain: &DomainParameters) -> Vec<u8> {
    match domain {
        DomainParameters::Ec(curve) => {
            let c = curve.params();
            let mut field = tlv::encode(Tag(0x06), &PRIME_FIELD);
            field.extend(integer(c.p()));
            let mut ab = tlv::encode(Tag(0x04), c.a());
            tlv::encode_into(Tag(0x04), c.b(), &mut ab);
            let mut base = vec![0x04];
            base.extend_from_slice(c.gx());
            base.extend_from_slice(c.gy());
            // SpecifiedECDomain (SEC 1 C.2) version 1: no seed, no hash.
            let mut spec = small(1);
            tlv::encode_into(Tag(0x30), &field, &mut spec);
            tlv::encode_into(Tag(0x30), &ab, &mut spec);
            tlv::encode_into(Tag(0x04), &base, &mut spec);
            spec.extend(integer(c.n()));
            spec.extend(small(c.cofactor()));
            let mut alg = tlv::encode(Tag(0x06), &EC_PUBLIC_KEY);
            tlv::encode_into(Tag(0x30), &spec, &mut alg);
            alg
        }
        DomainParameters::Dh(group) => {
            let mut params = integer(&group.p());
            params.extend(integer(&group.g()));
            let oid: &[u8] = match group.q() {
                Some(q) => {
                    params.extend(integer(&q));
                    &DH_PUBLIC_NUMBER
                }
                None => &DH_KEY_AGREEMENT,
            };
            let mut alg = tlv::encode(Tag(0x06), oid);
            tlv::encode_into(Tag(0x30), &params, &mut alg);
            alg
        }
    }
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
        let alg = match form {
            DomainParameterForm::Explicit => explicit_algorithm(&self.domain),
            DomainParameterForm::Standardized => {
                let id = self
                    .domain
                    .standardized_id()
                    .ok_or(CryptoError::Unsupported(
                        "explicit parameters have no standardized ID",
                    ))?;
                let mut alg = tlv::encode(Tag(0x06), &STANDARDIZED_DOMAIN_PARAMETERS);
                alg.extend(small(u64::from(id)));
                alg
            }
        };
        let key = match self.agreement {
            Agreement::Ecdh => self.public_key.clone(),
            Agreement::Dh => integer(&self.public_key),
        };
        let mut bits = vec![0u8];
        bits.extend_from_slice(&key);
        let mut spki = tlv::encode(Tag(0x30), &alg);
        tlv::encode_into(Tag(0x03), &bits, &mut spki);
        let arc = match self.agreement {
            Agreement::Dh => 1,
            Agreement::Ecdh => 2,
        };
        let mut oid = BSI_SMARTCARD.to_vec();
        oid.extend_from_slice(&[ARC_PK, arc]);
        let mut body = tlv::encode(Tag(0x06), &oid);
        tlv::encode_into(Tag(0x30), &spki, &mut body);
        if let Some(id) = self.key_id {
            body.extend(small(id));
        }
        Ok(tlv::encode(Tag(0x30), &body))
    }
}

/// `SecurityInfos`: the DER `SET` of already encoded infos (EF.CardAccess, or DG14's value).
pub fn encode_security_infos(infos: &[Vec<u8>]) -> Vec<u8> {
    let mut sorted: Vec<&Vec<u8>> = infos.iter().collect();
    // DER orders SET OF elements by their encodings.
    sorted.sort();
    let body: Vec<u8> = sorted.into_iter().flatten().copied().collect();
    tlv::encode(Tag(0x31), &body)
}

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
