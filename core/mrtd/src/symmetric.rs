//! The block ciphers of ICAO 9303-11: 2-key 3DES with the ISO/IEC 9797-1 MAC algorithm 3
//! (retail MAC), and AES-128/192/256 with CMAC truncated to 8 bytes. Secure messaging, BAC,
//! PACE and chip authentication all go through these few functions.

use cbc::cipher::{BlockCipherEncrypt, BlockModeDecrypt, BlockModeEncrypt, KeyInit, KeyIvInit};
use cipher::block_padding::NoPadding;
use cmac::Mac;
use serde::Serialize;

/// A cipher suite as named in protocol OIDs (`…1` 3DES-CBC-CBC, `…2`–`…4` AES-CBC-CMAC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
pub enum CipherAlg {
    /// 2-key triple DES, retail MAC.
    #[serde(rename = "3DES")]
    Tdes,
    /// AES-128, CMAC.
    #[serde(rename = "AES-128")]
    Aes128,
    /// AES-192, CMAC.
    #[serde(rename = "AES-192")]
    Aes192,
    /// AES-256, CMAC.
    #[serde(rename = "AES-256")]
    Aes256,
}

impl CipherAlg {
    /// Block size in bytes (also the SSC length).
    pub fn block_size(self) -> usize {
        match self {
            Self::Tdes => 8,
            _ => 16,
        }
    }

    /// Key length in bytes.
    pub fn key_len(self) -> usize {
        match self {
            Self::Tdes | Self::Aes128 => 16,
            Self::Aes192 => 24,
            Self::Aes256 => 32,
        }
    }

    /// Report name, e.g. `AES-128`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Tdes => "3DES",
            Self::Aes128 => "AES-128",
            Self::Aes192 => "AES-192",
            Self::Aes256 => "AES-256",
        }
    }
}

impl std::fmt::Display for CipherAlg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Errors of the symmetric layer (programming or protocol errors, never key material).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SymmetricError {
    /// A key of the wrong length for the cipher.
    #[error("key length does not fit the cipher")]
    KeyLength,
    /// Data that is not a whole number of blocks.
    #[error("data is not a multiple of the block size")]
    NotBlockAligned,
    /// Padding method 2 is malformed after decryption.
    #[error("invalid ISO/IEC 9797-1 padding")]
    BadPadding,
}

/// ISO/IEC 9797-1 padding method 2: `80` then zeros up to a whole block.
pub fn pad(data: &[u8], block_size: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + block_size);
    out.extend_from_slice(data);
    out.push(0x80);
    while out.len() % block_size != 0 {
        out.push(0);
    }
    out
}

/// Removes padding method 2; the `80` marker must be within the last block.
pub fn unpad(data: &[u8], block_size: usize) -> Result<&[u8], SymmetricError> {
    let zeros = data.iter().rev().take_while(|b| **b == 0).count();
    let end = data
        .len()
        .checked_sub(zeros + 1)
        .ok_or(SymmetricError::BadPadding)?;
    if data.get(end) != Some(&0x80) || zeros >= block_size {
        return Err(SymmetricError::BadPadding);
    }
    data.get(..end).ok_or(SymmetricError::BadPadding)
}

fn check(alg: CipherAlg, key: &[u8], data: &[u8]) -> Result<(), SymmetricError> {
    if key.len() != alg.key_len() {
        return Err(SymmetricError::KeyLength);
    }
    if !data.len().is_multiple_of(alg.block_size()) {
        return Err(SymmetricError::NotBlockAligned);
    }
    Ok(())
}

/// The direction of a CBC operation.
#[derive(Clone, Copy)]
enum Direction {
    Encrypt,
    Decrypt,
}

/// CBC with the cipher type `$c` in direction `$dir` (a macro: the four ciphers are distinct
/// types behind one runtime [`CipherAlg`]).
macro_rules! cbc_with {
    ($c:ty, $dir:expr, $key:expr, $iv:expr, $data:expr) => {
        match $dir {
            Direction::Encrypt => cbc::Encryptor::<$c>::new_from_slices($key, $iv)
                .map_err(|_| SymmetricError::KeyLength)?
                .encrypt_padded_vec::<NoPadding>($data),
            Direction::Decrypt => cbc::Decryptor::<$c>::new_from_slices($key, $iv)
                .map_err(|_| SymmetricError::KeyLength)?
                .decrypt_padded_vec::<NoPadding>($data)
                .map_err(|_| SymmetricError::NotBlockAligned)?,
        }
    };
}

fn cbc(
    direction: Direction,
    alg: CipherAlg,
    key: &[u8],
    iv: &[u8],
    data: &[u8],
) -> Result<Vec<u8>, SymmetricError> {
    check(alg, key, data)?;
    if iv.len() != alg.block_size() {
        return Err(SymmetricError::KeyLength);
    }
    Ok(match alg {
        CipherAlg::Tdes => cbc_with!(des::TdesEde2, direction, key, iv, data),
        CipherAlg::Aes128 => cbc_with!(aes::Aes128, direction, key, iv, data),
        CipherAlg::Aes192 => cbc_with!(aes::Aes192, direction, key, iv, data),
        CipherAlg::Aes256 => cbc_with!(aes::Aes256, direction, key, iv, data),
    })
}

/// CBC encryption of block-aligned data (callers pad first).
pub fn cbc_encrypt(
    alg: CipherAlg,
    key: &[u8],
    iv: &[u8],
    data: &[u8],
) -> Result<Vec<u8>, SymmetricError> {
    cbc(Direction::Encrypt, alg, key, iv, data)
}

