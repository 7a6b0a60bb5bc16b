//! One-time passwords: HOTP (RFC 4226), TOTP (RFC 6238) and OCRA (RFC 6287), generally, over
//! HMAC-SHA-1/256/512. The offline code in [`crate::offline_code`] is one OCRA suite.

pub mod hotp;
pub mod ocra;
pub mod totp;

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

use crate::error::{Error, Result};

/// The hash function under HMAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum HashAlg {
    /// HMAC-SHA-1 (RFC 4226's original).
    Sha1,
    /// HMAC-SHA-256.
    Sha256,
    /// HMAC-SHA-512.
    Sha512,
}

impl HashAlg {
    /// The name used in OCRA suites (`SHA1`, `SHA256`, `SHA512`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Sha1 => "SHA1",
            Self::Sha256 => "SHA256",
            Self::Sha512 => "SHA512",
        }
    }

    /// Parses an OCRA suite hash name.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "SHA1" => Some(Self::Sha1),
            "SHA256" => Some(Self::Sha256),
            "SHA512" => Some(Self::Sha512),
            _ => None,
        }
    }

    /// HMAC of `msg` under `key`.
    pub fn hmac(self, key: &[u8], msg: &[u8]) -> Result<Vec<u8>> {
        match self {
            Self::Sha1 => mac::<Hmac<Sha1>>(key, msg),
            Self::Sha256 => mac::<Hmac<Sha256>>(key, msg),
            Self::Sha512 => mac::<Hmac<Sha512>>(key, msg),
        }
    }

    /// Plain hash (OCRA hashes the PIN with the suite's `PSHA…` function).
    pub fn digest(self, msg: &[u8]) -> Vec<u8> {
        match self {
            Self::Sha1 => Sha1::digest(msg).to_vec(),
            Self::Sha256 => Sha256::digest(msg).to_vec(),
            Self::Sha512 => Sha512::digest(msg).to_vec(),
        }
    }

    /// Digest length in bytes.
    pub fn output_len(self) -> usize {
        match self {
            Self::Sha1 => 20,
            Self::Sha256 => 32,
            Self::Sha512 => 64,
        }
    }
}

fn mac<M: Mac + KeyInit>(key: &[u8], msg: &[u8]) -> Result<Vec<u8>> {
    if key.is_empty() {
        return Err(Error::OtpKey);
    }
    let mut m = <M as KeyInit>::new_from_slice(key).map_err(|_| Error::OtpKey)?;
    m.update(msg);
    Ok(m.finalize().into_bytes().to_vec())
}

/// RFC 4226 §5.3 dynamic truncation: a 31-bit number taken at the offset named by the low
/// nibble of the last byte.
pub fn dynamic_truncate(hmac: &[u8]) -> Result<u32> {
    let offset = usize::from(hmac.last().ok_or(Error::OtpKey)? & 0x0f);
    let window = hmac.get(offset..offset + 4).ok_or(Error::OtpKey)?;
    let mut word = [0u8; 4];
    word.copy_from_slice(window);
    Ok(u32::from_be_bytes(word) & 0x7fff_ffff)
}

/// Reduces a truncated value to `digits` decimal digits, zero-padded.
pub fn format_digits(value: u32, digits: u32) -> Result<String> {
    if !(1..=10).contains(&digits) {
        return Err(Error::OtpDigits(digits));
    }
    let modulus = 10u64.pow(digits);
    Ok(format!(
        "{:0width$}",
        u64::from(value) % modulus,
        width = digits as usize
    ))
}
