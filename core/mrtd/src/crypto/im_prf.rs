//! The cipher-based pseudo-random function R(s, t) of PACE Integrated Mapping
//! (9303-11 §4.4.3.3.2).
//!
//! `k0 = E(t, s)`; for i = 0..n−1: `x_i = E(k_i, c1)`, `k_{i+1} = E(k_i, c0)`, where E is
//! CBC encryption with a zero IV, keys are truncated to the cipher's key length, ℓ is the bit
//! length of s (128 for 3DES and AES-128, 256 for AES-192/256; the constants have the same
//! length) and `n = ⌈(log2 p + 64) / ℓ⌉`. `R = x_0 ‖ … ‖ x_{n−1}`.

use cipher::{Block, BlockCipherEncrypt, KeyInit};
use zeroize::Zeroizing;

use super::CryptoError;
use super::field::PrimeField;

/// The block cipher named by the PACE protocol OID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ImCipher {
    /// Two-key 3DES (16-byte key), 8-byte blocks.
    Tdes,
    /// AES-128.
    Aes128,
    /// AES-192.
    Aes192,
    /// AES-256.
    Aes256,
}

const C0_128: [u8; 16] = [
    0xa6, 0x68, 0x89, 0x2a, 0x7c, 0x41, 0xe3, 0xca, 0x73, 0x9f, 0x40, 0xb0, 0x57, 0xd8, 0x59, 0x04,
];
const C1_128: [u8; 16] = [
    0xa4, 0xe1, 0x36, 0xac, 0x72, 0x5f, 0x73, 0x8b, 0x01, 0xc1, 0xf6, 0x02, 0x17, 0xc1, 0x88, 0xad,
];
const C0_256: [u8; 32] = [
    0xd4, 0x63, 0xd6, 0x52, 0x34, 0x12, 0x4e, 0xf7, 0x89, 0x70, 0x54, 0x98, 0x6d, 0xca, 0x0a, 0x17,
    0x4e, 0x28, 0xdf, 0x75, 0x8c, 0xba, 0xa0, 0x3f, 0x24, 0x06, 0x16, 0x41, 0x4d, 0x5a, 0x16, 0x76,
];
const C1_256: [u8; 32] = [
    0x54, 0xbd, 0x72, 0x55, 0xf0, 0xaa, 0xf8, 0x31, 0xbe, 0xc3, 0x42, 0x3f, 0xcf, 0x39, 0xd6, 0x9b,
    0x6c, 0xbf, 0x06, 0x66, 0x77, 0xd0, 0xfa, 0xae, 0x5a, 0xad, 0xd9, 0x9d, 0xf8, 0xe5, 0x35, 0x17,
];

impl ImCipher {
    /// Key length in bytes (also the length of the terminal nonce t).
    pub fn key_len(self) -> usize {
        match self {
            ImCipher::Tdes | ImCipher::Aes128 => 16,
            ImCipher::Aes192 => 24,
            ImCipher::Aes256 => 32,
        }
    }

    /// ℓ in bytes: the length of the nonce s, of c0/c1 and of each output block x_i.
    pub fn block_len(self) -> usize {
        match self {
            ImCipher::Tdes | ImCipher::Aes128 => 16,
            ImCipher::Aes192 | ImCipher::Aes256 => 32,
        }
    }

    fn constants(self) -> (&'static [u8], &'static [u8]) {
        match self.block_len() {
            16 => (&C0_128, &C1_128),
            _ => (&C0_256, &C1_256),
        }
    }

    /// CBC encryption with a zero IV of block-aligned data under `key` (truncated to the
    /// key length).
    fn encrypt(self, key: &[u8], data: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let key = key
            .get(..self.key_len())
            .ok_or(CryptoError::InvalidLength {
                expected: self.key_len(),
                actual: key.len(),
            })?;
        match self {
            ImCipher::Tdes => cbc_zero_iv::<des::TdesEde2>(key, data),
            ImCipher::Aes128 => cbc_zero_iv::<aes::Aes128>(key, data),
            ImCipher::Aes192 => cbc_zero_iv::<aes::Aes192>(key, data),
            ImCipher::Aes256 => cbc_zero_iv::<aes::Aes256>(key, data),
        }
    }
}

fn cbc_zero_iv<C: BlockCipherEncrypt + KeyInit>(
    key: &[u8],
    data: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let cipher = C::new_from_slice(key).map_err(|_| CryptoError::InvalidLength {
        expected: C::key_size(),
        actual: key.len(),
    })?;
    let bs = C::block_size();
    if !data.len().is_multiple_of(bs) {
        return Err(CryptoError::InvalidLength {
            expected: data.len().div_ceil(bs) * bs,
            actual: data.len(),
        });
    }
    let mut out = Zeroizing::new(Vec::with_capacity(data.len()));
    let mut chain = Zeroizing::new(Block::<C>::default());
    for chunk in data.chunks(bs) {
        for (c, d) in chain.iter_mut().zip(chunk) {
            *c ^= d;
        }
        cipher.encrypt_block(&mut chain);
        out.extend_from_slice(&chain);
    }
    Ok(out)
}

/// `R(s, t)` for a modulus of `p_bits` bits. `s` is the chip's nonce (ℓ bytes), `t` the
/// terminal's nonce (key length bytes).
pub fn im_prf(
    cipher: ImCipher,
    s: &[u8],
    t: &[u8],
    p_bits: u32,
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let l = cipher.block_len();
    if s.len() != l {
        return Err(CryptoError::InvalidLength {
            expected: l,
            actual: s.len(),
        });
    }
    if t.len() != cipher.key_len() {
        return Err(CryptoError::InvalidLength {
            expected: cipher.key_len(),
            actual: t.len(),
        });
    }
    let l_bits = u32::try_from(l * 8).map_err(|_| CryptoError::Unsupported("block size"))?;
    let n = (p_bits + 64).div_ceil(l_bits);
    let (c0, c1) = cipher.constants();
    let mut k = cipher.encrypt(t, s)?;
    let mut out = Zeroizing::new(Vec::with_capacity(l * n as usize));
    for _ in 0..n {
        out.extend_from_slice(&cipher.encrypt(&k, c1)?);
        k = cipher.encrypt(&k, c0)?;
    }
    Ok(out)
}

/// `Rp = R mod p`, with the width of p.
pub(crate) fn reduce_mod(field: &PrimeField, r: &[u8]) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(field.uint_to_bytes(&field.uint_reduced(r)))
}
