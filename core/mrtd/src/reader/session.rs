//! The reader session: open the chip, read the files the caller asks for, run chip
//! authentication, and hand the raw facts to the verdict. Nothing here decides a verdict.

use std::collections::BTreeMap;

use tapid_card::{CardTransport, StatusWord, TransportError};

use super::access::{self, AccessPolicy};
use super::channel::{Channel, ExtendedLength, TrafficStats};
use super::error::{Progress, ReadError};
use super::evidence::{AaRecord, CaRecord};
use super::files::{self, ReadPolicy, Selected, SfiRead};
use super::report::{AccessReport, ChallengeSource};
use super::run_aa;
use super::run_ca::{self, CaState};
use super::verdict::Parsed;
use crate::lds::com::EfCom;
use crate::lds::{DataGroup, ElementaryFile};
use crate::mrz::AccessKey;
use crate::pace::CamEvidence;

/// What to read and how.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Data groups to read besides DG1 (always read); only those EF.SOD lists are read.
    pub data_groups: Vec<DataGroup>,
    /// Use extended length when the chip announces it and the transport carries it.
    pub extended_length: bool,
    /// Cap on the READ BINARY block size (for slow or fussy links).
    pub max_block: Option<usize>,
    /// Fall back to BAC when PACE fails, and accept a BAC read of a chip whose signed data
    /// lists PACE (off by default: a failed PACE is an error and such a read a downgrade).
    pub allow_bac_fallback: bool,
    /// Run PACE on explicit domain parameters from EF.CardAccess (unsigned; checked before
    /// use). Off by default: only the standardized parameter IDs.
    pub allow_explicit_pace_parameters: bool,
    /// Run Chip Authentication when DG14 offers it (and PACE-CAM did not already prove the chip).
    pub chip_authentication: bool,
    /// Run Active Authentication when DG15 is read.
    pub active_authentication: bool,
    /// The Active Authentication challenge, e.g. issued by a server to bind the signature to a
    /// transaction; random when `None`.
    pub aa_challenge: Option<[u8; 8]>,
    /// Also read requested data groups EF.SOD does not list (they fail passive
    /// authentication, but e.g. let Active Authentication run on test documents).
    pub read_unlisted: bool,
    /// Read EF.SOD for passive authentication.
    pub read_sod: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            data_groups: [2, 11, 12, 14, 15]
                .into_iter()
                .filter_map(DataGroup::new)
                .collect(),
            extended_length: true,
            max_block: None,
            allow_bac_fallback: false,
            allow_explicit_pace_parameters: false,
            chip_authentication: true,
            active_authentication: true,
            aa_challenge: None,
            read_unlisted: false,
            read_sod: true,
        }
    }
}

/// A step of the read, for progress display.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProgressEvent {
    /// Running access control (`BAC` or `PACE`).
    Authenticating(&'static str),
    /// Bytes of a file arrived.
    Reading {
        /// File name.
        file: String,
        /// Bytes read so far.
        done: usize,
        /// File size.
        total: usize,
    },
    /// A file is complete.
    FileDone(String),
}

/// The raw facts of a completed session, before any verdict.
pub(crate) struct Session {
    pub access: AccessReport,
    pub cam: Option<CamEvidence>,
    pub files: BTreeMap<ElementaryFile, Vec<u8>>,
    pub parsed: Parsed,
    pub lds: Option<EfCom>,
    pub absent: Vec<String>,
    pub eac_protected: Vec<String>,
    pub ca: Option<CaRecord>,
    pub aa: Option<AaRecord>,
    pub stats: TrafficStats,
    pub max_read: usize,
    pub extended: bool,
}

/// Runs a session over `transport`, continuing from `state` (a resumed read). On a lost link
/// the error carries everything read so far.
pub(crate) async fn run<T, R>(
    transport: &mut T,
    key: &AccessKey,
    options: &ReadOptions,
    rng: &mut R,
    progress: &mut (dyn FnMut(ProgressEvent) + Send),
    mut state: Progress,
) -> Result<Session, ReadError>
where
    T: CardTransport + ?Sized,
    R: rand_core::CryptoRng + Send + ?Sized,
{
    let mut ch = Channel::new(transport);
    match drive(&mut ch, key, options, rng, progress, &mut state).await {
        Err(ReadError::Transport(TransportError::LinkLost)) => {
            Err(ReadError::LinkLost { progress: state })
        }
        other => other,
    }
}

