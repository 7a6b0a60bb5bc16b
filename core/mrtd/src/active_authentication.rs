//! Active Authentication (9303-11 §6.1, App. F): the chip proves possession of the private key
//! behind DG15 by signing an 8-byte challenge RND.IFD sent in INTERNAL AUTHENTICATE.
//!
//! * **RSA**: ISO/IEC 9796-2 digital signature scheme 1. The terminal recovers
//!   `F = σ^e mod n = header ‖ M1 ‖ D ‖ T` and accepts iff `D = H(M1 ‖ RND.IFD)`.
//! * **ECDSA**: a signature over RND.IFD with the hash named in DG14's
//!   ActiveAuthenticationInfo, plain `r ‖ s` (BSI TR-03111) or, as some chips return, DER.
//!   When the caller has no ActiveAuthenticationInfo, SHA-256 is used: it is what the
//!   `ecdsa-plain-SHA256` chips seen in the field use, and a wrong guess fails closed.
//!
//! A verified AA signature only means something once DG15 is bound to a trusted EF.SOD.
//! The chip side ([`sign_rsa_9796_2`], [`sign_ecdsa`]) serves the emulator.

use crypto_bigint::BoxedUint;
use rand_core::CryptoRng;
use rsa::traits::PublicKeyParts;
use serde::Serialize;
use subtle::ConstantTimeEq;
use tapid_card::CommandApdu;
use zeroize::Zeroizing;

use crate::crypto::{EcGroup, EcPrivateKey, ecdsa};
use crate::lds::dg15::{Dg15PublicKey, EcPublicKey, RsaPublicKey};
use crate::pa::HashAlgorithm;

/// Smallest RSA modulus accepted for AA (bits); smaller keys are factorable.
pub const MIN_RSA_BITS: usize = 1024;
/// Largest RSA modulus accepted for AA (bits), bounding the work a hostile DG15 can cause.
pub const MAX_RSA_BITS: usize = 8192;
/// The hash used for ECDSA-AA when no ActiveAuthenticationInfo names one.
pub const DEFAULT_ECDSA_HASH: HashAlgorithm = HashAlgorithm::Sha256;

/// ISO/IEC 9796-2 header for partial message recovery (what 9303 AA uses).
const HEADER_PARTIAL: u8 = 0x6A;
/// ISO/IEC 9796-2 header for total message recovery.
const HEADER_TOTAL: u8 = 0x4A;
/// The one-byte trailer meaning implicit SHA-1.
const TRAILER_IMPLICIT_SHA1: u8 = 0xBC;
/// The last byte of a two-byte trailer `xx CC`.
const TRAILER_EXPLICIT: u8 = 0xCC;

/// Why Active Authentication failed. Variants carry only public facts (sizes, trailer codes).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AaError {
    /// The signature does not verify under the DG15 key for this challenge.
    #[error("active authentication signature does not verify")]
    BadSignature,
    /// The signature is structurally unusable (empty, longer than the modulus, ≥ n, bad DER).
    #[error("malformed active authentication signature: {0}")]
    MalformedSignature(&'static str),
    /// The ISO/IEC 9796-2 header is valid but not one this verifier supports (only 6A/4A).
    #[error("unsupported ISO/IEC 9796-2 header {0:02X}")]
    UnsupportedHeader(u8),
    /// The two-byte trailer names a hash function this verifier does not support.
    #[error("unsupported ISO/IEC 9796-2 trailer {0:02X}CC")]
    UnsupportedTrailer(u8),
    /// The trailer is neither `BC` nor `xx CC`.
    #[error("malformed ISO/IEC 9796-2 trailer")]
    MalformedTrailer,
    /// The RSA modulus is below [`MIN_RSA_BITS`].
    #[error("RSA key of {bits} bits is below the {min}-bit minimum")]
    KeyTooSmall {
        /// The key's modulus length in bits.
        bits: usize,
        /// The minimum accepted.
        min: usize,
    },
    /// The RSA modulus is above [`MAX_RSA_BITS`].
    #[error("RSA key of {0} bits is above the supported maximum")]
    KeyTooLarge(usize),
    /// The public key cannot be used (even modulus, bad exponent, invalid point).
    #[error("active authentication key is invalid: {0}")]
    InvalidKey(&'static str),
    /// Signing on the chip side failed (key or arithmetic error).
    #[error("active authentication signing failed: {0}")]
    Signing(&'static str),
}

/// What a successful verification established, for the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "mechanism", rename_all = "snake_case")]
#[non_exhaustive]
pub enum AaVerdict {
    /// RSA with ISO/IEC 9796-2 scheme 1.
    Rsa {
        /// The hash named by the trailer.
        hash: HashAlgorithm,
        /// Partial (`6A`) or total (`4A`) message recovery.
        recovery: MessageRecovery,
        /// The modulus length in bits.
        key_bits: usize,
    },
    /// ECDSA.
    Ecdsa {
        /// The hash the signature was checked with.
        hash: HashAlgorithm,
        /// Whether the chip returned plain `r ‖ s` or DER.
        encoding: EcdsaEncoding,
        /// The curve name.
        curve: String,
    },
}

/// ISO/IEC 9796-2 message recovery mode, from the header byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageRecovery {
    /// `6A`: M1 is recovered, M2 (= RND.IFD) is known to the verifier.
    Partial,
    /// `4A`: the whole recoverable part is in F.
    Total,
}

/// How an ECDSA signature was encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EcdsaEncoding {
    /// `r ‖ s`, each the byte length of the order (BSI TR-03111).
    Plain,
    /// X9.62 `ECDSA-Sig-Value` DER.
    Der,
}

