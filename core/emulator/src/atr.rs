//! The emulated chip's Answer To Reset, as a PC/SC reader reports a contactless card, and its
//! EF.ATR/INFO.
//!
//! A contactless (ISO/IEC 14443-4) card has no ATR of its own; PC/SC part 3 §3.1.3.2.3 has the
//! reader build one: `3B 8n 80 01` + the `n` historical bytes (from the Type A ATS or the Type B
//! ATQB) + `TCK`. `T0 = 8n` announces `TD1` and `n` historical bytes, `TD1 = 80` announces `TD2`
//! for `T=0`, `TD2 = 01` announces `T=1` and ends the interface bytes. Because a protocol other
//! than `T=0` is indicated, the check byte `TCK` follows: the XOR of every byte from `T0` to the
//! last historical byte (ISO/IEC 7816-3 §8.2.5).
//!
//! The historical bytes follow ISO/IEC 7816-4 §8.1.1: category indicator `80` (compact-TLV
//! objects, no status indicator), then the card capabilities object `73` (§8.1.1.2.7) with its
//! three software function tables. The third table's bit b7 (`40`) is "extended Lc and Le
//! fields": set exactly when the chip accepts extended-length APDUs, so a PC/SC reader can
//! discover it the way it does on real chips. (A chip can be built that accepts extended
//! length but does not say so here: [`crate::Chip::without_extended_length_in_atr`].) Phones
//! expose these historical bytes too (Android `IsoDep.getHistoricalBytes`), and
//! [`crate::EmulatorTransport::historical_bytes`] gives them to in-process readers.
//!
//! EF.ATR/INFO (FID `2F01` in the master file, short EF identifier `01`, readable without
//! access control; ISO/IEC 7816-4 §8.2.1.1, 9303-10 "EF.ATR/INFO") is where 9303-10 has a
//! chip that supports extended length say so and give its buffer sizes. Its content is a
//! string of BER-TLV data objects: the card capabilities `47` (the same three tables as the
//! historical bytes, here with "extended Lc and Le fields" and "extended length information
//! in EF.ATR/INFO" set) and the extended length information `7F66`, two INTEGERs `02`: the
//! largest command APDU and the largest response APDU (data and SW1-SW2) the chip buffers.
//! A chip without extended length has no EF.ATR/INFO.

use crate::chip::ChipConfig;

/// The TS byte of a direct-convention ATR.
pub const TS_DIRECT: u8 = 0x3B;

/// ISO/IEC 7816-4 category indicator: compact-TLV data objects follow, no status indicator.
pub const CATEGORY_COMPACT_TLV: u8 = 0x80;

/// Compact-TLV tag (high nibble) of the card capabilities object.
pub const TAG_CARD_CAPABILITIES: u8 = 0x7;

/// First software function table: selection by full DF name, by file identifier, and short EF
/// identifiers supported (what an eMRTD application offers).
pub const SELECTION_METHODS: u8 = 0x80 | 0x10 | 0x04;

/// Data coding byte: one-byte data units, proprietary write behaviour (the common `21`).
pub const DATA_CODING: u8 = 0x21;

/// Third software function table bit: extended Lc and Le fields supported.
pub const EXTENDED_LC_LE: u8 = 0x40;

/// Third software function table bit: extended length information in EF.ATR/INFO
/// (ISO/IEC 7816-4:2013, table 120; OpenSC's `ISO7816_CAP_EXTENDED_LENGTH_INFO`).
pub const EXTENDED_LENGTH_INFO: u8 = 0x20;

/// File identifier of EF.ATR/INFO in the master file.
pub const ATR_INFO_FID: u16 = 0x2F01;

/// Tag of the card capabilities data object in EF.ATR/INFO.
pub const TAG_CARD_CAPABILITIES_DO: u32 = 0x47;

/// Tag of the extended length information data object.
pub const TAG_EXTENDED_LENGTH_INFO: u32 = 0x7F66;

/// The largest command APDU (header, Lc, data, Le) the emulated chip buffers: room for a
/// DH-2048 PACE or Chip Authentication step under secure messaging.
pub const MAX_COMMAND_LEN: usize = 0x0800;

/// The largest response APDU (data and SW1-SW2) the emulated chip buffers with extended
/// length: the largest value a two-byte positive INTEGER holds, so that readers that take
/// the two `7F66` INTEGERs as two bytes each (OpenSC does) read it right.
pub const MAX_RESPONSE_LEN: usize = 0x7FFF;

/// At most 15 historical bytes fit the low nibble of `T0`.
pub const MAX_HISTORICAL: usize = 15;

/// Errors building an ATR.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AtrError {
    /// More historical bytes than `T0` can announce.
    #[error("{0} historical bytes; an ATR carries at most 15")]
    TooManyHistoricalBytes(usize),
}

/// The check byte: XOR of `bytes` (pass everything from `T0` on).
pub fn tck(bytes: &[u8]) -> u8 {
    bytes.iter().fold(0, |acc, b| acc ^ b)
}

/// The historical bytes of the emulated chip: category `80` and the card capabilities object
/// `73 94 21 xx`, where `xx` has [`EXTENDED_LC_LE`] set when `extended_length` is on.
pub fn historical_bytes(extended_length: bool) -> Vec<u8> {
    let third = if extended_length { EXTENDED_LC_LE } else { 0 };
    vec![
        CATEGORY_COMPACT_TLV,
        (TAG_CARD_CAPABILITIES << 4) | 3,
        SELECTION_METHODS,
        DATA_CODING,
        third,
    ]
}

