//! Holder matching on Swedish specimen-style MRZs: TD3 passports and TD1 ID cards.

use super::*;
use crate::personal_number::luhn;
use tapid_mrtd::mrz::MrzDate;

/// The document side as a read delivers it: DG1's MRZ and DG11 (empty unless a test fills it).
#[derive(Debug)]
struct Doc {
    mrz: Mrz,
    dg11: Dg11,
}

/// [`match_mrz`] on a test document.
fn match_doc(holder: &IdentityHolder, doc: &Doc, today: Date) -> HolderMatch {
    match_mrz(holder, &doc.mrz, Some(&doc.dg11), today)
}

/// The document of MRZ `lines`, parsed (every check digit verified) as a reader parses DG1.
fn parsed(lines: &[String]) -> Doc {
    Doc {
        mrz: Mrz::parse(&lines.join("\n")).unwrap(),
        dg11: Dg11::default(),
    }
}

fn today() -> Date {
    Date::new(2026, 11, 21).unwrap()
}

/// ICAO 9303-3 check digit (7-3-1 weights).
fn cd(s: &str) -> char {
    let sum: u32 = s
        .chars()
        .zip([7u32, 3, 1].iter().cycle())
        .map(|(c, w)| {
            let v = match c {
                '0'..='9' => c as u32 - '0' as u32,
                'A'..='Z' => c as u32 - 'A' as u32 + 10,
                _ => 0,
            };
            v * w
        })
        .sum();
    char::from_digit(sum % 10, 10).unwrap()
}

/// Builds a TD3 MRZ and parses it, as a reader delivers DG1.
fn td3(surname: &str, given: &str, doc_no: &str, dob: &str, expiry: &str, personal: &str) -> Doc {
    let l1 = format!("{:<<44}", format!("P<SWE{surname}<<{given}"));
    let pn = format!("{personal:<<14}");
    let l2 = format!(
        "{doc_no:<<9}{}SWE{dob}{}F{expiry}{}{pn}{}",
        cd(&format!("{doc_no:<<9}")),
        cd(dob),
        cd(expiry),
        cd(&pn)
    );
    let composite = cd(&format!("{}{}{}", &l2[0..10], &l2[13..20], &l2[21..43]));
    let l2 = format!("{l2}{composite}");
    assert_eq!((l1.len(), l2.len()), (44, 44));
    parsed(&[l1, l2])
}

/// Builds a TD1 MRZ (ID card, personal number in line 1's optional data) and parses it.
fn td1(surname: &str, given: &str, dob: &str, expiry: &str, personal: &str) -> Doc {
    let l1 = format!(
        "{:<<30}",
        format!("IDSWE12345678<{}{personal}", cd("12345678<"))
    );
    let l2 = format!(
        "{:<<29}",
        format!("{dob}{}M{expiry}{}SWE", cd(dob), cd(expiry))
    );
    let composite = cd(&format!(
        "{}{}{}{}",
        &l1[5..30],
        &l2[0..7],
        &l2[8..15],
        &l2[18..29]
    ));
    let l2 = format!("{l2}{composite}");
    let l3 = format!("{:<<30}", format!("{surname}<<{given}"));
    assert_eq!((l1.len(), l2.len(), l3.len()), (30, 30, 30));
    parsed(&[l1, l2, l3])
}

fn holder(pn: &str, given: &str, surname: &str) -> IdentityHolder {
    IdentityHolder {
        personal_number: PersonalNumber::parse(pn, today()).unwrap(),
        given_names: given.into(),
        surname: surname.into(),
        date_of_birth: None,
    }
}

fn outcome(m: &HolderMatch, f: Field) -> (Outcome, Reason) {
    let c = m.field(f).unwrap();
    (c.outcome, c.reason)
}

const PN: &str = "19811218-9876";

#[test]
fn passport_td3_matches_with_transliteration() {
    let doc = td3(
        "AENGSTROEM",
        "AASA<MARIA",
        "XA1234567",
        "811218",
        "300101",
        "8112189876",
    );
    let m = match_doc(&holder(PN, "Åsa Maria", "Ängström"), &doc, today());
    assert!(m.matched, "{m:?}");
    assert_eq!(
        outcome(&m, Field::Document),
        (Outcome::Match, Reason::SwedishPassport)
    );
    assert_eq!(
        outcome(&m, Field::Surname),
        (Outcome::Match, Reason::Transliterated)
    );
    assert_eq!(
        outcome(&m, Field::GivenNames),
        (Outcome::Match, Reason::Transliterated)
    );
    assert_eq!(
        outcome(&m, Field::PersonalNumber),
        (Outcome::Match, Reason::Exact)
    );
    assert_eq!(
        outcome(&m, Field::DateOfBirth),
        (Outcome::Match, Reason::Exact)
    );
    assert_eq!(outcome(&m, Field::Expiry), (Outcome::Match, Reason::Valid));
    assert_eq!(m.failures().count(), 0);
    let json = serde_json::to_value(&m).unwrap();
    assert_eq!(json["fields"][2]["field"], "personalNumber");
    assert!(
        !json.to_string().contains("8112189876"),
        "results must not repeat personal data"
    );
}

