#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]
//! DG11, DG12 (synthetic, both "other names" variants, text and BCD dates), DG15 (BSI and
//! Dutch specimen keys) and DG5/DG7/raw groups.

use tapid_card::tlv::{Tag, encode};
use tapid_mrtd::lds::DataGroup;
use tapid_mrtd::lds::dg11::{DetailsError, Dg11};
use tapid_mrtd::lds::dg12::Dg12;
use tapid_mrtd::lds::dg15::{Dg15, Dg15PublicKey};
use tapid_test_support::conformance::{self, conformance_dir};

fn obj(tag: u32, value: &[u8]) -> Vec<u8> {
    encode(Tag(tag), value)
}

fn dg11(wrapped: bool, date: &[u8]) -> Vec<u8> {
    let mut body = obj(0x5C, &[0x5F, 0x0E, 0x5F, 0x2B, 0x5F, 0x11, 0x5F, 0x42]);
    body.extend(obj(0x5F0E, b"SMITH<<JOHN<J"));
    let mut others = obj(0x02, &[2]);
    others.extend(obj(0x0F, b"SMYTH<<JOHN"));
    others.extend(obj(0x0F, "MÜLLER<<JÖHN".as_bytes()));
    if wrapped {
        body.extend(obj(0xA0, &others));
    } else {
        body.extend(others);
    }
    body.extend(obj(0x5F10, b"123456789"));
    body.extend(obj(0x5F2B, date));
    body.extend(obj(0x5F11, b"ANYTOWN<MN"));
    body.extend(obj(0x5F42, b"123 MAPLE RD<ANYTOWN<MN<<"));
    body.extend(obj(0x5F12, b"1-612-555-1212"));
    body.extend(obj(0x5F13, b"TRAVEL AGENT"));
    body.extend(obj(0x5F14, b"PRESIDENT"));
    body.extend(obj(0x5F15, b"SUMMARY"));
    body.extend(obj(0x5F16, &[0xFF, 0xD8, 0xFF]));
    body.extend(obj(0x5F17, b"987654321"));
    body.extend(obj(0x5F18, b"CUSTODY"));
    obj(0x6B, &body)
}

#[test]
fn dg11_both_variants_and_date_encodings() {
    for wrapped in [true, false] {
        for date in [&b"19740812"[..], &[0x19, 0x74, 0x08, 0x12]] {
            let d = Dg11::parse(&dg11(wrapped, date)).unwrap();
            let name = d.full_name.as_ref().unwrap();
            assert_eq!(
                (name.primary.as_str(), name.secondary.as_str()),
                ("SMITH", "JOHN J")
            );
            assert_eq!(d.other_names.len(), 2);
            assert_eq!(d.other_names[1].primary, "MÜLLER");
            assert_eq!(d.other_names[1].secondary, "JÖHN");
            assert_eq!(d.full_date_of_birth.as_deref(), Some("19740812"));
            assert_eq!(d.personal_number.as_deref(), Some("123456789"));
            assert_eq!(d.place_of_birth.as_deref(), Some("ANYTOWN, MN"));
            assert_eq!(d.address.as_deref(), Some("123 MAPLE RD, ANYTOWN, MN"));
            assert_eq!(d.telephone.as_deref(), Some("1-612-555-1212"));
            assert_eq!(d.profession.as_deref(), Some("TRAVEL AGENT"));
            assert_eq!(d.title.as_deref(), Some("PRESIDENT"));
            assert_eq!(d.personal_summary.as_deref(), Some("SUMMARY"));
            assert_eq!(
                d.proof_of_citizenship.as_deref(),
                Some(&[0xFF, 0xD8, 0xFF][..])
            );
            assert_eq!(d.other_travel_documents.as_deref(), Some("987654321"));
            assert_eq!(d.custody_information.as_deref(), Some("CUSTODY"));
            // Debug never shows the data; JSON has snake_case fields.
            assert!(!format!("{d:?}").contains("SMITH"));
            let json = serde_json::to_value(&d).unwrap();
            assert_eq!(json["full_name"]["primary"], "SMITH");
            assert_eq!(json["full_date_of_birth"], "19740812");
            assert!(json.get("proof_of_citizenship").is_none());
        }
    }
}

#[test]
fn dg11_rejects_bad_counts_and_dates() {
    let mut body = obj(0x02, &[3]);
    body.extend(obj(0x0F, b"A<<B"));
    assert_eq!(
        Dg11::parse(&obj(0x6B, &obj(0xA0, &body))),
        Err(DetailsError::CountMismatch {
            declared: 3,
            found: 1
        })
    );
    assert_eq!(
        Dg11::parse(&obj(0x6B, &obj(0x02, &[200]))),
        Err(DetailsError::TooManyNames)
    );
    let many: Vec<u8> = (0..17).flat_map(|_| obj(0x0F, b"X<<Y")).collect();
    assert_eq!(
        Dg11::parse(&obj(0x6B, &obj(0xA0, &many))),
        Err(DetailsError::TooManyNames)
    );
    for bad in [
        &b"1974081"[..],
        b"1974AB12",
        &[0x19, 0x7A, 0x08, 0x12],
        &[0x19],
    ] {
        assert_eq!(
            Dg11::parse(&obj(0x6B, &obj(0x5F2B, bad))),
            Err(DetailsError::InvalidDate(Tag(0x5F2B)))
        );
    }
    assert!(matches!(
        Dg11::parse(&obj(0x6B, &obj(0x5F10, &vec![b'1'; 5000]))),
        Err(DetailsError::FieldTooLong(_))
    ));
    assert!(matches!(
        Dg11::parse(&obj(0x6C, &[])),
        Err(DetailsError::Tlv(_))
    ));
    assert_eq!(Dg11::parse(&obj(0x6B, &[])).unwrap(), Dg11::default());
}

