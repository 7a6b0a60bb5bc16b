//! The nonce mappings over either key-agreement family (9303-11 §4.4.3.3): both sides
//! compute the same ephemeral generator from s and the mapping data.

use super::agreement::{AgreementGroup, AgreementKeyPair, AgreementPrivateKey};
use super::keys::im_cipher;
use crate::crypto::CryptoError;
use crate::crypto::pace_map::{gm_dh_map, gm_ec_map, im_dh_map, im_ec_map};
use crate::symmetric::CipherAlg;

/// Generic Mapping (also the first half of CAM): Ĝ = s·G + SK_Map·PK_Map,peer (ECDH) or
/// ĝ = g^s · PK_Map,peer^SK_Map (DH). The peer key must differ from ours; it is validated
/// once, by the point's decoding (ECDH) or the DH agreement's range and subgroup check.
pub(super) fn generic(
    group: &AgreementGroup,
    s: &[u8],
    own: &AgreementKeyPair,
    peer: &[u8],
) -> Result<AgreementGroup, CryptoError> {
    if peer == own.public.as_slice() {
        return Err(CryptoError::Unsupported("peer echoed our own mapping key"));
    }
    match (group, &own.private) {
        (AgreementGroup::Ec(g), AgreementPrivateKey::Ec(sk)) => {
            gm_ec_map(g, s, sk, &g.decode_point(peer)?).map(AgreementGroup::Ec)
        }
        (AgreementGroup::Dh(g), AgreementPrivateKey::Dh(sk)) => {
            gm_dh_map(g, s, sk, peer).map(AgreementGroup::Dh)
        }
        _ => Err(CryptoError::Unsupported("key and group families differ")),
    }
}

/// Integrated Mapping: Ĝ = fG(R(s, t) mod p) (ECDH) or ĝ = Rp^((p−1)/q) (DH).
pub(super) fn integrated(
    group: &AgreementGroup,
    cipher: CipherAlg,
    s: &[u8],
    t: &[u8],
) -> Result<AgreementGroup, CryptoError> {
    let c = im_cipher(cipher);
    match group {
        AgreementGroup::Ec(g) => im_ec_map(g, c, s, t).map(AgreementGroup::Ec),
        AgreementGroup::Dh(g) => im_dh_map(g, c, s, t).map(AgreementGroup::Dh),
    }
}