#[test]
fn id_card_td1_matches_with_umlaut() {
    let doc = td1("MUELLER<OEBERG", "JOERG", "811218", "310630", "8112189876");
    let m = match_doc(&holder(PN, "Jörg", "Müller-Öberg"), &doc, today());
    assert!(m.matched, "{m:?}");
    assert_eq!(
        outcome(&m, Field::Document),
        (Outcome::Match, Reason::SwedishIdCard)
    );
    assert_eq!(m.field(Field::PersonalNumber).unwrap().source, Source::Mrz);
}

#[test]
fn simple_transliteration_is_accepted_and_reported() {
    let doc = td3(
        "ANGSTROM",
        "ASA",
        "XA1234567",
        "811218",
        "300101",
        "8112189876",
    );
    let m = match_doc(&holder(PN, "Åsa", "Ängström"), &doc, today());
    assert!(m.matched);
    assert_eq!(
        outcome(&m, Field::Surname),
        (Outcome::Match, Reason::SimpleTransliteration)
    );
    let plain = td3(
        "SVENSSON",
        "SVEN",
        "XA1234567",
        "811218",
        "300101",
        "8112189876",
    );
    let m = match_doc(&holder(PN, "Sven", "Svensson"), &plain, today());
    assert_eq!(outcome(&m, Field::Surname), (Outcome::Match, Reason::Exact));
}

#[test]
fn coordination_number_and_real_birth_date() {
    let ten = format!("811278987{}", luhn("811278987").unwrap());
    let doc = td1("SVENSSON", "SVEN", "811218", "310630", &ten);
    let m = match_doc(&holder(&ten, "Sven", "Svensson"), &doc, today());
    assert!(m.matched, "{m:?}");
    assert_eq!(
        outcome(&m, Field::PersonalNumber),
        (Outcome::Match, Reason::CoordinationNumber)
    );
    assert_eq!(
        outcome(&m, Field::DateOfBirth),
        (Outcome::Match, Reason::Exact)
    );
}

#[test]
fn truncated_names_in_a_full_td1_field() {
    // "ANDERSSON-JOHANSSON<<KARL-FREDRIK<ALEXANDER" is longer than 30: truncated by the issuer.
    let doc = td1(
        "ANDERSSON<JOHANSSON",
        "KARL<FRED",
        "811218",
        "310630",
        "8112189876",
    );
    let m = match_doc(
        &holder(PN, "Karl-Fredrik Alexander", "Andersson-Johansson"),
        &doc,
        today(),
    );
    assert!(m.matched, "{m:?}");
    assert_eq!(
        outcome(&m, Field::GivenNames),
        (Outcome::Match, Reason::Truncated)
    );
    assert_eq!(outcome(&m, Field::Surname), (Outcome::Match, Reason::Exact));
    // The same prefix in a field that is not full is a mismatch, not a truncation.
    let short = td3(
        "ANDERSSON<JOHANSSON",
        "KARL<FRED",
        "XA1234567",
        "811218",
        "300101",
        "8112189876",
    );
    let m = match_doc(
        &holder(PN, "Karl-Fredrik Alexander", "Andersson-Johansson"),
        &short,
        today(),
    );
    assert_eq!(
        outcome(&m, Field::GivenNames),
        (Outcome::Mismatch, Reason::Different)
    );
}

