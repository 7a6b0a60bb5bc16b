//! AES-256-GCM sealing of the verifier and of each private key under the key-encryption key,
//! with associated data that binds each ciphertext to its store, format version and purpose.

use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use zeroize::Zeroizing;

use crate::error::{KeyStoreError, Result};

/// AES-GCM nonce length.
pub const NONCE_LEN: usize = 12;
/// AES-GCM tag length.
pub const TAG_LEN: usize = 16;

/// The constant sealed as the verifier: opening it proves the security code is right without
/// touching any private key.
pub const VERIFIER_PLAINTEXT: &[u8; 32] = b"tapid-keystore security code ok.";

/// A nonce and its ciphertext (with tag).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    /// The random nonce.
    pub nonce: [u8; NONCE_LEN],
    /// Ciphertext followed by the tag.
    pub ciphertext: Vec<u8>,
}

/// What a sealed value is bound to.
#[derive(Debug, Clone, Copy)]
pub enum Binding<'a> {
    /// The verifier of a store.
    Verifier,
    /// A private key with this alias and SEC1 public key.
    Key {
        /// The key's alias.
        alias: &'a str,
        /// The key's uncompressed SEC1 public key.
        public_key: &'a [u8],
    },
}

/// Associated data: purpose label, format version, store id and, for keys, alias and public
/// key, each length-prefixed so no two bindings encode alike.
fn associated_data(version: u32, store_id: &[u8], binding: Binding<'_>) -> Vec<u8> {
    let mut aad = Vec::with_capacity(128);
    let mut field = |bytes: &[u8]| {
        aad.extend_from_slice(&u32::try_from(bytes.len()).unwrap_or(u32::MAX).to_be_bytes());
        aad.extend_from_slice(bytes);
    };
    match binding {
        Binding::Verifier => {
            field(b"tapid-keystore/verifier");
            field(&version.to_be_bytes());
            field(store_id);
        }
        Binding::Key { alias, public_key } => {
            field(b"tapid-keystore/key");
            field(&version.to_be_bytes());
            field(store_id);
            field(alias.as_bytes());
            field(public_key);
        }
    }
    aad
}

/// Encrypts `plaintext` under `kek` with `nonce`, which must be fresh from the store's RNG
/// (drawn by the caller before the security code is tried, so that a failing generator never
/// leaves an attempt counted against a right code).
///
/// # Errors
/// [`KeyStoreError::Internal`] when AES-GCM refuses (it does not for these sizes).
pub fn seal(
    kek: &[u8; 32],
    nonce: [u8; NONCE_LEN],
    version: u32,
    store_id: &[u8],
    binding: Binding<'_>,
    plaintext: &[u8],
) -> Result<Sealed> {
    let cipher = Aes256Gcm::new(kek.into());
    let mut buffer = plaintext.to_vec();
    let aad = associated_data(version, store_id, binding);
    cipher
        .encrypt_in_place(&Nonce::from(nonce), &aad, &mut buffer)
        .map_err(|_| KeyStoreError::Internal("AES-GCM sealing failed"))?;
    Ok(Sealed {
        nonce,
        ciphertext: buffer,
    })
}

/// Decrypts and authenticates; `None` when the key, binding or ciphertext is wrong.
pub fn open(
    kek: &[u8; 32],
    version: u32,
    store_id: &[u8],
    binding: Binding<'_>,
    sealed: &Sealed,
) -> Option<Zeroizing<Vec<u8>>> {
    let cipher = Aes256Gcm::new(kek.into());
    let mut buffer = Zeroizing::new(sealed.ciphertext.clone());
    let aad = associated_data(version, store_id, binding);
    cipher
        .decrypt_in_place(&Nonce::from(sealed.nonce), &aad, &mut *buffer)
        .ok()?;
    Some(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_every_binding_matters() {
        let kek = [7u8; 32];
        let key = Binding::Key {
            alias: "a",
            public_key: b"pk",
        };
        let sealed = seal(&kek, [9; NONCE_LEN], 1, b"store", key, b"secret").unwrap();
        assert_eq!(sealed.ciphertext.len(), 6 + TAG_LEN);
        assert_eq!(&**open(&kek, 1, b"store", key, &sealed).unwrap(), b"secret");
        assert!(open(&[8u8; 32], 1, b"store", key, &sealed).is_none());
        assert!(open(&kek, 2, b"store", key, &sealed).is_none());
        assert!(open(&kek, 1, b"other", key, &sealed).is_none());
        let renamed = Binding::Key {
            alias: "b",
            public_key: b"pk",
        };
        assert!(open(&kek, 1, b"store", renamed, &sealed).is_none());
        assert!(open(&kek, 1, b"store", Binding::Verifier, &sealed).is_none());
    }
}
