//! Settings of a store and the attempt counter as the app shows it.

use super::kdf::KdfParams;
use crate::security_code::CodePolicy;

/// Settings fixed when a store is created and recorded in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreOptions {
    /// Argon2id costs for deriving the key-encryption key from the security code.
    pub kdf: KdfParams,
    /// Wrong security codes allowed before the store blocks (1..=100).
    pub max_attempts: u32,
    /// What a new security code must be, at creation and at every change.
    pub code_policy: CodePolicy,
}

impl StoreOptions {
    /// Wrong codes allowed by default, as in BankID.
    pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            kdf: KdfParams::DEFAULT,
            max_attempts: Self::DEFAULT_MAX_ATTEMPTS,
            code_policy: CodePolicy::PHONE,
        }
    }
}

/// The attempt counter as the app shows it ("2 attempts left", "blocked").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockStatus {
    /// Wrong codes since the last right one.
    pub failed_attempts: u32,
    /// Wrong codes allowed before blocking.
    pub max_attempts: u32,
}

impl LockStatus {
    /// Wrong codes still accepted before the store blocks.
    #[must_use]
    pub fn attempts_left(&self) -> u32 {
        self.max_attempts.saturating_sub(self.failed_attempts)
    }

    /// The store is blocked (the BankID "blocked" state).
    #[must_use]
    pub fn is_blocked(&self) -> bool {
        self.attempts_left() == 0
    }
}
