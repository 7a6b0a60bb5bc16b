//! OCRA (RFC 6287): challenge–response over HOTP's truncation.
//!
//! `DataInput = UTF8(suite) ‖ 0x00 ‖ C(8) ‖ Q(128) ‖ P(hash) ‖ S(nnn) ‖ T(8)`, each part present
//! only when the suite names it; the response is `Truncate(HMAC(K, DataInput)) mod 10^digits`.

use std::fmt;

use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::otp::{HashAlg, dynamic_truncate, format_digits};

/// Size of the question block in DataInput.
const QUESTION_BLOCK: usize = 128;

/// The challenge format letter of `QFxx`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum ChallengeFormat {
    /// `A`: alphanumeric, used as its ASCII bytes.
    Alphanumeric,
    /// `N`: numeric, converted from decimal to a hex number.
    Numeric,
    /// `H`: hexadecimal.
    Hex,
}

/// A parsed OCRA suite such as `OCRA-1:HOTP-SHA256-8:QN08-T30S`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcraSuite {
    text: String,
    /// Hash under HMAC.
    pub alg: HashAlg,
    /// Response digits; 0 means no truncation (the full HMAC in hex).
    pub digits: u32,
    /// Whether a counter `C` is part of the input.
    pub counter: bool,
    /// Challenge format.
    pub challenge_format: ChallengeFormat,
    /// Maximum challenge length (4–64).
    pub challenge_max_len: usize,
    /// Hash of the PIN, if the suite has `PSHA…`.
    pub password: Option<HashAlg>,
    /// Session information length in bytes, if the suite has `Snnn`.
    pub session_len: Option<usize>,
    /// Time step in seconds, if the suite has `T…`.
    pub time_step_secs: Option<u64>,
}

impl OcraSuite {
    /// Parses and validates a suite string.
    pub fn parse(text: &str) -> Result<Self> {
        let mut top = text.split(':');
        let (Some(version), Some(function), Some(data), None) =
            (top.next(), top.next(), top.next(), top.next())
        else {
            return Err(Error::OcraSuite("expected three ':'-separated parts"));
        };
        if version != "OCRA-1" {
            return Err(Error::OcraSuite("unsupported version"));
        }
        let mut f = function.split('-');
        let (Some("HOTP"), Some(hash), Some(digits), None) =
            (f.next(), f.next(), f.next(), f.next())
        else {
            return Err(Error::OcraSuite("crypto function must be HOTP-SHAx-t"));
        };
        let alg = HashAlg::from_name(hash).ok_or(Error::OcraSuite("unknown hash"))?;
        let digits: u32 = match digits {
            "0" => 0,
            "4" | "5" | "6" | "7" | "8" | "9" | "10" => {
                digits.parse().map_err(|_| Error::OcraSuite("digits"))?
            }
            _ => return Err(Error::OcraSuite("truncation must be 0 or 4-10")),
        };
        let mut suite = Self {
            text: text.to_owned(),
            alg,
            digits,
            counter: false,
            challenge_format: ChallengeFormat::Numeric,
            challenge_max_len: 0,
            password: None,
            session_len: None,
            time_step_secs: None,
        };
        let mut parts = data.split('-').peekable();
        if parts.peek() == Some(&"C") {
            suite.counter = true;
            parts.next();
        }
        let question = parts
            .next()
            .ok_or(Error::OcraSuite("challenge Q missing"))?;
        let (format, len) = question
            .strip_prefix('Q')
            .and_then(|q| q.split_at_checked(1))
            .ok_or(Error::OcraSuite("challenge must be QFxx"))?;
        suite.challenge_format = match format {
            "A" => ChallengeFormat::Alphanumeric,
            "N" => ChallengeFormat::Numeric,
            "H" => ChallengeFormat::Hex,
            _ => return Err(Error::OcraSuite("challenge format must be A, N or H")),
        };
        suite.challenge_max_len = two_digits(len)
            .filter(|n| (4..=64).contains(n))
            .ok_or(Error::OcraSuite("challenge length must be 04-64"))?;
        let mut rest = parts.next();
        if let Some(p) = rest.and_then(|p| p.strip_prefix('P')) {
            suite.password =
                Some(HashAlg::from_name(p).ok_or(Error::OcraSuite("unknown PIN hash"))?);
            rest = parts.next();
        }
        if let Some(s) = rest.and_then(|s| s.strip_prefix('S')) {
            let n = three_digits(s)
                .filter(|n| *n > 0)
                .ok_or(Error::OcraSuite("session length must be Snnn"))?;
            suite.session_len = Some(n);
            rest = parts.next();
        }
        if let Some(t) = rest.and_then(|t| t.strip_prefix('T')) {
            suite.time_step_secs = Some(parse_time_step(t)?);
            rest = parts.next();
        }
        if rest.is_some() || parts.next().is_some() {
            return Err(Error::OcraSuite("unexpected data input element"));
        }
        Ok(suite)
    }

