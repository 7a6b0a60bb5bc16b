//! The structure-aware chip target: the whole reader session (`tapid_mrtd::reader::read`:
//! access control, secure messaging, file reads, CA/AA, passive authentication, the verdict)
//! against a genuine emulated chip (`tapid-emulator`) whose answers the input mutates.
//!
//! Input: one flags byte, then operations of five bytes `[sel, kind, pos_hi, pos_lo, val]`.
//!
//! * flags bits 0–1: the profile ([`PROFILES`]; 3 is the first again); bit 2: a chip without
//!   extended length (short APDUs, more of them); bit 3: the layer the operations act on —
//!   clear: the **wire** (the answer to exchange `sel`, as bytes on the link: secure messaging
//!   protects what follows access control), set: the **document** (file `sel` of the chip's
//!   file system before the chip is built: the chip then serves the edited file under valid
//!   secure messaging, and only passive authentication stands between it and a verdict).
//! * `kind % 6`: 0 XOR the byte at `pos` with `val` (1 when `val` is 0), 1 truncate to `pos`,
//!   2 insert `val` at `pos`, 3 set the byte at `pos` to `val`, 4 wire: replace the answer
//!   with the status word `pos` / document: remove the file, 5 wire: replace the answer with
//!   the previous exchange's / document: replace the file with file `val`'s bytes.
//!
//! Asserted (else [`Outcome::Violation`]): the read completes (no future left pending), it
//! sends at most `2 × genuine + 64` APDUs, and a read whose verdict is valid read exactly the
//! genuine chip's bytes in every file. Accepted when the read completes with a report.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use async_trait::async_trait;
use tapid_card::{CardTransport, TransportCapabilities, TransportError};
use tapid_emulator::{Chip, ChipConfig, EmulatorTransport, Profile};
use tapid_mrtd::lds::{DataGroup, ElementaryFile};
use tapid_mrtd::mrz::AccessKey;
use tapid_mrtd::pa::{PaStatus, TrustStore};
use tapid_mrtd::reader::report::{ChipStatus, Coverage, DowngradeStatus};
use tapid_mrtd::reader::{self, ReadOptions, Verification, VerifiedRead};

use crate::Outcome;
use crate::block_on::block_on;

/// The chips: BAC with 3DES secure messaging and Chip Authentication (the ICAO specimen);
/// PACE with CA and Active Authentication; PACE-CAM on brainpoolP256r1 with AES.
pub const PROFILES: [&str; 3] = ["bac", "pace-ca-aa", "pace-cam-bp256-aes128"];

/// Most operations one input applies.
const MAX_OPS: usize = 64;

/// The seed of every emulated chip's randomness (the genuine one's and the mutated one's).
const CHIP_SEED: &[u8] = b"tapid-fuzz chip";

/// What the genuine chip gives a read.
struct Reference {
    files: BTreeMap<ElementaryFile, Vec<u8>>,
    apdus: usize,
}

struct Genuine {
    profile: Profile,
    key: AccessKey,
    /// By chip configuration: extended length on, off.
    reference: [Reference; 2],
}

static TRUST: LazyLock<TrustStore> =
    LazyLock::new(|| tapid_emulator::pki::test_trust_store().unwrap_or_default());

static GENUINE: LazyLock<Vec<Result<Genuine, String>>> =
    LazyLock::new(|| PROFILES.iter().map(|name| genuine(name)).collect());

fn options() -> ReadOptions {
    ReadOptions {
        aa_challenge: Some(*b"fuzzfuzz"),
        ..ReadOptions::default()
    }
}

fn config(short: bool) -> ChipConfig {
    ChipConfig {
        extended_length: !short,
    }
}

fn genuine(name: &str) -> Result<Genuine, String> {
    let profile = Profile::named(name).map_err(|e| e.to_string())?;
    let key = AccessKey::Mrz(profile.mrz_key().map_err(|e| e.to_string())?);
    let reference = |short: bool| -> Result<Reference, String> {
        let chip = Chip::new(&profile, config(short), CHIP_SEED).map_err(|e| e.to_string())?;
        let mut link = Link::new(chip, Vec::new(), usize::MAX);
        let read = run(&mut link, &key)
            .ok_or("the genuine read did not finish")?
            .map_err(|e| e.to_string())?;
        if !valid(&read) {
            return Err(format!("the genuine {name} chip does not read as valid"));
        }
        Ok(Reference {
            files: read.files().clone(),
            apdus: link.sent,
        })
    };
    Ok(Genuine {
        reference: [reference(false)?, reference(true)?],
        profile,
        key,
    })
}

fn run(
    link: &mut Link,
    key: &AccessKey,
) -> Option<Result<VerifiedRead, tapid_mrtd::reader::ReadError>> {
    let verification = Verification::new(&TRUST, crate::AT);
    let options = options();
    let mut rng = crate::card::terminal_rng();
    block_on(reader::read(
        link,
        key,
        &options,
        &verification,
        &mut rng,
        &mut |_| {},
    ))
}

/// A verdict a relying party would accept: passive authentication and chip authenticity
/// valid, no downgrade, no unsigned file contradicting its signed copy.
fn valid(read: &VerifiedRead) -> bool {
    let r = read.report();
    r.passive_authentication.status == PaStatus::Valid
        && r.chip_authenticity.status == ChipStatus::Valid
        && r.downgrade.status != DowngradeStatus::Detected
        && !r
            .unsigned_files
            .values()
            .any(|c| *c == Coverage::Inconsistent)
}

/// One mutation.
#[derive(Debug, Clone, Copy)]
struct Op {
    sel: u8,
    kind: u8,
    pos: u16,
    val: u8,
}

