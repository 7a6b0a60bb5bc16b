//! End-to-end reads of the `bac` profile through the in-process emulator.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::collections::BTreeMap;

use tapid_card::transcript::{Recorder, Transcript};
use tapid_card::{CardTransport, TransportCapabilities};
use tapid_emulator::pki::drbg::SeededRng;
use tapid_emulator::{ChipConfig, transport};
use tapid_mrtd::lds::{DataGroup, ElementaryFile};
use tapid_mrtd::mrz::{AccessKey, MrzKey};
use tapid_mrtd::pa::{HashStatus, PaStatus};
use tapid_mrtd::reader::report::{AccessProtocol, ChipFailure, ChipStatus};
use tapid_mrtd::reader::{ReadError, ReadOptions, Verification, VerifiedRead, read};
use tapid_test_support::read::{no_trust, pinned, read_pinned};

/// No trust anchors, at the pinned time: passive authentication runs and ends "untrusted", so
/// nothing the chip proves counts (these tests are about reading, not about trust).
fn verification() -> Verification<'static> {
    pinned(no_trust())
}

fn key() -> AccessKey {
    AccessKey::Mrz(MrzKey::new("L898902C3", "740812", "120415").unwrap())
}

async fn read_with(config: ChipConfig) -> VerifiedRead {
    let mut t = transport("bac", config, b"chip").unwrap();
    read_pinned(
        &mut t,
        &key(),
        &ReadOptions::default(),
        no_trust(),
        b"terminal",
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn reads_the_specimen() {
    let out = read_with(ChipConfig::default()).await;
    let r = out.report();
    assert_eq!(r.access.protocol, AccessProtocol::Bac);
    assert_eq!(r.document.document_number, "L898902C3");
    assert_eq!(r.document.primary_identifier, "ERIKSSON");
    assert_eq!(r.document.secondary_identifier, "ANNA MARIA");
    assert_eq!(r.document.date_of_birth, "1974-08-12");
    assert_eq!(r.document.date_of_expiry, "2012-04-15");
    assert_eq!(r.document.sex, "F");
    assert_eq!(r.document.optional_data, "ZE184226B");
    assert!(r.files["DG2"].size > 20_000);
    assert!(out.files().contains_key(&ElementaryFile::Sod));
    // EF.SOD lists the data groups, so EF.COM is not needed and not read.
    assert!(r.lds.is_none());
    assert!(!out.files().contains_key(&ElementaryFile::Com));
    assert_eq!(r.absent, vec!["DG15"]);
    let dg11 = r.data.dg11.as_ref().unwrap();
    assert_eq!(dg11.full_name.as_ref().unwrap().primary, "ERIKSSON");
    assert_eq!(
        r.data.dg12.as_ref().unwrap().date_of_issue.as_deref(),
        Some("20020416")
    );
    assert_eq!(r.data.dg2.as_ref().unwrap().faces.len(), 1);
    assert!(r.data.errors.is_empty());
    // CA ran and passed on the DG14 key; without a trusted CSCA passive authentication is
    // untrusted, so it does not count: the only "failure" is that DG14 is not trusted.
    assert_eq!(r.passive_authentication.status, PaStatus::Untrusted);
    assert_eq!(r.files["DG14"].hash, Some(HashStatus::Match));
    let not_trusted = ChipFailure::KeyFileNotTrusted {
        file: "DG14".into(),
    };
    let ca = r.chip_authenticity.ca.as_ref().unwrap();
    assert_eq!(ca.status, ChipStatus::NotPerformed, "{}", ca.detail);
    assert_eq!(ca.failure, Some(not_trusted.clone()));
    assert_eq!(r.chip_authenticity.status, ChipStatus::NotPerformed);
    assert_eq!(r.chip_authenticity.failures, vec![not_trusted]);
    let json = serde_json::to_value(r).unwrap();
    assert_eq!(json["access"]["cipher"], "3DES");
    assert_eq!(json["files"]["DG1"]["size"], 93);
}

#[tokio::test]
async fn extended_length_cuts_apdus() {
    // The APDUs DG2 costs: a read with DG2 minus the same read without it.
    async fn dg2_cost(extended_length: bool) -> (usize, tapid_mrtd::reader::Report) {
        let mut counts = Vec::new();
        let mut last = None;
        for groups in [vec![], vec![DataGroup::DG2]] {
            let mut t = transport("bac", ChipConfig { extended_length }, b"chip").unwrap();
            let opts = ReadOptions {
                data_groups: groups,
                ..ReadOptions::default()
            };
            let out = read_pinned(&mut t, &key(), &opts, no_trust(), b"t")
                .await
                .unwrap();
            counts.push(out.report().transport.as_ref().unwrap().apdus);
            last = Some(out.report().clone());
        }
        (counts[1] - counts[0], last.unwrap())
    }
    let (ext_cost, ext) = dg2_cost(true).await;
    let (short_cost, short) = dg2_cost(false).await;
    let (ext_t, short_t) = (ext.transport.unwrap(), short.transport.unwrap());
    assert!(ext_t.extended_length);
    assert!(!short_t.extended_length);
    assert_eq!(short_t.max_read, 223);
    let dg2 = short.files["DG2"].size;
    // The first READ BINARY (by short EF identifier, which also selects the file) already asks
    // for a whole 223-byte block: the file costs exactly its size in blocks.
    assert_eq!(short_cost, dg2.div_ceil(223));
    // With extended length the whole file in one READ BINARY.
    assert_eq!(
        ext_cost, 1,
        "extended-length DG2 read took {ext_cost} APDUs"
    );
    assert!(ext_t.max_read > 20_000);
}

#[tokio::test]
async fn wrong_mrz_is_access_denied() {
    let mut t = transport("bac", ChipConfig::default(), b"chip").unwrap();
    let wrong = AccessKey::Mrz(MrzKey::new("L898902C3", "740812", "120416").unwrap());
    let err = read_pinned(&mut t, &wrong, &ReadOptions::default(), no_trust(), b"t")
        .await
        .unwrap_err();
    assert!(matches!(err, ReadError::AccessDenied), "{err}");
}

#[tokio::test]
async fn recorded_session_replays_identically() {
    let inner = transport("bac", ChipConfig::default(), b"chip").unwrap();
    let rec = Recorder::new(inner.capabilities(), BTreeMap::new());
    let mut t = rec.transport(inner);
    let mut rng = rec.rng(SeededRng::new(b"terminal"));
    let first = read(
        &mut t,
        &key(),
        &ReadOptions::default(),
        &verification(),
        &mut rng,
        &mut |_| {},
    )
    .await
    .unwrap();

    let transcript = Transcript::parse(&rec.to_jsonl()).unwrap();
    let mut rt = transcript.transport();
    let mut rrng = transcript.rng();
    let again = read(
        &mut rt,
        &key(),
        &ReadOptions::default(),
        &verification(),
        &mut rrng,
        &mut |_| {},
    )
    .await
    .unwrap();
    assert_eq!(first.report(), again.report());
    assert_eq!(first.files(), again.files());
    assert!(rt.is_finished());
    assert_eq!(
        transcript.header.capabilities,
        TransportCapabilities::EXTENDED
    );
}

#[tokio::test]
async fn only_requested_groups_are_read() {
    let mut t = transport("bac", ChipConfig::default(), b"chip").unwrap();
    let opts = ReadOptions {
        data_groups: vec![],
        ..ReadOptions::default()
    };
    let out = read_pinned(&mut t, &key(), &opts, no_trust(), b"t")
        .await
        .unwrap();
    assert!(
        !out.files()
            .contains_key(&ElementaryFile::Dg(DataGroup::DG2))
    );
    let opts = ReadOptions {
        data_groups: vec![DataGroup::new(15).unwrap()],
        ..ReadOptions::default()
    };
    let mut t = transport("bac", ChipConfig::default(), b"chip").unwrap();
    let out = read_pinned(&mut t, &key(), &opts, no_trust(), b"t")
        .await
        .unwrap();
    assert_eq!(out.report().absent, vec!["DG15".to_owned()]);
    assert!(
        !out.files()
            .contains_key(&ElementaryFile::Dg(DataGroup::DG2))
    );
}

/// Every BAC profile (specimen and Swedish) opens with its MRZ, with short and extended APDUs,
/// and runs the chip authentication its catalogue entry names.
#[tokio::test]
async fn every_bac_profile_reads_with_its_mrz() {
    let profiles: Vec<_> = tapid_emulator::profile::list()
        .into_iter()
        .filter(|p| p.protocol == "BAC")
        .collect();
    let names: Vec<&str> = profiles.iter().map(|p| p.name).collect();
    assert_eq!(names, ["bac", "aa-rsa-bac", "se-passport-bac", "se-id-bac"]);
    for info in profiles {
        let profile = tapid_emulator::Profile::named(info.name).unwrap();
        let key = AccessKey::Mrz(profile.mrz_key().unwrap());
        for extended_length in [true, false] {
            let mut t = transport(info.name, ChipConfig { extended_length }, b"chip").unwrap();
            let trust = tapid_emulator::pki::test_trust_store().unwrap();
            let out = read_pinned(&mut t, &key, &ReadOptions::default(), &trust, b"t")
                .await
                .unwrap();
            let r = out.report();
            assert_eq!(r.access.protocol, AccessProtocol::Bac, "{}", info.name);
            assert_eq!(r.access.cipher.name(), "3DES", "{}", info.name);
            assert!(!out.files().contains_key(&ElementaryFile::CardAccess));
            let (format, state) = match info.name {
                "se-id-bac" => ("TD1", "SWE"),
                "se-passport-bac" => ("TD3", "SWE"),
                _ => ("TD3", "UTO"),
            };
            assert_eq!(r.document.format, format, "{}", info.name);
            assert_eq!(r.document.issuing_state, state, "{}", info.name);
            // Each offered protocol ran and passed, with passive authentication behind it.
            let c = &r.chip_authenticity;
            assert_eq!(c.ca.is_some(), info.chip_authentication.contains("CA"));
            assert_eq!(c.aa.is_some(), info.chip_authentication.contains("AA"));
            for check in [&c.ca, &c.aa].into_iter().flatten() {
                assert_eq!(
                    check.status,
                    ChipStatus::Valid,
                    "{}: {}",
                    info.name,
                    check.detail
                );
            }
        }
    }
}