/// INTERNAL AUTHENTICATE `00 88 00 00 08 ‖ RND.IFD ‖ 00` (Ne = 256).
pub fn internal_authenticate(challenge: &[u8; 8]) -> CommandApdu {
    CommandApdu::new(0x00, 0x88, 0x00, 0x00)
        .with_data(challenge.to_vec())
        .with_ne(256)
}

/// Verifies the chip's AA `signature` over `challenge` with the DG15 key. `ecdsa_hash` is the
/// hash of DG14's ActiveAuthenticationInfo (ignored for RSA, whose trailer names the hash);
/// `None` means [`DEFAULT_ECDSA_HASH`].
pub fn verify(
    public_key: &Dg15PublicKey,
    challenge: &[u8; 8],
    signature: &[u8],
    ecdsa_hash: Option<HashAlgorithm>,
) -> Result<AaVerdict, AaError> {
    match public_key {
        Dg15PublicKey::Rsa(key) => verify_rsa(key, challenge, signature),
        Dg15PublicKey::Ec(key) => verify_ecdsa(
            key,
            challenge,
            signature,
            ecdsa_hash.unwrap_or(DEFAULT_ECDSA_HASH),
        ),
    }
}

/// The `rsa` crate key for a DG15 key within the AA size limits.
fn rsa_public(key: &RsaPublicKey) -> Result<rsa::PublicKey, AaError> {
    if key.bits < MIN_RSA_BITS {
        return Err(AaError::KeyTooSmall {
            bits: key.bits,
            min: MIN_RSA_BITS,
        });
    }
    if key.bits > MAX_RSA_BITS {
        return Err(AaError::KeyTooLarge(key.bits));
    }
    let n = BoxedUint::from_be_slice_vartime(&key.modulus);
    let e = BoxedUint::from_be_slice_vartime(&key.exponent);
    rsa::PublicKey::new_with_size_limits(n, e, MIN_RSA_BITS..=MAX_RSA_BITS)
        .map_err(|_| AaError::InvalidKey("RSA modulus or exponent rejected"))
}

fn verify_rsa(
    key: &RsaPublicKey,
    challenge: &[u8; 8],
    signature: &[u8],
) -> Result<AaVerdict, AaError> {
    let public = rsa_public(key)?;
    let k = public.size();
    // Chips may drop leading zero bytes of σ; longer input is only tolerated as zero padding.
    let zeros = signature.iter().take_while(|b| **b == 0).count();
    let sig = signature.get(zeros..).unwrap_or_default();
    if sig.is_empty() {
        return Err(AaError::MalformedSignature("empty or zero signature"));
    }
    if sig.len() > k {
        return Err(AaError::MalformedSignature("longer than the modulus"));
    }
    let s = BoxedUint::from_be_slice(sig, public.n_bits_precision())
        .map_err(|_| AaError::MalformedSignature("longer than the modulus"))?;
    if s >= *public.n().as_ref() {
        return Err(AaError::MalformedSignature(
            "signature representative ≥ modulus",
        ));
    }
    let f = rsa::hazmat::rsa_encrypt(&public, &s)
        .map_err(|_| AaError::InvalidKey("RSA public operation failed"))?;
    let f = left_pad(&f.to_be_bytes_trimmed_vartime(), k)?;
    let (hash, recovery) = check_recovered(&f, challenge)?;
    Ok(AaVerdict::Rsa {
        hash,
        recovery,
        key_bits: key.bits,
    })
}

