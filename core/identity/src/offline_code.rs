//! The offline code of the push-approval flow (myPOS model, reference §7), as the OCRA suite
//! `OCRA-1:HOTP-SHA256-8:QN08-T30S`: the web page shows an 8-digit challenge, the app answers
//! with an 8-digit response, and the server accepts time steps T-3…T+1 (90 s behind, one step
//! ahead), each challenge once, with a limited number of attempts. A response that matches far
//! outside the window tells the user that the phone's clock is off.

use std::collections::HashMap;
use std::fmt;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::messages::Lang;
use crate::otp::ocra::{OcraInput, OcraSuite};

/// The suite string.
pub const SUITE: &str = "OCRA-1:HOTP-SHA256-8:QN08-T30S";
/// Time step of the suite in seconds.
pub const STEP_SECS: u64 = 30;
/// How long a challenge (and the code the app generated for it) is valid.
pub const VALIDITY_SECS: u64 = 90;
/// Accepted steps behind the server's current step.
pub const STEPS_BEHIND: i64 = 3;
/// Accepted steps ahead of the server's current step.
pub const STEPS_AHEAD: i64 = 1;
/// Wrong answers allowed per challenge before it is locked.
pub const MAX_ATTEMPTS: u32 = 5;
/// How far (in steps, either way) a wrong answer is searched to detect a wrong device clock.
pub const SKEW_SEARCH_STEPS: i64 = 2 * 60 * 2;
/// How long a used challenge is remembered to refuse replays (at least 120 s).
pub const REPLAY_TTL_SECS: u64 = 180;

/// The offline-code secret shared by the app and the server. Zeroized; never printed.
#[derive(Clone)]
pub struct OfflineKey(Zeroizing<Vec<u8>>);

impl OfflineKey {
    /// Wraps raw key bytes (32 bytes for SHA-256 is typical; any non-empty length works).
    pub fn new(bytes: &[u8]) -> Result<Self> {
        if bytes.is_empty() {
            return Err(Error::OtpKey);
        }
        Ok(Self(Zeroizing::new(bytes.to_vec())))
    }

    /// Parses a hex-encoded key.
    pub fn from_hex(hex_key: &str) -> Result<Self> {
        let bytes = Zeroizing::new(hex::decode(hex_key.trim()).map_err(|_| Error::OtpKey)?);
        Self::new(&bytes)
    }
}

impl fmt::Debug for OfflineKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OfflineKey(<redacted>)")
    }
}

/// The 8-digit challenge the web page shows.
#[derive(Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Challenge(String);

impl Challenge {
    /// Parses what the user typed: exactly 8 digits (spaces between groups are tolerated).
    pub fn parse(s: &str) -> Result<Self> {
        let compact: String = s.chars().filter(|c| *c != ' ').collect();
        if compact.len() != 8 || !compact.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::Challenge("exactly 8 digits"));
        }
        Ok(Self(compact))
    }

    /// A fresh challenge from 8 caller-supplied random bytes (bias below 10⁻¹⁰).
    pub fn from_random(random: [u8; 8]) -> Self {
        Self(format!("{:08}", u64::from_be_bytes(random) % 100_000_000))
    }

    /// A challenge bound to a transaction (dynamic linking): SHA-256 over amount, payee and a
    /// random nonce, reduced to 8 digits, so the response also confirms what is approved.
    pub fn for_transaction(amount: &str, payee: &str, nonce: &[u8]) -> Self {
        let mut h = Sha256::new();
        for part in [amount.as_bytes(), payee.as_bytes()] {
            h.update((part.len() as u64).to_be_bytes());
            h.update(part);
        }
        h.update(nonce);
        let digest = h.finalize();
        let mut first = [0u8; 8];
        first.copy_from_slice(digest.get(..8).unwrap_or(&[0; 8]));
        Self::from_random(first)
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Challenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Challenge({})", self.0)
    }
}

impl fmt::Display for Challenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn suite() -> Result<OcraSuite> {
    OcraSuite::parse(SUITE)
}

fn code_at_step(key: &OfflineKey, challenge: &Challenge, step: u64) -> Result<Zeroizing<String>> {
    let input = OcraInput {
        challenge: challenge.as_str(),
        timestamp: Some(step),
        ..Default::default()
    };
    Ok(Zeroizing::new(suite()?.respond(&key.0, &input)?))
}

/// The app side: the 8-digit response for `challenge` at the device's Unix time.
pub fn respond(key: &OfflineKey, challenge: &Challenge, unix_secs: u64) -> Result<String> {
    Ok(code_at_step(key, challenge, unix_secs / STEP_SECS)?.to_string())
}

