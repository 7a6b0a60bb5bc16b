//! The security-code check with its persistent attempt counter: an attempt is recorded before
//! the code is tried, a wrong code is recorded in both files, a right code resets them.

use zeroize::Zeroizing;

use super::format::{CounterState, StoreState, VERSION};
use super::seal::{self, Binding, VERIFIER_PLAINTEXT};
use super::{LockStatus, SoftwareKeyStore};
use crate::error::{KeyStoreError, Result};
use crate::security_code::SecurityCode;

/// Both files of a store as read and validated from disk.
pub(super) struct Loaded {
    pub(super) state: StoreState,
    pub(super) counter: CounterState,
}

impl Loaded {
    pub(super) fn status(&self) -> LockStatus {
        LockStatus {
            failed_attempts: self.state.failed_attempts.max(self.counter.failed_attempts),
            max_attempts: self.state.max_attempts,
        }
    }
}

impl SoftwareKeyStore {
    /// Checks the security code and returns the key-encryption key. The attempt is recorded
    /// before the check; on success the caller must [`Self::commit`] to reset the counter.
    pub(super) fn unlock(
        &self,
        loaded: &mut Loaded,
        code: Option<&SecurityCode>,
    ) -> Result<Zeroizing<[u8; 32]>> {
        let code = code.ok_or(KeyStoreError::SecurityCodeRequired)?;
        let status = loaded.status();
        if status.is_blocked() {
            return Err(KeyStoreError::Blocked);
        }
        let pending = status.failed_attempts.saturating_add(1);
        loaded.counter.failed_attempts = pending;
        self.write_counter(&loaded.counter)?;

        let state = &mut loaded.state;
        let kek = state.kdf.derive(code, &state.salt)?;
        let opened = seal::open(
            &kek,
            VERSION,
            &state.store_id,
            Binding::Verifier,
            &state.verifier,
        );
        if opened.is_some_and(|plain| plain.as_slice() == VERIFIER_PLAINTEXT) {
            return Ok(kek);
        }
        state.failed_attempts = pending;
        self.write_store(state)?;
        let attempts_left = state.max_attempts.saturating_sub(pending);
        if attempts_left == 0 {
            Err(KeyStoreError::Blocked)
        } else {
            Err(KeyStoreError::WrongSecurityCode { attempts_left })
        }
    }

    /// After a right code: writes the store if it changed or still records old failures, then
    /// resets the counter file.
    pub(super) fn commit(&self, loaded: &mut Loaded, changed: bool) -> Result<()> {
        if changed || loaded.state.failed_attempts != 0 {
            loaded.state.failed_attempts = 0;
            self.write_store(&loaded.state)?;
        }
        loaded.counter.failed_attempts = 0;
        self.write_counter(&loaded.counter)
    }
}
