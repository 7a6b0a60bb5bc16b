//! DER encodings of the SecurityInfos a chip publishes: PACEInfo for EF.CardAccess, plus the
//! chip-authentication infos for EF.CardSecurity (PACE-CAM) and DG14.

use tapid_card::tlv::{Tag, encode};
use tapid_mrtd::security_infos::PaceProtocol;

const SEQUENCE: Tag = Tag(0x30);
const SET: Tag = Tag(0x31);
const OID: Tag = Tag(0x06);
const INTEGER: Tag = Tag(0x02);
const BIT_STRING: Tag = Tag(0x03);

/// `0.4.0.127.0.7.2.2` (bsi-de smartcard protocols).
const BSI_PROTOCOLS: [u8; 7] = [0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02];
/// `0.4.0.127.0.7.1.2` standardizedDomainParameters.
const STANDARDIZED_DOMAIN_PARAMETERS: [u8; 7] = [0x04, 0x00, 0x7F, 0x00, 0x07, 0x01, 0x02];

fn integer(v: u64) -> Vec<u8> {
    let bytes = v.to_be_bytes();
    let mut b: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
    if b.first().is_none_or(|f| f & 0x80 != 0) {
        b.insert(0, 0);
    }
    encode(INTEGER, &b)
}

fn oid(arcs: &[u8]) -> Vec<u8> {
    encode(OID, arcs)
}

/// `PACEInfo ::= SEQUENCE { protocol, version 2, parameterId }`.
pub fn pace_info(protocol: PaceProtocol, parameter_id: u64) -> Vec<u8> {
    let mut body = oid(&protocol.oid_bytes());
    body.extend(integer(2));
    body.extend(integer(parameter_id));
    encode(SEQUENCE, &body)
}

/// `ChipAuthenticationInfo ::= SEQUENCE { id-CA-ECDH-<cipher>, version 1, keyId }`.
pub fn chip_authentication_info(cipher_arc: u8, key_id: u64) -> Vec<u8> {
    let mut arcs = BSI_PROTOCOLS.to_vec();
    arcs.extend_from_slice(&[3, 2, cipher_arc]);
    let mut body = oid(&arcs);
    body.extend(integer(1));
    body.extend(integer(key_id));
    encode(SEQUENCE, &body)
}

/// `ChipAuthenticationPublicKeyInfo` with an id-PK-ECDH key on standardized parameters.
pub fn chip_authentication_public_key_info(
    parameter_id: u64,
    public_sec1: &[u8],
    key_id: u64,
) -> Vec<u8> {
    let mut pk_arcs = BSI_PROTOCOLS.to_vec();
    pk_arcs.extend_from_slice(&[1, 2]);
    let mut params = oid(&STANDARDIZED_DOMAIN_PARAMETERS);
    params.extend(integer(parameter_id));
    let mut alg = oid(&pk_arcs);
    alg.extend(encode(SEQUENCE, &params));
    let mut bits = vec![0u8];
    bits.extend_from_slice(public_sec1);
    let mut spki = encode(SEQUENCE, &alg);
    spki.extend(encode(BIT_STRING, &bits));
    let mut body = oid(&pk_arcs);
    body.extend(encode(SEQUENCE, &spki));
    body.extend(integer(key_id));
    encode(SEQUENCE, &body)
}

/// `SecurityInfos ::= SET OF SecurityInfo` from already encoded infos.
pub fn security_infos(infos: &[Vec<u8>]) -> Vec<u8> {
    // DER sorts SET OF elements by their encodings.
    let mut sorted: Vec<&Vec<u8>> = infos.iter().collect();
    sorted.sort();
    encode(
        SET,
        &sorted.into_iter().flatten().copied().collect::<Vec<u8>>(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use tapid_mrtd::security_infos::{Agreement, Mapping, SecurityInfos};
    use tapid_mrtd::symmetric::CipherAlg;

    #[test]
    fn appendix_g1_card_access() {
        let p = PaceProtocol::new(Mapping::Gm, Agreement::Ecdh, CipherAlg::Aes128).unwrap();
        let ca = security_infos(&[pace_info(p, 13)]);
        assert_eq!(
            hex::encode_upper(&ca),
            "31143012060A04007F0007020204020202010202010D"
        );
    }

    #[test]
    fn chip_authentication_infos_parse_back() {
        let der = security_infos(&[
            chip_authentication_info(2, 1),
            chip_authentication_public_key_info(13, &[4; 65], 1),
        ]);
        let infos = SecurityInfos::parse(&der).unwrap();
        assert_eq!(infos.chip_authentication_infos().count(), 1);
        assert_eq!(infos.chip_authentication_public_keys().count(), 1);
    }
}
