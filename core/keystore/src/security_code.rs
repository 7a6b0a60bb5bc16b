//! The user's security code (the app PIN) as a secret that is wiped and never printed.

use std::fmt;

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
    fn rejects_empty_and_overlong() {
        assert!(SecurityCode::new(String::new()).is_err());
        assert!(SecurityCode::new("1".repeat(129)).is_err());
        assert!(SecurityCode::new("1".repeat(128)).is_ok());
    }
}
