//! Argon2id: turns the security code and the store's salt into the key-encryption key.

use argon2::{Algorithm, Argon2, Params, Version};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::{KeyStoreError, Result};
use crate::security_code::SecurityCode;

/// Length of the per-store salt.
pub const SALT_LEN: usize = 16;

/// Argon2id cost parameters, recorded in the store file so a store opens with the costs it was
/// created with even after the defaults change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes over the memory.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

impl KdfParams {
    /// Defaults, for phones and desktops: 64 MiB, 3 passes, 1 lane. Measured by
    /// `cargo bench -p tapid-keystore` on the 2-core development machine (see README.md), an
    /// unlock takes 100–500 ms; stronger than OWASP's 19 MiB / 2 passes minimum.
    ///
    /// On a phone: Argon2 allocates its 64 MiB natively (outside the Java heap on Android), for
    /// the length of one unlock, on a blocking thread (never the UI or the async executor). A
    /// 2018-or-later phone core is slower than the desktop one by a factor of about two to four,
    /// so an unlock costs a few hundred milliseconds to a second, once per signature: what a
    /// user waits after typing the code anyway. One lane keeps the cost the same on every core
    /// count (more lanes would make a multi-core attacker no slower). Where memory is tight
    /// (an iOS app extension has a much lower memory limit than the app), use [`Self::LOW_MEMORY`].
    pub const DEFAULT: Self = Self {
        memory_kib: 64 * 1024,
        iterations: 3,
        parallelism: 1,
    };

    /// For processes with little memory (app extensions, old devices): OWASP's minimum for
    /// Argon2id, 19 MiB and 2 passes. Weaker against offline guessing than [`Self::DEFAULT`];
    /// pair it with a hardware key store.
    pub const LOW_MEMORY: Self = Self {
        memory_kib: 19 * 1024,
        iterations: 2,
        parallelism: 1,
    };

    /// Largest memory cost a store file may ask for (1 GiB), so a crafted file cannot make the
    /// app allocate without bound.
    pub const MAX_MEMORY_KIB: u32 = 1024 * 1024;
    /// Largest pass count a store file may ask for.
    pub const MAX_ITERATIONS: u32 = 64;
    /// Largest lane count a store file may ask for.
    pub const MAX_PARALLELISM: u32 = 16;

    /// Checks the parameters against Argon2's minimums and this crate's maximums.
    ///
    /// # Errors
    /// [`KeyStoreError::InvalidOptions`] naming the broken limit.
    pub fn validate(&self) -> Result<()> {
        let invalid = |reason| Err(KeyStoreError::InvalidOptions { reason });
        if self.parallelism == 0 || self.parallelism > Self::MAX_PARALLELISM {
            return invalid("parallelism must be 1..=16");
        }
        if self.iterations == 0 || self.iterations > Self::MAX_ITERATIONS {
            return invalid("iterations must be 1..=64");
        }
        if self.memory_kib < 8 * self.parallelism || self.memory_kib > Self::MAX_MEMORY_KIB {
            return invalid("memory must be 8 KiB per lane up to 1 GiB");
        }
        Ok(())
    }

    /// Derives the 256-bit key-encryption key from the code and salt.
    ///
    /// # Errors
    /// [`KeyStoreError::InvalidOptions`] when the parameters are out of range.
    pub(crate) fn derive(
        &self,
        code: &SecurityCode,
        salt: &[u8; SALT_LEN],
    ) -> Result<Zeroizing<[u8; 32]>> {
        self.validate()?;
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, Some(32))
            .map_err(|_| KeyStoreError::InvalidOptions {
                reason: "rejected by argon2",
            })?;
        let mut kek = Zeroizing::new([0u8; 32]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(code.expose(), salt, kek.as_mut_slice())
            .map_err(|_| KeyStoreError::InvalidOptions {
                reason: "rejected by argon2",
            })?;
        Ok(kek)
    }
}

impl Default for KdfParams {
    fn default() -> Self {
        Self::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHEAP: KdfParams = KdfParams {
        memory_kib: 8,
        iterations: 1,
        parallelism: 1,
    };

    #[test]
    fn same_inputs_same_key_and_code_or_salt_changes_it() {
        let code = SecurityCode::new("123456".into()).unwrap();
        let other = SecurityCode::new("123457".into()).unwrap();
        let a = CHEAP.derive(&code, &[1; SALT_LEN]).unwrap();
        assert_eq!(*a, *CHEAP.derive(&code, &[1; SALT_LEN]).unwrap());
        assert_ne!(*a, *CHEAP.derive(&other, &[1; SALT_LEN]).unwrap());
        assert_ne!(*a, *CHEAP.derive(&code, &[2; SALT_LEN]).unwrap());
    }

    #[test]
    fn rejects_out_of_range_parameters() {
        for bad in [
            KdfParams {
                memory_kib: 7,
                ..CHEAP
            },
            KdfParams {
                memory_kib: KdfParams::MAX_MEMORY_KIB + 1,
                ..CHEAP
            },
            KdfParams {
                iterations: 0,
                ..CHEAP
            },
            KdfParams {
                iterations: 65,
                ..CHEAP
            },
            KdfParams {
                parallelism: 0,
                ..CHEAP
            },
            KdfParams {
                parallelism: 2,
                ..CHEAP
            },
        ] {
            assert!(bad.validate().is_err(), "{bad:?}");
        }
        assert!(KdfParams::DEFAULT.validate().is_ok());
        assert!(KdfParams::LOW_MEMORY.validate().is_ok());
    }
}