/// The PC/SC part 3 ATR of an ISO/IEC 14443-4 card with these historical bytes.
pub fn contactless(historical: &[u8]) -> Result<Vec<u8>, AtrError> {
    let k = u8::try_from(historical.len())
        .ok()
        .filter(|k| usize::from(*k) <= MAX_HISTORICAL)
        .ok_or(AtrError::TooManyHistoricalBytes(historical.len()))?;
    let mut atr = Vec::with_capacity(5 + historical.len());
    atr.extend_from_slice(&[TS_DIRECT, 0x80 | k, 0x80, 0x01]);
    atr.extend_from_slice(historical);
    let check = tck(atr.get(1..).unwrap_or_default());
    atr.push(check);
    Ok(atr)
}

/// A DER INTEGER `02` of an unsigned value (minimal, with a sign byte when needed).
fn integer(value: usize) -> Vec<u8> {
    let bytes = value.to_be_bytes();
    let skip = bytes
        .iter()
        .take(bytes.len() - 1)
        .take_while(|b| **b == 0)
        .count();
    let mut content: Vec<u8> = bytes.iter().skip(skip).copied().collect();
    if content.first().is_some_and(|b| b & 0x80 != 0) {
        content.insert(0, 0);
    }
    tapid_card::tlv::encode(tapid_card::tlv::Tag(0x02), &content)
}

/// The content of EF.ATR/INFO for a chip with extended length buffering `max_command` and
/// `max_response` bytes: `47 03 94 21 60 ‖ 7F66 { 02 max_command, 02 max_response }`.
pub fn atr_info(max_command: usize, max_response: usize) -> Vec<u8> {
    use tapid_card::tlv::{Tag, encode};
    let mut out = encode(
        Tag(TAG_CARD_CAPABILITIES_DO),
        &[
            SELECTION_METHODS,
            DATA_CODING,
            EXTENDED_LC_LE | EXTENDED_LENGTH_INFO,
        ],
    );
    let mut sizes = integer(max_command);
    sizes.extend(integer(max_response));
    out.extend(encode(Tag(TAG_EXTENDED_LENGTH_INFO), &sizes));
    out
}

/// The ATR a PC/SC reader reports for a chip with this configuration (announcing extended
/// length in the historical bytes whenever the chip has it; see [`crate::Chip::atr`] for a
/// chip built otherwise).
pub fn for_chip(config: ChipConfig) -> Vec<u8> {
    let historical = historical_bytes(config.extended_length);
    // Five historical bytes always fit; fall back to the bare form rather than fail.
    contactless(&historical).unwrap_or_else(|_| vec![TS_DIRECT, 0x80, 0x80, 0x01, 0x01])
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn tck_of_a_known_contactless_atr() {
        // The widely published PC/SC ATR of a MIFARE DESFire EV1: 3B 81 80 01 80 80.
        assert_eq!(
            contactless(&[0x80]).unwrap(),
            [0x3B, 0x81, 0x80, 0x01, 0x80, 0x80]
        );
    }

    #[test]
    fn atr_checks_to_zero() {
        // With TCK, the XOR from T0 to the end is zero (ISO/IEC 7816-3 §8.2.5).
        for ext in [false, true] {
            let atr = for_chip(ChipConfig {
                extended_length: ext,
            });
            assert_eq!(tck(&atr[1..]), 0);
        }
    }

    #[test]
    fn extended_length_atr_bytes() {
        let atr = for_chip(ChipConfig {
            extended_length: true,
        });
        // 3B 85 80 01 | 80 73 94 21 40 | TCK
        assert_eq!(
            atr,
            [0x3B, 0x85, 0x80, 0x01, 0x80, 0x73, 0x94, 0x21, 0x40, 0x02]
        );
        let short = for_chip(ChipConfig {
            extended_length: false,
        });
        assert_eq!(short[8], 0x00);
        assert_eq!(short[9], 0x42);
    }

    #[test]
    fn structure_announces_historical_bytes() {
        let hist = historical_bytes(true);
        let atr = contactless(&hist).unwrap();
        assert_eq!(atr[1] & 0x0F, hist.len() as u8);
        assert_eq!(&atr[4..4 + hist.len()], hist.as_slice());
        // The card capabilities object: tag 7, length 3.
        assert_eq!(hist[1], 0x73);
        assert_eq!(hist[4] & EXTENDED_LC_LE, EXTENDED_LC_LE);
        assert_eq!(historical_bytes(false)[4] & EXTENDED_LC_LE, 0);
    }

    #[test]
    fn atr_info_bytes() {
        assert_eq!(
            atr_info(MAX_COMMAND_LEN, MAX_RESPONSE_LEN),
            [
                0x47, 0x03, 0x94, 0x21, 0x60, // card capabilities
                0x7F, 0x66, 0x08, 0x02, 0x02, 0x08, 0x00, 0x02, 0x02, 0x7F, 0xFF,
            ]
        );
        // Sizes that need a sign byte or a third byte stay valid DER INTEGERs.
        assert_eq!(
            atr_info(0x80, 0x1_0000)[5..],
            [
                0x7F, 0x66, 0x09, 0x02, 0x02, 0x00, 0x80, 0x02, 0x03, 0x01, 0x00, 0x00
            ]
        );
    }

    #[test]
    fn too_many_historical_bytes() {
        assert_eq!(
            contactless(&[0; 16]),
            Err(AtrError::TooManyHistoricalBytes(16))
        );
        assert_eq!(contactless(&[0; 15]).unwrap().len(), 20);
        assert_eq!(contactless(&[]).unwrap(), [0x3B, 0x80, 0x80, 0x01, 0x01]);
    }
}
