//! Key aliases: the public names under which keys (and their identities) are stored.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{KeyStoreError, Result};

/// The name of a key in a store. 1–64 characters of `A–Z a–z 0–9 . _ -`, so it is safe as a file
/// name, as an Android Keystore alias and as an iOS application tag, and safe to show in errors.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct KeyAlias(String);

impl KeyAlias {
    /// Longest alias in bytes.
    pub const MAX_LEN: usize = 64;

    /// Checks and wraps an alias.
    ///
    /// # Errors
    /// [`KeyStoreError::InvalidAlias`] when empty, too long or with other characters.
    pub fn new(alias: impl Into<String>) -> Result<Self> {
        let alias = alias.into();
        let valid_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
        if alias.is_empty() || alias.len() > Self::MAX_LEN || !alias.chars().all(valid_char) {
            return Err(KeyStoreError::InvalidAlias);
        }
        Ok(Self(alias))
    }

    /// The alias as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for KeyAlias {
    type Error = KeyStoreError;

    fn try_from(value: String) -> Result<Self> {
        Self::new(value)
    }
}

impl From<KeyAlias> for String {
    fn from(alias: KeyAlias) -> Self {
        alias.0
    }
}

impl fmt::Display for KeyAlias {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_names() {
        assert_eq!(
            KeyAlias::new("bankid.auth-1_A").unwrap().as_str(),
            "bankid.auth-1_A"
        );
        assert!(KeyAlias::new("a".repeat(64)).is_ok());
    }

    #[test]
    fn rejects_empty_long_and_odd_characters() {
        for bad in ["", "a/b", "a b", "ä", "..\\x", "\n"] {
            assert_eq!(
                KeyAlias::new(bad),
                Err(KeyStoreError::InvalidAlias),
                "{bad:?}"
            );
        }
        assert_eq!(
            KeyAlias::new("a".repeat(65)),
            Err(KeyStoreError::InvalidAlias)
        );
    }
}
