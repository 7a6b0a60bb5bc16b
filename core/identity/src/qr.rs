//! The animated QR code: `bankid.<qrStartToken>.<time>.<qrAuthCode>` (reference §2).
//!
//! The relying party's server generates a new frame every second with
//! `qrAuthCode = hex(HMAC-SHA256(key = ASCII(qrStartSecret), msg = ASCII(decimal time)))`; the app
//! parses what it scanned; the identity service verifies the frame against the secret and checks
//! that its time is within an accepted window of the order's own elapsed time.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::error::{Error, ForeignQrKind, Result};

/// The fixed prefix of every order QR code.
pub const PREFIX: &str = "bankid.";
/// Length of the QR start token (a UUID string).
pub const TOKEN_LEN: usize = 36;
/// Length of the auth code in hex digits.
pub const AUTH_CODE_HEX_LEN: usize = 64;
/// Maximum digits in the time field (seconds since the order started; orders live minutes).
pub const MAX_TIME_DIGITS: usize = 6;
/// Maximum payload length: prefix, token, time, code and the three dots.
pub const MAX_PAYLOAD_LEN: usize =
    PREFIX.len() + TOKEN_LEN + 1 + MAX_TIME_DIGITS + 1 + AUTH_CODE_HEX_LEN;

/// A parsed order QR code, as the app scanned it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QrPayload {
    /// The order's public QR start token.
    pub qr_start_token: String,
    /// Whole seconds since the order started, as claimed by the frame.
    pub time: u64,
    /// The frame's HMAC, 64 lowercase hex digits.
    pub qr_auth_code: String,
}

impl QrPayload {
    /// Parses scanned QR content strictly. Anything else the user may have scanned (a link, a
    /// Wi-Fi code, the retired static QR, text) is reported as [`Error::QrForeign`].
    pub fn parse(content: &str) -> Result<Self> {
        let Some(rest) = content.strip_prefix(PREFIX) else {
            return Err(Error::QrForeign(classify_foreign(content)));
        };
        if content.len() > MAX_PAYLOAD_LEN {
            return Err(Error::QrTooLong {
                len: content.len(),
                max: MAX_PAYLOAD_LEN,
            });
        }
        let mut parts = rest.split('.');
        let (Some(token), Some(time), Some(code), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(Error::QrStructure);
        };
        validate_token(token)?;
        let time = parse_time(time)?;
        if code.len() != AUTH_CODE_HEX_LEN || !code.bytes().all(is_lower_hex) {
            return Err(Error::QrAuthCodeSyntax);
        }
        Ok(Self {
            qr_start_token: token.to_owned(),
            time,
            qr_auth_code: code.to_owned(),
        })
    }
}

impl fmt::Display for QrPayload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{PREFIX}{}.{}.{}",
            self.qr_start_token, self.time, self.qr_auth_code
        )
    }
}

/// The order's QR start secret. Kept on the relying party's / service's server only; zeroized on
/// drop and never printed.
#[derive(Clone)]
pub struct QrStartSecret(Zeroizing<String>);

impl QrStartSecret {
    /// Wraps a secret; it must be non-empty printable ASCII (it is used as its ASCII bytes).
    pub fn new(secret: &str) -> Result<Self> {
        if secret.is_empty() || !secret.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::QrSecret);
        }
        Ok(Self(Zeroizing::new(secret.to_owned())))
    }

    /// `HMAC-SHA256(ASCII(secret), ASCII(decimal time))`.
    pub fn auth_code(&self, time: u64) -> [u8; 32] {
        // HMAC accepts keys of any length, so construction cannot fail; fall back to an
        // all-zero code (which never matches a real frame) rather than panicking.
        let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(self.0.as_bytes()) else {
            return [0; 32];
        };
        mac.update(time.to_string().as_bytes());
        mac.finalize().into_bytes().into()
    }
}

impl fmt::Debug for QrStartSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("QrStartSecret(<redacted>)")
    }
}

/// Builds the frame for `time` seconds after the order started (relying-party side).
pub fn generate(qr_start_token: &str, secret: &QrStartSecret, time: u64) -> Result<QrPayload> {
    validate_token(qr_start_token)?;
    if time.to_string().len() > MAX_TIME_DIGITS {
        return Err(Error::QrTime {
            max_digits: MAX_TIME_DIGITS,
        });
    }
    Ok(QrPayload {
        qr_start_token: qr_start_token.to_owned(),
        time,
        qr_auth_code: hex::encode(secret.auth_code(time)),
    })
}

