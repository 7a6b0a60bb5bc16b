//! What `read` and `replay` share: the access-key options, running a read with a progress bar,
//! printing the report, writing raw files.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};
use tapid_card::CardTransport;
use tapid_mrtd::lds::ElementaryFile;
use tapid_mrtd::mrz::{AccessKey, Can, MrzKey};
use tapid_mrtd::pa::{Policy, TrustStore};
use tapid_mrtd::reader::{
    Progress, ProgressEvent, ReadError, ReadOptions, Report, Verification, VerifiedRead, resume,
};

use super::trust_args::{TrustArgs, Validity};
use crate::exit::{CliError, Exit};

/// Meta keys of a recorded transcript.
pub mod meta {
    /// The access key kind: `mrz` or `can`.
    pub const KEY_KIND: &str = "access.kind";
    /// The access key value (`DOC,YYMMDD,YYMMDD` or the CAN).
    pub const KEY_VALUE: &str = "access.value";
    /// Comma-separated data group numbers asked for.
    pub const DATA_GROUPS: &str = "options.data_groups";
    /// `true`/`false`.
    pub const EXTENDED: &str = "options.extended_length";
    /// What was read: an emulator profile, a chip directory or a reader.
    pub const SOURCE: &str = "source";
    /// The Active Authentication challenge, when the caller gave one.
    pub const AA_CHALLENGE: &str = "options.aa_challenge";
    /// Whether data groups EF.SOD does not list were read too.
    pub const UNLISTED: &str = "options.read_unlisted";
    /// Whether BAC fallback was allowed.
    pub const FALLBACK: &str = "options.allow_bac_fallback";
    /// Whether explicit PACE domain parameters were allowed.
    pub const EXPLICIT_PACE: &str = "options.allow_explicit_pace_parameters";
    /// Trust store: paths separated by newlines, or [`super::Trust::BUILTIN`].
    pub const TRUST: &str = "options.trust";
    /// `--trust-root` paths separated by newlines.
    pub const TRUST_ROOTS: &str = "options.trust_roots";
    /// Whether unanchored master lists were allowed.
    pub const ALLOW_UNANCHORED: &str = "options.allow_unanchored";
    /// The validity model (`shell` or `chain`).
    pub const VALIDITY: &str = "options.validity";
    /// The verification time (Unix seconds).
    pub const NOW: &str = "options.now";
}

/// Where passive authentication takes its trust anchors and policy from: the trust options,
/// and for an emulated chip without `--trust`, the emulator's own test CSCAs (the natural
/// anchor for it).
pub struct Trust {
    /// The emulator's test CSCAs stand in when `args` names no `--trust`.
    pub builtin: bool,
    /// `--trust`, `--trust-root`, `--allow-unanchored`, `--validity`, `--at`.
    pub args: TrustArgs,
}

impl Trust {
    /// How a transcript records the built-in test PKI.
    pub const BUILTIN: &str = "builtin:emulator-test-pki";

    fn uses_builtin(&self) -> bool {
        self.builtin && self.args.trust.is_empty()
    }

    /// Loads the store (empty when nothing is trusted: passive authentication then reports
    /// the document untrusted) and the policy.
    pub fn load(&self) -> Result<(TrustStore, Policy), CliError> {
        let policy = self.args.policy()?;
        if self.uses_builtin() {
            let store = tapid_emulator::pki::test_trust_store()
                .map_err(|e| CliError::new(Exit::Internal, e.to_string()))?;
            return Ok((store, policy));
        }
        Ok((self.args.store()?.unwrap_or_default(), policy))
    }

    /// Records the trust options (and the verification time `at`) in a transcript's meta.
    pub fn to_meta(&self, at: i64, m: &mut BTreeMap<String, String>) {
        let lines = |paths: &[PathBuf]| {
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join("\n")
        };
        let trust = if self.uses_builtin() {
            Self::BUILTIN.to_owned()
        } else {
            lines(&self.args.trust)
        };
        m.insert(meta::TRUST.to_owned(), trust);
        m.insert(meta::TRUST_ROOTS.to_owned(), lines(&self.args.trust_root));
        m.insert(
            meta::ALLOW_UNANCHORED.to_owned(),
            self.args.allow_unanchored.to_string(),
        );
        m.insert(
            meta::VALIDITY.to_owned(),
            match self.args.validity {
                Validity::Shell => "shell",
                Validity::Chain => "chain",
            }
            .to_owned(),
        );
        m.insert(meta::NOW.to_owned(), at.to_string());
    }

    /// The trust a transcript recorded.
    pub fn from_meta(m: &BTreeMap<String, String>) -> Self {
        let get = |k: &str| m.get(k).map(String::as_str).unwrap_or("");
        let paths = |v: &str| -> Vec<PathBuf> {
            v.lines()
                .filter(|l| !l.is_empty())
                .map(PathBuf::from)
                .collect()
        };
        let builtin = get(meta::TRUST) == Self::BUILTIN;
        Self {
            builtin,
            args: TrustArgs {
                trust: if builtin {
                    Vec::new()
                } else {
                    paths(get(meta::TRUST))
                },
                trust_root: paths(get(meta::TRUST_ROOTS)),
                allow_unanchored: get(meta::ALLOW_UNANCHORED) == "true",
                validity: if get(meta::VALIDITY) == "chain" {
                    Validity::Chain
                } else {
                    Validity::Shell
                },
                at: get(meta::NOW).parse().ok(),
            },
        }
    }
}

