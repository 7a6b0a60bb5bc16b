//! tapid-card's formats built by hand: BER-TLV objects of every length form and tag size
//! (`tlv`), and secure-messaging answers of every mode and cipher suite (`sm_unwrap`), made
//! by the chip side of the same channel the target's terminal uses.

use tapid_card::tlv::{self, Tag};
use tapid_card::{ResponseApdu, StatusWord};
use tapid_mrtd::symmetric::CipherAlg;

use super::{Corpus, SeedError};
use crate::card::channel;

/// BER-TLV objects: one-, two- and three-byte tags, short and long lengths (`81`, `82`),
/// empty values, nesting, several objects in a row.
fn tlv_objects() -> Vec<(&'static str, Vec<u8>)> {
    let dg1 = tlv::encode(Tag(0x61), &tlv::encode(Tag(0x5F1F), &[b'P'; 88]));
    let mut two = tlv::encode(Tag(0x04), b"one");
    two.extend(tlv::encode(Tag(0x30), &tlv::encode(Tag(0x02), &[0x7F])));
    vec![
        ("empty value", tlv::encode(Tag(0x80), &[])),
        ("short length", tlv::encode(Tag(0x04), b"tapid")),
        ("81 length", tlv::encode(Tag(0x04), &[0xA5; 200])),
        ("82 length", tlv::encode(Tag(0x53), &[0x5A; 300])),
        ("two-byte tags, nested", dg1),
        ("three-byte tag", tlv::encode(Tag(0x5F_8F_01), b"x")),
        (
            "deep nesting",
            (0..40).fold(tlv::encode(Tag(0x80), b"core"), |inner, _| {
                tlv::encode(Tag(0x30), &inner)
            }),
        ),
        ("two objects", two),
    ]
}

/// The cipher suites by the target's first byte.
const SUITES: [(u8, CipherAlg); 4] = [
    (0, CipherAlg::Tdes),
    (1, CipherAlg::Aes128),
    (2, CipherAlg::Aes192),
    (3, CipherAlg::Aes256),
];

/// Response data lengths: none, less than a block, a block, more than two.
const LENGTHS: [usize; 4] = [0, 5, 16, 33];

/// The `sm_unwrap` inputs of `alg` (suite byte `suite`): for each data length, a response the
/// chip protected (mode 0) and the same without its DO'8E' (mode 1, the target adds the MAC);
/// an odd-INS answer (DO'85'); and plaintexts for the round trip (mode 2). Near-misses: the
/// MAC's last byte flipped, a padding indicator other than `01`, a plain error status.
fn sm_inputs(suite: u8, alg: CipherAlg, corpus: &mut Corpus) -> Result<(), SeedError> {
    let cases = LENGTHS.iter().map(|n| (*n, false)).chain([(5, true)]);
    for (len, odd) in cases {
        let data: Vec<u8> = (0..len).map(|i| (i as u8).wrapping_mul(29)).collect();
        let sw = if len == 33 {
            StatusWord::from_bytes([0x62, 0x82])
        } else {
            StatusWord::from_bytes([0x90, 0x00])
        };
        let mut chip = channel(alg).ok_or(SeedError::Build {
            what: "secure channel",
            detail: format!("no {alg} channel"),
        })?;
        let protected = chip
            .protect_response(&ResponseApdu::new(data.clone(), sw), odd)
            .map_err(|e| SeedError::build("protected response")(&e))?
            .to_bytes();
        let label = format!("{alg}, {len} bytes{}", if odd { ", odd INS" } else { "" });
        let mut mode0 = vec![suite, 0];
        mode0.extend_from_slice(&protected);
        let mut flipped = mode0.clone();
        if let Some(b) = flipped
            .len()
            .checked_sub(3)
            .and_then(|i| flipped.get_mut(i))
        {
            *b ^= 0x80;
        }
        corpus.near_miss(
            "sm_unwrap",
            format!("mode 0, {label}, MAC flipped"),
            flipped,
        );
        corpus.with_near_misses("sm_unwrap", &format!("mode 0, {label}"), mode0);
        // Without DO'8E' (tag, length, 8 bytes) before the SW: the target adds the MAC.
        let cut = protected.len().saturating_sub(12);
        let mut mode1 = vec![suite, 1];
        mode1.extend_from_slice(protected.get(..cut).unwrap_or_default());
        mode1.extend_from_slice(&sw.to_bytes());
        if len > 0 && !odd {
            // DO'87' = 87 L 01 cryptogram: a padding-content indicator other than 01.
            let mut bad = mode1.clone();
            if let Some(b) = bad.get_mut(4) {
                *b = 0x02;
            }
            corpus.near_miss("sm_unwrap", format!("mode 1, {label}, indicator 02"), bad);
        }
        corpus.with_near_misses("sm_unwrap", &format!("mode 1, {label}"), mode1);
        let mut mode2 = vec![suite, 2];
        mode2.extend_from_slice(&sw.to_bytes());
        mode2.push(if odd { 0xB1 } else { 0xB0 });
        mode2.extend_from_slice(&data);
        corpus.genuine("sm_unwrap", format!("mode 2, {label}"), mode2);
    }
    corpus.near_miss(
        "sm_unwrap",
        format!("mode 0, {alg}, plain 6A82"),
        vec![suite, 0, 0x6A, 0x82],
    );
    corpus.near_miss(
        "sm_unwrap",
        format!("mode 0, {alg}, plain data"),
        vec![suite, 0, 0x01, 0x90, 0x00],
    );
    Ok(())
}

/// `tlv` objects and `sm_unwrap` answers, with near-misses.
///
/// # Errors
/// When a secure channel cannot be set up or protect.
pub fn seeds(corpus: &mut Corpus) -> Result<(), SeedError> {
    for (label, bytes) in tlv_objects() {
        corpus.with_near_misses("tlv", label, bytes);
    }
    for (suite, alg) in SUITES {
        sm_inputs(suite, alg, corpus)?;
    }
    Ok(())
}