#[test]
fn dg12_fields_and_dates() {
    for (issue, personalised) in [
        (&b"20120415"[..], &b"20120415123059"[..]),
        (
            &[0x20, 0x12, 0x04, 0x15],
            &[0x20, 0x12, 0x04, 0x15, 0x12, 0x30, 0x59],
        ),
    ] {
        for wrapped in [true, false] {
            let mut body = obj(0x5C, &[0x5F, 0x19, 0x5F, 0x26]);
            body.extend(obj(0x5F19, b"UTOPIA<PASSPORT OFFICE"));
            body.extend(obj(0x5F26, issue));
            let mut persons = obj(0x02, &[1]);
            persons.extend(obj(0x0F, b"ERIKSSON<<ANNA<MARIA"));
            if wrapped {
                body.extend(obj(0xA0, &persons));
            } else {
                body.extend(persons);
            }
            body.extend(obj(0x5F1B, b"NONE"));
            body.extend(obj(0x5F1C, b"TAX"));
            body.extend(obj(0x5F1D, &[0xFF, 0xD8, 0xFF, 1]));
            body.extend(obj(0x5F1E, &[0xFF, 0xD8, 0xFF, 2]));
            body.extend(obj(0x5F55, personalised));
            body.extend(obj(0x5F56, b"SN-42"));
            let d = Dg12::parse(&obj(0x6C, &body)).unwrap();
            assert_eq!(
                d.issuing_authority.as_deref(),
                Some("UTOPIA, PASSPORT OFFICE")
            );
            assert_eq!(d.date_of_issue.as_deref(), Some("20120415"));
            assert_eq!(d.other_persons.len(), 1);
            assert_eq!(d.other_persons[0].secondary, "ANNA MARIA");
            assert_eq!(d.endorsements_and_observations.as_deref(), Some("NONE"));
            assert_eq!(d.tax_or_exit_requirements.as_deref(), Some("TAX"));
            assert_eq!(d.front_image.as_deref(), Some(&[0xFF, 0xD8, 0xFF, 1][..]));
            assert_eq!(d.rear_image.as_deref(), Some(&[0xFF, 0xD8, 0xFF, 2][..]));
            assert_eq!(d.personalization_time.as_deref(), Some("20120415123059"));
            assert_eq!(d.personalization_device_serial.as_deref(), Some("SN-42"));
            let json = serde_json::to_value(&d).unwrap();
            assert_eq!(json["date_of_issue"], "20120415");
            assert!(json.get("front_image").is_none());
        }
    }
    assert_eq!(
        Dg12::parse(&obj(0x6C, &obj(0x5F55, b"2012"))),
        Err(DetailsError::InvalidDate(Tag(0x5F55)))
    );
}

#[test]
fn dg15_real_keys() {
    let Some(dir) = conformance_dir() else {
        return;
    };
    for (file, bits) in [
        ("bsi-tr03105-reference/Datagroup15.bin", 1024),
        ("nl-specimen-2006/ef010F.bin", 1024),
    ] {
        let dg15 = Dg15::parse(&conformance::read(&dir, file)).unwrap();
        let Dg15PublicKey::Rsa(key) = &dg15.public_key else {
            panic!("{file}: RSA expected");
        };
        assert_eq!(key.bits, bits, "{file}");
        assert_eq!(key.exponent, vec![1, 0, 1]);
        assert_eq!(key.modulus.len(), 128);
        assert_eq!(dg15.public_key.describe(), "RSA-1024");
        let json = serde_json::to_value(&dg15).unwrap();
        assert_eq!(json["public_key"]["type"], "rsa");
        assert_eq!(json["public_key"]["bits"], 1024);
    }
    let bytes = conformance::read(&dir, "bsi-tr03105-reference/Datagroup15.bin");
    for cut in 1..bytes.len() {
        assert!(Dg15::parse(&bytes[..cut]).is_err());
    }
}

#[test]
fn eac_groups_and_raw_groups() {
    use tapid_mrtd::lds::raw_group::{EacProtectedGroup, RawDataGroup};
    for n in [3, 4] {
        let g = EacProtectedGroup::for_group(DataGroup::new(n).unwrap()).unwrap();
        assert_eq!(serde_json::to_value(g).unwrap()["status"], "eac_protected");
    }
    let dg16 = obj(0x70, &obj(0x02, &[0]));
    let raw = RawDataGroup::parse(DataGroup::new(16).unwrap(), &dg16).unwrap();
    assert_eq!(raw.bytes, dg16);
}
