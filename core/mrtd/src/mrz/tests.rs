use super::*;

const TD3: &str =
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";
const TD2: &str = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6";
const TD1: &str = "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<";
const TD1_LONG: &str = "I<UTOD23145890<7349<<<<<<<<<<<\n3407127M9507122UTO<<<<<<<<<<<2\nSTEVENSON<<PETER<JOHN<<<<<<<<<";

#[test]
fn td3_specimen() {
    let m = Mrz::parse(TD3).unwrap();
    assert_eq!(m.format, MrzFormat::TD3);
    assert_eq!(m.document_code, "P");
    assert_eq!(m.issuing_state, "UTO");
    assert_eq!(m.document_number, "L898902C3");
    assert_eq!(m.primary_identifier, "ERIKSSON");
    assert_eq!(m.secondary_identifier, "ANNA MARIA");
    assert_eq!(m.nationality, "UTO");
    assert_eq!(
        m.date_of_birth.iso(m.date_of_birth.birth_year(2026)),
        "1974-08-12"
    );
    assert_eq!(m.sex, 'F');
    assert_eq!(
        m.date_of_expiry.iso(m.date_of_expiry.expiry_year(2026)),
        "2012-04-15"
    );
    assert_eq!(m.optional_data, "ZE184226B");
    assert_eq!(
        &*m.access_key().unwrap().mrz_information(),
        "L898902C3674081221204159"
    );
}

#[test]
fn td2_and_td1_specimens() {
    let m = Mrz::parse(TD2).unwrap();
    assert_eq!(m.format, MrzFormat::TD2);
    assert_eq!(m.document_number, "D23145890");
    assert_eq!(m.secondary_identifier, "ANNA MARIA");
    let m = Mrz::parse(TD1).unwrap();
    assert_eq!(m.format, MrzFormat::TD1);
    assert_eq!(m.document_number, "D23145890");
    assert_eq!(m.primary_identifier, "ERIKSSON");
    assert_eq!(m.optional_data_2.as_deref(), Some(""));
}

#[test]
fn td1_long_document_number() {
    let m = Mrz::parse(TD1_LONG).unwrap();
    assert_eq!(m.document_number, "D23145890734");
    assert_eq!(m.optional_data, "");
    // ICAO 9303-11 App. D.2 long-number example.
    assert_eq!(
        &*m.access_key().unwrap().mrz_information(),
        "D23145890734934071279507122"
    );
}

fn corrupt(mrz: &str, index: usize, c: char) -> String {
    let mut v: Vec<char> = mrz.chars().collect();
    v[index] = c;
    v.into_iter().collect()
}

#[test]
fn each_corrupted_field_is_named() {
    let l2 = 45; // start of line 2 in TD3 (44 chars + newline)
    let cases = [
        (l2 + 9, '4', MrzField::DocumentNumber),
        (l2 + 19, '0', MrzField::DateOfBirth),
        (l2 + 27, '0', MrzField::DateOfExpiry),
        (l2 + 42, '5', MrzField::OptionalData),
        (l2 + 43, '5', MrzField::Composite),
    ];
    for (i, c, field) in cases {
        assert_eq!(
            Mrz::parse(&corrupt(TD3, i, c)),
            Err(MrzError::CheckDigit(field)),
            "{field}"
        );
    }
    // TD1: line 1 doc number check digit, line 2 dates and composite.
    let l2 = 31;
    for (i, c, field) in [
        (14, '1', MrzField::DocumentNumber),
        (l2 + 6, '0', MrzField::DateOfBirth),
        (l2 + 14, '0', MrzField::DateOfExpiry),
        (l2 + 29, '0', MrzField::Composite),
    ] {
        assert_eq!(
            Mrz::parse(&corrupt(TD1, i, c)),
            Err(MrzError::CheckDigit(field)),
            "TD1 {field}"
        );
    }
    let l2 = 37;
    for (i, c, field) in [
        (l2 + 9, '1', MrzField::DocumentNumber),
        (l2 + 19, '0', MrzField::DateOfBirth),
        (l2 + 27, '0', MrzField::DateOfExpiry),
        (l2 + 35, '0', MrzField::Composite),
    ] {
        assert_eq!(
            Mrz::parse(&corrupt(TD2, i, c)),
            Err(MrzError::CheckDigit(field)),
            "TD2 {field}"
        );
    }
    // A date that is not a date, with a check digit that matches it.
    let bad_month = corrupt(&corrupt(TD3, 45 + 15, '9'), 45 + 19, '8');
    assert!(matches!(
        Mrz::parse(&bad_month),
        Err(MrzError::CheckDigit(_) | MrzError::InvalidDate(_))
    ));
}

#[test]
fn layout_and_characters() {
    assert_eq!(Mrz::parse("P<UTO"), Err(MrzError::UnknownLayout));
    assert_eq!(
        Mrz::parse(&corrupt(TD3, 3, 'a')),
        Err(MrzError::InvalidCharacter {
            line: 1,
            position: 4
        })
    );
    let err = Mrz::parse(&corrupt(TD3, 3, 'a')).unwrap_err().to_string();
    assert!(!err.contains("L898902C"));
}

proptest::proptest! {
    #[test]
    fn never_panics(s in "[A-Z0-9<\n]{0,100}") {
        let _ = Mrz::parse(&s);
    }
}