/// How far a scanned frame's time may be from the server's own elapsed seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QrWindow {
    /// Seconds a frame may lag behind (display refresh, camera, network).
    pub max_behind: u64,
    /// Seconds a frame may be ahead (rounding on the relying party's side).
    pub max_ahead: u64,
}

impl Default for QrWindow {
    /// Three seconds behind plus a little network round trip, one second ahead (reference §2.4).
    fn default() -> Self {
        Self {
            max_behind: 5,
            max_ahead: 1,
        }
    }
}

/// The outcome of a successful verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QrVerified {
    /// Server elapsed seconds minus the frame's time (negative: frame ahead).
    pub lag_secs: i64,
}

/// Server-side check of a scanned frame: the token must be the order's, the HMAC must match
/// (compared in constant time) and the frame's time must be within `window` of `elapsed_secs`,
/// the server's own whole seconds since the order started.
pub fn verify(
    payload: &QrPayload,
    order_token: &str,
    secret: &QrStartSecret,
    elapsed_secs: u64,
    window: QrWindow,
) -> Result<QrVerified> {
    if !bool::from(
        payload
            .qr_start_token
            .as_bytes()
            .ct_eq(order_token.as_bytes()),
    ) {
        return Err(Error::QrWrongOrder);
    }
    let expected = hex::encode(secret.auth_code(payload.time));
    if !bool::from(expected.as_bytes().ct_eq(payload.qr_auth_code.as_bytes())) {
        return Err(Error::QrAuthCodeMismatch);
    }
    if payload.time <= elapsed_secs {
        let age = elapsed_secs - payload.time;
        if age > window.max_behind {
            return Err(Error::QrTooOld {
                age_secs: age,
                max_secs: window.max_behind,
            });
        }
        Ok(QrVerified {
            lag_secs: i64::try_from(age).unwrap_or(i64::MAX),
        })
    } else {
        let ahead = payload.time - elapsed_secs;
        if ahead > window.max_ahead {
            return Err(Error::QrFromFuture {
                ahead_secs: ahead,
                max_secs: window.max_ahead,
            });
        }
        Ok(QrVerified {
            lag_secs: -i64::try_from(ahead).unwrap_or(i64::MAX),
        })
    }
}

/// Seconds after the order started during which a client must pick it up (then `startFailed`).
pub const PICKUP_WINDOW_SECS: u64 = 30;

/// The identity service's view of one order's QR code, for checking a scan.
#[derive(Debug, Clone)]
pub struct QrOrder {
    /// The order's public QR start token.
    pub qr_start_token: String,
    /// The order's secret.
    pub secret: QrStartSecret,
    /// Whether a client already picked the order up (a QR code is then no longer accepted).
    pub picked_up: bool,
}

impl QrOrder {
    /// Checks a scan at `elapsed_secs` after the order started: the order must still be open
    /// (not picked up, within the pickup window) and the frame must verify.
    pub fn check_scan(
        &self,
        payload: &QrPayload,
        elapsed_secs: u64,
        window: QrWindow,
    ) -> Result<QrVerified> {
        let verified = verify(
            payload,
            &self.qr_start_token,
            &self.secret,
            elapsed_secs,
            window,
        )?;
        if self.picked_up {
            return Err(Error::QrOrderPickedUp);
        }
        if elapsed_secs > PICKUP_WINDOW_SECS {
            return Err(Error::QrPickupWindowClosed);
        }
        Ok(verified)
    }
}

fn validate_token(token: &str) -> Result<()> {
    if token.len() == TOKEN_LEN && token.bytes().all(|b| is_lower_hex(b) || b == b'-') {
        Ok(())
    } else {
        Err(Error::QrToken)
    }
}

fn parse_time(s: &str) -> Result<u64> {
    let err = Error::QrTime {
        max_digits: MAX_TIME_DIGITS,
    };
    let canonical = !s.is_empty()
        && s.len() <= MAX_TIME_DIGITS
        && s.bytes().all(|b| b.is_ascii_digit())
        && (s == "0" || !s.starts_with('0'));
    if !canonical {
        return Err(err);
    }
    s.parse().map_err(|_| err)
}