/// A successful verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verified {
    /// Matched step minus the server's step (−3…+1): store it per device to re-centre the window.
    pub step_offset: i64,
}

/// The server side for one issued challenge: expiry, attempts, single use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingChallenge {
    challenge: Challenge,
    issued_at: u64,
    attempts: u32,
    used: bool,
}

impl PendingChallenge {
    /// Records a challenge shown at `issued_at` (Unix seconds).
    pub fn new(challenge: Challenge, issued_at: u64) -> Self {
        Self {
            challenge,
            issued_at,
            attempts: 0,
            used: false,
        }
    }

    /// A challenge as a server stored it (issued at `issued_at`, `attempts` wrong answers so
    /// far, `used` once answered right), so every instance on one database decides the same.
    pub fn restore(challenge: Challenge, issued_at: u64, attempts: u32, used: bool) -> Self {
        Self {
            challenge,
            issued_at,
            attempts,
            used,
        }
    }

    /// The challenge.
    pub fn challenge(&self) -> &Challenge {
        &self.challenge
    }

    /// Wrong attempts so far.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Verifies a typed response at the server's `now`. `device_offset_steps` is the drift
    /// learnt for this device earlier (0 if unknown); the window is centred on it.
    pub fn verify(
        &mut self,
        key: &OfflineKey,
        response: &str,
        now: u64,
        device_offset_steps: i64,
    ) -> Result<Verified> {
        if self.used {
            return Err(Error::CodeReplayed);
        }
        if self.attempts >= MAX_ATTEMPTS {
            return Err(Error::TooManyAttempts);
        }
        if now.saturating_sub(self.issued_at) > VALIDITY_SECS || now < self.issued_at {
            return Err(Error::Expired);
        }
        let response = response.trim();
        if response.len() != 8 || !response.bytes().all(|b| b.is_ascii_digit()) {
            self.attempts += 1;
            return Err(Error::ResponseSyntax);
        }
        let server_step = i64::try_from(now / STEP_SECS).map_err(|_| Error::OtpTime)?;
        let centre = server_step.saturating_add(device_offset_steps);
        for delta in -STEPS_BEHIND..=STEPS_AHEAD {
            if self.matches(key, response, centre + delta)? {
                self.used = true;
                return Ok(Verified {
                    step_offset: device_offset_steps + delta,
                });
            }
        }
        self.attempts += 1;
        for distance in (STEPS_BEHIND + 1)..=SKEW_SEARCH_STEPS {
            for delta in [distance, -distance] {
                if self.matches(key, response, centre + delta)? {
                    return Err(Error::ClockSkew {
                        offset_secs: (device_offset_steps + delta) * STEP_SECS as i64,
                    });
                }
            }
        }
        Err(Error::ResponseMismatch)
    }

    fn matches(&self, key: &OfflineKey, response: &str, step: i64) -> Result<bool> {
        let Ok(step) = u64::try_from(step) else {
            return Ok(false);
        };
        let expected = code_at_step(key, &self.challenge, step)?;
        Ok(bool::from(expected.as_bytes().ct_eq(response.as_bytes())))
    }
}

/// The server's set of open challenges: issue, verify once, forget after the replay TTL.
#[derive(Debug, Default)]
pub struct OfflineVerifier {
    pending: HashMap<Challenge, PendingChallenge>,
}

impl OfflineVerifier {
    /// An empty verifier.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records an issued challenge. A challenge that is still remembered cannot be re-issued
    /// (the caller draws a new one), which keeps "each code accepted once" true.
    pub fn issue(&mut self, challenge: Challenge, now: u64) -> Result<()> {
        self.purge(now);
        if self.pending.contains_key(&challenge) {
            return Err(Error::CodeReplayed);
        }
        self.pending
            .insert(challenge.clone(), PendingChallenge::new(challenge, now));
        Ok(())
    }

    /// Verifies a response for an issued challenge.
    pub fn verify(
        &mut self,
        key: &OfflineKey,
        challenge: &Challenge,
        response: &str,
        now: u64,
        device_offset_steps: i64,
    ) -> Result<Verified> {
        self.purge(now);
        let pending = self
            .pending
            .get_mut(challenge)
            .ok_or(Error::UnknownChallenge)?;
        pending.verify(key, response, now, device_offset_steps)
    }