    /// The suite string exactly as given.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The `T` value for a Unix time: whole time steps since the epoch.
    pub fn timestamp_for(&self, unix_secs: u64) -> Result<u64> {
        let step = self
            .time_step_secs
            .ok_or(Error::OcraInput("suite has no timestamp"))?;
        Ok(unix_secs / step)
    }

    /// Hashes a PIN with the suite's `PSHA…` function.
    pub fn password_hash(&self, pin: &[u8]) -> Result<Vec<u8>> {
        let alg = self.password.ok_or(Error::OcraInput("suite has no PIN"))?;
        Ok(alg.digest(pin))
    }

    /// Encodes a challenge into the 128-byte question block, checking it against `QFxx`.
    pub fn question_block(&self, challenge: &str) -> Result<Zeroizing<Vec<u8>>> {
        if challenge.len() < 4 || challenge.len() > self.challenge_max_len {
            return Err(Error::Challenge("between 4 and the suite's maximum length"));
        }
        let bytes = match self.challenge_format {
            ChallengeFormat::Numeric => {
                if !challenge.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(Error::Challenge("decimal digits only"));
                }
                hex_string_to_bytes(&decimal_to_hex(challenge))?
            }
            ChallengeFormat::Hex => {
                if !challenge.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(Error::Challenge("hexadecimal digits only"));
                }
                hex_string_to_bytes(challenge)?
            }
            ChallengeFormat::Alphanumeric => {
                if !challenge.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    return Err(Error::Challenge("letters and digits only"));
                }
                challenge.as_bytes().to_vec()
            }
        };
        if bytes.len() > QUESTION_BLOCK {
            return Err(Error::Challenge("at most 128 bytes"));
        }
        let mut block = Zeroizing::new(vec![0u8; QUESTION_BLOCK]);
        block
            .get_mut(..bytes.len())
            .ok_or(Error::Challenge("at most 128 bytes"))?
            .copy_from_slice(&bytes);
        Ok(block)
    }

    /// The full DataInput for the given inputs; each must be present exactly when the suite uses it.
    pub fn data_input(&self, input: &OcraInput<'_>) -> Result<Zeroizing<Vec<u8>>> {
        let mut data = Zeroizing::new(Vec::with_capacity(
            self.text.len() + 1 + 8 + QUESTION_BLOCK + 64 + 8,
        ));
        data.extend_from_slice(self.text.as_bytes());
        data.push(0);
        match (self.counter, input.counter) {
            (true, Some(c)) => data.extend_from_slice(&c.to_be_bytes()),
            (false, None) => {}
            (true, None) => return Err(Error::OcraInput("counter required")),
            (false, Some(_)) => return Err(Error::OcraInput("suite has no counter")),
        }
        data.extend_from_slice(&self.question_block(input.challenge)?);
        match (self.password, input.password_hash) {
            (Some(alg), Some(h)) if h.len() == alg.output_len() => data.extend_from_slice(h),
            (Some(_), Some(_)) => return Err(Error::OcraInput("PIN hash has the wrong length")),
            (None, None) => {}
            (Some(_), None) => return Err(Error::OcraInput("PIN hash required")),
            (None, Some(_)) => return Err(Error::OcraInput("suite has no PIN")),
        }
        match (self.session_len, input.session) {
            (Some(n), Some(s)) if s.len() == n => data.extend_from_slice(s),
            (Some(_), Some(_)) => {
                return Err(Error::OcraInput("session information has the wrong length"));
            }
            (None, None) => {}
            (Some(_), None) => return Err(Error::OcraInput("session information required")),
            (None, Some(_)) => return Err(Error::OcraInput("suite has no session information")),
        }
        match (self.time_step_secs, input.timestamp) {
            (Some(_), Some(t)) => data.extend_from_slice(&t.to_be_bytes()),
            (None, None) => {}
            (Some(_), None) => return Err(Error::OcraInput("timestamp required")),
            (None, Some(_)) => return Err(Error::OcraInput("suite has no timestamp")),
        }
        Ok(data)
    }

    /// Computes the OCRA response.
    pub fn respond(&self, key: &[u8], input: &OcraInput<'_>) -> Result<String> {
        let mac = Zeroizing::new(self.alg.hmac(key, &self.data_input(input)?)?);
        if self.digits == 0 {
            return Ok(hex::encode(mac.as_slice()));
        }
        format_digits(dynamic_truncate(&mac)?, self.digits)
    }
}