/// `DOC,YYMMDD,YYMMDD` for a key, as `--mrz` takes it (recorded in transcripts).
pub fn mrz_triple(key: &MrzKey) -> String {
    let info = key.mrz_information();
    let len = info.len();
    // MRZ_information = number ‖ cd ‖ birth(6) ‖ cd ‖ expiry(6) ‖ cd.
    let doc = info
        .get(..len.saturating_sub(15))
        .unwrap_or_default()
        .trim_end_matches('<');
    format!(
        "{doc},{},{}",
        info.get(len - 14..len - 8).unwrap_or_default(),
        info.get(len - 7..len - 1).unwrap_or_default()
    )
}

/// Parses the access key options; `None` when neither was given.
pub fn access_key(
    mrz: Option<&str>,
    can: Option<&str>,
) -> Result<Option<(AccessKey, String, String)>, String> {
    match (mrz, can) {
        (Some(m), None) => {
            let key = MrzKey::parse_triple(m)
                .map_err(|e| format!("--mrz: {e} (expected DOCNUMBER,YYMMDD,YYMMDD)"))?;
            Ok(Some((AccessKey::Mrz(key), "mrz".into(), m.to_owned())))
        }
        (None, Some(c)) => {
            let can_key = Can::new(c).map_err(|e| format!("--can: {e}"))?;
            Ok(Some((AccessKey::Can(can_key), "can".into(), c.to_owned())))
        }
        (None, None) => Ok(None),
        (Some(_), Some(_)) => Err("give either --mrz or --can, not both".into()),
    }
}

/// What a read is asked to do, as the CLI's commands set it up: the access key, the options,
/// what it is verified against, and whether to keep quiet (no progress bar).
pub struct ReadRequest<'a> {
    /// The access key.
    pub key: &'a AccessKey,
    /// The read options.
    pub options: &'a ReadOptions,
    /// Trust anchors, policy and time.
    pub verification: &'a Verification<'a>,
    /// No progress bar (e.g. with `--json`).
    pub quiet: bool,
}

impl<'a> ReadRequest<'a> {
    /// A request; `quiet` turns the progress bar off.
    pub fn new(
        key: &'a AccessKey,
        options: &'a ReadOptions,
        verification: &'a Verification<'a>,
        quiet: bool,
    ) -> Self {
        Self {
            key,
            options,
            verification,
            quiet,
        }
    }
}

/// Runs a read from `from` (empty for a new read; what a lost link left for a resumed one,
/// see [`tapid_mrtd::reader::resume`]), with a progress bar when stderr is a terminal and
/// `quiet` is false.
pub async fn run_read<T, R>(
    transport: &mut T,
    request: &ReadRequest<'_>,
    rng: &mut R,
    from: Progress,
) -> Result<VerifiedRead, ReadError>
where
    T: CardTransport + ?Sized,
    R: rand_core::CryptoRng + Send + ?Sized,
{
    let bar = (!request.quiet && std::io::stderr().is_terminal()).then(|| {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg:<16} [{bar:30}] {bytes}/{total_bytes}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar
    });
    let mut on_progress = |e: ProgressEvent| {
        if let Some(bar) = &bar {
            match e {
                ProgressEvent::Authenticating(p) => bar.set_message(format!("{p}…")),
                ProgressEvent::Reading { file, done, total } => {
                    bar.set_message(file);
                    bar.set_length(total as u64);
                    bar.set_position(done as u64);
                }
                ProgressEvent::FileDone(_) => {}
                _ => {}
            }
        }
    };
    let result = resume(
        transport,
        request.key,
        request.options,
        request.verification,
        rng,
        &mut on_progress,
        from,
    )
    .await;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    result
}