fn left_pad(bytes: &[u8], k: usize) -> Result<Vec<u8>, AaError> {
    let pad = k
        .checked_sub(bytes.len())
        .ok_or(AaError::MalformedSignature(
            "recovered value longer than the modulus",
        ))?;
    let mut out = vec![0u8; pad];
    out.extend_from_slice(bytes);
    Ok(out)
}

/// Checks the recovered representative (k bytes, left-padded): `F` is either all k bytes or,
/// for moduli whose length is not a multiple of 8, the last k−1 bytes after a zero byte.
pub fn check_recovered(
    recovered: &[u8],
    challenge: &[u8],
) -> Result<(HashAlgorithm, MessageRecovery), AaError> {
    let f = match recovered {
        [0, rest @ ..] => rest,
        all => all,
    };
    let (&header, _) = f.split_first().ok_or(AaError::BadSignature)?;
    let (&last, _) = f.split_last().ok_or(AaError::BadSignature)?;
    // Wrong key or tampered σ: F has no ISO/IEC 9796-2 structure at all.
    if header & 0xC0 != 0x40 || last & 0x0F != 0x0C {
        return Err(AaError::BadSignature);
    }
    let recovery = match header {
        HEADER_PARTIAL => MessageRecovery::Partial,
        HEADER_TOTAL => MessageRecovery::Total,
        other => return Err(AaError::UnsupportedHeader(other)),
    };
    let (hash, trailer_len) = trailer(f)?;
    let body_end = f
        .len()
        .checked_sub(trailer_len + hash.output_len())
        .filter(|end| *end >= 1)
        .ok_or(AaError::BadSignature)?;
    let m1 = f.get(1..body_end).ok_or(AaError::BadSignature)?;
    let d = f
        .get(body_end..body_end + hash.output_len())
        .ok_or(AaError::BadSignature)?;
    let mut message = Zeroizing::new(Vec::with_capacity(m1.len() + challenge.len()));
    message.extend_from_slice(m1);
    message.extend_from_slice(challenge);
    if bool::from(hash.digest(&message).ct_eq(d)) {
        Ok((hash, recovery))
    } else {
        Err(AaError::BadSignature)
    }
}

/// The hash and trailer length named by F's last byte(s).
fn trailer(f: &[u8]) -> Result<(HashAlgorithm, usize), AaError> {
    match f {
        [.., TRAILER_IMPLICIT_SHA1] => Ok((HashAlgorithm::Sha1, 1)),
        [.., id, TRAILER_EXPLICIT] => Ok((hash_from_trailer(*id)?, 2)),
        _ => Err(AaError::MalformedTrailer),
    }
}

/// ISO/IEC 10118-3 hash identifiers as used in the `xx CC` trailer.
fn hash_from_trailer(id: u8) -> Result<HashAlgorithm, AaError> {
    match id {
        0x33 => Ok(HashAlgorithm::Sha1),
        0x38 => Ok(HashAlgorithm::Sha224),
        0x34 => Ok(HashAlgorithm::Sha256),
        0x36 => Ok(HashAlgorithm::Sha384),
        0x35 => Ok(HashAlgorithm::Sha512),
        other => Err(AaError::UnsupportedTrailer(other)),
    }
}

/// The trailer bytes for `hash`: `BC` for SHA-1 (implicit, as in App. F), else `xx CC`.
fn trailer_for(hash: HashAlgorithm) -> Vec<u8> {
    match hash {
        HashAlgorithm::Sha1 => vec![TRAILER_IMPLICIT_SHA1],
        HashAlgorithm::Sha224 => vec![0x38, TRAILER_EXPLICIT],
        HashAlgorithm::Sha256 => vec![0x34, TRAILER_EXPLICIT],
        HashAlgorithm::Sha384 => vec![0x36, TRAILER_EXPLICIT],
        HashAlgorithm::Sha512 => vec![0x35, TRAILER_EXPLICIT],
    }
}

