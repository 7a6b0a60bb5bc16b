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
//! sends at most `2 × genuine + 64` APDUs (genuine: the genuine chip's read with short APDUs,
//! the longer one — a mangled EF.ATR/INFO rightly turns extended length off, as the second
//! smoke run found), and a read whose verdict is valid read what the
//! genuine chip's signatures cover ([`vouched`]): every data group byte for byte, and of EF.SOD
//! and EF.CardSecurity the signed content and signature. Accepted when the read completes with
//! a report.
//!
//! Not byte for byte: the parts of a file no signature covers, which a chip (or an attacker
//! between it and the reader) may change without changing what a valid verdict vouches for —
//! CMS leaves a SignedData's version, digestAlgorithms, certificate and CRL sets unsigned,
//! and EF.COM and EF.CardAccess are unsigned files (the verdict requires them consistent with
//! the signed data, see [`valid`]). The first smoke campaign found a flipped bit in an EF.SOD's
//! digestAlgorithms under a valid verdict (`fuzz/regressions/chip/`).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use async_trait::async_trait;
use tapid_card::{CardTransport, TransportCapabilities, TransportError};
use tapid_emulator::{Chip, ChipConfig, EmulatorTransport, Profile};
use tapid_mrtd::lds::card_security::CardSecurity;
use tapid_mrtd::lds::sod::Sod;
use tapid_mrtd::lds::{DataGroup, ElementaryFile};
use tapid_mrtd::mrz::AccessKey;
use tapid_mrtd::pa::{PaStatus, SignedData, TrustStore};
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

/// What a valid verdict vouches for in file `ef` read as `bytes`: a data group whole (EF.SOD
/// holds its hash); of EF.SOD and EF.CardSecurity the eContent, the first SignerInfo's signed
/// attributes and its signature (`None` when it does not parse: then the whole file); nothing
/// of the unsigned EF.COM and EF.CardAccess.
fn vouched(ef: ElementaryFile, bytes: &[u8]) -> Vouched {
    let signed = |sd: &SignedData| {
        sd.signer_info().ok().map(|si| {
            (
                sd.content_type.to_string(),
                sd.content.clone(),
                si.signed_attrs.as_ref().map(|a| a.der_set.clone()),
                si.signature.clone(),
            )
        })
    };
    let parsed = match ef {
        ElementaryFile::Com | ElementaryFile::CardAccess | ElementaryFile::AtrInfo => {
            return Vouched::Unsigned;
        }
        ElementaryFile::Sod => Sod::parse(bytes).ok().and_then(|s| signed(s.signed_data())),
        ElementaryFile::CardSecurity => CardSecurity::parse(bytes)
            .ok()
            .and_then(|c| signed(c.signed_data())),
        ElementaryFile::Dg(_) => None,
    };
    parsed.map_or_else(|| Vouched::Bytes(bytes.to_vec()), Vouched::Signed)
}

/// The part of a file a valid verdict vouches for (see [`vouched`]).
#[derive(Debug, PartialEq, Eq)]
enum Vouched {
    /// The whole file.
    Bytes(Vec<u8>),
    /// A SignedData's eContentType, eContent, signed attributes and signature.
    Signed((String, Vec<u8>, Option<Vec<u8>>, Vec<u8>)),
    /// An unsigned file.
    Unsigned,
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
    // Short APDUs need the most exchanges; a mutation may rightly force them (an unreadable
    // EF.ATR/INFO leaves the reader without the chip's extended-length buffer sizes).
    let most = genuine
        .reference
        .iter()
        .map(|r| r.apdus)
        .max()
        .unwrap_or(reference.apdus);
    let limit = 2 * most + 64;
    let mut link = Link::new(chip, wire, limit);
    let Some(result) = run(&mut link, &genuine.key) else {
        return Outcome::Violation("the read did not finish (a future left pending)".into());
    };
    if link.exceeded {
        return Outcome::Violation(format!(
            "more than {limit} APDUs (the genuine read takes {}, with short APDUs {most})",
            reference.apdus
        ));
    }
    let Ok(read) = result else {
        return Outcome::Rejected;
    };
    if valid(&read) {
        for (ef, bytes) in read.files() {
            let genuine = reference.files.get(ef).map(|g| vouched(*ef, g));
            if genuine != Some(vouched(*ef, bytes)) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_verdict_vouches_for_signed_sod_parts_and_whole_data_groups_only() {
        let profile = Profile::named("bac").unwrap();
        let sod = profile.files.get(ElementaryFile::Sod).unwrap().to_vec();
        let genuine = vouched(ElementaryFile::Sod, &sod);
        assert!(matches!(genuine, Vouched::Signed(_)));
        // Byte 44: the last byte of SHA-256's OID in SignedData.digestAlgorithms (unsigned),
        // what the first smoke campaign flipped.
        let mut unsigned = sod.clone();
        unsigned[44] ^= 0x20;
        assert_eq!(vouched(ElementaryFile::Sod, &unsigned), genuine);
        // A byte of the LDSSecurityObject (the signed eContent).
        let content = Sod::parse(&sod).unwrap().signed_data().content.clone();
        let at = sod
            .windows(content.len())
            .position(|w| w == content)
            .unwrap();
        let mut signed = sod.clone();
        signed[at + content.len() / 2] ^= 0x01;
        assert_ne!(vouched(ElementaryFile::Sod, &signed), genuine);
        let dg1 = profile
            .files
            .get(ElementaryFile::Dg(DataGroup::new(1).unwrap()))
            .unwrap();
        let dg = ElementaryFile::Dg(DataGroup::new(1).unwrap());
        let mut changed = dg1.to_vec();
        changed[10] ^= 0x01;
        assert_ne!(vouched(dg, dg1), vouched(dg, &changed));
        assert_eq!(
            vouched(ElementaryFile::Com, b"anything"),
            vouched(ElementaryFile::Com, b"else")
        );
    }
}
