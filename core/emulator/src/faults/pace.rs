//! Chip-level PACE faults: the chip sends public keys a terminal must refuse (off the curve,
//! the point at infinity, a DH element of order 2), to show the terminal validates them
//! before using them.

use tapid_card::ResponseApdu;
use tapid_card::tlv::{self, Tag, Tlv};
use tapid_mrtd::crypto::DomainParameters;

use super::Fault;

/// GENERAL AUTHENTICATE answers carry `7C` around one object: `82` (mapping key) or `84`
/// (ephemeral key). Returns the answer with that key replaced as `fault` says.
pub fn tamper(fault: Fault, domain: &DomainParameters, resp: ResponseApdu) -> ResponseApdu {
    let Ok(outer) = Tlv::parse_tagged(&resp.data, Tag(0x7C)) else {
        return resp;
    };
    let Some(Ok(inner)) = outer.children().next() else {
        return resp;
    };
    let replaced = match (fault, inner.tag.0) {
        (Fault::PacePointOffCurve, 0x82) => {
            let mut point = inner.value.to_vec();
            // Change y: (x, y') with y' ≠ ±y does not satisfy the curve equation.
            if let Some(last) = point.last_mut() {
                *last ^= 0x01;
            }
            point
        }
        (Fault::PacePointIdentity, 0x84) => vec![0x00],
        (Fault::PaceDhSmallSubgroup, 0x84) => match domain.dh_group() {
            Ok(group) => p_minus_one(group.p()),
            Err(_) => return resp,
        },
        _ => return resp,
    };
    ResponseApdu {
        data: tlv::encode(Tag(0x7C), &tlv::encode(inner.tag, &replaced)),
        sw: resp.sw,
    }
}

/// p − 1 for an odd prime p: the element of order 2.
fn p_minus_one(mut p: Vec<u8>) -> Vec<u8> {
    if let Some(last) = p.last_mut() {
        *last = last.wrapping_sub(1);
    }
    p
}