    /// Forgets challenges older than validity plus the replay TTL.
    pub fn purge(&mut self, now: u64) {
        self.pending
            .retain(|_, p| now.saturating_sub(p.issued_at) <= VALIDITY_SECS + REPLAY_TTL_SECS);
    }

    /// Number of remembered challenges.
    pub fn len(&self) -> usize {
        self.pending.len()
    }

    /// Whether no challenge is remembered.
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }
}

/// Tolerated device clock error before the app warns (one time step).
pub const CLOCK_TOLERANCE_SECS: i64 = STEP_SECS as i64;

/// The result of comparing the device clock with the server's (whenever the app is online).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase", tag = "status")]
pub enum ClockStatus {
    /// Within tolerance; offline codes will be accepted.
    InSync {
        /// Device minus server, seconds.
        offset_secs: i64,
    },
    /// Off by more than the tolerance; offline codes will fail until it is fixed.
    Skewed {
        /// Device minus server, seconds.
        offset_secs: i64,
    },
}

impl ClockStatus {
    /// Compares the device's and the server's Unix time.
    pub fn assess(device_unix: i64, server_unix: i64) -> Self {
        let offset_secs = device_unix.saturating_sub(server_unix);
        if offset_secs.abs() > CLOCK_TOLERANCE_SECS {
            Self::Skewed { offset_secs }
        } else {
            Self::InSync { offset_secs }
        }
    }

    /// The advice to show when the clock is off, `None` when it is fine.
    pub fn advice(self, lang: Lang) -> Option<&'static str> {
        match self {
            Self::InSync { .. } => None,
            Self::Skewed { .. } => Some(clock_advice(lang)),
        }
    }
}

