//! Random damage to one response of a full read, many times over: the reader never panics,
//! and a read that still completes either reports the chip's real data as valid or says
//! "invalid" (secure messaging MACs leave no room for silently altered bytes).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use async_trait::async_trait;
use rand_core::Rng;
use tapid_card::{CardTransport, TransportCapabilities, TransportError};
use tapid_emulator::pki::drbg::SeededRng;
use tapid_emulator::pki::test_trust_store;
use tapid_emulator::{Chip, ChipConfig, EmulatorTransport, Profile};
use tapid_mrtd::lds::ElementaryFile;
use tapid_mrtd::mrz::AccessKey;
use tapid_mrtd::pa::PaStatus;
use tapid_mrtd::reader::ReadOptions;
use tapid_mrtd::reader::report::{ChipStatus, Coverage, DowngradeStatus};
use tapid_test_support::read::read_pinned;

/// Flips, drops or appends bytes in the answer to exchange `at`.
struct Mangler {
    chip: EmulatorTransport,
    at: usize,
    n: usize,
    rng: SeededRng,
}

#[async_trait]
impl CardTransport for Mangler {
    async fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        let mut r = self.chip.transmit(command).await?;
        let n = self.n;
        self.n += 1;
        if n == self.at && !r.is_empty() {
            match self.rng.next_u32() % 3 {
                0 => {
                    let i = self.rng.next_u32() as usize % r.len();
                    r[i] ^= 1 << (self.rng.next_u32() % 8);
                }
                1 => {
                    let keep = self.rng.next_u32() as usize % r.len();
                    r.truncate(keep);
                }
                _ => {
                    let extra = 1 + self.rng.next_u32() as usize % 8;
                    let at = self.rng.next_u32() as usize % r.len();
                    for _ in 0..extra {
                        r.insert(at, self.rng.next_u32() as u8);
                    }
                }
            }
        }
        Ok(r)
    }

    fn capabilities(&self) -> TransportCapabilities {
        self.chip.capabilities()
    }

    // The chip's historical bytes announce its extended-length support.
    fn historical_bytes(&self) -> Option<Vec<u8>> {
        self.chip.historical_bytes()
    }
}

#[tokio::test]
async fn damaged_answers_never_panic_or_pass_as_valid_data() {
    let trust = test_trust_store().unwrap();
    // 2027-01-15, inside every test certificate's validity.
    for name in [
        "bac",
        "pace-gm-bp256-aes128",
        "pace-cam-bp256-aes128",
        "pace-ca-aa",
    ] {
        let profile = Profile::named(name).unwrap();
        let key = AccessKey::Mrz(profile.mrz_key().unwrap());
        let chip =
            || EmulatorTransport::new(Chip::new(&profile, ChipConfig::default(), b"chip").unwrap());
        let options = ReadOptions {
            aa_challenge: Some(*b"fuzzfuzz"),
            ..ReadOptions::default()
        };
        let reference = read_pinned(&mut chip(), &key, &options, &trust, b"t")
            .await
            .unwrap();
        let exchanges = reference.report().transport.as_ref().unwrap().apdus;
        for round in 0..(exchanges * 6) {
            let mut t = Mangler {
                chip: chip(),
                at: round % exchanges,
                n: 0,
                rng: SeededRng::new(&(round as u64).to_be_bytes()),
            };
            let Ok(out) = read_pinned(&mut t, &key, &options, &trust, b"t").await else {
                continue;
            };
            let r = out.report();
            let valid = r.passive_authentication.status == PaStatus::Valid
                && r.chip_authenticity.status == ChipStatus::Valid
                && r.downgrade.status != DowngradeStatus::Detected
                && !r
                    .unsigned_files
                    .values()
                    .any(|c| *c == Coverage::Inconsistent);
            if valid {
                // A completed, valid read despite the damage: only possible where nothing
                // protected was hit; every signed file must be the chip's own (unsigned ones —
                // EF.ATR/INFO, EF.CardAccess outside its signed PACEInfos — carry no verdict).
                let signed = |files: &std::collections::BTreeMap<ElementaryFile, Vec<u8>>| {
                    files
                        .iter()
                        .filter(|(ef, _)| {
                            matches!(
                                ef,
                                ElementaryFile::Sod
                                    | ElementaryFile::Dg(_)
                                    | ElementaryFile::CardSecurity
                            )
                        })
                        .map(|(ef, b)| (*ef, b.clone()))
                        .collect::<Vec<_>>()
                };
                assert_eq!(
                    signed(out.files()),
                    signed(reference.files()),
                    "{name} round {round}"
                );
            } else {
                // Damage on protected answers ends the read with an error; what completes
                // damaged was hit where the answers are plain (EF.ATR/INFO, EF.CardAccess: then
                // the signed DG14 shows the downgrade or the edit) or right after Chip
                // Authentication (exactly like a clone that cannot use the new keys). Either
                // way the verdict says so.
                assert!(
                    r.chip_authenticity.status == ChipStatus::Invalid
                        || r.downgrade.status == DowngradeStatus::Detected
                        || r.unsigned_files
                            .values()
                            .any(|c| *c == Coverage::Inconsistent),
                    "{name} round {round}: {:?} {:?}",
                    r.chip_authenticity.status,
                    r.downgrade
                );
            }
        }
    }
}
