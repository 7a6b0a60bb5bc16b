//! The identity app's texts: QR frames as a relying party generates them (`qr`), launch and
//! return URLs (`autostart`), personal identity and coordination numbers in every spelling
//! (`personal_number`), and MRZs of every document format (`mrz`).

use tapid_emulator::Profile;
use tapid_emulator::profile::{SPECIMEN_TD3, SWEDISH_ID_TD1, SWEDISH_PASSPORT_TD3};
use tapid_identity::autostart::{LaunchUrl, Platform, RedirectPolicy, ReturnNonces};
use tapid_identity::date::Date;
use tapid_identity::personal_number::{PersonalNumber, luhn};
use tapid_identity::qr::{self, QrStartSecret};

use super::{Corpus, SeedError};
use crate::seeds::reads::mrz_triple;

/// Order tokens (UUIDs) of the QR and autostart seeds.
const TOKENS: [&str; 2] = [
    "67df3917-fa0d-44e5-b327-edcc928297f8",
    "131daac9-0fc6-4d3b-9d4a-2f4d0e0a1b2c",
];

/// QR frames at several times, each with near-misses.
fn qr(corpus: &mut Corpus) -> Result<(), SeedError> {
    let secret = QrStartSecret::new("d28db9a7-4cde-429e-a983-359be676944c")
        .map_err(|e| SeedError::build("QR start secret")(&e))?;
    for token in TOKENS {
        for time in [0, 1, 30, 999_999] {
            let frame =
                qr::generate(token, &secret, time).map_err(|e| SeedError::build("QR frame")(&e))?;
            corpus.with_near_misses(
                "qr",
                &format!("QR frame at {time} s"),
                frame.to_string().into_bytes(),
            );
        }
    }
    Ok(())
}

/// Launch URLs for every platform (with and without a redirect, an https and an app-scheme
/// one), the issued return URL, and near-misses (an unknown parameter, a duplicate, a script
/// redirect).
fn autostart(corpus: &mut Corpus) -> Result<(), SeedError> {
    let policy = RedirectPolicy::new().with_app_scheme("myapp");
    let mut nonces = ReturnNonces::new();
    // What the target issues too: the same base, order, session and random bytes.
    let return_url = nonces
        .issue("https://rp.example/r", &policy, "o", b"s", [7; 16], 0)
        .map_err(|e| SeedError::build("return URL")(&e))?;
    let redirects = [
        None,
        Some("https://rp.example/done?order=1&x=%20y"),
        Some("myapp://callback"),
        Some(return_url.as_str()),
    ];
    for platform in [Platform::Ios, Platform::Android, Platform::Desktop] {
        for redirect in redirects {
            let url = LaunchUrl::for_platform(platform, TOKENS[0], redirect, &policy)
                .map_err(|e| SeedError::build("launch URL")(&e))?
                .to_string();
            corpus.with_near_misses(
                "autostart",
                &format!("{platform:?} launch URL, redirect {redirect:?}"),
                url.into_bytes(),
            );
        }
    }
    let base = format!("bankid:///?autostarttoken={}", TOKENS[1]);
    corpus.genuine(
        "autostart",
        "scheme URL without redirect",
        base.clone().into_bytes(),
    );
    corpus.genuine(
        "autostart",
        "the issued return URL",
        return_url.into_bytes(),
    );
    for (label, url) in [
        ("unknown parameter", format!("{base}&redirect=null&x=1")),
        (
            "duplicate token",
            format!("{base}&autostarttoken={}", TOKENS[1]),
        ),
        (
            "script redirect",
            format!("{base}&redirect=javascript:alert(1)"),
        ),
        ("fragment", format!("{base}#top")),
    ] {
        corpus.near_miss("autostart", label, url.into_bytes());
    }
    Ok(())
}

/// A personal number born `year-month-day` (day + 60 for a coordination number) with
/// `serial`, in its twelve-digit form.
fn personal_number(year: u16, month: u8, day: u8, serial: u16) -> String {
    let nine = format!("{:02}{month:02}{day:02}{serial:03}", year % 100);
    let check = luhn(&nine).unwrap_or(0);
    format!("{year:04}{}{check}", nine.get(2..).unwrap_or_default())
}