async fn drive<T, R>(
    ch: &mut Channel<'_, T>,
    key: &AccessKey,
    options: &ReadOptions,
    rng: &mut R,
    progress: &mut (dyn FnMut(ProgressEvent) + Send),
    state: &mut Progress,
) -> Result<Session, ReadError>
where
    T: CardTransport + ?Sized,
    R: rand_core::CryptoRng + Send + ?Sized,
{
    let (extended, chip_max) =
        access::extended_length(ch, options.extended_length, &mut state.files).await?;
    ch.set_extended_length(extended);
    let caps = ch.transport().capabilities();
    let max_response = chip_max.map_or(caps.max_response_len, |m| m.min(caps.max_response_len));
    let mut policy = ReadPolicy::new(
        extended == ExtendedLength::Available,
        max_response,
        options.max_block,
    );
    let opened = access::open(
        ch,
        key,
        AccessPolicy {
            allow_bac_fallback: options.allow_bac_fallback,
            allow_explicit_pace_parameters: options.allow_explicit_pace_parameters,
        },
        &mut policy,
        rng,
        &mut state.files,
        &mut |p| progress(ProgressEvent::Authenticating(p)),
    )
    .await?;
    let mut parsed = Parsed::default();
    parsed.card_access = opened.card_access;
    let mut absent = Vec::new();
    let mut protected = Vec::new();

    // EF.SOD first: it lists the data groups the chip really has (EF.COM is unsigned).
    if options.read_sod {
        read_file(ch, ElementaryFile::Sod, &mut policy, progress, state).await?;
    }
    parsed.parse_sod(state.files.get(&ElementaryFile::Sod).map(Vec::as_slice));
    let listed: Option<Vec<u8>> = parsed
        .sod()
        .map(|s| s.dg_hashes().iter().map(|(n, _)| *n).collect());
    let mut lds: Option<EfCom> = None;
    let listed = match listed {
        Some(l) => l,
        None => {
            // Without a usable SOD, EF.COM is the only hint of what exists.
            read_file(ch, ElementaryFile::Com, &mut policy, progress, state).await?;
            lds = state
                .files
                .get(&ElementaryFile::Com)
                .and_then(|b| EfCom::parse(b).ok());
            lds.as_ref()
                .map(|c| c.data_groups.clone())
                .unwrap_or_else(|| (1..=16).collect())
        }
    };

    // DG1, then DG14 so Chip Authentication switches keys before the large files.
    let dg14 = DataGroup::new(14).unwrap_or(DataGroup::DG1);
    let mut wanted: Vec<DataGroup> = vec![DataGroup::DG1];
    if options.data_groups.contains(&dg14) {
        wanted.push(dg14);
    }
    for dg in &options.data_groups {
        if !wanted.contains(dg) {
            wanted.push(*dg);
        }
    }
    let mut ca = CaState::NotRun;
    for dg in wanted {
        let ef = ElementaryFile::Dg(dg);
        if dg != DataGroup::DG1 && !listed.contains(&dg.number()) && !options.read_unlisted {
            absent.push(ef.name());
            continue;
        }
        let result = read_file(ch, ef, &mut policy, progress, state).await;
        let Some(file_state) = run_ca::settle(ch, &mut ca, result).await? else {
            // The chip failed under the Chip Authentication keys: nothing more counts.
            break;
        };
        match file_state {
            FileState::Read => {}
            FileState::Absent if dg == DataGroup::DG1 => {
                return Err(ReadError::Chip {
                    command: "SELECT DG1",
                    sw: StatusWord::FILE_NOT_FOUND,
                });
            }
            // EF.SOD says the file exists: a chip that hides it is not giving the whole document.
            FileState::Absent if listed.contains(&dg.number()) => {
                return Err(ReadError::ListedFileMissing { file: ef.name() });
            }
            FileState::Absent => absent.push(ef.name()),
            FileState::Protected => protected.push(ef.name()),
        }
        if dg == dg14 && opened.cam.is_none() && options.chip_authentication {
            // DG14 is parsed once, here; the verdict uses the same parse.
            parsed.parse_dg14(state.files.get(&ef).map(Vec::as_slice));
            if let Some(infos) = parsed.dg14() {
                ca = run_ca::start(ch, infos, rng).await?;
            }
        }
    }
    // Nothing after CA confirmed it (DG14 was the last file, or a resumed read had every file
    // already): ask once, before anything from this chip is trusted.
    run_ca::confirm(ch, &mut ca).await?;

    let dg15 = ElementaryFile::Dg(DataGroup::new(15).unwrap_or(DataGroup::DG1));
    let aa = match state.files.contains_key(&dg15) {
        true if options.active_authentication && !ca.failed_under_new_keys() => {
            let (challenge, source) = match options.aa_challenge {
                Some(c) => (c, ChallengeSource::Server),
                None => {
                    let mut c = [0u8; 8];
                    rng.fill_bytes(&mut c);
                    (c, ChallengeSource::Device)
                }
            };
            Some(run_aa::run(ch, challenge, source).await?)
        }
        _ => None,
    };

    let stats = ch.stats();
    Ok(Session {
        access: opened.report,
        cam: opened.cam,
        files: std::mem::take(&mut state.files),
        parsed,
        lds,
        absent,
        eac_protected: protected,
        ca: match ca {
            CaState::Ended(record) => Some(record),
            _ => None,
        },
        aa,
        stats,
        max_read: policy.max_read(),
        extended: policy.extended(),
    })
}

