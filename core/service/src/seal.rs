//! Personal data and secrets at rest: evidence bundles (data groups, the MRZ, the face) and
//! OCRA secrets are stored as AES-256-GCM ciphertext under the service's data key, bound to
//! what they belong to (the associated data names the kind and the row), so a ciphertext moved
//! to another row does not open.

use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use zeroize::Zeroizing;

use crate::entropy::{self, Entropy};

const NONCE_LEN: usize = 12;

/// What a sealed value is, bound into its associated data.
#[derive(Debug, Clone, Copy)]
pub enum Purpose<'a> {
    /// An order's evidence bundle.
    Evidence {
        /// The order reference.
        order_ref: &'a str,
    },
    /// An identity's OCRA secret.
    OcraSecret {
        /// The identity id.
        identity_id: &'a str,
    },
}

impl Purpose<'_> {
    fn aad(&self) -> Vec<u8> {
        let (tag, id) = match self {
            Self::Evidence { order_ref } => ("tapid-service/evidence/v1", *order_ref),
            Self::OcraSecret { identity_id } => ("tapid-service/ocra/v1", *identity_id),
        };
        let mut aad = Vec::with_capacity(tag.len() + id.len() + 1);
        aad.extend_from_slice(tag.as_bytes());
        aad.push(0);
        aad.extend_from_slice(id.as_bytes());
        aad
    }
}

/// The data key (32 bytes, zeroized on drop; never printed).
#[derive(Clone)]
pub struct DataKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}

impl DataKey {
    /// A key from its 32 bytes.
    pub fn new(bytes: [u8; 32]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// The raw bytes (to store the key file).
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// `nonce ‖ ciphertext ‖ tag`.
    pub fn seal(&self, entropy: &dyn Entropy, purpose: Purpose<'_>, plaintext: &[u8]) -> Vec<u8> {
        let nonce: [u8; NONCE_LEN] = entropy::bytes(entropy);
        let cipher = Aes256Gcm::new((&*self.0).into());
        let mut buffer = plaintext.to_vec();
        // Encryption fails only for messages beyond GCM's 64 GiB limit.
        if cipher
            .encrypt_in_place(&Nonce::from(nonce), &purpose.aad(), &mut buffer)
            .is_err()
        {
            return Vec::new();
        }
        let mut out = nonce.to_vec();
        out.extend_from_slice(&buffer);
        out
    }

    /// Opens what [`DataKey::seal`] made for `purpose`; `None` when it was changed, made for
    /// another purpose or row, or under another key.
    pub fn open(&self, purpose: Purpose<'_>, sealed: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        let (nonce, ciphertext) = sealed.split_at_checked(NONCE_LEN)?;
        let nonce: [u8; NONCE_LEN] = nonce.try_into().ok()?;
        let cipher = Aes256Gcm::new((&*self.0).into());
        let mut buffer = Zeroizing::new(ciphertext.to_vec());
        cipher
            .decrypt_in_place(&Nonce::from(nonce), &purpose.aad(), &mut *buffer)
            .ok()?;
        Some(buffer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entropy::SeededEntropy;

    #[test]
    fn sealed_data_opens_only_for_its_row_and_key() {
        let key = DataKey::new([3; 32]);
        let e = SeededEntropy::new(b"n");
        let p = Purpose::Evidence { order_ref: "a" };
        let sealed = key.seal(&e, p, b"DG1 bytes");
        assert!(!sealed.windows(9).any(|w| w == b"DG1 bytes"));
        assert_eq!(&**key.open(p, &sealed).unwrap(), b"DG1 bytes");
        assert!(
            key.open(Purpose::Evidence { order_ref: "b" }, &sealed)
                .is_none()
        );
        assert!(
            key.open(Purpose::OcraSecret { identity_id: "a" }, &sealed)
                .is_none()
        );
        assert!(DataKey::new([4; 32]).open(p, &sealed).is_none());
        let mut flipped = sealed.clone();
        flipped[20] ^= 1;
        assert!(key.open(p, &flipped).is_none());
        assert!(key.open(p, &sealed[..5]).is_none());
        assert_ne!(
            key.seal(&e, p, b"DG1 bytes"),
            sealed,
            "fresh nonce each time"
        );
    }
}
