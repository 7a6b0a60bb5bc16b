//! Fuzz-style property tests: every parser takes arbitrary text or bytes without panicking, and
//! what it accepts round-trips.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use arbitrary::{Arbitrary, Unstructured};
use proptest::prelude::*;
use tapid_identity::autostart::{LaunchUrl, Platform, RedirectPolicy, ReturnNonces};
use tapid_identity::date::Date;
use tapid_identity::holder_match::{IdentityHolder, match_mrz};
use tapid_identity::offline_code::{self, Challenge, OfflineKey, PendingChallenge};
use tapid_identity::order::CollectResponse;
use tapid_identity::otp::ocra::OcraSuite;
use tapid_identity::personal_number::PersonalNumber;
use tapid_identity::platform::OsVersion;
use tapid_identity::qr::{self, QrPayload, QrStartSecret};
use tapid_mrtd::lds::dg11::{Dg11, Name};
use tapid_mrtd::mrz::{Mrz, MrzDate, MrzFormat};

fn today() -> Date {
    Date::new(2026, 11, 21).unwrap()
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn qr_parse_arbitrary(s in any::<String>(), b in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = QrPayload::parse(&s);
        let _ = QrPayload::parse(&lossy(&b));
    }

    #[test]
    fn qr_parse_near_valid(s in "bankid\\.[0-9a-fA-F-]{0,40}\\.[0-9+-]{0,8}\\.[0-9a-fA-F]{0,70}(\\.[a-z]{0,3})?") {
        if let Ok(p) = QrPayload::parse(&s) {
            prop_assert_eq!(p.to_string(), s);
        }
    }

    #[test]
    fn qr_generate_round_trips(t in 0u64..999_999, secret in "[!-~]{1,64}") {
        let token = "67df3917-fa0d-44e5-b327-edcc928297f8";
        let key = QrStartSecret::new(&secret).unwrap();
        let p = qr::generate(token, &key, t).unwrap();
        prop_assert_eq!(QrPayload::parse(&p.to_string()).unwrap(), p.clone());
        prop_assert!(qr::verify(&p, token, &key, t, qr::QrWindow::default()).is_ok());
    }

    #[test]
    fn launch_url_parse_arbitrary(s in any::<String>(), near in "(bankid:///|https://app\\.bankid\\.com/)\\?[a-z=&%0-9A-F:/.-]{0,120}") {
        let policy = RedirectPolicy::new().with_app_scheme("myapp");
        let _ = LaunchUrl::parse(&s, &policy);
        let _ = LaunchUrl::parse(&near, &policy);
        let _ = policy.validate(&s);
    }

    #[test]
    fn launch_url_round_trips(path in "[a-zA-Z0-9/?=&#%._~-]{0,100}", ios in any::<bool>()) {
        let policy = RedirectPolicy::new();
        let redirect = format!("https://rp.example/{path}");
        let platform = if ios { Platform::Ios } else { Platform::Android };
        let token = "46f6aa68-5520-4a3b-9a05-5b8f6d3c4e21";
        if let Ok(url) = LaunchUrl::for_platform(platform, token, Some(&redirect), &policy) {
            prop_assert_eq!(LaunchUrl::parse(&url.to_string(), &policy).unwrap(), url);
        }
    }

    #[test]
    fn return_url_check_arbitrary(s in any::<String>()) {
        let mut store = ReturnNonces::new();
        let _ = store.issue("https://rp.example/r", &RedirectPolicy::new(), "o", b"s", [1; 16], 0).unwrap();
        let _ = store.check_return(&s, b"s", 1);
    }

    #[test]
    fn personal_number_arbitrary(s in any::<String>(), near in "[0-9]{6,8}[-+]?[0-9]{4}") {
        let _ = PersonalNumber::parse(&s, today());
        if let Ok(p) = PersonalNumber::parse(&near, today()) {
            let again = PersonalNumber::parse(&p.to_twelve_digits(), today()).unwrap();
            prop_assert_eq!(again, p);
            if p.birth_date().add_years(200) > today() {
                prop_assert_eq!(PersonalNumber::parse(&p.to_separated(today()), today()).unwrap(), p);
            }
        }
    }

    #[test]
    fn challenge_and_response_arbitrary(s in any::<String>(), r in any::<String>(), now in any::<u64>()) {
        let _ = Challenge::parse(&s);
        let key = OfflineKey::new(b"12345678901234567890123456789012").unwrap();
        let ch = Challenge::parse("12345678").unwrap();
        let mut pending = PendingChallenge::new(ch.clone(), now);
        let _ = pending.verify(&key, &r, now, 0);
        let _ = offline_code::respond(&key, &ch, now);
    }

    #[test]
    fn ocra_suite_arbitrary(s in any::<String>(), near in "OCRA-1:HOTP-SHA(1|256|512)-[0-9]{1,2}:(C-)?Q[ANH][0-9]{2}(-PSHA(1|256))?(-S[0-9]{3})?(-T[0-9]{1,2}[SMH])?") {
        let _ = OcraSuite::parse(&s);
        if let Ok(suite) = OcraSuite::parse(&near) {
            prop_assert_eq!(suite.as_str(), near.as_str());
        }
    }

    #[test]
    fn small_parsers_arbitrary(s in any::<String>()) {
        let _ = OsVersion::parse(&s);
        let _ = Date::parse_flexible(&s, today());
        let _ = tapid_identity::transliteration::to_mrz(&s);
        let _ = serde_json::from_str::<CollectResponse>(&s);
    }

    #[test]
    fn holder_match_arbitrary(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        #[derive(Arbitrary, Debug)]
        struct Doc {
            code: String, state: String, primary: String, secondary: String, dob: String, doe: String,
            opt: String, opt2: String, name: Option<String>, pn: Option<String>, full_dob: Option<String>,
            given: String, surname: String,
        }
        let mut u = Unstructured::new(&bytes);
        if let Ok(d) = Doc::arbitrary(&mut u) {
            let date = |s: &str| MrzDate::parse(s.as_bytes()).unwrap_or(MrzDate { yy: 0, month: None, day: None });
            let mrz = Mrz {
                format: MrzFormat::TD3, document_code: d.code, issuing_state: d.state, primary_identifier: d.primary,
                secondary_identifier: d.secondary, document_number: String::new(), nationality: String::new(),
                date_of_birth: date(&d.dob), date_of_birth_raw: d.dob, sex: 'X', date_of_expiry: date(&d.doe),
                date_of_expiry_raw: d.doe, optional_data: d.opt, optional_data_2: Some(d.opt2),
            };
            let dg11 = Dg11 {
                full_name: d.name.as_deref().map(Name::parse), personal_number: d.pn, full_date_of_birth: d.full_dob,
                ..Dg11::default()
            };
            let holder = IdentityHolder {
                personal_number: PersonalNumber::parse("198112189876", today()).unwrap(),
                given_names: d.given, surname: d.surname, date_of_birth: None,
            };
            let m = match_mrz(&holder, &mrz, Some(&dg11), today());
            prop_assert_eq!(m.fields.len(), 6);
        }
    }
}