impl fmt::Display for OcraSuite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The per-computation inputs of OCRA.
#[derive(Clone, Copy, Default)]
pub struct OcraInput<'a> {
    /// Counter `C`.
    pub counter: Option<u64>,
    /// The challenge question as shown to the user.
    pub challenge: &'a str,
    /// Hash of the PIN (see [`OcraSuite::password_hash`]).
    pub password_hash: Option<&'a [u8]>,
    /// Session information of exactly the suite's length.
    pub session: Option<&'a [u8]>,
    /// Timestamp `T` in time steps (see [`OcraSuite::timestamp_for`]).
    pub timestamp: Option<u64>,
}

impl fmt::Debug for OcraInput<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OcraInput")
            .field("counter", &self.counter)
            .field("timestamp", &self.timestamp)
            .finish_non_exhaustive()
    }
}

fn two_digits(s: &str) -> Option<usize> {
    (s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn three_digits(s: &str) -> Option<usize> {
    (s.len() == 3 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// `T[G]`: `[1-59]S`, `[1-59]M` or `[0-48]H`.
fn parse_time_step(g: &str) -> Result<u64> {
    let err = Error::OcraSuite("time step must be 1-59S, 1-59M or 0-48H");
    let (num, unit) = g
        .split_at_checked(g.len().saturating_sub(1))
        .ok_or(err.clone())?;
    if num.is_empty() || num.len() > 2 || !num.bytes().all(|b| b.is_ascii_digit()) {
        return Err(err);
    }
    let n: u64 = num.parse().map_err(|_| err.clone())?;
    match unit {
        "S" if (1..=59).contains(&n) => Ok(n),
        "M" if (1..=59).contains(&n) => Ok(n * 60),
        // 0H is allowed by the grammar but is no usable step; reject it.
        "H" if (1..=48).contains(&n) => Ok(n * 3600),
        _ => Err(err),
    }
}

/// Converts a decimal digit string to a hex string without leading zeros ("0" for zero).
fn decimal_to_hex(decimal: &str) -> String {
    let mut bytes: Vec<u8> = Vec::new(); // big-endian base 256
    for d in decimal.bytes() {
        let mut carry = u32::from(d - b'0');
        for b in bytes.iter_mut().rev() {
            let v = u32::from(*b) * 10 + carry;
            *b = (v & 0xff) as u8;
            carry = v >> 8;
        }
        while carry > 0 {
            bytes.insert(0, (carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    let hex = hex::encode(bytes);
    let trimmed = hex.trim_start_matches('0');
    if trimmed.is_empty() {
        "0".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// Hex string to bytes, right-padding an odd-length string with a `0` nibble.
fn hex_string_to_bytes(hex_str: &str) -> Result<Vec<u8>> {
    let mut s = hex_str.to_owned();
    if s.len() % 2 == 1 {
        s.push('0');
    }
    hex::decode(s).map_err(|_| Error::Challenge("hexadecimal digits only"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const K20: &str = "3132333435363738393031323334353637383930";
    const K32: &str = "3132333435363738393031323334353637383930313233343536373839303132";
    const K64: &str = "31323334353637383930313233343536373839303132333435363738393031323334353637383930313233343536373839303132333435363738393031323334";

    fn key(h: &str) -> Vec<u8> {
        hex::decode(h).unwrap()
    }

    fn q(d: u64) -> String {
        d.to_string().repeat(8)
    }

    #[test]
    fn one_way_sha1_qn08() {
        let suite = OcraSuite::parse("OCRA-1:HOTP-SHA1-6:QN08").unwrap();
        let expected = [
            "237653", "243178", "653583", "740991", "608993", "388898", "816933", "224598",
            "750600", "294470",
        ];
        for (d, code) in expected.iter().enumerate() {
            let ch = q(d as u64);
            let r = suite
                .respond(
                    &key(K20),
                    &OcraInput {
                        challenge: &ch,
                        ..Default::default()
                    },
                )
                .unwrap();
            assert_eq!(r, *code);
        }
    }

    #[test]
    fn counter_and_pin_sha256() {
        let suite = OcraSuite::parse("OCRA-1:HOTP-SHA256-8:C-QN08-PSHA1").unwrap();
        let pin = suite.password_hash(b"1234").unwrap();
        assert_eq!(
            hex::encode(&pin),
            "7110eda4d09e062aa5e4a390b0a572ac0d2c0220"
        );
        let expected = [
            "65347737", "86775851", "78192410", "71565254", "10104329", "65983500", "70069104",
            "91771096", "75011558", "08522129",
        ];
        for (c, code) in expected.iter().enumerate() {
            let input = OcraInput {
                counter: Some(c as u64),
                challenge: "12345678",
                password_hash: Some(&pin),
                ..Default::default()
            };
            assert_eq!(suite.respond(&key(K32), &input).unwrap(), *code);
        }
    }

    #[test]
    fn pin_sha256_without_counter() {
        let suite = OcraSuite::parse("OCRA-1:HOTP-SHA256-8:QN08-PSHA1").unwrap();
        let pin = suite.password_hash(b"1234").unwrap();
        let expected = ["83238735", "01501458", "17957585", "86776967", "86807031"];
        for (d, code) in expected.iter().enumerate() {
            let ch = q(d as u64);
            let input = OcraInput {
                challenge: &ch,
                password_hash: Some(&pin),
                ..Default::default()
            };
            assert_eq!(suite.respond(&key(K32), &input).unwrap(), *code);
        }
    }

    #[test]
    fn counter_sha512() {
        let suite = OcraSuite::parse("OCRA-1:HOTP-SHA512-8:C-QN08").unwrap();
        let expected = [
            "07016083", "63947962", "70123924", "25341727", "33203315", "34205738", "44343969",
            "51946085", "20403879", "31409299",
        ];
        for (c, code) in expected.iter().enumerate() {
            let ch = q(c as u64);
            let input = OcraInput {
                counter: Some(c as u64),
                challenge: &ch,
                ..Default::default()
            };
            assert_eq!(suite.respond(&key(K64), &input).unwrap(), *code);
        }
    }

    #[test]
    fn timestamp_sha512_t1m() {
        let suite = OcraSuite::parse("OCRA-1:HOTP-SHA512-8:QN08-T1M").unwrap();
        assert_eq!(suite.time_step_secs, Some(60));
        let expected = ["95209754", "55907591", "22048402", "24218844", "36209546"];
        for (d, code) in expected.iter().enumerate() {
            let ch = q(d as u64);
            let input = OcraInput {
                challenge: &ch,
                timestamp: Some(0x132d0b6),
                ..Default::default()
            };
            assert_eq!(suite.respond(&key(K64), &input).unwrap(), *code);
        }
    }

    #[test]
    fn derived_qn08_sha256_vectors() {
        let suite = OcraSuite::parse("OCRA-1:HOTP-SHA256-8:QN08").unwrap();
        let expected = [
            ("00000000", "63523896"),
            ("11111111", "82158731"),
            ("22222222", "75083678"),
            ("33333333", "58138531"),
            ("44444444", "08402865"),
            ("55555555", "20489435"),
            ("66666666", "20408330"),
            ("77777777", "94878278"),
            ("88888888", "15881101"),
            ("99999999", "76787053"),
            ("12345678", "70885282"),
        ];
        for (ch, code) in expected {
            assert_eq!(
                suite
                    .respond(
                        &key(K32),
                        &OcraInput {
                            challenge: ch,
                            ..Default::default()
                        }
                    )
                    .unwrap(),
                code
            );
        }
        let data = suite
            .data_input(&OcraInput {
                challenge: "12345678",
                ..Default::default()
            })
            .unwrap();
        assert_eq!(data.len(), 154);
        assert_eq!(
            hex::encode(&data[..29]),
            "4f4352412d313a484f54502d5348413235362d383a514e303800bc614e"
        );
        assert!(data[29..].iter().all(|b| *b == 0));
    }

    #[test]
    fn derived_t1m_sha256_vectors() {
        let suite = OcraSuite::parse("OCRA-1:HOTP-SHA256-8:QN08-T1M").unwrap();
        for (ch, code) in [
            ("00000000", "68732413"),
            ("11111111", "72667484"),
            ("22222222", "85667751"),
        ] {
            let input = OcraInput {
                challenge: ch,
                timestamp: Some(0x132d0b6),
                ..Default::default()
            };
            assert_eq!(suite.respond(&key(K32), &input).unwrap(), code);
        }
    }

    #[test]
    fn decimal_conversion() {
        assert_eq!(decimal_to_hex("0"), "0");
        assert_eq!(decimal_to_hex("00000000"), "0");
        assert_eq!(decimal_to_hex("12345678"), "bc614e");
        assert_eq!(decimal_to_hex("3014"), "bc6");
        assert_eq!(hex_string_to_bytes("bc6").unwrap(), vec![0xbc, 0x60]);
        assert_eq!(decimal_to_hex("18446744073709551616"), "10000000000000000");
    }

    #[test]
    fn suite_grammar() {
        let s = OcraSuite::parse("OCRA-1:HOTP-SHA512-8:C-QA10-PSHA256-S064-T48H").unwrap();
        assert!(s.counter);
        assert_eq!(s.challenge_format, ChallengeFormat::Alphanumeric);
        assert_eq!(s.challenge_max_len, 10);
        assert_eq!(s.password, Some(HashAlg::Sha256));
        assert_eq!(s.session_len, Some(64));
        assert_eq!(s.time_step_secs, Some(48 * 3600));
        for bad in [
            "",
            "OCRA-2:HOTP-SHA1-6:QN08",
            "OCRA-1:HOTP-MD5-6:QN08",
            "OCRA-1:HOTP-SHA1-3:QN08",
            "OCRA-1:HOTP-SHA1-6:QX08",
            "OCRA-1:HOTP-SHA1-6:QN03",
            "OCRA-1:HOTP-SHA1-6:QN65",
            "OCRA-1:HOTP-SHA1-6:C",
            "OCRA-1:HOTP-SHA1-6:QN08-T60S",
            "OCRA-1:HOTP-SHA1-6:QN08-T0M",
            "OCRA-1:HOTP-SHA1-6:QN08-X",
            "OCRA-1:HOTP-SHA1-6:QN08-T1M-PSHA1",
            "OCRA-1:HOTP-SHA1-6:QN08:extra",
            "OCRA-1:HOTP-SHA1-6:QN08-S",
            "OCRA-1:TOTP-SHA1-6:QN08",
        ] {
            assert!(
                matches!(OcraSuite::parse(bad), Err(Error::OcraSuite(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn input_must_fit_suite() {
        let s = OcraSuite::parse("OCRA-1:HOTP-SHA256-8:QN08-T30S").unwrap();
        let k = key(K32);
        assert_eq!(
            s.respond(
                &k,
                &OcraInput {
                    challenge: "12345678",
                    ..Default::default()
                }
            ),
            Err(Error::OcraInput("timestamp required"))
        );
        let extra = OcraInput {
            challenge: "12345678",
            timestamp: Some(1),
            counter: Some(1),
            ..Default::default()
        };
        assert_eq!(
            s.respond(&k, &extra),
            Err(Error::OcraInput("suite has no counter"))
        );
        let long = OcraInput {
            challenge: "123456789",
            timestamp: Some(1),
            ..Default::default()
        };
        assert!(matches!(s.respond(&k, &long), Err(Error::Challenge(_))));
        let alpha = OcraInput {
            challenge: "1234567a",
            timestamp: Some(1),
            ..Default::default()
        };
        assert_eq!(
            s.respond(&k, &alpha),
            Err(Error::Challenge("decimal digits only"))
        );
        assert_eq!(s.timestamp_for(1_234_567_890).unwrap(), 41_152_263);
    }
}
