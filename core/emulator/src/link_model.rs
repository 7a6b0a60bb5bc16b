//! A model of the NFC link, to judge a read's traffic against what the air interface allows.
//!
//! ISO/IEC 14443-4 carries an APDU in I-blocks of at most [`FRAME_SIZE`] bytes, each with a
//! one-byte PCB and a two-byte CRC; a longer APDU is chained, and the receiver acknowledges every
//! block but the last with a three-byte R(ACK). [`Exchange::framed_bytes`] counts all of that.
//!
//! * The **link limit** of a read is its framed bytes at [`BIT_RATE`] and nothing else: no
//!   protocol can be faster on that link, and extended length cannot hide the frames it still
//!   needs.
//! * The **modelled time** adds a [`TURNAROUND`] per exchange (the reader's and chip's time to
//!   turn a frame around and the phone's NFC stack per transceive); the ratio of the two says
//!   how much of a read is spent waiting rather than moving bytes.

use std::time::Duration;

use serde::Serialize;

/// The bit rate most phones and eMRTDs negotiate (ISO/IEC 14443, fc/32).
pub const BIT_RATE: f64 = 424_000.0;
/// Largest ISO/IEC 14443-4 frame (FSC/FSD = 256 bytes, PCB and CRC included).
pub const FRAME_SIZE: usize = 256;
/// PCB (1 byte) and CRC (2 bytes) around each block's information field.
pub const BLOCK_OVERHEAD: usize = 3;
/// Turnaround per command–response exchange.
pub const TURNAROUND: Duration = Duration::from_millis(5);

/// One command and its response, as lengths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Exchange {
    /// Command APDU bytes.
    pub command: usize,
    /// Response APDU bytes (data and status word).
    pub response: usize,
}

/// Bytes on the air for one APDU of `len` bytes: its I-blocks and the R(ACK)s of chaining.
pub fn framed(len: usize) -> usize {
    let payload = FRAME_SIZE - BLOCK_OVERHEAD;
    let blocks = len.div_ceil(payload).max(1);
    len + blocks * BLOCK_OVERHEAD + (blocks - 1) * BLOCK_OVERHEAD
}

impl Exchange {
    /// Framed bytes of the command and the response.
    pub fn framed_bytes(&self) -> usize {
        framed(self.command) + framed(self.response)
    }
}

/// The link figures of a whole read.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LinkFigures {
    /// Framed bytes both ways.
    pub framed_bytes: usize,
    /// Milliseconds the framed bytes take at [`BIT_RATE`].
    pub link_limit_ms: f64,
    /// The limit plus [`TURNAROUND`] per exchange.
    pub modelled_ms: f64,
    /// `modelled_ms / link_limit_ms`.
    pub ratio: f64,
}

/// The figures of a read made of `exchanges`.
pub fn figures(exchanges: &[Exchange]) -> LinkFigures {
    let framed_bytes: usize = exchanges.iter().map(Exchange::framed_bytes).sum();
    let link_limit_ms = framed_bytes as f64 * 8.0 / BIT_RATE * 1000.0;
    let modelled_ms = link_limit_ms + TURNAROUND.as_secs_f64() * 1000.0 * exchanges.len() as f64;
    LinkFigures {
        framed_bytes,
        link_limit_ms,
        modelled_ms,
        ratio: if link_limit_ms > 0.0 {
            modelled_ms / link_limit_ms
        } else {
            0.0
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_apdus_are_one_block_and_long_ones_chain_with_acks() {
        assert_eq!(framed(5), 8);
        assert_eq!(framed(253), 256);
        // 254 bytes: two blocks (253 + 1) and one R(ACK).
        assert_eq!(framed(254), 254 + 6 + 3);
        // A 21 KB extended response: 87 blocks.
        let n: usize = 21_000;
        let blocks = n.div_ceil(253);
        assert_eq!(framed(n), n + 3 * blocks + 3 * (blocks - 1));
    }

    #[test]
    fn the_limit_counts_bytes_and_the_model_adds_turnarounds() {
        let read = [Exchange {
            command: 5,
            response: 253,
        }];
        let f = figures(&read);
        assert_eq!(f.framed_bytes, 8 + 256);
        assert!((f.link_limit_ms - 264.0 * 8.0 / 424.0).abs() < 1e-9);
        assert!((f.modelled_ms - f.link_limit_ms - 5.0).abs() < 1e-9);
    }
}
