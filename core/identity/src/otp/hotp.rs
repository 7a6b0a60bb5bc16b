//! HOTP (RFC 4226): `Truncate(HMAC(K, C)) mod 10^digits`, with the hash generalised.

use crate::error::{Error, Result};
use crate::otp::{HashAlg, dynamic_truncate, format_digits};

/// The HOTP value for `counter` (`digits` from 6 to 10; RFC 4226 requires at least 6).
pub fn hotp(alg: HashAlg, key: &[u8], counter: u64, digits: u32) -> Result<String> {
    if !(6..=10).contains(&digits) {
        return Err(Error::OtpDigits(digits));
    }
    let mac = alg.hmac(key, &counter.to_be_bytes())?;
    format_digits(dynamic_truncate(&mac)?, digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"12345678901234567890";

    #[test]
    fn rfc4226_appendix_d() {
        let expected = [
            "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583",
            "399871", "520489",
        ];
        for (count, code) in expected.iter().enumerate() {
            assert_eq!(hotp(HashAlg::Sha1, KEY, count as u64, 6).unwrap(), *code);
        }
    }

    #[test]
    fn intermediate_values() {
        let mac = HashAlg::Sha1.hmac(KEY, &0u64.to_be_bytes()).unwrap();
        assert_eq!(
            hex::encode(&mac),
            "cc93cf18508d94934c64b65d8ba7667fb7cde4b0"
        );
        assert_eq!(dynamic_truncate(&mac).unwrap(), 0x4c93cf18);
        let example = hex::decode("1f8698690e02ca16618550ef7f19da8e945b555a").unwrap();
        assert_eq!(dynamic_truncate(&example).unwrap(), 1_357_872_921);
        assert_eq!(format_digits(1_357_872_921, 6).unwrap(), "872921");
    }

    #[test]
    fn rejects_bad_parameters() {
        assert_eq!(hotp(HashAlg::Sha1, KEY, 0, 5), Err(Error::OtpDigits(5)));
        assert_eq!(hotp(HashAlg::Sha1, KEY, 0, 11), Err(Error::OtpDigits(11)));
        assert_eq!(hotp(HashAlg::Sha1, b"", 0, 6), Err(Error::OtpKey));
    }
}
