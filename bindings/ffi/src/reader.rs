//! Reading a passport from the app: [`PassportReader`] holds the access key, the options and
//! the trust store; `read` runs the core's verified read over the platform's [`NfcTransport`]
//! on the FFI's runtime and returns a [`PassportRead`] — the core's `VerifiedRead`, wrapped.
//!
//! A lost tag ends the read with [`ReadError::TagLost`] `{ resumable: true }`; the reader keeps
//! what was read, and the next `read` (with the next tap's transport) continues from there
//! (the core's `resume`). Cancellation: cancel the coroutine/task (Kotlin; the Rust read is
//! dropped before the cancellation returns), or [`CancelHandle::cancel`] (both platforms).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tapid_mrtd::lds::{DataGroup, ElementaryFile};
use tapid_mrtd::pa::{Policy, TrustStore as CoreTrustStore};
use tapid_mrtd::reader::{Progress, ReadOptions as CoreOptions, Verification, VerifiedRead};

use crate::errors::{IdentityError, InputError, ReadError, count, read_error};
use crate::mirror::{self, ImageType, ValidityModel};
use crate::mrz::AccessKey;
use crate::progress::{Delivery, Language, ProgressListener, ReadStep, Tracker};
use crate::runtime::{self, Cancellation};
use crate::transport::{Adapter, NfcTransport};
use crate::trust::TrustStore;

/// Default time the platform gets for one APDU (Android's `IsoDep` timeout should be at least
/// this; a slow chip computing PACE takes a second or two).
pub const DEFAULT_APDU_TIMEOUT_MS: u32 = 5_000;

/// What to read and how to verify it. Defaults are the security policy's.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReadOptions {
    /// Data groups to read besides DG1 (only those EF.SOD lists are read); `None`: DG2, DG11,
    /// DG12, DG14, DG15.
    #[uniffi(default = None)]
    pub data_groups: Option<Vec<i32>>,
    /// Fall back to BAC when PACE fails (and accept a BAC read of a PACE chip: a downgrade the
    /// report names "allowed").
    #[uniffi(default = false)]
    pub allow_bac_fallback: bool,
    /// Use extended-length APDUs when the chip and the transport can.
    #[uniffi(default = true)]
    pub extended_length: bool,
    /// Cap on the READ BINARY block size.
    #[uniffi(default = None)]
    pub max_block: Option<u32>,
    /// The server's 8-byte Active Authentication challenge (binds the chip's signature to a
    /// transaction); random when `None`.
    #[uniffi(default = None)]
    pub aa_challenge: Option<Vec<u8>>,
    /// Run Chip Authentication when DG14 offers it.
    #[uniffi(default = true)]
    pub chip_authentication: bool,
    /// Run Active Authentication when DG15 is read.
    #[uniffi(default = true)]
    pub active_authentication: bool,
    /// Also read requested data groups EF.SOD does not list (they fail passive
    /// authentication).
    #[uniffi(default = false)]
    pub read_unlisted: bool,
    /// Run PACE on explicit domain parameters from EF.CardAccess (checked before use).
    #[uniffi(default = false)]
    pub allow_explicit_pace_parameters: bool,
    /// The verification time (Unix seconds); `None`: the device clock.
    #[uniffi(default = None)]
    pub verification_time: Option<i64>,
    /// The validity model; `None`: shell.
    #[uniffi(default = None)]
    pub validity_model: Option<ValidityModel>,
    /// Require a current CRL of the CSCA (otherwise revocation is reported, not required).
    #[uniffi(default = false)]
    pub require_revocation_check: bool,
    /// Time the platform gets per APDU, in milliseconds (1–60 000).
    #[uniffi(default = 5000)]
    pub apdu_timeout_ms: u32,
    /// The language of progress messages; `None`: Swedish.
    #[uniffi(default = None)]
    pub language: Option<Language>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            data_groups: None,
            allow_bac_fallback: false,
            extended_length: true,
            max_block: None,
            aa_challenge: None,
            chip_authentication: true,
            active_authentication: true,
            read_unlisted: false,
            allow_explicit_pace_parameters: false,
            verification_time: None,
            validity_model: None,
            require_revocation_check: false,
            apdu_timeout_ms: DEFAULT_APDU_TIMEOUT_MS,
            language: None,
        }
    }
}

/// Read options with every default (for Swift, where records have no default arguments).
#[uniffi::export]
pub fn default_read_options() -> ReadOptions {
    ReadOptions::default()
}

