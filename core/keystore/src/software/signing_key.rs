//! P-256 private keys inside the software store: generation from the injected RNG and ECDSA
//! signing. Private scalars only ever exist here, in zeroizing memory, for one operation.

use p256::ecdsa::SigningKey;
use p256::elliptic_curve::Generate;
use rand_core::TryCryptoRng;
use signature::Signer;
use zeroize::Zeroizing;

use crate::error::{Corruption, KeyStoreError, Result};
use crate::public_key::PublicKey;
use crate::signature::EcdsaSignature;

/// Length of a P-256 private scalar.
pub const SECRET_LEN: usize = 32;

/// Generates a key pair; returns the private scalar (zeroized on drop) and the public key.
///
/// # Errors
/// [`KeyStoreError::RandomnessUnavailable`] when `rng` fails.
pub fn generate(
    rng: &mut (impl TryCryptoRng + ?Sized),
) -> Result<(Zeroizing<[u8; SECRET_LEN]>, PublicKey)> {
    let secret = p256::SecretKey::try_generate_from_rng(rng)
        .map_err(|_| KeyStoreError::RandomnessUnavailable)?;
    let public = PublicKey::from(secret.public_key());
    let field_bytes = Zeroizing::new(secret.to_bytes());
    let mut bytes = Zeroizing::new([0u8; SECRET_LEN]);
    bytes.copy_from_slice(&field_bytes);
    Ok((bytes, public))
}

/// Rebuilds the signing key from an unwrapped scalar, checking it belongs to `expected`.
fn signing_key(secret: &[u8], expected: &PublicKey) -> Result<SigningKey> {
    let key = SigningKey::from_slice(secret).map_err(|_| Corruption::KeyUnwrapFailed)?;
    if PublicKey::from(p256::PublicKey::from(key.verifying_key())) != *expected {
        return Err(Corruption::KeyUnwrapFailed.into());
    }
    Ok(key)
}

/// Signs `message` with ECDSA P-256 / SHA-256 (deterministic nonces, RFC 6979), DER-encoded.
///
/// # Errors
/// [`Corruption::KeyUnwrapFailed`] when `secret` is not the private key of `expected`.
pub fn sign(secret: &[u8], expected: &PublicKey, message: &[u8]) -> Result<EcdsaSignature> {
    let key = signing_key(secret, expected)?;
    let signature: p256::ecdsa::Signature = key.sign(message);
    Ok(EcdsaSignature::from(signature))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6979 appendix A.2.5: P-256, SHA-256, message "sample".
    const X: &str = "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721";
    const UX: &str = "60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6";
    const UY: &str = "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299";
    const R: &str = "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716";
    const S: &str = "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8";

    #[test]
    fn rfc6979_a25_sample_vector() {
        let secret = hex::decode(X).unwrap();
        let public = PublicKey::from_sec1(&hex::decode(format!("04{UX}{UY}")).unwrap()).unwrap();
        let signature = sign(&secret, &public, b"sample").unwrap();
        assert_eq!(hex::encode_upper(signature.to_raw()), format!("{R}{S}"));
        public.verify(b"sample", &signature).unwrap();
        assert!(public.verify(b"samplE", &signature).is_err());
    }

    #[test]
    fn refuses_a_secret_that_does_not_match_the_public_key() {
        let secret = hex::decode(X).unwrap();
        let (_, other) = generate(&mut getrandom::SysRng).unwrap();
        assert!(sign(&secret, &other, b"m").is_err());
        assert!(sign(&[0u8; 32], &other, b"m").is_err());
    }

    #[test]
    fn generated_keys_sign_and_verify_with_p256() {
        let (secret, public) = generate(&mut getrandom::SysRng).unwrap();
        let signature = sign(&*secret, &public, b"hello").unwrap();
        let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(&public.to_sec1()).unwrap();
        let der = p256::ecdsa::DerSignature::from_bytes(signature.as_der()).unwrap();
        signature::Verifier::verify(&vk, b"hello", &der).unwrap();
    }
}