#[test]
fn each_field_mismatch_is_reported() {
    let h = holder(PN, "Åsa", "Ängström");
    let base = || {
        td3(
            "AENGSTROEM",
            "AASA",
            "XA1234567",
            "811218",
            "300101",
            "8112189876",
        )
    };

    let other_pn = format!("811218987{}", 0); // wrong check digit -> not a valid number at all
    let m = match_doc(
        &h,
        &td3(
            "AENGSTROEM",
            "AASA",
            "XA1234567",
            "811218",
            "300101",
            &other_pn,
        ),
        today(),
    );
    assert_eq!(
        outcome(&m, Field::PersonalNumber),
        (Outcome::Unavailable, Reason::NotInDocument)
    );
    let valid_other = format!("811218123{}", luhn("811218123").unwrap());
    let m = match_doc(
        &h,
        &td3(
            "AENGSTROEM",
            "AASA",
            "XA1234567",
            "811218",
            "300101",
            &valid_other,
        ),
        today(),
    );
    assert_eq!(
        outcome(&m, Field::PersonalNumber),
        (Outcome::Mismatch, Reason::Different)
    );
    assert!(!m.matched);

    let m = match_doc(
        &h,
        &td3(
            "BERG",
            "AASA",
            "XA1234567",
            "811218",
            "300101",
            "8112189876",
        ),
        today(),
    );
    assert_eq!(
        outcome(&m, Field::Surname),
        (Outcome::Mismatch, Reason::Different)
    );
    assert_eq!(m.failures().count(), 1);

    let m = match_doc(
        &h,
        &td3(
            "AENGSTROEM",
            "ANNA",
            "XA1234567",
            "811218",
            "300101",
            "8112189876",
        ),
        today(),
    );
    assert_eq!(
        outcome(&m, Field::GivenNames),
        (Outcome::Mismatch, Reason::Different)
    );

    let m = match_doc(
        &h,
        &td3(
            "AENGSTROEM",
            "AASA",
            "XA1234567",
            "811219",
            "300101",
            "8112189876",
        ),
        today(),
    );
    assert_eq!(
        outcome(&m, Field::DateOfBirth),
        (Outcome::Mismatch, Reason::Different)
    );

    let m = match_doc(
        &h,
        &td3(
            "AENGSTROEM",
            "AASA",
            "XA1234567",
            "811218",
            "261120",
            "8112189876",
        ),
        today(),
    );
    assert_eq!(
        outcome(&m, Field::Expiry),
        (Outcome::Mismatch, Reason::Expired)
    );
    assert!(!m.matched);
    let m = match_doc(
        &h,
        &td3(
            "AENGSTROEM",
            "AASA",
            "XA1234567",
            "811218",
            "261121",
            "8112189876",
        ),
        today(),
    );
    assert_eq!(outcome(&m, Field::Expiry), (Outcome::Match, Reason::Valid));

    let mut foreign = base();
    foreign.mrz.issuing_state = "NOR".into();
    assert_eq!(
        outcome(&match_doc(&h, &foreign, today()), Field::Document),
        (Outcome::Mismatch, Reason::NotSwedish)
    );
    let mut crew = base();
    crew.mrz.document_code = "AC".into();
    assert_eq!(
        outcome(&match_doc(&h, &crew, today()), Field::Document),
        (Outcome::Mismatch, Reason::UnsupportedDocumentType)
    );
    let mut unreadable = base();
    unreadable.mrz.date_of_expiry = MrzDate::parse(b"30<<01").unwrap();
    assert_eq!(
        outcome(&match_doc(&h, &unreadable, today()), Field::Expiry),
        (Outcome::Unavailable, Reason::Unreadable)
    );
}

#[test]
fn dg11_is_used_and_cross_checked() {
    let h = holder(PN, "Åsa", "Ängström");
    let mut doc = td3("AENGSTROEM", "AASA", "XA1234567", "811218", "300101", "");
    doc.dg11.personal_number = Some("19811218-9876".into());
    doc.dg11.full_date_of_birth = Some("19811218".into());
    doc.dg11.full_name = Some(Name::parse("AENGSTROEM<<AASA"));
    let m = match_doc(&h, &doc, today());
    assert!(m.matched, "{m:?}");
    assert_eq!(m.field(Field::PersonalNumber).unwrap().source, Source::Dg11);
    assert_eq!(
        m.field(Field::DateOfBirth).unwrap().source,
        Source::MrzAndDg11
    );
    assert_eq!(m.field(Field::Surname).unwrap().source, Source::MrzAndDg11);

    // Same ten digits but another century in DG11: not the holder.
    doc.dg11.personal_number = Some("18811218-9876".into());
    assert_eq!(
        outcome(&match_doc(&h, &doc, today()), Field::PersonalNumber).0,
        Outcome::Mismatch
    );

    // MRZ and DG11 disagree with each other.
    let mut both = td3(
        "AENGSTROEM",
        "AASA",
        "XA1234567",
        "811218",
        "300101",
        "8112189876",
    );
    let valid_other = format!("811218123{}", luhn("811218123").unwrap());
    both.dg11.personal_number = Some(valid_other);
    assert_eq!(
        outcome(&match_doc(&h, &both, today()), Field::PersonalNumber),
        (Outcome::Mismatch, Reason::SourcesDisagree)
    );
    both.dg11.personal_number = None;
    both.dg11.full_name = Some(Name::parse("BERG<<AASA"));
    assert_eq!(
        outcome(&match_doc(&h, &both, today()), Field::Surname),
        (Outcome::Mismatch, Reason::SourcesDisagree)
    );
    both.dg11.full_name = None;
    both.dg11.full_date_of_birth = Some("1981-12-19".into());
    assert_eq!(
        outcome(&match_doc(&h, &both, today()), Field::DateOfBirth),
        (Outcome::Mismatch, Reason::SourcesDisagree)
    );
}

#[test]
fn untransliterable_holder_name() {
    let doc = td3(
        "IVANOV",
        "IVAN",
        "XA1234567",
        "811218",
        "300101",
        "8112189876",
    );
    let m = match_doc(&holder(PN, "Иван", "Ivanov"), &doc, today());
    assert_eq!(
        outcome(&m, Field::GivenNames),
        (Outcome::Unavailable, Reason::Untransliterable)
    );
    assert!(!m.matched);
    assert!(!format!("{doc:?}").contains("IVANOV"));
}