/// The settings of a reader, checked once.
#[derive(Debug, Clone)]
struct Settings {
    core: CoreOptions,
    verification_time: Option<i64>,
    validity: tapid_mrtd::pa::ValidityModel,
    require_revocation: bool,
    apdu_timeout: Duration,
    language: Language,
}

fn settings(o: &ReadOptions) -> Result<Settings, InputError> {
    let mut core = CoreOptions::default();
    if let Some(groups) = &o.data_groups {
        let mut dgs: Vec<DataGroup> = Vec::new();
        for n in groups {
            let dg = u8::try_from(*n)
                .ok()
                .and_then(DataGroup::new)
                .filter(|d| !dgs.contains(d) && d.number() != 1)
                .ok_or(InputError::DataGroup { number: *n })?;
            dgs.push(dg);
        }
        core.data_groups = dgs;
    }
    core.allow_bac_fallback = o.allow_bac_fallback;
    core.extended_length = o.extended_length;
    core.max_block = match o.max_block {
        None => None,
        Some(n @ 1..=65_536) => usize::try_from(n).ok(),
        Some(_) => {
            return Err(InputError::Option {
                option: "max_block".into(),
            });
        }
    };
    core.aa_challenge = match &o.aa_challenge {
        None => None,
        Some(c) => {
            Some(
                <[u8; 8]>::try_from(c.as_slice()).map_err(|_| InputError::AaChallenge {
                    len: count(c.len()),
                })?,
            )
        }
    };
    core.chip_authentication = o.chip_authentication;
    core.active_authentication = o.active_authentication;
    core.read_unlisted = o.read_unlisted;
    core.allow_explicit_pace_parameters = o.allow_explicit_pace_parameters;
    if !(1..=60_000).contains(&o.apdu_timeout_ms) {
        return Err(InputError::Option {
            option: "apdu_timeout_ms".into(),
        });
    }
    Ok(Settings {
        core,
        verification_time: o.verification_time,
        validity: o.validity_model.unwrap_or(ValidityModel::Shell).into(),
        require_revocation: o.require_revocation_check,
        apdu_timeout: Duration::from_millis(u64::from(o.apdu_timeout_ms)),
        language: o.language.unwrap_or_default(),
    })
}

/// Cancels a read, on both platforms (Swift task cancellation does not reach Rust). One
/// handle per read: once cancelled, every read given it ends at once with `Cancelled`.
#[derive(uniffi::Object)]
pub struct CancelHandle {
    pub(crate) cancellation: Arc<Cancellation>,
}

#[uniffi::export]
impl CancelHandle {
    /// A handle not cancelled yet.
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            cancellation: Cancellation::new(),
        })
    }

    /// Cancels: when this returns, no further APDU is handed to the transport, and the read
    /// ends with `ReadError.Cancelled`.
    pub fn cancel(&self) {
        self.cancellation.cancel();
    }

    /// Whether `cancel` was called.
    pub fn is_cancelled(&self) -> bool {
        self.cancellation.is_cancelled()
    }
}

/// What a reader has done (the cancellation tests read it).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReadCounters {
    /// Reads started.
    pub started: u64,
    /// Reads that ran to an end (a result or an error).
    pub completed: u64,
    /// Reads whose work was dropped before an end (cancelled, or the caller went away).
    pub dropped_unfinished: u64,
    /// APDUs handed to transports.
    pub apdus: u64,
}

#[derive(Debug, Default)]
struct Counters {
    started: AtomicU64,
    completed: AtomicU64,
    dropped: AtomicU64,
    apdus: Arc<AtomicU64>,
}

/// Counts a read's end, or its drop before one.
struct ReadGuard {
    counters: Arc<Counters>,
    ended: bool,
}

impl Drop for ReadGuard {
    fn drop(&mut self) {
        let which = if self.ended {
            &self.counters.completed
        } else {
            &self.counters.dropped
        };
        which.fetch_add(1, Ordering::SeqCst);
    }
}

/// What a read had achieved when the tag was lost, as the app may show it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ResumeState {
    /// Files read completely.
    pub files: Vec<String>,
    /// The file being read when the tag was lost, and how many of its bytes had arrived.
    pub partial_file: Option<String>,
    /// Bytes of the partial file.
    pub partial_bytes: u32,
}

/// Reads one passport: an access key, options and a trust store, then `read` once per tap.
#[derive(uniffi::Object)]
pub struct PassportReader {
    key: tapid_mrtd::mrz::AccessKey,
    settings: Settings,
    trust: Arc<TrustStore>,
    resume: Arc<Mutex<Option<Progress>>>,
    counters: Arc<Counters>,
}