/// The snake_case (or protocol) name a value serialises to.
pub fn show<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Prints the report as JSON or as a human summary.
pub fn print_report(report: &Report, json: bool) {
    if json {
        match serde_json::to_string_pretty(report) {
            Ok(s) => outln!("{s}"),
            Err(e) => eprintln!("tapid: cannot encode report: {e}"),
        }
        return;
    }
    let d = &report.document;
    let a = &report.access;
    outln!(
        "{} {} {}",
        d.secondary_identifier,
        d.primary_identifier,
        d.document_code
    );
    outln!(
        "  document      {} {} ({})",
        d.issuing_state,
        d.document_number,
        d.format
    );
    outln!("  nationality   {}", d.nationality);
    outln!("  born          {}   sex {}", d.date_of_birth, d.sex);
    outln!(
        "  expires       {}{}",
        d.date_of_expiry,
        if d.expired { " (expired)" } else { "" }
    );
    if !d.optional_data.is_empty() {
        outln!("  optional data {}", d.optional_data);
    }
    let mut access = format!(
        "{} {} with {}",
        show(&a.protocol),
        show(&a.cipher),
        show(&a.password)
    );
    for extra in [
        a.mapping.as_ref().map(show),
        a.agreement.as_ref().map(show),
        a.parameters.clone(),
    ]
    .into_iter()
    .flatten()
    {
        access.push(' ');
        access.push_str(&extra);
    }
    outln!("  access        {access}");
    let files: Vec<String> = report
        .files
        .iter()
        .map(|(n, f)| match &f.hash {
            Some(h) => format!("{n} {}B {}", f.size, show(h)),
            None => format!("{n} {}B", f.size),
        })
        .collect();
    outln!("  files         {}", files.join(", "));
    if !report.eac_protected.is_empty() {
        outln!("  EAC-protected {}", report.eac_protected.join(", "));
    }
    if !report.absent.is_empty() {
        outln!("  absent        {}", report.absent.join(", "));
    }
    let pa = &report.passive_authentication;
    outln!("  passive auth  {} ({})", show(&pa.status), pa.reason);
    let chip = &report.chip_authenticity;
    outln!("  chip auth     {} ({})", show(&chip.status), chip.reason);
    for (name, check) in [
        ("PACE-CAM", &chip.pace_cam),
        ("CA", &chip.ca),
        ("AA", &chip.aa),
    ] {
        if let Some(c) = check {
            outln!("    {name:<11} {} ({})", show(&c.status), c.detail);
        }
    }
    outln!(
        "  downgrade     {} ({})",
        show(&report.downgrade.status),
        report.downgrade.reason
    );
    if let Some(t) = &report.transport {
        outln!(
            "  transport     {} APDUs, {} B sent, {} B received, max read {} B, extended length {}",
            t.apdus,
            t.bytes_sent,
            t.bytes_received,
            t.max_read,
            if t.extended_length { "on" } else { "off" }
        );
    }
}

/// Writes `bytes` to `path` readable and writable by the owner only (0600 on Unix): the
/// files tapid writes hold the access key (DG1 is the MRZ), the face and, for transcripts,
/// every ephemeral secret of the session.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    // An existing file keeps its mode on open: narrow it as well.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|e| format!("cannot restrict {}: {e}", path.display()))?;
    }
    file.write_all(bytes)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Writes every raw file, `report.json` and the face into `dir` (owner-only, see
/// [`write_private`]).
pub fn write_out(dir: &Path, read: &VerifiedRead) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let files: &BTreeMap<ElementaryFile, Vec<u8>> = read.files();
    for (ef, bytes) in files {
        write_private(&dir.join(ef.file_name()), bytes)?;
    }
    write_face(dir, read)?;
    let json = serde_json::to_string_pretty(read.report()).map_err(|e| e.to_string())?;
    write_private(&dir.join("report.json"), json.as_bytes())
}

/// Writes the first DG2 face as it is stored (`face.jpg` / `face.jp2` / `face.png`) and, when
/// it decodes, as `face.png`.
fn write_face(dir: &Path, read: &VerifiedRead) -> Result<(), String> {
    use tapid_mrtd::lds::biometric::ImageType;
    let Some(dg2) = read
        .files()
        .get(&ElementaryFile::Dg(tapid_mrtd::lds::DataGroup::DG2))
    else {
        return Ok(());
    };
    let Ok(dg2) = tapid_mrtd::lds::dg2::Dg2::parse(dg2) else {
        return Ok(());
    };
    let Some(face) = dg2.faces.first() else {
        return Ok(());
    };
    let name = match face.image_type {
        ImageType::Jpeg => "face.jpg",
        ImageType::Jpeg2000 => "face.jp2",
        _ => "face.png",
    };
    write_private(&dir.join(name), &face.image)?;
    if name != "face.png" {
        match tapid_mrtd::face_image::FaceImage::decode(&face.image).and_then(|i| i.encode_png()) {
            Ok(png) => write_private(&dir.join("face.png"), &png)?,
            Err(e) => eprintln!("tapid: the face could not be converted to PNG: {e}"),
        }
    }
    Ok(())
}

/// The exit message and code for a failed read.
pub fn read_failed(e: &ReadError) -> std::process::ExitCode {
    eprintln!("tapid: read failed ({}): {e}", e.code());
    crate::exit::for_read_error(e).into()
}

/// The exit code for a completed read: 0 only when every check that ran passed.
pub fn completed(report: &Report) -> std::process::ExitCode {
    let (outcome, why) = crate::exit::for_report(report);
    crate::exit::finish(outcome, why)
}

/// The operating system's CSPRNG as an infallible RNG.
pub fn system_rng() -> rand_core::UnwrapErr<getrandom::SysRng> {
    rand_core::UnwrapErr(getrandom::SysRng)
}

/// Runs one command's future on a current-thread Tokio runtime (exit 1 when none starts).
pub fn block_on(command: impl std::future::Future<Output = ExitCode>) -> ExitCode {
    match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt.block_on(command),
        Err(e) => {
            eprintln!("tapid: cannot start runtime: {e}");
            Exit::Internal.into()
        }
    }
}
