//! Real published data sets served as chips from their directories.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use tapid_emulator::{Chip, ChipConfig, EmulatorTransport, chip_dir};
use tapid_mrtd::lds::DataGroup;
use tapid_mrtd::lds::biometric::ImageType;
use tapid_mrtd::mrz::AccessKey;
use tapid_mrtd::pa::{HashStatus, PaFailure, PaStatus, TrustStore};
use tapid_mrtd::reader::report::{AccessProtocol, ChipFailure, ChipMethod, ChipStatus};
use tapid_mrtd::reader::{ReadOptions, VerifiedRead};
use tapid_test_support::conformance::conformance_dir;
use tapid_test_support::read::read_pinned;

/// Read with no trusted CSCA (the published data sets come without theirs), at 2027-01-15.
async fn read_dir(rel: &str, options: &ReadOptions) -> Option<VerifiedRead> {
    let dir = conformance_dir()?.join(rel);
    let profile = chip_dir::load(&dir).unwrap();
    let key = AccessKey::Mrz(profile.mrz_key().unwrap());
    let mut t =
        EmulatorTransport::new(Chip::new(&profile, ChipConfig::default(), b"chip").unwrap());
    let trust = TrustStore::new();
    let out = read_pinned(&mut t, &key, options, &trust, b"t")
        .await
        .unwrap();
    Some(out)
}

/// A check that passed but whose key file PA did not establish trust in.
fn not_trusted(file: &str) -> Option<ChipFailure> {
    Some(ChipFailure::KeyFileNotTrusted { file: file.into() })
}

/// A check that passed but whose key file is not covered by a valid EF.SOD.
fn not_verified(file: &str) -> Option<ChipFailure> {
    Some(ChipFailure::KeyFileNotVerified { file: file.into() })
}

#[tokio::test]
async fn bsi_reference_chip_runs_ca_and_aa_with_its_own_keys() {
    // DG15 is not in the BSI SOD, so it is read only on request; PA then flags it.
    let options = ReadOptions {
        read_unlisted: true,
        ..ReadOptions::default()
    };
    let Some(out) = read_dir("bsi-tr03105-reference", &options).await else {
        return;
    };
    let r = out.report();
    assert_eq!(r.document.primary_identifier, "MUSTERMANN");
    assert_eq!(r.document.document_number, "C11T002JM");
    assert_eq!(r.access.protocol, AccessProtocol::Bac);
    let ca = r.chip_authenticity.ca.as_ref().unwrap();
    // The chip proved the DG14 key (no CA failure of its own); it only does not count: DG14
    // matches the validly signed EF.SOD, but PA is invalid (the unsigned DG15, the expired
    // signer), so trust in DG14 is not established.
    assert_eq!(r.passive_authentication.status, PaStatus::Invalid);
    assert_eq!(
        ca.failure,
        Some(ChipFailure::KeyFileNotTrusted {
            file: "DG14".into()
        }),
        "{}",
        ca.detail
    );
    // brainpoolP224r1 with explicit parameters in DG14, 3DES secure messaging afterwards.
    assert!(ca.detail.contains("3DES"), "{}", ca.detail);
    let aa = r.chip_authenticity.aa.as_ref().unwrap();
    // The signature verifies with the DG15 key; DG15 itself is not signed.
    assert_eq!(aa.failure, not_verified("DG15"), "{}", aa.detail);
    assert!(aa.detail.starts_with("RSA-1024"), "{}", aa.detail);
    assert_eq!(r.files["DG15"].hash, Some(HashStatus::NotInSod));
    for dg in ["DG1", "DG2", "DG14"] {
        assert_eq!(r.files[dg].hash, Some(HashStatus::Match), "{dg}");
    }
    // No trusted CSCA and an unsigned DG15: nothing here may count as proven.
    assert_ne!(r.chip_authenticity.status, ChipStatus::Valid);
    let face = &r.data.dg2.as_ref().unwrap().faces[0];
    assert_eq!(face.image_type, ImageType::Jpeg2000);
}

#[tokio::test]
async fn bsi_reference_with_only_signed_groups_is_consistent_but_not_trusted() {
    let Some(out) = read_dir("bsi-tr03105-reference", &ReadOptions::default()).await else {
        return;
    };
    let r = out.report();
    assert_eq!(r.absent, vec!["DG11", "DG12", "DG15"]);
    // Its DS certificate expired in 2014 (invalid under the default shell model) and its CSCA
    // is in no trust store; the hashes match and the signature holds.
    let pa = &r.passive_authentication;
    assert_eq!(pa.status, PaStatus::Invalid);
    assert!(
        matches!(
            pa.failures[..],
            [
                PaFailure::SignerExpired { .. },
                PaFailure::CscaNotTrusted { .. }
            ]
        ),
        "{:?}",
        pa.failures
    );
    // CA passed, but without a trusted CSCA its DG14 key is not proven to be this document's.
    let ca = r.chip_authenticity.ca.as_ref().unwrap();
    assert_eq!(ca.status, ChipStatus::NotPerformed, "{}", ca.detail);
    assert_eq!(ca.failure, not_trusted("DG14"));
    assert_eq!(r.chip_authenticity.status, ChipStatus::NotPerformed);
}

#[tokio::test]
async fn fingerprints_and_iris_are_eac_protected() {
    let groups = [2, 3, 4, 14]
        .into_iter()
        .filter_map(DataGroup::new)
        .collect();
    let options = ReadOptions {
        data_groups: groups,
        ..ReadOptions::default()
    };
    let Some(out) = read_dir("bsi-tr03105-reference", &options).await else {
        return;
    };
    let r = out.report();
    assert_eq!(r.eac_protected, vec!["DG3", "DG4"]);
    assert!(!r.files.contains_key("DG3") && !r.files.contains_key("DG4"));
    assert_eq!(r.files["DG2"].hash, Some(HashStatus::Match));
}

#[tokio::test]
async fn nl_specimen_without_aa_key_is_a_clone() {
    let Some(out) = read_dir("nl-specimen-2006", &ReadOptions::default()).await else {
        return;
    };
    let r = out.report();
    assert_eq!(r.document.primary_identifier, "MEULENDIJK");
    // Its DS certificate expired in 2011: invalid under the default shell model.
    assert_eq!(r.passive_authentication.status, PaStatus::Invalid);
    // The published files come without the chip's AA private key: the emulated chip cannot
    // answer INTERNAL AUTHENTICATE, exactly like a clone.
    assert_eq!(r.chip_authenticity.method, Some(ChipMethod::Aa));
    assert_eq!(r.chip_authenticity.status, ChipStatus::Invalid);
    assert!(r.data.dg2.as_ref().unwrap().faces[0].image.len() > 10_000);
}
