//! The ICAO 9303-11 §9.7.1 key derivation function KDF(K, c) = H(K ‖ c).

use digest::Digest;
use zeroize::Zeroizing;

use crate::symmetric::CipherAlg;

/// The counter `c` of the KDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum KdfPurpose {
    /// `1`: encryption key.
    Enc = 1,
    /// `2`: MAC key.
    Mac = 2,
    /// `3`: PACE password key Kπ.
    Pace = 3,
}

/// Derives a key for `alg` from shared secret material.
///
/// 3DES and AES-128 use SHA-1; AES-192/256 use SHA-256. 3DES keys get DES parity bits set.
pub fn derive(secret: &[u8], purpose: KdfPurpose, alg: CipherAlg) -> Zeroizing<Vec<u8>> {
    let counter = (purpose as u32).to_be_bytes();
    let digest: Zeroizing<Vec<u8>> = match alg {
        CipherAlg::Tdes | CipherAlg::Aes128 => Zeroizing::new(
            sha1::Sha1::new()
                .chain_update(secret)
                .chain_update(counter)
                .finalize()
                .to_vec(),
        ),
        CipherAlg::Aes192 | CipherAlg::Aes256 => Zeroizing::new(
            sha2::Sha256::new()
                .chain_update(secret)
                .chain_update(counter)
                .finalize()
                .to_vec(),
        ),
    };
    let mut key = Zeroizing::new(
        digest
            .iter()
            .take(alg.key_len())
            .copied()
            .collect::<Vec<u8>>(),
    );
    if alg == CipherAlg::Tdes {
        adjust_parity(&mut key);
    }
    key
}

/// Sets the lowest bit of each byte so that every byte has odd parity (DES keys).
pub fn adjust_parity(key: &mut [u8]) {
    for b in key.iter_mut() {
        let ones = (*b & 0xFE).count_ones();
        *b = (*b & 0xFE) | u8::from(ones % 2 == 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appendix_d1_document_keys() {
        let kseed = hex::decode("239AB9CB282DAF66231DC5A4DF6BFBAE").unwrap();
        assert_eq!(
            hex::encode_upper(&*derive(&kseed, KdfPurpose::Enc, CipherAlg::Tdes)),
            "AB94FDECF2674FDFB9B391F85D7F76F2"
        );
        assert_eq!(
            hex::encode_upper(&*derive(&kseed, KdfPurpose::Mac, CipherAlg::Tdes)),
            "7962D9ECE03D1ACD4C76089DCE131543"
        );
    }

    #[test]
    fn pace_password_key_g1() {
        let k = hex::decode("7E2D2A41C74EA0B38CD36F863939BFA8E9032AAD").unwrap();
        assert_eq!(
            hex::encode_upper(&*derive(&k, KdfPurpose::Pace, CipherAlg::Aes128)),
            "89DED1B26624EC1E634C1989302849DD"
        );
        assert_eq!(derive(&k, KdfPurpose::Enc, CipherAlg::Aes256).len(), 32);
        assert_eq!(derive(&k, KdfPurpose::Enc, CipherAlg::Aes192).len(), 24);
    }
}
