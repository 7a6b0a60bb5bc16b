//! Basic Access Control (ICAO 9303-11 §4.3, App. D): document keys from the MRZ, the
//! GET CHALLENGE / EXTERNAL AUTHENTICATE exchange, session keys and the initial SSC.
//!
//! Pure over bytes: [`BacTerminal`] builds the command and checks the answer, [`BacChip`] is
//! the chip's half for the emulator.

use digest::Digest;
use tapid_card::CommandApdu;
use zeroize::{Zeroize, Zeroizing};

use crate::kdf::{self, KdfPurpose};
use crate::mrz::MrzKey;
use crate::secure_messaging::{SecureChannel, SmError};
use crate::symmetric::{self, CipherAlg};

/// BAC failures.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BacError {
    /// The chip's answer has the wrong length.
    #[error("EXTERNAL AUTHENTICATE response has the wrong length")]
    BadLength,
    /// The chip's (or terminal's) cryptogram MAC is wrong: most likely a wrong MRZ.
    #[error("authentication cryptogram MAC is wrong (wrong access key?)")]
    BadMac,
    /// The decrypted nonces do not match what was sent.
    #[error("the chip did not return the terminal's nonce")]
    NonceMismatch,
    /// Setting up secure messaging failed.
    #[error(transparent)]
    Sm(#[from] SmError),
    /// A symmetric primitive failed.
    #[error(transparent)]
    Cipher(#[from] symmetric::SymmetricError),
}

/// The document basic access keys KEnc and KMAC derived from MRZ_information.
pub struct DocumentKeys {
    k_enc: Zeroizing<Vec<u8>>,
    k_mac: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for DocumentKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DocumentKeys(<redacted>)")
    }
}

impl DocumentKeys {
    /// Kseed = SHA-1(MRZ_information)[0..16]; KEnc = KDF(Kseed, 1); KMAC = KDF(Kseed, 2).
    pub fn derive(key: &MrzKey) -> Self {
        let info = key.mrz_information();
        let digest = Zeroizing::new(sha1::Sha1::digest(info.as_bytes()).to_vec());
        let seed = digest.get(..16).unwrap_or_default();
        Self {
            k_enc: kdf::derive(seed, KdfPurpose::Enc, CipherAlg::Tdes),
            k_mac: kdf::derive(seed, KdfPurpose::Mac, CipherAlg::Tdes),
        }
    }

    /// KEnc (for tests against App. D).
    pub fn k_enc(&self) -> &[u8] {
        &self.k_enc
    }

    /// KMAC (for tests against App. D).
    pub fn k_mac(&self) -> &[u8] {
        &self.k_mac
    }

    fn cryptogram(&self, plain: &[u8]) -> Result<Vec<u8>, BacError> {
        let e = symmetric::cbc_encrypt(CipherAlg::Tdes, &self.k_enc, &[0; 8], plain)?;
        let m = symmetric::mac(CipherAlg::Tdes, &self.k_mac, &symmetric::pad(&e, 8))?;
        let mut out = e;
        out.extend_from_slice(&m);
        Ok(out)
    }

    fn open(&self, data: &[u8]) -> Result<Zeroizing<Vec<u8>>, BacError> {
        let (e, m) = data.split_at_checked(32).ok_or(BacError::BadLength)?;
        if m.len() != 8 {
            return Err(BacError::BadLength);
        }
        let expected = symmetric::mac(CipherAlg::Tdes, &self.k_mac, &symmetric::pad(e, 8))?;
        if !symmetric::mac_eq(m, &expected) {
            return Err(BacError::BadMac);
        }
        Ok(Zeroizing::new(symmetric::cbc_decrypt(
            CipherAlg::Tdes,
            &self.k_enc,
            &[0; 8],
            e,
        )?))
    }
}

/// The GET CHALLENGE command (`00 84 00 00 08`).
pub fn get_challenge() -> CommandApdu {
    CommandApdu::new(0x00, 0x84, 0x00, 0x00).with_ne(8)
}

fn session(
    k_ifd: &[u8],
    k_ic: &[u8],
    rnd_ic: &[u8],
    rnd_ifd: &[u8],
) -> Result<SecureChannel, BacError> {
    let seed: Zeroizing<Vec<u8>> =
        Zeroizing::new(k_ifd.iter().zip(k_ic).map(|(a, b)| a ^ b).collect());
    let mut ssc = rnd_ic.get(4..8).unwrap_or_default().to_vec();
    ssc.extend_from_slice(rnd_ifd.get(4..8).unwrap_or_default());
    Ok(SecureChannel::new(
        CipherAlg::Tdes,
        kdf::derive(&seed, KdfPurpose::Enc, CipherAlg::Tdes),
        kdf::derive(&seed, KdfPurpose::Mac, CipherAlg::Tdes),
        ssc,
    )?)
}

/// The terminal's half of BAC, holding its nonce and key share until the chip answers.
pub struct BacTerminal {
    keys: DocumentKeys,
    rnd_ifd: Zeroizing<[u8; 8]>,
    k_ifd: Zeroizing<[u8; 16]>,
    rnd_ic: [u8; 8],
}

impl BacTerminal {
    /// Starts BAC after GET CHALLENGE returned `rnd_ic`, drawing RND.IFD and KIFD from `rng`.
    pub fn new<R: rand_core::CryptoRng + ?Sized>(
        keys: DocumentKeys,
        rnd_ic: [u8; 8],
        rng: &mut R,
    ) -> Self {
        let mut rnd_ifd = Zeroizing::new([0u8; 8]);
        let mut k_ifd = Zeroizing::new([0u8; 16]);
        rng.fill_bytes(&mut *rnd_ifd);
        rng.fill_bytes(&mut *k_ifd);
        Self {
            keys,
            rnd_ifd,
            k_ifd,
            rnd_ic,
        }
    }

