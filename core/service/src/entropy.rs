//! Randomness, injected: order references, tokens, secrets, challenges and keys are drawn from
//! the [`Entropy`] the service was given — the operating system's in production, a seeded
//! stream in tests so that a run can be repeated.

use std::sync::Mutex;

use sha2::{Digest, Sha256};

/// A source of cryptographically strong random bytes.
pub trait Entropy: Send + Sync {
    /// Fills `buf` with random bytes.
    fn fill(&self, buf: &mut [u8]);
}

/// Draws `N` random bytes.
pub fn bytes<const N: usize>(entropy: &dyn Entropy) -> [u8; N] {
    let mut out = [0u8; N];
    entropy.fill(&mut out);
    out
}

/// A random UUID (version 4, RFC 9562) in its lowercase `8-4-4-4-12` text form, as BankID's
/// order references and tokens are.
pub fn uuid(entropy: &dyn Entropy) -> String {
    let mut b: [u8; 16] = bytes(entropy);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    let part = |r: std::ops::Range<usize>| h.get(r).unwrap_or_default();
    format!(
        "{}-{}-{}-{}-{}",
        part(0..8),
        part(8..12),
        part(12..16),
        part(16..20),
        part(20..32)
    )
}

/// The operating system's generator (`getrandom`).
#[derive(Debug, Clone, Copy, Default)]
pub struct OsEntropy;

impl Entropy for OsEntropy {
    fn fill(&self, buf: &mut [u8]) {
        // The OS generator does not fail on supported platforms; if it ever did, a zeroed
        // buffer would silently weaken every secret, so stop the process instead.
        if getrandom::fill(buf).is_err() {
            std::process::abort();
        }
    }
}

/// A deterministic stream: SHA-256 in counter mode over a seed. For tests and reproducible
/// fixtures only — never for a service that real users reach.
#[derive(Debug)]
pub struct SeededEntropy {
    seed: Vec<u8>,
    counter: Mutex<u64>,
}

impl SeededEntropy {
    /// A stream determined by `seed`.
    pub fn new(seed: &[u8]) -> Self {
        Self {
            seed: seed.to_vec(),
            counter: Mutex::new(0),
        }
    }
}

impl Entropy for SeededEntropy {
    fn fill(&self, buf: &mut [u8]) {
        let mut counter = match self.counter.lock() {
            Ok(c) => c,
            Err(poisoned) => poisoned.into_inner(),
        };
        for chunk in buf.chunks_mut(32) {
            let block = Sha256::new()
                .chain_update(&self.seed)
                .chain_update(counter.to_be_bytes())
                .finalize();
            *counter += 1;
            for (dst, src) in chunk.iter_mut().zip(block.iter()) {
                *dst = *src;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_have_the_v4_shape_and_seeded_streams_repeat() {
        let a = SeededEntropy::new(b"s");
        let b = SeededEntropy::new(b"s");
        let ua = uuid(&a);
        assert_eq!(ua, uuid(&b));
        assert_eq!(ua.len(), 36);
        assert_eq!(ua.as_bytes()[14], b'4');
        assert!(matches!(ua.as_bytes()[19], b'8' | b'9' | b'a' | b'b'));
        assert!(tapid_identity::autostart::validate_token(&ua).is_ok());
        assert_ne!(uuid(&a), ua, "the stream moves on");
        let mut long = [0u8; 70];
        OsEntropy.fill(&mut long);
        assert!(long.iter().any(|b| *b != 0));
    }
}
