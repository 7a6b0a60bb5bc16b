//! Inputs of the structure-aware chip target (`flags ‖ [sel, kind, pos_hi, pos_lo, val]*`,
//! see [`crate::chip`]): each profile's genuine session with extended length on and off,
//! and a few edits of both layers. Few, because each is a full read.

use super::Corpus;
use crate::chip::PROFILES;

/// Flags: the document layer (else the wire).
const DOCUMENT: u8 = 8;
/// Flags: short APDUs only.
const SHORT: u8 = 4;

/// One operation.
fn op(sel: u8, kind: u8, pos: u16, val: u8) -> [u8; 5] {
    let [hi, lo] = pos.to_be_bytes();
    [sel, kind, hi, lo, val]
}

/// The flags byte followed by `ops`.
fn input(flags: u8, ops: &[[u8; 5]]) -> Vec<u8> {
    let mut out = vec![flags];
    out.extend(ops.iter().flatten());
    out
}

/// Per profile: the genuine session (extended length, short APDUs), and as near-misses a
/// document edit (a byte of the first data group flipped: the signature no longer covers it),
/// a missing file, a wire edit inside secure messaging (a byte of an answer flipped), an
/// answer replaced by an error status, and three edits at once on each layer.
pub fn seeds(corpus: &mut Corpus) {
    for (index, name) in PROFILES.iter().enumerate() {
        let p = u8::try_from(index).unwrap_or(0);
        corpus.genuine(
            "chip",
            format!("{name}, genuine, extended length"),
            input(p, &[]),
        );
        corpus.genuine(
            "chip",
            format!("{name}, genuine, short APDUs"),
            input(p | SHORT, &[]),
        );
        corpus.near_miss(
            "chip",
            format!("{name}, document: a byte of file 4 flipped"),
            input(p | DOCUMENT, &[op(4, 0, 40, 0x20)]),
        );
        corpus.near_miss(
            "chip",
            format!("{name}, document: file 3 removed"),
            input(p | DOCUMENT, &[op(3, 4, 0, 0)]),
        );
        corpus.near_miss(
            "chip",
            format!("{name}, wire: a byte of answer 12 flipped"),
            input(p, &[op(12, 0, 3, 0x01)]),
        );
        corpus.near_miss(
            "chip",
            format!("{name}, wire: answer 2 replaced by 6A82"),
            input(p | SHORT, &[op(2, 4, 0x6A82, 0)]),
        );
        // Several operations, so that libFuzzer starts from inputs longer than one.
        corpus.near_miss(
            "chip",
            format!("{name}, document: three edits"),
            input(
                p | DOCUMENT,
                &[op(2, 2, 0, 0x30), op(5, 3, 100, 0x80), op(0, 5, 0, 1)],
            ),
        );
        corpus.near_miss(
            "chip",
            format!("{name}, wire: three edits late in the read"),
            input(p, &[op(20, 3, 5, 0x00), op(21, 1, 8, 0), op(25, 5, 0, 0)]),
        );
    }
}