/// CBC decryption of block-aligned data (callers unpad after).
pub fn cbc_decrypt(
    alg: CipherAlg,
    key: &[u8],
    iv: &[u8],
    data: &[u8],
) -> Result<Vec<u8>, SymmetricError> {
    cbc(Direction::Decrypt, alg, key, iv, data)
}

fn ecb<C: BlockCipherEncrypt + KeyInit>(
    key: &[u8],
    block: &[u8],
) -> Result<Vec<u8>, SymmetricError> {
    let c = C::new_from_slice(key).map_err(|_| SymmetricError::KeyLength)?;
    let mut b = cipher::Array::try_from(block).map_err(|_| SymmetricError::NotBlockAligned)?;
    c.encrypt_block(&mut b);
    Ok(b.to_vec())
}

/// Encrypts one block (AES secure messaging derives its IV as E(KSenc, SSC)).
pub fn encrypt_block(alg: CipherAlg, key: &[u8], block: &[u8]) -> Result<Vec<u8>, SymmetricError> {
    if key.len() != alg.key_len() || block.len() != alg.block_size() {
        return Err(SymmetricError::KeyLength);
    }
    match alg {
        CipherAlg::Tdes => ecb::<des::TdesEde2>(key, block),
        CipherAlg::Aes128 => ecb::<aes::Aes128>(key, block),
        CipherAlg::Aes192 => ecb::<aes::Aes192>(key, block),
        CipherAlg::Aes256 => ecb::<aes::Aes256>(key, block),
    }
}

fn cmac8<M: KeyInit + Mac>(key: &[u8], data: &[u8]) -> Result<[u8; 8], SymmetricError> {
    let mut m = <M as KeyInit>::new_from_slice(key).map_err(|_| SymmetricError::KeyLength)?;
    m.update(data);
    let full = m.finalize().into_bytes();
    let mut out = [0u8; 8];
    out.copy_from_slice(full.get(..8).ok_or(SymmetricError::KeyLength)?);
    Ok(out)
}

/// The 8-byte MAC of `data`: for 3DES the retail MAC over data the caller already padded
/// (method 2), for AES the CMAC truncated to 8 bytes.
pub fn mac(alg: CipherAlg, key: &[u8], data: &[u8]) -> Result<[u8; 8], SymmetricError> {
    if key.len() != alg.key_len() {
        return Err(SymmetricError::KeyLength);
    }
    match alg {
        CipherAlg::Tdes => {
            if !data.len().is_multiple_of(8) {
                return Err(SymmetricError::NotBlockAligned);
            }
            let mut m = <retail_mac::RetailMac<des::Des> as KeyInit>::new_from_slice(key)
                .map_err(|_| SymmetricError::KeyLength)?;
            retail_mac::Mac::update(&mut m, data);
            let full = retail_mac::Mac::finalize(m).into_bytes();
            let mut out = [0u8; 8];
            out.copy_from_slice(full.get(..8).ok_or(SymmetricError::KeyLength)?);
            Ok(out)
        }
        CipherAlg::Aes128 => cmac8::<cmac::Cmac<aes::Aes128>>(key, data),
        CipherAlg::Aes192 => cmac8::<cmac::Cmac<aes::Aes192>>(key, data),
        CipherAlg::Aes256 => cmac8::<cmac::Cmac<aes::Aes256>>(key, data),
    }
}

/// Constant-time comparison of a received MAC with the expected one.
pub fn mac_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s).unwrap()
    }

    #[test]
    fn bac_appendix_d_cryptogram_and_mac() {
        let kenc = h("AB94FDECF2674FDFB9B391F85D7F76F2");
        let kmac = h("7962D9ECE03D1ACD4C76089DCE131543");
        let s = h("781723860C06C2264608F919887022120B795240CB7049B01C19B33E32804F0B");
        let e = cbc_encrypt(CipherAlg::Tdes, &kenc, &[0; 8], &s).unwrap();
        assert_eq!(
            e,
            h("72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2")
        );
        assert_eq!(cbc_decrypt(CipherAlg::Tdes, &kenc, &[0; 8], &e).unwrap(), s);
        assert_eq!(
            mac(CipherAlg::Tdes, &kmac, &pad(&e, 8)).unwrap().to_vec(),
            h("5F1448EEA8AD90A7")
        );
    }

    #[test]
    fn aes_cmac_rfc4493_truncated() {
        let key = h("2b7e151628aed2a6abf7158809cf4f3c");
        let msg = h("6bc1bee22e409f96e93d7e117393172a");
        assert_eq!(
            mac(CipherAlg::Aes128, &key, &msg).unwrap().to_vec(),
            h("070a16b46b4d4144")
        );
    }

    #[test]
    fn padding() {
        assert_eq!(pad(&[1, 2], 8), h("0102800000000000"));
        assert_eq!(pad(&[], 8), h("8000000000000000"));
        assert_eq!(unpad(&h("0102800000000000"), 8).unwrap(), &[1, 2]);
        assert_eq!(
            unpad(&h("0102000000000000"), 8),
            Err(SymmetricError::BadPadding)
        );
        assert_eq!(
            unpad(&h("800000000000000000"), 8),
            Err(SymmetricError::BadPadding)
        );
        assert_eq!(unpad(&[], 8), Err(SymmetricError::BadPadding));
        assert_eq!(
            cbc_encrypt(CipherAlg::Aes128, &[0; 16], &[0; 16], &[0; 15]),
            Err(SymmetricError::NotBlockAligned)
        );
        assert_eq!(
            cbc_encrypt(CipherAlg::Aes128, &[0; 15], &[0; 16], &[0; 16]),
            Err(SymmetricError::KeyLength)
        );
    }
}
