//! The store's randomness. Salts, store ids, nonces and private keys come from an injected
//! [`TryCryptoRng`]; when it fails (the OS generator can, on a phone early after boot or in a
//! sandbox) the operation fails with [`KeyStoreError::RandomnessUnavailable`] instead of
//! panicking, as `rand_core::UnwrapErr` around the OS generator would.

use rand_core::{TryCryptoRng, TryRng};

use crate::error::{KeyStoreError, Result};

/// Fills a buffer; `false` when the generator failed.
type Fill = dyn FnMut(&mut [u8]) -> bool + Send;

/// A fallible RNG behind one object-safe face.
pub(crate) struct Entropy(Box<Fill>);

impl Entropy {
    /// Wraps any fallible cryptographic RNG (an infallible `CryptoRng` is one too).
    pub(crate) fn new(mut rng: impl TryCryptoRng + Send + 'static) -> Self {
        Self(Box::new(move |dest| rng.try_fill_bytes(dest).is_ok()))
    }

    /// `N` random bytes.
    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut out = [0u8; N];
        self.try_fill_bytes(&mut out)?;
        Ok(out)
    }
}

impl TryRng for Entropy {
    type Error = KeyStoreError;

    fn try_next_u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    fn try_next_u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<()> {
        if (self.0)(dest) {
            Ok(())
        } else {
            Err(KeyStoreError::RandomnessUnavailable)
        }
    }
}

impl TryCryptoRng for Entropy {}

#[cfg(test)]
mod tests {
    use super::*;

    struct Failing;

    #[derive(Debug)]
    struct Down;
    impl std::fmt::Display for Down {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("down")
        }
    }
    impl std::error::Error for Down {}

    impl TryRng for Failing {
        type Error = Down;
        fn try_next_u32(&mut self) -> Result<u32, Down> {
            Err(Down)
        }
        fn try_next_u64(&mut self) -> Result<u64, Down> {
            Err(Down)
        }
        fn try_fill_bytes(&mut self, _: &mut [u8]) -> Result<(), Down> {
            Err(Down)
        }
    }
    impl TryCryptoRng for Failing {}

    #[test]
    fn a_failing_generator_is_an_error() {
        let mut e = Entropy::new(Failing);
        assert_eq!(e.array::<4>(), Err(KeyStoreError::RandomnessUnavailable));
        assert_eq!(e.try_next_u64(), Err(KeyStoreError::RandomnessUnavailable));
    }

    #[test]
    fn the_os_generator_fills() {
        let mut e = Entropy::new(getrandom::SysRng);
        assert_ne!(e.array::<32>().unwrap(), [0u8; 32]);
    }
}
