//! The holder match on a verified read: what is matched is what the read verified (DG1's MRZ
//! and DG11 of the emulator's Swedish passport), on the date of the verification time, and a
//! document read after its date of expiry fails the expiry field.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use tapid_emulator::pki::drbg::SeededRng;
use tapid_emulator::pki::test_trust_store;
use tapid_emulator::{Chip, ChipConfig, EmulatorTransport, Profile};
use tapid_identity::date::Date;
use tapid_identity::holder_match::{
    Field, HolderMatch, IdentityHolder, Outcome, Reason, Source, match_holder,
};
use tapid_identity::personal_number::PersonalNumber;
use tapid_mrtd::mrz::AccessKey;
use tapid_mrtd::reader::{ReadOptions, Verification, VerifiedRead, read};

/// 2027-01-15, inside the test PKI's validity.
const NOW: i64 = 1_800_000_000;
/// 2031-03-02 12:00 UTC: the passport's last day of validity (`310302`).
const LAST_DAY: i64 = 1_930_219_200;
/// 2031-03-03 00:00 UTC: the day after.
const DAY_AFTER: i64 = 1_930_262_400;

async fn read_swedish_passport(at: i64) -> VerifiedRead {
    let profile = Profile::named("se-passport-pace").unwrap();
    let key = AccessKey::Mrz(profile.mrz_key().unwrap());
    let mut t =
        EmulatorTransport::new(Chip::new(&profile, ChipConfig::default(), b"chip").unwrap());
    let trust = test_trust_store().unwrap();
    read(
        &mut t,
        &key,
        &ReadOptions::default(),
        &Verification::new(&trust, at),
        &mut SeededRng::new(b"terminal"),
        &mut |_| {},
    )
    .await
    .unwrap()
}

fn holder() -> IdentityHolder {
    IdentityHolder {
        personal_number: PersonalNumber::parse("19850314-2385", Date::new(2027, 1, 15).unwrap())
            .unwrap(),
        given_names: "Åsa Märta".into(),
        surname: "Öberg".into(),
        date_of_birth: None,
    }
}

fn field(m: &HolderMatch, f: Field) -> (Outcome, Reason, Source) {
    let c = m.field(f).unwrap();
    (c.outcome, c.reason, c.source)
}

#[tokio::test]
async fn a_verified_read_is_matched_as_it_was_verified() {
    let read = read_swedish_passport(NOW).await;
    assert!(read.report().data.dg11.is_some());
    let m = match_holder(&holder(), &read).unwrap();
    assert_eq!(
        field(&m, Field::Document),
        (Outcome::Match, Reason::SwedishPassport, Source::Mrz)
    );
    assert_eq!(
        field(&m, Field::Expiry),
        (Outcome::Match, Reason::Valid, Source::Mrz)
    );
    // The personal number and the birth date are in the MRZ and in DG11, and both agree.
    assert_eq!(
        field(&m, Field::PersonalNumber),
        (Outcome::Match, Reason::Exact, Source::MrzAndDg11)
    );
    assert_eq!(
        field(&m, Field::DateOfBirth),
        (Outcome::Match, Reason::Exact, Source::MrzAndDg11)
    );
    // DG11 spells the name in national characters (ÖBERG<<ÅSA<MÄRTA, as 9303-10 allows): it
    // is compared in its ICAO transliteration, as the MRZ carries it, and both agree.
    assert_eq!(
        field(&m, Field::Surname),
        (Outcome::Match, Reason::Transliterated, Source::MrzAndDg11)
    );
    assert_eq!(
        field(&m, Field::GivenNames),
        (Outcome::Match, Reason::Transliterated, Source::MrzAndDg11)
    );
    assert!(m.matched);
}

#[tokio::test]
async fn expiry_is_judged_at_the_verification_time() {
    let valid = read_swedish_passport(LAST_DAY).await;
    assert!(!valid.report().document.expired);
    let m = match_holder(&holder(), &valid).unwrap();
    assert_eq!(
        field(&m, Field::Expiry),
        (Outcome::Match, Reason::Valid, Source::Mrz)
    );

    let expired = read_swedish_passport(DAY_AFTER).await;
    assert!(expired.report().document.expired);
    let m = match_holder(&holder(), &expired).unwrap();
    assert_eq!(
        field(&m, Field::Expiry),
        (Outcome::Mismatch, Reason::Expired, Source::Mrz)
    );
    assert!(!m.matched);
}