/// Personal and coordination numbers in every spelling (12 digits, `YYYYMMDD-NNNC`,
/// `YYMMDD-NNNC`, `YYMMDDNNNC`, `+` for 100 or older), each with near-misses, and a wrong
/// check digit.
fn personal_numbers(corpus: &mut Corpus) -> Result<(), SeedError> {
    let today = Date::new(2026, 11, 21).map_err(|e| SeedError::build("date")(&e))?;
    let numbers = [
        personal_number(1985, 3, 14, 238),
        personal_number(1985, 3, 74, 238),
        personal_number(1918, 11, 30, 1),
        personal_number(2024, 2, 29, 999),
        personal_number(1912, 12, 31, 480),
    ];
    for twelve in numbers {
        let p = PersonalNumber::parse_full(&twelve)
            .map_err(|e| SeedError::build("personal number")(&e))?;
        let ten = p.to_ten_digits();
        let (date, rest) = twelve.split_at_checked(8).unwrap_or((&twelve, ""));
        for spelling in [
            twelve.clone(),
            format!("{date}-{rest}"),
            p.to_separated(today),
            ten,
        ] {
            corpus.with_near_misses(
                "personal_number",
                &format!("personal number {spelling}"),
                spelling.into_bytes(),
            );
        }
        let mut wrong = twelve.into_bytes();
        if let Some(last) = wrong.last_mut() {
            *last = b'0' + (*last - b'0' + 1) % 10;
        }
        corpus.near_miss("personal_number", "wrong check digit", wrong);
    }
    Ok(())
}

/// The ICAO 9303 specimens (TD1, TD2, TD3), the Swedish ones, every profile's MRZ, each with
/// near-misses, the visa specimens (MRV-A, MRV-B) as near-misses, and each profile's
/// `DOC,YYMMDD,YYMMDD` key (what the target's triple parser takes; not an MRZ).
fn mrz(profiles: &[Profile], corpus: &mut Corpus) {
    let specimens = [
        ("TD3 specimen", SPECIMEN_TD3),
        ("Swedish TD3", SWEDISH_PASSPORT_TD3),
        ("Swedish TD1", SWEDISH_ID_TD1),
        (
            "TD1 specimen",
            "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<",
        ),
        (
            "TD2 specimen",
            "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6",
        ),
    ];
    // Visas (ICAO 9303-7) share the two-line widths but have no composite check digit: the
    // parser, made for eMRTD documents (TD1–TD3), refuses them.
    let visas = [
        (
            "MRV-A specimen",
            "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL8988901C4XXX4009078F96121096ZE184226B<<<<<<",
        ),
        (
            "MRV-B specimen",
            "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nL8988901C4XXX4009078F9612109<<<<<<<<",
        ),
    ];
    for (label, text) in specimens {
        corpus.with_near_misses("mrz", label, text.as_bytes().to_vec());
        corpus.genuine(
            "mrz",
            format!("{label}, lines joined"),
            text.replace('\n', "").into_bytes(),
        );
    }
    for (label, text) in visas {
        corpus.near_miss("mrz", label, text.as_bytes().to_vec());
    }
    for profile in profiles {
        corpus.with_near_misses(
            "mrz",
            &format!("profile {} MRZ", profile.name),
            profile.mrz.clone().into_bytes(),
        );
        if let Ok(key) = profile.mrz_key() {
            corpus.genuine(
                "mrz",
                format!("profile {} key", profile.name),
                mrz_triple(&key).into_bytes(),
            );
        }
    }
}

/// QR frames, launch URLs, personal numbers and MRZs.
///
/// # Errors
/// When a generator refuses its own valid input.
pub fn seeds(profiles: &[Profile], corpus: &mut Corpus) -> Result<(), SeedError> {
    qr(corpus)?;
    autostart(corpus)?;
    personal_numbers(corpus)?;
    mrz(profiles, corpus);
    Ok(())
}
