//! Deterministic RNGs for tests: the protocols take their randomness injected, so a test can
//! replay a worked example byte for byte ([`ScriptedRng`]) or draw a reproducible stream
//! ([`CounterRng`], [`CountingRng`]). Test use only: none of these is a CSPRNG, although they
//! implement [`TryCryptoRng`] so that the protocols accept them.

use core::convert::Infallible;

use rand_core::utils::next_word_via_fill;
use rand_core::{TryCryptoRng, TryRng};
use sha2::{Digest, Sha256};

/// `TryRng` (infallible, `next_u32`/`next_u64` little-endian from the byte stream) and
/// `TryCryptoRng` for a type whose inherent `fill` writes its stream.
macro_rules! test_rng {
    ($t:ty) => {
        impl TryRng for $t {
            type Error = Infallible;

            fn try_next_u32(&mut self) -> Result<u32, Infallible> {
                next_word_via_fill(self)
            }

            fn try_next_u64(&mut self) -> Result<u64, Infallible> {
                next_word_via_fill(self)
            }

            fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
                self.fill(dst);
                Ok(())
            }
        }

        impl TryCryptoRng for $t {}
    };
}

/// SHA-256 in counter mode: block `n` is SHA-256(seed ‖ `n` as 8 bytes big-endian), for
/// `n` = 0, 1, 2, …. Each draw starts a new block and drops what it leaves of its last one;
/// `next_u32`/`next_u64` are little-endian draws of 4 and 8 bytes.
#[derive(Debug, Clone)]
pub struct CounterRng {
    seed: Vec<u8>,
    counter: u64,
}

impl CounterRng {
    /// The stream of `seed`.
    pub fn new(seed: impl AsRef<[u8]>) -> Self {
        Self {
            seed: seed.as_ref().to_vec(),
            counter: 0,
        }
    }

    /// The stream of the seed SHA-256(`label`): a test names what its randomness is for.
    pub fn from_label(label: &str) -> Self {
        Self::new(Sha256::digest(label.as_bytes()))
    }

    /// The stream of the seed `seed` (8 bytes, big-endian).
    pub fn from_u64(seed: u64) -> Self {
        Self::new(seed.to_be_bytes())
    }
}

impl CounterRng {
    fn fill(&mut self, dst: &mut [u8]) {
        for chunk in dst.chunks_mut(32) {
            let block = Sha256::new()
                .chain_update(&self.seed)
                .chain_update(self.counter.to_be_bytes())
                .finalize();
            self.counter = self.counter.wrapping_add(1);
            for (out, b) in chunk.iter_mut().zip(block.iter()) {
                *out = *b;
            }
        }
    }
}

test_rng!(CounterRng);

/// Hands out the given bytes in order, for reproducing the worked examples of ICAO 9303 and
/// BSI TR-03110, whose random numbers are printed. A draw past the end fails the test.
#[derive(Debug, Clone)]
pub struct ScriptedRng {
    bytes: Vec<u8>,
}

impl ScriptedRng {
    /// Randomness that is exactly `bytes`.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            bytes: bytes.into(),
        }
    }

    /// The bytes not drawn yet.
    pub fn remaining(&self) -> &[u8] {
        &self.bytes
    }
}

impl ScriptedRng {
    fn fill(&mut self, dst: &mut [u8]) {
        assert!(
            self.bytes.len() >= dst.len(),
            "scripted randomness exhausted: {} bytes asked, {} left",
            dst.len(),
            self.bytes.len()
        );
        let rest = self.bytes.split_off(dst.len());
        dst.copy_from_slice(&self.bytes);
        self.bytes = rest;
    }
}

test_rng!(ScriptedRng);

/// The bytes 1, 2, 3, … (wrapping after 255), one per byte drawn: a stream whose every byte a
/// test can predict without computing anything.
#[derive(Debug, Clone, Default)]
pub struct CountingRng {
    last: u8,
}

impl CountingRng {
    /// Starts at 1.
    pub fn new() -> Self {
        Self::default()
    }
}

impl CountingRng {
    fn fill(&mut self, dst: &mut [u8]) {
        for out in dst {
            self.last = self.last.wrapping_add(1);
            *out = self.last;
        }
    }
}

test_rng!(CountingRng);

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::Rng;

    #[test]
    fn counter_blocks_are_sha256_of_seed_and_block_number() {
        let mut rng = CounterRng::new(b"s");
        let mut two = [0u8; 40];
        rng.fill_bytes(&mut two);
        let block = |n: u64| {
            Sha256::new()
                .chain_update(b"s")
                .chain_update(n.to_be_bytes())
                .finalize()
        };
        assert_eq!(&two[..32], block(0).as_slice());
        assert_eq!(&two[32..], &block(1)[..8]);
        // The next draw starts block 2.
        let mut next = [0u8; 4];
        rng.fill_bytes(&mut next);
        assert_eq!(next, block(2)[..4]);
    }

    #[test]
    fn label_and_u64_seeds() {
        let mut a = CounterRng::from_label("x");
        let mut b = CounterRng::new(Sha256::digest(b"x"));
        assert_eq!(a.next_u64(), b.next_u64());
        let mut c = CounterRng::from_u64(7);
        let mut d = CounterRng::new(7u64.to_be_bytes());
        assert_eq!(c.next_u32(), d.next_u32());
    }

    #[test]
    fn scripted_hands_out_its_bytes_in_order() {
        let mut rng = ScriptedRng::new(vec![1, 2, 3, 4, 5]);
        let mut two = [0u8; 2];
        rng.fill_bytes(&mut two);
        assert_eq!(two, [1, 2]);
        assert_eq!(rng.remaining(), [3, 4, 5]);
    }

    #[test]
    #[should_panic(expected = "scripted randomness exhausted")]
    fn scripted_fails_the_test_when_exhausted() {
        ScriptedRng::new(vec![1]).fill_bytes(&mut [0u8; 2]);
    }

    #[test]
    fn counting_counts_from_one_and_wraps() {
        let mut rng = CountingRng::new();
        let mut bytes = [0u8; 257];
        rng.fill_bytes(&mut bytes);
        assert_eq!(bytes[..3], [1, 2, 3]);
        assert_eq!(bytes[254..], [255, 0, 1]);
    }
}
