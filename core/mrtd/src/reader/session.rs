//! The reader session: open the chip, read the files the caller asks for, and report.

use std::collections::BTreeMap;

use tapid_card::{CardTransport, StatusWord, TransportError};

use super::access;
use super::channel::Channel;
use super::chip_authenticity::{ChipAuthenticityReport, ProtocolCheck};
use super::chip_protocols::{self, CaStart};
use super::error::{Progress, ReadError};
use super::files::{self, ReadPolicy};
use super::report::{DataReport, DocumentReport, FileReport, Report, TransportReport};
use crate::lds::com::EfCom;
use crate::lds::dg1::Dg1;
use crate::lds::{DataGroup, ElementaryFile};
use crate::mrz::AccessKey;
use crate::pa::PaReport;

/// What to read and how.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Data groups to read besides DG1 (always read); only those EF.SOD lists are read.
    pub data_groups: Vec<DataGroup>,
    /// Use extended length when the transport supports it.
    pub extended_length: bool,
    /// Cap on the READ BINARY block size (for slow or fussy links).
    pub max_block: Option<usize>,
    /// Fall back to BAC when PACE fails (off by default: a failed PACE is an error).
    pub allow_bac_fallback: bool,
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
    /// The current year, to resolve two-digit years in the MRZ.
    pub current_year: u16,
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
            chip_authentication: true,
            active_authentication: true,
            aa_challenge: None,
            read_unlisted: false,
            read_sod: true,
            current_year: 2026,
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

/// A completed read: the report and the raw files.
#[derive(Clone)]
pub struct ReadOutcome {
    /// The verification report.
    pub report: Report,
    /// Every file read, raw, by file.
    pub files: BTreeMap<ElementaryFile, Vec<u8>>,
}

impl std::fmt::Debug for ReadOutcome {
    // The raw files are the holder's personal data: show only their names and sizes.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let files: Vec<String> = self
            .files
            .iter()
            .map(|(ef, b)| format!("{} {}B", ef.name(), b.len()))
            .collect();
        write!(f, "ReadOutcome({})", files.join(", "))
    }
}

/// Reads a passport: access control, EF.SOD, DG1 and the requested data groups the SOD
/// lists, chip authentication, and the report (passive authentication follows with
/// [`super::verify_passive`]).
pub async fn read<T, R>(
    transport: &mut T,
    key: &AccessKey,
    options: &ReadOptions,
    rng: &mut R,
    progress: &mut (dyn FnMut(ProgressEvent) + Send),
) -> Result<ReadOutcome, ReadError>
where
    T: CardTransport + ?Sized,
    R: rand_core::CryptoRng + Send + ?Sized,
{
    resume(transport, key, options, rng, progress, Progress::default()).await
}

/// Continues a read that failed with [`ReadError::LinkLost`]: opens the chip again (access
/// control and chip authentication run anew, as the chip forgot the session), keeps every file
/// already read and continues the interrupted one from its last byte. Ends with the report an
/// uninterrupted read would give (only the traffic figures differ).
pub async fn resume<T, R>(
    transport: &mut T,
    key: &AccessKey,
    options: &ReadOptions,
    rng: &mut R,
    progress: &mut (dyn FnMut(ProgressEvent) + Send),
    from: Progress,
) -> Result<ReadOutcome, ReadError>
where
    T: CardTransport + ?Sized,
    R: rand_core::CryptoRng + Send + ?Sized,
{
    let mut ch = Channel::new(transport);
    let mut state = from;
    match run(&mut ch, key, options, rng, progress, &mut state).await {
        Err(ReadError::Transport(TransportError::LinkLost)) => {
            Err(ReadError::LinkLost { progress: state })
        }
        other => other,
    }
}

