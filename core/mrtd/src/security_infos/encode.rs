//! DER encoding of the infos a chip publishes (EF.CardAccess, DG14, EF.CardSecurity
//! content), for the emulator and test fixtures. Parsing the output gives the input back.

use tapid_card::tlv::{self, Tag};

use super::protocol::{ARC_PK, BSI_SMARTCARD};
use super::{Agreement, ChipAuthenticationInfo, ChipAuthenticationPublicKeyInfo, PaceInfo};
use crate::crypto::CryptoError;

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

impl ChipAuthenticationPublicKeyInfo {
    /// `ChipAuthenticationPublicKeyInfo` as DER, with the domain parameters referenced by
    /// `standardizedDomainParameters` (explicit parameters are not encoded here).
    pub fn to_der(&self) -> Result<Vec<u8>, CryptoError> {
        let id = self
            .domain
            .standardized_id()
            .ok_or(CryptoError::Unsupported(
                "only standardized domain parameters are encoded",
            ))?;
        let mut alg = tlv::encode(Tag(0x06), &STANDARDIZED_DOMAIN_PARAMETERS);
        alg.extend(small(u64::from(id)));
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
    use crate::crypto::DomainParameters;
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