    /// The EXTERNAL AUTHENTICATE command carrying E_IFD ‖ M_IFD.
    pub fn external_authenticate(&self) -> Result<CommandApdu, BacError> {
        let mut s = Zeroizing::new(Vec::with_capacity(32));
        s.extend_from_slice(&*self.rnd_ifd);
        s.extend_from_slice(&self.rnd_ic);
        s.extend_from_slice(&*self.k_ifd);
        let data = self.keys.cryptogram(&s)?;
        Ok(CommandApdu::new(0x00, 0x82, 0x00, 0x00)
            .with_data(data)
            .with_ne(40))
    }

    /// Checks the chip's E_IC ‖ M_IC and derives the session.
    pub fn complete(self, response: &[u8]) -> Result<SecureChannel, BacError> {
        let r = self.keys.open(response)?;
        let (rnd_ic, rest) = r.split_at_checked(8).ok_or(BacError::BadLength)?;
        let (rnd_ifd, k_ic) = rest.split_at_checked(8).ok_or(BacError::BadLength)?;
        if !symmetric::mac_eq(rnd_ifd, &*self.rnd_ifd) || !symmetric::mac_eq(rnd_ic, &self.rnd_ic) {
            return Err(BacError::NonceMismatch);
        }
        session(&*self.k_ifd, k_ic, &self.rnd_ic, &*self.rnd_ifd)
    }
}

/// The chip's half of BAC (used by the emulator).
pub struct BacChip {
    keys: DocumentKeys,
    rnd_ic: [u8; 8],
}

impl BacChip {
    /// Answers GET CHALLENGE with `rnd_ic`.
    pub fn new(keys: DocumentKeys, rnd_ic: [u8; 8]) -> Self {
        Self { keys, rnd_ic }
    }

    /// Verifies EXTERNAL AUTHENTICATE data and returns the chip's response and the session.
    pub fn authenticate(
        &self,
        command_data: &[u8],
        k_ic: &[u8; 16],
    ) -> Result<(Vec<u8>, SecureChannel), BacError> {
        let s = self.keys.open(command_data)?;
        let (rnd_ifd, rest) = s.split_at_checked(8).ok_or(BacError::BadLength)?;
        let (rnd_ic, k_ifd) = rest.split_at_checked(8).ok_or(BacError::BadLength)?;
        if !symmetric::mac_eq(rnd_ic, &self.rnd_ic) {
            return Err(BacError::NonceMismatch);
        }
        let mut r = Vec::with_capacity(32);
        r.extend_from_slice(&self.rnd_ic);
        r.extend_from_slice(rnd_ifd);
        r.extend_from_slice(k_ic);
        let response = self.keys.cryptogram(&r)?;
        r.zeroize();
        let channel = session(k_ifd, k_ic, &self.rnd_ic, rnd_ifd)?;
        Ok((response, channel))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tapid_test_support::rng::ScriptedRng;

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s).unwrap()
    }

    #[test]
    fn appendix_d() {
        let key = MrzKey::new("L898902C", "690806", "940623").unwrap();
        let keys = DocumentKeys::derive(&key);
        assert_eq!(keys.k_enc(), h("AB94FDECF2674FDFB9B391F85D7F76F2"));
        assert_eq!(keys.k_mac(), h("7962D9ECE03D1ACD4C76089DCE131543"));
        assert_eq!(get_challenge().to_bytes().unwrap(), h("0084000008"));
        let mut rng = ScriptedRng::new(h("781723860C06C2260B795240CB7049B01C19B33E32804F0B"));
        let rnd_ic: [u8; 8] = h("4608F91988702212").try_into().unwrap();
        let term = BacTerminal::new(keys, rnd_ic, &mut rng);
        assert_eq!(
            term.external_authenticate().unwrap().to_bytes().unwrap(),
            h(
                "008200002872C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F25F1448EEA8AD90A728"
            )
        );
        // The chip side reproduces the example's answer.
        let chip = BacChip::new(DocumentKeys::derive(&key), rnd_ic);
        let k_ic: [u8; 16] = h("0B4F80323EB3191CB04970CB4052790B").try_into().unwrap();
        let (resp, chip_sm) = chip
            .authenticate(&term.external_authenticate().unwrap().data, &k_ic)
            .unwrap();
        assert_eq!(
            resp,
            h("46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F2F2D235D074D7449")
        );
        let sm = term.complete(&resp).unwrap();
        assert_eq!(sm.ssc(), h("887022120C06C226"));
        assert_eq!(chip_sm.ssc(), sm.ssc());
    }

    #[test]
    fn wrong_key_is_detected() {
        let good = MrzKey::new("L898902C", "690806", "940623").unwrap();
        let bad = MrzKey::new("L898902C", "690806", "940624").unwrap();
        let rnd_ic = [1u8; 8];
        let term = BacTerminal::new(
            DocumentKeys::derive(&bad),
            rnd_ic,
            &mut ScriptedRng::new(vec![2; 24]),
        );
        let chip = BacChip::new(DocumentKeys::derive(&good), rnd_ic);
        let cmd = term.external_authenticate().unwrap();
        assert_eq!(
            chip.authenticate(&cmd.data, &[3; 16]).err(),
            Some(BacError::BadMac)
        );
        assert_eq!(term.complete(&[0; 40]).err(), Some(BacError::BadMac));
    }

    #[test]
    fn short_answers() {
        let key = MrzKey::new("L898902C", "690806", "940623").unwrap();
        let term = BacTerminal::new(
            DocumentKeys::derive(&key),
            [0; 8],
            &mut ScriptedRng::new(vec![0; 24]),
        );
        assert_eq!(term.complete(&[0; 12]).err(), Some(BacError::BadLength));
    }
}
