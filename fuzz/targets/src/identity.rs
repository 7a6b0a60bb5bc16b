//! The identity app's text inputs: animated QR payloads, autostart launch and return URLs,
//! and Swedish personal identity numbers.

use tapid_identity::autostart::{LaunchUrl, RedirectPolicy, ReturnNonces};
use tapid_identity::date::Date;
use tapid_identity::personal_number::PersonalNumber;
use tapid_identity::qr::QrPayload;

use crate::Outcome;

/// A scanned QR payload (`bankid.<token>.<time>.<auth code>`). One that parses prints back as
/// the same text (the format has one spelling).
pub fn qr(data: &[u8]) -> Outcome {
    let text = String::from_utf8_lossy(data);
    match QrPayload::parse(&text) {
        Ok(p) if p.to_string() == text => Outcome::Accepted,
        Ok(p) => Outcome::Violation(format!("QR payload prints back as {p}")),
        Err(_) => Outcome::Rejected,
    }
}

/// An autostart launch URL (`bankid:///?autostarttoken=…&redirect=…` or the universal link),
/// under a policy that also allows an app scheme; the redirect policy on its own; and a return
/// URL checked against an issued nonce. A launch URL that parses prints as one that parses to
/// the same.
pub fn autostart(data: &[u8]) -> Outcome {
    let text = String::from_utf8_lossy(data);
    let policy = RedirectPolicy::new().with_app_scheme("myapp");
    let _ = policy.validate(&text);
    let mut nonces = ReturnNonces::new();
    if nonces
        .issue("https://rp.example/r", &policy, "o", b"s", [7; 16], 0)
        .is_ok()
    {
        let _ = nonces.check_return(&text, b"s", 1);
    }
    match LaunchUrl::parse(&text, &policy) {
        Ok(url) => match LaunchUrl::parse(&url.to_string(), &policy) {
            Ok(again) if again == url => Outcome::Accepted,
            other => Outcome::Violation(format!("launch URL {url} parses back as {other:?}")),
        },
        Err(_) => Outcome::Rejected,
    }
}

/// A personal identity number in any of its spellings (10 or 12 digits, `-`/`+`), with the
/// century judged on a fixed day, and the 12-digit form on its own. One that parses has a
/// 12-digit form that parses to the same.
pub fn personal_number(data: &[u8]) -> Outcome {
    let text = String::from_utf8_lossy(data);
    let Ok(today) = Date::new(2026, 11, 21) else {
        return Outcome::Violation("2026-11-21 is not a date".into());
    };
    let _ = PersonalNumber::parse_full(&text);
    match PersonalNumber::parse(&text, today) {
        Ok(p) => match PersonalNumber::parse(&p.to_twelve_digits(), today) {
            Ok(again) if again == p => Outcome::Accepted,
            _ => Outcome::Violation(format!(
                "{} does not parse back",
                p.to_twelve_digits().len()
            )),
        },
        Err(_) => Outcome::Rejected,
    }
}