fn is_lower_hex(b: u8) -> bool {
    b.is_ascii_digit() || (b'a'..=b'f').contains(&b)
}

/// Names what a non-order QR code contains, for a helpful message.
fn classify_foreign(content: &str) -> ForeignQrKind {
    let trimmed = content.trim();
    if trimmed.is_empty() {
        return ForeignQrKind::Empty;
    }
    let lower: String = trimmed
        .chars()
        .take(32)
        .flat_map(char::to_lowercase)
        .collect();
    if lower.starts_with("bankid:") {
        ForeignQrKind::StaticAutostart
    } else if lower.starts_with("https://") || lower.starts_with("http://") {
        ForeignQrKind::WebAddress
    } else if has_uri_scheme(&lower) {
        ForeignQrKind::OtherUri
    } else {
        ForeignQrKind::Text
    }
}

fn has_uri_scheme(s: &str) -> bool {
    match s.split_once(':') {
        Some((scheme, _)) => {
            let mut chars = scheme.chars();
            chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "67df3917-fa0d-44e5-b327-edcc928297f8";
    const SECRET: &str = "d28db9a7-4cde-429e-a983-359be676944c";

    fn secret() -> QrStartSecret {
        QrStartSecret::new(SECRET).unwrap()
    }

    #[test]
    fn official_and_derived_vectors() {
        let expected = [
            "dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8",
            "949d559bf23403952a94d103e67743126381eda00f0b3cbddbf7c96b1adcbce2",
            "a9e5ec59cb4eee4ef4117150abc58fad7a85439a6a96ccbecc3668b41795b3f3",
            "96077d77699971790b46ee1f04ff1e44fe96b0602c9c51e4ca9c6d031c7c3bb7",
            "1d9a7e5dd98d08cb393f73c63ce032df0c9433512153ab9fb040b96cd45b1b11",
        ];
        for (t, code) in expected.iter().enumerate() {
            let p = generate(TOKEN, &secret(), t as u64).unwrap();
            assert_eq!(p.qr_auth_code, *code, "t={t}");
        }
        assert_eq!(
            generate(TOKEN, &secret(), 0).unwrap().to_string(),
            "bankid.67df3917-fa0d-44e5-b327-edcc928297f8.0.dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8"
        );
    }

    #[test]
    fn parse_round_trip() {
        let p = generate(TOKEN, &secret(), 17).unwrap();
        assert_eq!(QrPayload::parse(&p.to_string()).unwrap(), p);
    }

    #[test]
    fn parse_rejects_malformed() {
        let good = generate(TOKEN, &secret(), 3).unwrap().to_string();
        assert_eq!(
            QrPayload::parse(&good.replace(".3.", ".03.")),
            Err(Error::QrTime { max_digits: 6 })
        );
        assert_eq!(
            QrPayload::parse(&good.replace(".3.", "..")),
            Err(Error::QrTime { max_digits: 6 })
        );
        assert_eq!(
            QrPayload::parse(&good.replace(".3.", ".-3.")),
            Err(Error::QrTime { max_digits: 6 })
        );
        assert_eq!(
            QrPayload::parse(&good.replace("67df", "67DF")),
            Err(Error::QrToken)
        );
        assert_eq!(
            QrPayload::parse(&good[..good.len() - 1]),
            Err(Error::QrAuthCodeSyntax)
        );
        assert_eq!(
            QrPayload::parse(&format!("{good}.x")),
            Err(Error::QrStructure)
        );
        let long = format!("{good}{}", "0".repeat(10));
        assert_eq!(
            QrPayload::parse(&long),
            Err(Error::QrTooLong {
                len: long.len(),
                max: MAX_PAYLOAD_LEN
            })
        );
        assert_eq!(QrPayload::parse("bankid.a.b"), Err(Error::QrStructure));
        assert_eq!(QrPayload::parse("bankid.a.1.c.d"), Err(Error::QrStructure));
        let (head, code) = good.split_at(good.len() - 64);
        let upper = format!("{head}{}", code.to_uppercase());
        assert_eq!(QrPayload::parse(&upper), Err(Error::QrAuthCodeSyntax));
        let mut code_upper = good.clone();
        code_upper.replace_range(good.len() - 2.., "FF");
        assert_eq!(QrPayload::parse(&code_upper), Err(Error::QrAuthCodeSyntax));
        assert_eq!(
            QrPayload::parse(&format!("{good}\n")),
            Err(Error::QrAuthCodeSyntax)
        );
    }

    #[test]
    fn classifies_other_content() {
        let kind = |s: &str| match QrPayload::parse(s) {
            Err(Error::QrForeign(k)) => k,
            other => panic!("unexpected {other:?}"),
        };
        assert_eq!(kind(""), ForeignQrKind::Empty);
        assert_eq!(kind("  "), ForeignQrKind::Empty);
        assert_eq!(kind("https://example.com/pay"), ForeignQrKind::WebAddress);
        assert_eq!(kind("HTTP://EXAMPLE.COM"), ForeignQrKind::WebAddress);
        assert_eq!(
            kind("bankid:///?autostarttoken=x&redirect=null"),
            ForeignQrKind::StaticAutostart
        );
        assert_eq!(kind("WIFI:S:home;T:WPA;P:pw;;"), ForeignQrKind::OtherUri);
        assert_eq!(kind("mailto:a@b.se"), ForeignQrKind::OtherUri);
        assert_eq!(kind("hello world"), ForeignQrKind::Text);
        assert_eq!(kind("BANKID.x.y.z"), ForeignQrKind::Text);
    }

    #[test]
    fn server_verification_window() {
        let s = secret();
        let frame = generate(TOKEN, &s, 10).unwrap();
        let w = QrWindow::default();
        assert_eq!(verify(&frame, TOKEN, &s, 10, w).unwrap().lag_secs, 0);
        assert_eq!(verify(&frame, TOKEN, &s, 15, w).unwrap().lag_secs, 5);
        assert_eq!(verify(&frame, TOKEN, &s, 9, w).unwrap().lag_secs, -1);
        assert_eq!(
            verify(&frame, TOKEN, &s, 16, w),
            Err(Error::QrTooOld {
                age_secs: 6,
                max_secs: 5
            })
        );
        assert_eq!(
            verify(&frame, TOKEN, &s, 8, w),
            Err(Error::QrFromFuture {
                ahead_secs: 2,
                max_secs: 1
            })
        );
        let other = "00000000-0000-0000-0000-000000000000";
        assert_eq!(verify(&frame, other, &s, 10, w), Err(Error::QrWrongOrder));
        let wrong = QrStartSecret::new("another-secret").unwrap();
        assert_eq!(
            verify(&frame, TOKEN, &wrong, 10, w),
            Err(Error::QrAuthCodeMismatch)
        );
        let mut forged = frame.clone();
        forged.time = 11;
        assert_eq!(
            verify(&forged, TOKEN, &s, 11, w),
            Err(Error::QrAuthCodeMismatch)
        );
    }

    #[test]
    fn order_must_be_open() {
        let mut order = QrOrder {
            qr_start_token: TOKEN.into(),
            secret: secret(),
            picked_up: false,
        };
        let w = QrWindow::default();
        let frame = generate(TOKEN, &secret(), 29).unwrap();
        assert!(order.check_scan(&frame, 30, w).is_ok());
        let late = generate(TOKEN, &secret(), 31).unwrap();
        assert_eq!(
            order.check_scan(&late, 31, w),
            Err(Error::QrPickupWindowClosed)
        );
        order.picked_up = true;
        assert_eq!(order.check_scan(&frame, 30, w), Err(Error::QrOrderPickedUp));
        let forged = QrPayload {
            qr_auth_code: "0".repeat(64),
            ..frame
        };
        assert_eq!(
            order.check_scan(&forged, 30, w),
            Err(Error::QrAuthCodeMismatch)
        );
    }

    #[test]
    fn secret_is_redacted_and_validated() {
        assert_eq!(format!("{:?}", secret()), "QrStartSecret(<redacted>)");
        assert_eq!(QrStartSecret::new("").unwrap_err(), Error::QrSecret);
        assert_eq!(QrStartSecret::new("a b").unwrap_err(), Error::QrSecret);
        assert_eq!(
            generate(TOKEN, &secret(), 1_000_000),
            Err(Error::QrTime { max_digits: 6 })
        );
    }
}