/// What happened when a file was asked for.
enum FileState {
    /// Read completely.
    Read,
    /// The chip has no such file.
    Absent,
    /// The chip refuses access (EAC-protected data groups such as DG3/DG4).
    Protected,
}

/// DG3 (fingerprints) and DG4 (iris) need Extended Access Control; a chip refusing them is
/// expected. Refusing any other file is an error, so a chip cannot hide EF.SOD that way.
fn eac_protected(ef: ElementaryFile) -> bool {
    matches!(ef, ElementaryFile::Dg(dg) if matches!(dg.number(), 3 | 4))
}

fn refused(ef: ElementaryFile, command: &'static str) -> Result<FileState, ReadError> {
    if eac_protected(ef) {
        Ok(FileState::Protected)
    } else {
        Err(ReadError::Chip {
            command,
            sw: StatusWord::SECURITY_STATUS_NOT_SATISFIED,
        })
    }
}

async fn read_file<T: CardTransport + ?Sized>(
    ch: &mut Channel<'_, T>,
    ef: ElementaryFile,
    policy: &mut ReadPolicy,
    progress: &mut (dyn FnMut(ProgressEvent) + Send),
    state: &mut Progress,
) -> Result<FileState, ReadError> {
    if state.files.contains_key(&ef) {
        return Ok(FileState::Read);
    }
    // Continue an interrupted file; whatever arrives stays in `state` if the link breaks.
    let mut buf = match state.partial.take() {
        Some((partial_ef, bytes)) if partial_ef == ef => bytes,
        other => {
            state.partial = other;
            Vec::new()
        }
    };
    let mut selected = false;
    if buf.is_empty() && policy.short_ef_identifiers() {
        match files::read_header_by_sfi(ch, ef, policy.block()).await? {
            SfiRead::Header(bytes) => {
                policy.record_read(bytes.len());
                buf = bytes;
                selected = true;
            }
            SfiRead::Absent => return Ok(FileState::Absent),
            SfiRead::Refused => return refused(ef, "READ BINARY"),
            SfiRead::Unsupported(_) => policy.disable_short_ef_identifiers(),
        }
    }
    if !selected {
        let result = files::select_file(ch, ef).await;
        match result {
            Ok(Selected::Yes) => {}
            Ok(Selected::Absent) => return Ok(FileState::Absent),
            Ok(Selected::Refused) => return refused(ef, "SELECT file"),
            Err(e) => {
                if !buf.is_empty() {
                    state.partial = Some((ef, buf));
                }
                return Err(e);
            }
        }
    }
    let name = ef.name();
    let mut on_bytes = |done: usize, total: usize| {
        progress(ProgressEvent::Reading {
            file: name.clone(),
            done,
            total,
        });
    };
    let result = files::read_selected(ch, ef, policy, &mut buf, &mut on_bytes).await;
    let bytes = match result {
        Ok(b) => b,
        Err(ReadError::Chip {
            sw: StatusWord::SECURITY_STATUS_NOT_SATISFIED,
            ..
        }) if eac_protected(ef) => {
            return Ok(FileState::Protected);
        }
        Err(e) => {
            if !buf.is_empty() {
                state.partial = Some((ef, buf));
            }
            return Err(e);
        }
    };
    progress(ProgressEvent::FileDone(name));
    state.files.insert(ef, bytes);
    Ok(FileState::Read)
}

/// The session's traffic for the report.
impl Session {
    pub(crate) fn transport_report(&self) -> super::report::TransportReport {
        super::report::TransportReport {
            apdus: self.stats.apdus,
            bytes_sent: self.stats.bytes_sent,
            bytes_received: self.stats.bytes_received,
            max_read: self.max_read,
            extended_length: self.extended,
        }
    }
}