/// The user-facing advice for a wrong device clock: turn on automatic date and time.
pub fn clock_advice(lang: Lang) -> &'static str {
    match lang {
        Lang::Sv => {
            "Klockan i din mobil stämmer inte. Datum och tid får inte vara manuellt inställda: \
             välj ”Ställ in datum och tid automatiskt” i mobilens inställningar och försök igen."
        }
        Lang::En => {
            "Your phone's clock is wrong. Date and time must not be set manually: turn on \
             “Set date and time automatically” in your phone's settings and try again."
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const K32: &str = "3132333435363738393031323334353637383930313233343536373839303132";
    const NOW: u64 = 1_234_567_890; // step 41152263

    fn key() -> OfflineKey {
        OfflineKey::from_hex(K32).unwrap()
    }

    fn ch() -> Challenge {
        Challenge::parse("12345678").unwrap()
    }

    #[test]
    fn derived_vectors_t_minus_3_to_plus_1() {
        let expected = [
            (-3, "27710470"),
            (-2, "62029129"),
            (-1, "20659968"),
            (0, "50399442"),
            (1, "64881160"),
        ];
        for (delta, code) in expected {
            let t = (NOW as i64 + delta * 30) as u64;
            assert_eq!(respond(&key(), &ch(), t).unwrap(), code, "delta {delta}");
        }
    }

    #[test]
    fn window_accepts_each_step_once() {
        for (delta, code) in [
            (-3, "27710470"),
            (-2, "62029129"),
            (-1, "20659968"),
            (0, "50399442"),
            (1, "64881160"),
        ] {
            let mut p = PendingChallenge::new(ch(), NOW - 10);
            assert_eq!(
                p.verify(&key(), code, NOW, 0).unwrap(),
                Verified { step_offset: delta }
            );
            assert_eq!(p.verify(&key(), code, NOW, 0), Err(Error::CodeReplayed));
        }
    }

    #[test]
    fn outside_window_is_rejected_and_reported_as_clock_skew() {
        let mut p = PendingChallenge::new(ch(), NOW);
        let far_ahead = respond(&key(), &ch(), NOW + 10 * 60).unwrap();
        assert_eq!(
            p.verify(&key(), &far_ahead, NOW, 0),
            Err(Error::ClockSkew { offset_secs: 600 })
        );
        let behind = respond(&key(), &ch(), NOW - 4 * 30).unwrap();
        assert_eq!(
            p.verify(&key(), &behind, NOW, 0),
            Err(Error::ClockSkew { offset_secs: -120 })
        );
        assert_eq!(p.attempts(), 2);
        // With the device's learnt drift the same code is inside the window.
        let mut q = PendingChallenge::new(ch(), NOW);
        assert_eq!(
            q.verify(&key(), &far_ahead, NOW, 20).unwrap(),
            Verified { step_offset: 20 }
        );
    }

    #[test]
    fn attempts_are_limited() {
        let mut p = PendingChallenge::new(ch(), NOW);
        for _ in 0..MAX_ATTEMPTS {
            let r = p.verify(&key(), "00000000", NOW, 0);
            assert!(matches!(
                r,
                Err(Error::ResponseMismatch) | Err(Error::ClockSkew { .. })
            ));
        }
        assert_eq!(
            p.verify(&key(), "50399442", NOW, 0),
            Err(Error::TooManyAttempts)
        );
        let mut q = PendingChallenge::new(ch(), NOW);
        assert_eq!(q.verify(&key(), "1234", NOW, 0), Err(Error::ResponseSyntax));
        assert_eq!(q.attempts(), 1);
    }

    #[test]
    fn a_restored_challenge_keeps_its_attempts_and_use() {
        let mut p = PendingChallenge::restore(ch(), NOW, MAX_ATTEMPTS - 1, false);
        assert!(p.verify(&key(), "00000001", NOW, 0).is_err());
        assert_eq!(p.attempts(), MAX_ATTEMPTS);
        assert_eq!(
            p.verify(&key(), "50399442", NOW, 0),
            Err(Error::TooManyAttempts)
        );
        let mut used = PendingChallenge::restore(ch(), NOW, 0, true);
        assert_eq!(
            used.verify(&key(), "50399442", NOW, 0),
            Err(Error::CodeReplayed)
        );
    }

    #[test]
    fn challenge_expires_after_90_seconds() {
        let mut p = PendingChallenge::new(ch(), NOW - 91);
        assert_eq!(p.verify(&key(), "50399442", NOW, 0), Err(Error::Expired));
        let mut p = PendingChallenge::new(ch(), NOW - 90);
        assert!(p.verify(&key(), "50399442", NOW, 0).is_ok());
    }

    #[test]
    fn verifier_tracks_challenges() {
        let mut v = OfflineVerifier::new();
        v.issue(ch(), NOW - 5).unwrap();
        assert_eq!(v.issue(ch(), NOW), Err(Error::CodeReplayed));
        let other = Challenge::parse("87654321").unwrap();
        assert_eq!(
            v.verify(&key(), &other, "50399442", NOW, 0),
            Err(Error::UnknownChallenge)
        );
        assert!(v.verify(&key(), &ch(), "50399442", NOW, 0).is_ok());
        assert_eq!(
            v.verify(&key(), &ch(), "50399442", NOW, 0),
            Err(Error::CodeReplayed)
        );
        v.purge(NOW + VALIDITY_SECS + REPLAY_TTL_SECS);
        assert_eq!(v.len(), 0);
        assert!(v.is_empty());
    }

    #[test]
    fn challenge_syntax_and_generation() {
        assert_eq!(Challenge::parse("1234 5678").unwrap().as_str(), "12345678");
        assert!(Challenge::parse("1234567").is_err());
        assert!(Challenge::parse("123456789").is_err());
        assert!(Challenge::parse("1234567x").is_err());
        assert!(Challenge::parse("１２３４５６７８").is_err());
        assert_eq!(Challenge::from_random([0; 8]).as_str(), "00000000");
        assert_eq!(
            Challenge::from_random([0, 0, 0, 0, 0x07, 0x5b, 0xcd, 0x15]).as_str(),
            "23456789"
        );
        let a = Challenge::for_transaction("100,00", "Shop", b"n1");
        let b = Challenge::for_transaction("100,00", "Shop", b"n2");
        let c = Challenge::for_transaction("100,0", "0Shop", b"n1");
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.as_str().len(), 8);
    }

    #[test]
    fn clock_assessment() {
        assert_eq!(
            ClockStatus::assess(1000, 1000 - 30),
            ClockStatus::InSync { offset_secs: 30 }
        );
        assert_eq!(
            ClockStatus::assess(1000, 1031),
            ClockStatus::Skewed { offset_secs: -31 }
        );
        assert!(ClockStatus::assess(1000, 1000).advice(Lang::Sv).is_none());
        let advice = ClockStatus::assess(0, 3600).advice(Lang::Sv).unwrap();
        assert!(advice.contains("automatiskt"));
        assert!(clock_advice(Lang::En).contains("automatically"));
    }

    #[test]
    fn key_is_redacted() {
        assert_eq!(format!("{:?}", key()), "OfflineKey(<redacted>)");
        assert_eq!(OfflineKey::from_hex("zz").unwrap_err(), Error::OtpKey);
        assert_eq!(OfflineKey::from_hex("").unwrap_err(), Error::OtpKey);
    }
}