impl std::fmt::Debug for PassportReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PassportReader(<redacted>)")
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .and_then(|d| i64::try_from(d.as_secs()).ok())
        .unwrap_or(0)
}

/// Everything one read's task owns.
struct Job {
    key: tapid_mrtd::mrz::AccessKey,
    settings: Settings,
    trust: Arc<CoreTrustStore>,
    resume: Arc<Mutex<Option<Progress>>>,
    from: Progress,
    counters: Arc<Counters>,
    transport: Arc<dyn NfcTransport>,
    listener: Option<Arc<dyn ProgressListener>>,
    cancellation: Arc<Cancellation>,
}

impl Job {
    async fn run(self) -> Result<Arc<PassportRead>, ReadError> {
        let mut guard = ReadGuard {
            counters: self.counters.clone(),
            ended: false,
        };
        let cancellation = self.cancellation.clone();
        let out = tokio::select! {
            biased;
            () = cancellation.cancelled() => Err(ReadError::Cancelled),
            r = self.work() => r,
        };
        guard.ended = true;
        out
    }

    async fn work(self) -> Result<Arc<PassportRead>, ReadError> {
        let s = &self.settings;
        let mut tracker = Tracker::new(s.language, s.core.data_groups.len());
        let delivery = Delivery::start(self.listener.clone());
        delivery.send(tracker.step(ReadStep::Connecting));
        let resumed = !self.from.files.is_empty() || self.from.partial.is_some();
        crate::log::info(
            "read",
            format!(
                "read started ({} data groups requested{})",
                s.core.data_groups.len(),
                if resumed { ", resuming" } else { "" }
            ),
        );
        let opened = Adapter::open(
            self.transport.clone(),
            s.apdu_timeout,
            self.cancellation.clone(),
            self.counters.apdus.clone(),
        )
        .await;
        let mut adapter = match opened {
            Ok(a) => a,
            Err(e) => {
                // Nothing new was read: keep what an earlier tap read.
                *lock(&self.resume) = Some(self.from);
                return Err(match e {
                    _ if self.cancellation.is_cancelled() => ReadError::Cancelled,
                    crate::errors::TransportError::TagLost => ReadError::TagLost {
                        files_read: 0,
                        resumable: resumed,
                    },
                    crate::errors::TransportError::Timeout => ReadError::Timeout,
                    transport_error => ReadError::Transport { transport_error },
                });
            }
        };
        if getrandom::fill(&mut [0u8; 16]).is_err() {
            return Err(ReadError::Internal {
                detail: "the operating system's random number generator failed".into(),
            });
        }
        let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
        let at = s.verification_time.unwrap_or_else(now);
        let policy = Policy {
            validity: s.validity,
            allow_unanchored: self.trust.allows_unanchored(),
            require_revocation_checked: s.require_revocation,
            ..Policy::new(at)
        };
        let mut verification = Verification::with_policy(&self.trust, policy);
        verification.aa_challenge = s.core.aa_challenge;
        let mut on_progress = |e| {
            if let Some(p) = tracker.core(e) {
                delivery.send(p);
            }
        };
        let result = tapid_mrtd::reader::resume(
            &mut adapter,
            &self.key,
            &s.core,
            &verification,
            &mut rng,
            &mut on_progress,
            self.from,
        )
        .await;
        let cancelled = self.cancellation.is_cancelled();
        match result {
            Ok(read) => {
                delivery.send(tracker.step(ReadStep::Verifying));
                let out = PassportRead::new(read);
                let access = &out.report.access;
                crate::log::debug(
                    "read",
                    format!("opened with {:?} / {:?}", access.protocol, access.cipher),
                );
                if let Some(t) = out.report.transport.as_ref() {
                    crate::log::info("read", format!("read completed in {} APDUs", t.apdus));
                }
                delivery.send(tracker.step(ReadStep::Done));
                delivery.finish().await;
                Ok(Arc::new(out))
            }
            Err(e) => {
                let resumable = match &e {
                    tapid_mrtd::reader::ReadError::LinkLost { progress } if !cancelled => {
                        *lock(&self.resume) = Some(progress.clone());
                        true
                    }
                    _ => false,
                };
                crate::log::warn("read", format!("read failed: {}", e.code()));
                let mut mapped = read_error(&e, cancelled, resumable);
                // The platform's own error, when the core only kept its kind.
                if let (ReadError::Transport { .. }, Some(t)) = (&mapped, adapter.last_error.take())
                {
                    mapped = ReadError::Transport { transport_error: t };
                }
                Err(mapped)
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[uniffi::export]
impl PassportReader {
    /// A reader for the passport `key` opens, verified against `trust` (`None`: an empty
    /// store, so passive authentication ends "untrusted").
    #[uniffi::constructor]
    pub fn new(
        key: Arc<AccessKey>,
        options: ReadOptions,
        trust: Option<Arc<TrustStore>>,
    ) -> Result<Arc<Self>, InputError> {
        Ok(Arc::new(Self {
            key: key.inner.clone(),
            settings: settings(&options)?,
            trust: trust.unwrap_or_else(TrustStore::new),
            resume: Arc::new(Mutex::new(None)),
            counters: Arc::new(Counters::default()),
        }))
    }

    /// Reads (or, after a lost tag, continues reading) the passport over `transport`.
    /// `listener` gets progress; `cancel` cancels (cancelling the Kotlin coroutine does too).
    pub async fn read(
        &self,
        transport: Arc<dyn NfcTransport>,
        listener: Option<Arc<dyn ProgressListener>>,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<Arc<PassportRead>, ReadError> {
        self.counters.started.fetch_add(1, Ordering::SeqCst);
        let cancellation = cancel.map_or_else(Cancellation::new, |c| c.cancellation.clone());
        let job = Job {
            key: self.key.clone(),
            settings: self.settings.clone(),
            trust: self.trust.snapshot(),
            resume: self.resume.clone(),
            from: lock(&self.resume).take().unwrap_or_default(),
            counters: self.counters.clone(),
            transport,
            listener,
            cancellation: cancellation.clone(),
        };
        let task = runtime::spawn(cancellation, job.run()).map_err(|_| ReadError::Internal {
            detail: "the runtime could not start".into(),
        })?;
        match task.await {
            Ok(r) => r,
            Err(e) if e.is_cancelled() => Err(ReadError::Cancelled),
            Err(_) => Err(ReadError::Internal {
                detail: "the read failed unexpectedly (a bug in tapid)".into(),
            }),
        }
    }

    /// What an interrupted read kept, when the last read ended with a lost tag.
    pub fn resume_state(&self) -> Option<ResumeState> {
        lock(&self.resume).as_ref().map(|p| ResumeState {
            files: p.files.keys().map(|f| f.name()).collect(),
            partial_file: p.partial.as_ref().map(|(f, _)| f.name()),
            partial_bytes: p.partial.as_ref().map_or(0, |(_, b)| count(b.len())),
        })
    }

    /// Forgets an interrupted read: the next `read` starts afresh.
    pub fn discard_progress(&self) {
        *lock(&self.resume) = None;
    }

    /// What this reader has done.
    pub fn counters(&self) -> ReadCounters {
        ReadCounters {
            started: self.counters.started.load(Ordering::SeqCst),
            completed: self.counters.completed.load(Ordering::SeqCst),
            dropped_unfinished: self.counters.dropped.load(Ordering::SeqCst),
            apdus: self.counters.apdus.load(Ordering::SeqCst),
        }
    }
}

/// The holder's face as stored on the chip, with a PNG when the platform may not decode it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FaceImage {
    /// The stored compression.
    pub image_type: ImageType,
    /// The image as stored (JPEG, JPEG 2000 or PNG).
    pub image: Vec<u8>,
    /// For JPEG 2000 faces, the same image as PNG (Android's BitmapFactory cannot decode JPEG
    /// 2000, iOS not always); `None` when the face is JPEG or PNG, or did not decode.
    pub png: Option<Vec<u8>>,
    /// Declared width.
    pub width: u32,
    /// Declared height.
    pub height: u32,
}

/// A completed, verified read: the core's report and evidence, the raw files and the face.
#[derive(uniffi::Object)]
pub struct PassportRead {
    read: VerifiedRead,
    report: mirror::Report,
    face: Option<FaceImage>,
}

impl std::fmt::Debug for PassportRead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PassportRead({:?})", self.read)
    }
}

fn face_of(read: &VerifiedRead) -> Option<FaceImage> {
    use tapid_mrtd::lds::biometric::ImageType as Core;
    let dg2 = read.files().get(&ElementaryFile::Dg(DataGroup::DG2))?;
    let dg2 = tapid_mrtd::lds::dg2::Dg2::parse(dg2).ok()?;
    let face = dg2.faces.into_iter().next()?;
    let png = match face.image_type {
        Core::Jpeg2000 => tapid_mrtd::face_image::FaceImage::decode_as(&face.image, Core::Jpeg2000)
            .and_then(|i| i.encode_png())
            .ok(),
        _ => None,
    };
    Some(FaceImage {
        image_type: face.image_type.into(),
        image: face.image,
        png,
        width: face.width,
        height: face.height,
    })
}

impl PassportRead {
    fn new(read: VerifiedRead) -> Self {
        let report = mirror::Report::from(read.report());
        let face = face_of(&read);
        Self { read, report, face }
    }
}

#[uniffi::export]
impl PassportRead {
    /// The verification report: every verdict with its reason.
    pub fn report(&self) -> mirror::Report {
        self.report.clone()
    }

    /// The report as the core's versioned JSON (what the CLI prints with `--json`).
    pub fn report_json(&self) -> String {
        serde_json::to_string(self.read.report()).unwrap_or_default()
    }

    /// The evidence bundle's canonical bytes: what a server stores and re-verifies.
    pub fn evidence_bytes(&self) -> Vec<u8> {
        self.read.evidence().to_canonical_bytes()
    }

    /// The evidence bundle, parsed.
    pub fn evidence(&self) -> mirror::Evidence {
        self.read.evidence().into()
    }

    /// The first face of DG2, when DG2 was read.
    pub fn face(&self) -> Option<FaceImage> {
        self.face.clone()
    }

    /// Every file read, raw (personal data).
    pub fn files(&self) -> Vec<mirror::RawFile> {
        self.read
            .files()
            .iter()
            .map(|(ef, b)| mirror::RawFile {
                name: ef.name(),
                bytes: b.clone(),
            })
            .collect()
    }

    /// Whether the passport belongs to the identity holder: DG1 and DG11 as this read
    /// verified them, at its verification time. Accept a match only together with the
    /// report's passive authentication and chip authenticity verdicts.
    pub fn match_holder(
        &self,
        holder: crate::identity::IdentityHolder,
    ) -> Result<crate::identity::HolderMatch, IdentityError> {
        crate::identity::match_read(&holder, &self.read)
    }
}

/// Parses evidence bytes (what a phone sent) into their parsed view.
#[uniffi::export]
pub fn parse_evidence(bytes: Vec<u8>) -> Result<mirror::Evidence, InputError> {
    let e = tapid_mrtd::reader::Evidence::from_slice(&bytes)?;
    Ok((&e).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_checked() {
        let bad = |o: ReadOptions| settings(&o).unwrap_err();
        assert_eq!(
            bad(ReadOptions {
                data_groups: Some(vec![2, 2]),
                ..ReadOptions::default()
            }),
            InputError::DataGroup { number: 2 }
        );
        assert_eq!(
            bad(ReadOptions {
                data_groups: Some(vec![17]),
                ..ReadOptions::default()
            }),
            InputError::DataGroup { number: 17 }
        );
        assert_eq!(
            bad(ReadOptions {
                aa_challenge: Some(vec![1, 2, 3]),
                ..ReadOptions::default()
            }),
            InputError::AaChallenge { len: 3 }
        );
        assert!(settings(&ReadOptions::default()).is_ok());
    }
}

#[cfg(all(test, feature = "testing"))]
mod emulated {
    use super::*;
    use crate::emulator::{EmulatorCard, emulator_trust_store};
    use crate::progress::ReadProgress;

    struct Collect(Mutex<Vec<ReadProgress>>);

    #[async_trait::async_trait]
    impl ProgressListener for Collect {
        async fn on_progress(&self, p: ReadProgress) -> Result<(), crate::errors::CallbackError> {
            lock(&self.0).push(p);
            Ok(())
        }
    }

    #[test]
    fn a_read_reports_progress_to_the_end() {
        let card = EmulatorCard::new("bac".into(), None, true, 0, b"t".to_vec()).unwrap();
        let reader = PassportReader::new(
            card.mrz_key().unwrap(),
            ReadOptions {
                verification_time: Some(1_800_000_000),
                ..ReadOptions::default()
            },
            Some(emulator_trust_store().unwrap()),
        )
        .unwrap();
        let listener = Arc::new(Collect(Mutex::new(Vec::new())));
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let read = rt
            .block_on(reader.read(card.as_transport(), Some(listener.clone()), None))
            .unwrap();
        assert_eq!(
            read.report().passive_authentication.status,
            mirror::PaStatus::Valid
        );
        let seen = lock(&listener.0);
        assert_eq!(seen.first().map(|p| p.step), Some(ReadStep::Connecting));
        assert_eq!(seen.last().map(|p| p.step), Some(ReadStep::Done));
        assert_eq!(reader.counters().completed, 1);
    }
}