fn verify_ecdsa(
    key: &EcPublicKey,
    challenge: &[u8; 8],
    signature: &[u8],
    hash: HashAlgorithm,
) -> Result<AaVerdict, AaError> {
    let prehash = hash.digest(challenge);
    let verdict = |encoding| AaVerdict::Ecdsa {
        hash,
        encoding,
        curve: key.curve.clone(),
    };
    let check = |sig: &ecdsa::Signature| {
        ecdsa::verify_prehash(&key.group, &key.point, &prehash, sig).is_ok()
    };
    let mut parsed = false;
    let plain = (signature.len() == 2 * key.group.order_len())
        .then(|| ecdsa::Signature::from_plain(signature).ok())
        .flatten();
    if let Some(sig) = plain {
        parsed = true;
        if check(&sig) {
            return Ok(verdict(EcdsaEncoding::Plain));
        }
    }
    let der = (signature.first() == Some(&0x30))
        .then(|| ecdsa::Signature::from_der(signature).ok())
        .flatten();
    if let Some(sig) = der {
        parsed = true;
        if check(&sig) {
            return Ok(verdict(EcdsaEncoding::Der));
        }
    }
    if parsed {
        Err(AaError::BadSignature)
    } else {
        Err(AaError::MalformedSignature(
            "neither plain r‖s of the curve's size nor DER",
        ))
    }
}

/// Chip side, RSA: signs `challenge` (M2) with ISO/IEC 9796-2 scheme 1, partial recovery,
/// a random M1 filling the capacity, and the trailer for `hash` (`BC` for SHA-1). Returns σ
/// as k bytes. F occupies the low `⌊bits/8⌋` bytes so that it stays below n.
pub fn sign_rsa_9796_2<R: CryptoRng + ?Sized>(
    key: &rsa::PrivateKey,
    challenge: &[u8],
    hash: HashAlgorithm,
    rng: &mut R,
) -> Result<Vec<u8>, AaError> {
    let bits = key.n().as_ref().bit_width_vartime() as usize;
    if bits < MIN_RSA_BITS {
        return Err(AaError::KeyTooSmall {
            bits,
            min: MIN_RSA_BITS,
        });
    }
    let k = key.size();
    let f_len = bits / 8;
    let trailer = trailer_for(hash);
    let capacity = f_len
        .checked_sub(1 + hash.output_len() + trailer.len())
        .filter(|c| *c > 0)
        .ok_or(AaError::KeyTooSmall {
            bits,
            min: MIN_RSA_BITS,
        })?;
    let mut m1 = Zeroizing::new(vec![0u8; capacity]);
    rng.fill_bytes(&mut m1);
    let mut message = Zeroizing::new(m1.to_vec());
    message.extend_from_slice(challenge);
    let mut f = Zeroizing::new(vec![0u8; k - f_len]);
    f.push(HEADER_PARTIAL);
    f.extend_from_slice(&m1);
    f.extend_from_slice(&hash.digest(&message));
    f.extend_from_slice(&trailer);
    let m = BoxedUint::from_be_slice(&f, key.n_bits_precision())
        .map_err(|_| AaError::Signing("representative does not fit the modulus"))?;
    let sigma = rsa::hazmat::rsa_decrypt_and_check(key, Some(rng), &m)
        .map_err(|_| AaError::Signing("RSA private operation failed"))?;
    left_pad(&sigma.to_be_bytes_trimmed_vartime(), k)
}

/// Chip side, ECDSA: signs H(`challenge`) and returns plain `r ‖ s` (each the order's length).
pub fn sign_ecdsa<R: CryptoRng + ?Sized>(
    group: &EcGroup,
    private: &EcPrivateKey,
    challenge: &[u8],
    hash: HashAlgorithm,
    rng: &mut R,
) -> Result<Vec<u8>, AaError> {
    let sig = ecdsa::sign_prehash(group, private, &hash.digest(challenge), rng)
        .map_err(|_| AaError::Signing("ECDSA signing failed"))?;
    sig.to_plain(group.order_len())
        .map_err(|_| AaError::Signing("ECDSA signature encoding failed"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_apdu() {
        let apdu = internal_authenticate(&[0xF1, 0x73, 0x58, 0x99, 0x74, 0xBF, 0x40, 0xC6]);
        assert_eq!(
            hex::encode_upper(apdu.to_bytes().unwrap()),
            "0088000008F173589974BF40C600"
        );
    }

    #[test]
    fn trailers_map_to_hashes() {
        for h in [
            HashAlgorithm::Sha1,
            HashAlgorithm::Sha224,
            HashAlgorithm::Sha256,
            HashAlgorithm::Sha384,
            HashAlgorithm::Sha512,
        ] {
            let mut f = vec![0x6A, 0x01];
            f.extend(trailer_for(h));
            assert_eq!(trailer(&f).unwrap().0, h);
        }
        assert_eq!(
            trailer(&[0x6A, 0x37, 0xCC]),
            Err(AaError::UnsupportedTrailer(0x37))
        );
        assert_eq!(trailer(&[0x6A, 0x3C]), Err(AaError::MalformedTrailer));
    }
}