fn ops(data: &[u8]) -> Vec<Op> {
    data.chunks_exact(5)
        .take(MAX_OPS)
        .map(|c| match *c {
            [sel, kind, hi, lo, val] => Op {
                sel,
                kind: kind % 6,
                pos: u16::from_be_bytes([hi, lo]),
                val,
            },
            _ => Op {
                sel: 0,
                kind: 0,
                pos: 0,
                val: 0,
            },
        })
        .collect()
}

/// Applies the byte-level kinds (0–3) to `bytes`; `false` for the layer-specific kinds.
fn edit(bytes: &mut Vec<u8>, op: Op) -> bool {
    let pos = usize::from(op.pos);
    match op.kind {
        0 | 3 => {
            let len = bytes.len();
            if let Some(b) = pos.checked_rem(len).and_then(|i| bytes.get_mut(i)) {
                *b = match op.kind {
                    0 => *b ^ op.val.max(1),
                    _ => op.val,
                };
            }
        }
        1 => bytes.truncate(pos % (bytes.len() + 1)),
        2 => {
            let at = pos % (bytes.len() + 1);
            bytes.insert(at, op.val);
        }
        _ => return false,
    }
    true
}

/// The genuine chip behind a link whose answers the wire operations change, counting APDUs
/// and cutting the link past `limit`.
struct Link {
    chip: EmulatorTransport,
    wire: Vec<Op>,
    limit: usize,
    sent: usize,
    exceeded: bool,
    previous: Vec<u8>,
}

impl Link {
    fn new(chip: Chip, wire: Vec<Op>, limit: usize) -> Self {
        Self {
            chip: EmulatorTransport::new(chip),
            wire,
            limit,
            sent: 0,
            exceeded: false,
            previous: Vec::new(),
        }
    }
}

#[async_trait]
impl CardTransport for Link {
    async fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        let index = self.sent;
        self.sent += 1;
        if self.sent > self.limit {
            self.exceeded = true;
            return Err(TransportError::LinkLost);
        }
        let genuine = self.chip.transmit(command).await?;
        let mut answer = genuine.clone();
        for op in self.wire.iter().filter(|op| usize::from(op.sel) == index) {
            if !edit(&mut answer, *op) {
                answer = match op.kind {
                    4 => op.pos.to_be_bytes().to_vec(),
                    _ => self.previous.clone(),
                };
            }
        }
        self.previous = genuine;
        Ok(answer)
    }

    fn capabilities(&self) -> TransportCapabilities {
        self.chip.capabilities()
    }

    fn historical_bytes(&self) -> Option<Vec<u8>> {
        self.chip.historical_bytes()
    }
}

/// Every file a profile may have, in a fixed order (what document operations select from).
fn candidates() -> Vec<ElementaryFile> {
    let mut out = vec![
        ElementaryFile::CardAccess,
        ElementaryFile::CardSecurity,
        ElementaryFile::Com,
        ElementaryFile::Sod,
    ];
    out.extend((1..=16).filter_map(DataGroup::new).map(ElementaryFile::Dg));
    out
}

fn edit_document(profile: &mut Profile, ops: &[Op]) {
    let present: Vec<ElementaryFile> = candidates()
        .into_iter()
        .filter(|ef| profile.files.get(*ef).is_some())
        .collect();
    let pick = |i: u8| present.get(usize::from(i) % present.len().max(1)).copied();
    for op in ops {
        let Some(ef) = pick(op.sel) else {
            return;
        };
        let mut bytes = profile
            .files
            .get(ef)
            .map(<[u8]>::to_vec)
            .unwrap_or_default();
        if edit(&mut bytes, *op) {
            profile.files.insert(ef, bytes);
        } else if op.kind == 4 {
            profile.files.remove(ef);
        } else if let Some(other) = pick(op.val).and_then(|o| profile.files.get(o)) {
            let other = other.to_vec();
            profile.files.insert(ef, other);
        }
    }
}

/// The chip target (see the module documentation).
pub fn chip(data: &[u8]) -> Outcome {
    let Some((&flags, rest)) = data.split_first() else {
        return Outcome::Rejected;
    };
    let Some(genuine) = GENUINE.get(usize::from(flags & 3) % PROFILES.len()) else {
        return Outcome::Rejected;
    };
    let genuine = match genuine {
        Ok(g) => g,
        Err(e) => return Outcome::Violation(format!("no genuine chip: {e}")),
    };
    let short = flags & 4 != 0;
    let document = flags & 8 != 0;
    let reference = match genuine.reference.get(usize::from(short)) {
        Some(r) => r,
        None => return Outcome::Rejected,
    };
    let ops = ops(rest);
    let mut profile = genuine.profile.clone();
    let wire = if document {
        edit_document(&mut profile, &ops);
        Vec::new()
    } else {
        ops
    };
    let chip = match Chip::new(&profile, config(short), CHIP_SEED) {
        Ok(c) => c,
        Err(e) => return Outcome::Violation(format!("the chip does not start: {e}")),
    };
    let limit = 2 * reference.apdus + 64;
    let mut link = Link::new(chip, wire, limit);
    let Some(result) = run(&mut link, &genuine.key) else {
        return Outcome::Violation("the read did not finish (a future left pending)".into());
    };
    if link.exceeded {
        return Outcome::Violation(format!(
            "more than {limit} APDUs (the genuine read takes {})",
            reference.apdus
        ));
    }
    let Ok(read) = result else {
        return Outcome::Rejected;
    };
    if valid(&read) {
        for (ef, bytes) in read.files() {
            if reference.files.get(ef) != Some(bytes) {
                return Outcome::Violation(format!(
                    "a valid verdict over {} bytes of {} that are not the genuine chip's",
                    bytes.len(),
                    ef.name()
                ));
            }
        }
    }
    Outcome::Accepted
}