async fn run<T, R>(
    ch: &mut Channel<'_, T>,
    key: &AccessKey,
    options: &ReadOptions,
    rng: &mut R,
    progress: &mut (dyn FnMut(ProgressEvent) + Send),
    state: &mut Progress,
) -> Result<ReadOutcome, ReadError>
where
    T: CardTransport + ?Sized,
    R: rand_core::CryptoRng + Send + ?Sized,
{
    let caps = ch.capabilities();
    let mut policy = ReadPolicy::new(
        caps.extended_length,
        caps.max_response_len,
        options.extended_length,
        options.max_block,
    );
    let opened = access::open(
        ch,
        key,
        options.allow_bac_fallback,
        &mut policy,
        rng,
        &mut state.files,
        &mut |p| progress(ProgressEvent::Authenticating(p)),
    )
    .await?;
    let mut absent = Vec::new();
    let mut protected = Vec::new();

    // EF.SOD first: it lists the data groups the chip really has (EF.COM is unsigned).
    let sod = if options.read_sod {
        read_file(ch, ElementaryFile::Sod, &mut policy, progress, state).await?
    } else {
        FileState::Absent
    };
    let listed: Option<Vec<u8>> = match sod {
        FileState::Read => state
            .files
            .get(&ElementaryFile::Sod)
            .and_then(|b| crate::pa::Sod::parse(b).ok())
            .map(|s| s.dg_hashes().iter().map(|(n, _)| *n).collect()),
        _ => None,
    };
    let mut com: Option<EfCom> = None;
    let listed = match listed {
        Some(l) => l,
        None => {
            // Without a usable SOD, EF.COM is the only hint of what exists.
            read_file(ch, ElementaryFile::Com, &mut policy, progress, state).await?;
            com = state
                .files
                .get(&ElementaryFile::Com)
                .and_then(|b| EfCom::parse(b).ok());
            com.as_ref()
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
    let mut ca: Option<ProtocolCheck> = None;
    let mut ca_unconfirmed: Option<String> = None;
    let mut stopped = false;
    for dg in wanted {
        let ef = ElementaryFile::Dg(dg);
        if dg != DataGroup::DG1 && !listed.contains(&dg.number()) && !options.read_unlisted {
            absent.push(ef.name());
            continue;
        }
        let file_state = match read_file(ch, ef, &mut policy, progress, state).await {
            Err(e) if ca_unconfirmed.is_some() && fails_new_keys(&e) => {
                ca = Some(clone_suspected(ca_unconfirmed.take()));
                stopped = true;
                break;
            }
            other => other?,
        };
        if let Some(name) = ca_unconfirmed.take() {
            ca = Some(ProtocolCheck::valid(format!(
                "{name}: the chip continued under the new session keys"
            )));
        }
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
        let run_ca = dg == dg14 && opened.cam.is_none() && options.chip_authentication;
        if let Some(bytes) = state.files.get(&ef).filter(|_| run_ca).cloned() {
            match chip_protocols::chip_authentication(ch, &bytes, rng).await? {
                CaStart::Switched(name) => ca_unconfirmed = Some(name),
                CaStart::Failed(check) => ca = Some(check),
                CaStart::NotOffered => {}
            }
        }
    }
    if let Some(name) = ca_unconfirmed.take() {
        // Nothing was read after CA: one cheap command shows whether the new keys work.
        ca = Some(match files::select_application(ch).await {
            Ok(()) => ProtocolCheck::valid(format!(
                "{name}: the chip continued under the new session keys"
            )),
            Err(e) if fails_new_keys(&e) => {
                stopped = true;
                clone_suspected(Some(name))
            }
            Err(e) => return Err(e),
        });
    }

    let aa = match (
        state.files.get(&ElementaryFile::Dg(
            DataGroup::new(15).unwrap_or(DataGroup::DG1),
        )),
        stopped,
    ) {
        (Some(dg15), false) if options.active_authentication => {
            let challenge = match options.aa_challenge {
                Some(c) => c,
                None => {
                    let mut c = [0u8; 8];
                    rng.fill_bytes(&mut c);
                    c
                }
            };
            let dg14_bytes = state
                .files
                .get(&ElementaryFile::Dg(dg14))
                .map(Vec::as_slice);
            Some(
                chip_protocols::active_authentication(ch, &dg15.clone(), dg14_bytes, challenge)
                    .await?,
            )
        }
        _ => None,
    };
    let pace_cam = opened.cam.as_ref().map(|e| {
        chip_protocols::pace_cam(
            e,
            state
                .files
                .get(&ElementaryFile::CardSecurity)
                .map(Vec::as_slice),
        )
    });

    let dg1_bytes =
        state
            .files
            .get(&ElementaryFile::Dg(DataGroup::DG1))
            .ok_or(ReadError::Chip {
                command: "SELECT DG1",
                sw: StatusWord::FILE_NOT_FOUND,
            })?;
    let dg1 = Dg1::parse(dg1_bytes)?;
    let stats = ch.stats();
    let passive = PaReport::not_performed("no trust store given");
    let report = Report {
        access: opened.report,
        document: DocumentReport::from_mrz(&dg1.mrz, options.current_year),
        lds: com,
        files: state
            .files
            .iter()
            .map(|(ef, b)| {
                (
                    ef.name(),
                    FileReport {
                        size: b.len(),
                        hash: None,
                    },
                )
            })
            .collect(),
        absent,
        eac_protected: protected,
        data: DataReport::from_files(&state.files),
        chip_authenticity: ChipAuthenticityReport::assess(pace_cam, ca, aa, &passive),
        passive_authentication: passive,
        transport: TransportReport {
            apdus: stats.apdus,
            bytes_sent: stats.bytes_sent,
            bytes_received: stats.bytes_received,
            max_read: policy.max_read(),
            extended_length: policy.extended(),
        },
    };
    Ok(ReadOutcome {
        report,
        files: std::mem::take(&mut state.files),
    })
}

/// Whether an error on the first command after Chip Authentication shows the chip could not
/// work with the new session keys: a wrong MAC under them, or the chip itself rejecting our
/// correctly protected command (`6987`/`6988`), which a clone without the DG14 key must do.
fn fails_new_keys(e: &ReadError) -> bool {
    matches!(
        e,
        ReadError::SecureMessaging(_)
            | ReadError::Chip {
                sw: StatusWord::SM_OBJECTS_MISSING | StatusWord::SM_OBJECTS_INCORRECT,
                ..
            }
    )
}

/// The verdict when the chip stopped answering correctly right after Chip Authentication.
fn clone_suspected(protocol: Option<String>) -> ProtocolCheck {
    ProtocolCheck::invalid(format!(
        "{}: the chip's answers failed under the new session keys, so its private key does not match DG14",
        protocol.unwrap_or_else(|| "CA".into())
    ))
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
        match files::read_header_by_sfi(ch, ef).await {
            Ok(files::SfiRead::Header(bytes)) => {
                buf = bytes;
                selected = true;
            }
            Ok(files::SfiRead::Absent) => return Ok(FileState::Absent),
            Ok(files::SfiRead::Unsupported(_)) => policy.disable_short_ef_identifiers(),
            Err(ReadError::Chip {
                sw: StatusWord::SECURITY_STATUS_NOT_SATISFIED,
                ..
            }) if eac_protected(ef) => {
                return Ok(FileState::Protected);
            }
            Err(e) => return Err(e),
        }
    }
    if !selected {
        match files::select_file(ch, ef).await {
            Ok(true) => {}
            Ok(false) => return Ok(FileState::Absent),
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
