//! PACE key material: the password key Kπ, the encrypted nonce, session keys, the
//! authentication tokens and the PACE-CAM encryption of CA_IC.

use digest::Digest;
use zeroize::Zeroizing;

use crate::crypto::ImCipher;
use crate::kdf::{self, KdfPurpose};
use crate::mrz::AccessKey;
use crate::secure_messaging::{SecureChannel, SmError};
use crate::symmetric::{self, CipherAlg, SymmetricError};

/// Kπ = KDF(f(π), 3) with f(π) = SHA-1(MRZ_information) for the MRZ and the ASCII digits
/// (not hashed) for a CAN.
pub fn pace_key(password: &AccessKey, cipher: CipherAlg) -> Zeroizing<Vec<u8>> {
    match password {
        AccessKey::Mrz(mrz) => {
            let info = mrz.mrz_information();
            let seed = Zeroizing::new(sha1::Sha1::digest(info.as_bytes()).to_vec());
            kdf::derive(&seed, KdfPurpose::Pace, cipher)
        }
        AccessKey::Can(can) => kdf::derive(can.as_bytes(), KdfPurpose::Pace, cipher),
    }
}

/// The cipher of the Integrated Mapping PRF for a PACE cipher.
pub(super) fn im_cipher(cipher: CipherAlg) -> ImCipher {
    match cipher {
        CipherAlg::Tdes => ImCipher::Tdes,
        CipherAlg::Aes128 => ImCipher::Aes128,
        CipherAlg::Aes192 => ImCipher::Aes192,
        CipherAlg::Aes256 => ImCipher::Aes256,
    }
}

/// The length of the chip's nonce s: 16 bytes for 3DES and AES-128, 32 for AES-192/256
/// (the PRF block length ℓ of Integrated Mapping; used for every mapping).
pub(super) fn nonce_len(cipher: CipherAlg) -> usize {
    im_cipher(cipher).block_len()
}

/// z = E(Kπ, s), CBC with a zero IV.
pub(super) fn encrypt_nonce(
    cipher: CipherAlg,
    k_pi: &[u8],
    s: &[u8],
) -> Result<Vec<u8>, SymmetricError> {
    symmetric::cbc_encrypt(cipher, k_pi, &vec![0; cipher.block_size()], s)
}

/// s = D(Kπ, z), CBC with a zero IV.
pub(super) fn decrypt_nonce(
    cipher: CipherAlg,
    k_pi: &[u8],
    z: &[u8],
) -> Result<Zeroizing<Vec<u8>>, SymmetricError> {
    if z.is_empty() {
        return Err(SymmetricError::NotBlockAligned);
    }
    symmetric::cbc_decrypt(cipher, k_pi, &vec![0; cipher.block_size()], z).map(Zeroizing::new)
}

/// KSenc and KSmac from the shared secret K.
pub(crate) struct SessionKeys {
    pub(crate) cipher: CipherAlg,
    pub(crate) enc: Zeroizing<Vec<u8>>,
    pub(crate) mac: Zeroizing<Vec<u8>>,
}

impl SessionKeys {
    /// KSenc = KDF(K, 1), KSmac = KDF(K, 2).
    pub(crate) fn derive(cipher: CipherAlg, k: &[u8]) -> Self {
        Self {
            cipher,
            enc: kdf::derive(k, KdfPurpose::Enc, cipher),
            mac: kdf::derive(k, KdfPurpose::Mac, cipher),
        }
    }

    /// The authentication token over a public-key data object: 3DES retail MAC over the
    /// padded object, AES CMAC (first 8 bytes) over the object itself.
    pub(super) fn token(&self, public_key_do: &[u8]) -> Result<[u8; 8], SymmetricError> {
        match self.cipher {
            CipherAlg::Tdes => {
                symmetric::mac(self.cipher, &self.mac, &symmetric::pad(public_key_do, 8))
            }
            _ => symmetric::mac(self.cipher, &self.mac, public_key_do),
        }
    }

    /// IV for the CAM data: E(KSenc, 16 × FF).
    fn cam_iv(&self) -> Result<Vec<u8>, SymmetricError> {
        symmetric::encrypt_block(
            self.cipher,
            &self.enc,
            &vec![0xFF; self.cipher.block_size()],
        )
    }

    /// Chip side: the encrypted chip authentication data of tag `8A`.
    pub(super) fn encrypt_cam(&self, ca_ic: &[u8]) -> Result<Vec<u8>, SymmetricError> {
        let padded = Zeroizing::new(symmetric::pad(ca_ic, self.cipher.block_size()));
        symmetric::cbc_encrypt(self.cipher, &self.enc, &self.cam_iv()?, &padded)
    }

    /// Terminal side: CA_IC from tag `8A`.
    pub(super) fn decrypt_cam(&self, data: &[u8]) -> Result<Vec<u8>, SymmetricError> {
        let plain = Zeroizing::new(symmetric::cbc_decrypt(
            self.cipher,
            &self.enc,
            &self.cam_iv()?,
            data,
        )?);
        symmetric::unpad(&plain, self.cipher.block_size()).map(<[u8]>::to_vec)
    }

    /// The secure channel with these keys and SSC = 0.
    pub(crate) fn channel(self) -> Result<SecureChannel, SmError> {
        SecureChannel::new(
            self.cipher,
            self.enc,
            self.mac,
            SecureChannel::zero_ssc(self.cipher),
        )
    }
}
