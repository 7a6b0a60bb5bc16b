//! The user's security code (the app PIN) as a secret that is wiped and never printed, and the
//! policy a newly chosen code must meet.

use std::fmt;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::{KeyStoreError, Result};

/// The security code that unlocks the identity's keys. Held in memory that is zeroed on drop;
/// `Debug` prints nothing of it.
#[derive(Clone)]
pub struct SecurityCode(Zeroizing<Vec<u8>>);

impl SecurityCode {
    /// Longest accepted code in bytes (a passphrase is fine; a PIN is typical).
    pub const MAX_LEN: usize = 128;

    /// Wraps a security code, taking ownership so no copy stays behind.
    ///
    /// # Errors
    /// [`KeyStoreError::InvalidSecurityCode`] when empty or longer than [`Self::MAX_LEN`].
    pub fn new(code: String) -> Result<Self> {
        let bytes = Zeroizing::new(code.into_bytes());
        if bytes.is_empty() || bytes.len() > Self::MAX_LEN {
            return Err(KeyStoreError::InvalidSecurityCode {
                max_len: Self::MAX_LEN,
            });
        }
        Ok(Self(bytes))
    }

    /// The code's bytes, for key derivation only.
    pub(crate) fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for SecurityCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecurityCode(<redacted>)")
    }
}

/// What a newly chosen security code must be (checked when a store is created and when the
/// code changes; never when a code is entered, so a refused code costs no attempt). Fixed at
/// creation and recorded in the store file.
///
/// The code is the one secret between a stolen, unlocked phone's files and the keys, slowed only
/// by Argon2id ([`crate::KdfParams`]): with the phone defaults an offline guess costs about a
/// second of a phone's CPU, so a six-digit code that is not a pattern keeps a copied store
/// out of reach for days, not years — the hardware key stores are the real defence on phones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodePolicy {
    /// Fewest characters (6 in the phone policy, as BankID's security code).
    pub min_length: usize,
    /// Refuse codes of one repeated character (`111111`) and runs of consecutive digits up or
    /// down (`123456`, `987654`), the codes tried first.
    pub refuse_trivial: bool,
}

impl CodePolicy {
    /// The policy for phones and desktops: at least six characters, no trivial pattern.
    pub const PHONE: Self = Self {
        min_length: 6,
        refuse_trivial: true,
    };

    /// Checks the policy itself (at least one character, at most [`SecurityCode::MAX_LEN`]).
    ///
    /// # Errors
    /// [`KeyStoreError::InvalidOptions`].
    pub fn validate(&self) -> Result<()> {
        if self.min_length == 0 || self.min_length > SecurityCode::MAX_LEN {
            return Err(KeyStoreError::InvalidOptions {
                reason: "min_length must be 1..=128",
            });
        }
        Ok(())
    }

    /// Checks a newly chosen code.
    ///
    /// # Errors
    /// [`KeyStoreError::WeakSecurityCode`] naming the rule it breaks.
    pub fn check(&self, code: &SecurityCode) -> Result<()> {
        let text = code.expose();
        let chars = String::from_utf8_lossy(text).chars().count();
        if chars < self.min_length {
            return Err(KeyStoreError::WeakSecurityCode {
                reason: "too short",
            });
        }
        if self.refuse_trivial && is_trivial(text) {
            return Err(KeyStoreError::WeakSecurityCode {
                reason: "a repeated character or a run of consecutive digits",
            });
        }
        Ok(())
    }
}

impl Default for CodePolicy {
    fn default() -> Self {
        Self::PHONE
    }
}

/// One repeated byte, or digits each one up (or each one down) from the one before.
fn is_trivial(code: &[u8]) -> bool {
    let steps: Vec<i16> = code
        .windows(2)
        .filter_map(|w| match w {
            [a, b] => Some(i16::from(*b) - i16::from(*a)),
            _ => None,
        })
        .collect();
    let repeated = steps.iter().all(|&s| s == 0);
    let digits = code.iter().all(u8::is_ascii_digit);
    let run = digits && (steps.iter().all(|&s| s == 1) || steps.iter().all(|&s| s == -1));
    repeated || run
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_code() {
        let code = SecurityCode::new("731904".to_owned()).unwrap();
        assert!(!format!("{code:?}").contains("731904"));
        assert_eq!(code.expose(), b"731904");
    }

    #[test]
    fn phone_policy_refuses_short_and_trivial_codes() {
        let check = |c: &str| CodePolicy::PHONE.check(&SecurityCode::new(c.to_owned()).unwrap());
        for weak in ["12345", "000000", "123456", "987654", "3456789", "aaaaaaa"] {
            assert!(
                matches!(check(weak), Err(KeyStoreError::WeakSecurityCode { .. })),
                "{weak}"
            );
        }
        for fine in ["731904", "112358", "correct horse", "135790"] {
            assert_eq!(check(fine), Ok(()), "{fine}");
        }
        assert!(
            CodePolicy {
                min_length: 0,
                refuse_trivial: false
            }
            .validate()
            .is_err()
        );
    }

    #[test]
    fn rejects_empty_and_overlong() {
        assert!(SecurityCode::new(String::new()).is_err());
        assert!(SecurityCode::new("1".repeat(129)).is_err());
        assert!(SecurityCode::new("1".repeat(128)).is_ok());
    }
}
