//! Protection policies for keys and the capabilities a key store offers.

use serde::{Deserialize, Serialize};

/// How a key is protected when it is used. Chosen when the key is generated and fixed for its
/// lifetime; a store refuses policies it cannot enforce rather than silently weakening them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ProtectionPolicy {
    /// Every use needs a fresh user-presence check by the platform (biometric or device
    /// credential prompt).
    pub user_presence: bool,
    /// Every use needs the identity's security code (the app PIN).
    pub security_code: bool,
}

impl ProtectionPolicy {
    /// Only the security code guards the key: what the software store enforces.
    pub const SECURITY_CODE: Self = Self {
        user_presence: false,
        security_code: true,
    };
    /// Both a platform user-presence prompt and the security code.
    pub const SECURITY_CODE_AND_PRESENCE: Self = Self {
        user_presence: true,
        security_code: true,
    };
}

/// Dedicated secure hardware that holds keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum SecureHardware {
    /// Android StrongBox (a separate secure element).
    StrongBox,
    /// Android Keystore backed by the TEE (Trusted Execution Environment).
    TrustedEnvironment,
    /// Apple Secure Enclave.
    SecureEnclave,
}

/// What a key store can do, so the app can decide which store to use and explain it to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Capabilities {
    /// Private keys live in hardware and cannot be extracted even by the operating system.
    pub hardware_backed: bool,
    /// Which secure hardware, if any.
    pub secure_hardware: Option<SecureHardware>,
    /// The store can require a user-presence prompt per use.
    pub user_presence: bool,
    /// The store can bind keys to the security code.
    pub security_code: bool,
}
