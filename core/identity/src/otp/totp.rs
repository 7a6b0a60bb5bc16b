//! TOTP (RFC 6238): HOTP over the time-step counter `T = floor((now - T0) / X)`.

use crate::error::{Error, Result};
use crate::otp::{HashAlg, hotp::hotp};

/// TOTP parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Totp {
    /// Hash under HMAC.
    pub alg: HashAlg,
    /// Time step X in seconds (RFC default 30).
    pub step_secs: u64,
    /// Start of counting T0 as Unix seconds (RFC default 0).
    pub t0: u64,
    /// Number of digits.
    pub digits: u32,
}

impl Totp {
    /// The time-step counter for a Unix time.
    pub fn counter_at(&self, unix_secs: u64) -> Result<u64> {
        if self.step_secs == 0 || unix_secs < self.t0 {
            return Err(Error::OtpTime);
        }
        Ok((unix_secs - self.t0) / self.step_secs)
    }

    /// The code valid at `unix_secs`.
    pub fn generate(&self, key: &[u8], unix_secs: u64) -> Result<String> {
        hotp(self.alg, key, self.counter_at(unix_secs)?, self.digits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const K20: &[u8] = b"12345678901234567890";
    const K32: &[u8] = b"12345678901234567890123456789012";
    const K64: &[u8] = b"1234567890123456789012345678901234567890123456789012345678901234";

    fn totp(alg: HashAlg) -> Totp {
        Totp {
            alg,
            step_secs: 30,
            t0: 0,
            digits: 8,
        }
    }

    #[test]
    fn rfc6238_appendix_b() {
        let rows: [(u64, u64, &str, &str, &str); 6] = [
            (59, 0x1, "94287082", "46119246", "90693936"),
            (1_111_111_109, 0x23523EC, "07081804", "68084774", "25091201"),
            (1_111_111_111, 0x23523ED, "14050471", "67062674", "99943326"),
            (1_234_567_890, 0x273EF07, "89005924", "91819424", "93441116"),
            (2_000_000_000, 0x3F940AA, "69279037", "90698825", "38618901"),
            (
                20_000_000_000,
                0x27BC86AA,
                "65353130",
                "77737706",
                "47863826",
            ),
        ];
        for (t, counter, sha1, sha256, sha512) in rows {
            assert_eq!(totp(HashAlg::Sha1).counter_at(t).unwrap(), counter);
            assert_eq!(
                totp(HashAlg::Sha1).generate(K20, t).unwrap(),
                sha1,
                "sha1 t={t}"
            );
            assert_eq!(
                totp(HashAlg::Sha256).generate(K32, t).unwrap(),
                sha256,
                "sha256 t={t}"
            );
            assert_eq!(
                totp(HashAlg::Sha512).generate(K64, t).unwrap(),
                sha512,
                "sha512 t={t}"
            );
        }
    }

    #[test]
    fn derived_drift_window_vectors() {
        let t = totp(HashAlg::Sha256);
        let rows = [
            (1_234_567_800, "19007392"),
            (1_234_567_830, "05789218"),
            (1_234_567_860, "92867728"),
            (1_234_567_890, "91819424"),
            (1_234_567_920, "55512973"),
        ];
        for (time, code) in rows {
            assert_eq!(t.generate(K32, time).unwrap(), code);
        }
    }

    #[test]
    fn rejects_bad_time_parameters() {
        let mut t = totp(HashAlg::Sha1);
        t.t0 = 100;
        assert_eq!(t.counter_at(99), Err(Error::OtpTime));
        t.step_secs = 0;
        assert_eq!(t.counter_at(200), Err(Error::OtpTime));
    }
}
