//! What `read` and `replay` share: the access-key options, running a read with a progress bar,
//! printing the report, writing raw files.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};
use tapid_card::CardTransport;
use tapid_mrtd::lds::ElementaryFile;
use tapid_mrtd::mrz::{AccessKey, Can, MrzKey};
use tapid_mrtd::reader::{
    Progress, ProgressEvent, ReadError, ReadOptions, ReadOutcome, Report, resume,
};

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
    /// The year used to resolve two-digit years.
    pub const YEAR: &str = "options.current_year";
    /// What was read: an emulator profile, a chip directory or a reader.
    pub const SOURCE: &str = "source";
    /// The Active Authentication challenge, when the caller gave one.
    pub const AA_CHALLENGE: &str = "options.aa_challenge";
    /// Whether data groups EF.SOD does not list were read too.
    pub const UNLISTED: &str = "options.read_unlisted";
    /// Whether BAC fallback was allowed.
    pub const FALLBACK: &str = "options.allow_bac_fallback";
    /// Trust store: paths separated by newlines, or [`super::Trust::BUILTIN`].
    pub const TRUST: &str = "options.trust";
    /// The verification time (Unix seconds).
    pub const NOW: &str = "options.now";
}

/// Where passive authentication takes its trust anchors from.
pub enum Trust {
    /// The emulator's own test CSCAs (the natural anchor for an emulated chip).
    EmulatorTestPki,
    /// Master lists, certificates, folders and CRLs given with `--trust` (none: no PA).
    Paths(Vec<std::path::PathBuf>),
}

impl Trust {
    /// How a transcript records the built-in test PKI.
    pub const BUILTIN: &str = "builtin:emulator-test-pki";

    /// Loads the store; `None` when there is nothing to trust.
    pub fn load(&self) -> Result<Option<tapid_mrtd::pa::TrustStore>, String> {
        match self {
            Self::EmulatorTestPki => tapid_emulator::pki::test_trust_store()
                .map(Some)
                .map_err(|e| e.to_string()),
            Self::Paths(paths) => load_trust(paths),
        }
    }

    /// The transcript `meta` value.
    pub fn to_meta(&self) -> String {
        match self {
            Self::EmulatorTestPki => Self::BUILTIN.to_owned(),
            Self::Paths(paths) => paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    /// Reads the transcript `meta` value back.
    pub fn from_meta(value: &str) -> Self {
        if value == Self::BUILTIN {
            Self::EmulatorTestPki
        } else {
            Self::Paths(
                value
                    .lines()
                    .filter(|l| !l.is_empty())
                    .map(std::path::PathBuf::from)
                    .collect(),
            )
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

/// Loads every `--trust` path (master list, certificate, folder, CRL) into one store.
pub fn load_trust(
    paths: &[std::path::PathBuf],
) -> Result<Option<tapid_mrtd::pa::TrustStore>, String> {
    if paths.is_empty() {
        return Ok(None);
    }
    let mut store = tapid_mrtd::pa::TrustStore::new();
    for p in paths {
        store
            .add_path(p)
            .map_err(|e| format!("--trust {}: {e}", p.display()))?;
    }
    Ok(Some(store))
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
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

/// The current year from the system clock (to resolve two-digit MRZ years).
pub fn current_year() -> u16 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    // Days since 1970 → civil year (good to the day, which is all a two-digit pivot needs).
    (1970 + secs / 31_556_952) as u16
}

/// Runs a read, with a progress bar when stderr is a terminal and `quiet` is false.
pub async fn run_read<T, R>(
    transport: &mut T,
    key: &AccessKey,
    options: &ReadOptions,
    rng: &mut R,
    quiet: bool,
) -> Result<ReadOutcome, ReadError>
where
    T: CardTransport + ?Sized,
    R: rand_core::CryptoRng + Send + ?Sized,
{
    run_resume(transport, key, options, rng, quiet, Progress::default()).await
}

/// Continues an interrupted read (see [`tapid_mrtd::reader::resume`]) with the same display.
pub async fn run_resume<T, R>(
    transport: &mut T,
    key: &AccessKey,
    options: &ReadOptions,
    rng: &mut R,
    quiet: bool,
    from: Progress,
) -> Result<ReadOutcome, ReadError>
where
    T: CardTransport + ?Sized,
    R: rand_core::CryptoRng + Send + ?Sized,
{
    let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
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
    let result = resume(transport, key, options, rng, &mut on_progress, from).await;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    result
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
    outln!("  expires       {}", d.date_of_expiry);
    if !d.optional_data.is_empty() {
        outln!("  optional data {}", d.optional_data);
    }
    let mut access = format!("{} {} with {}", a.protocol, a.cipher, a.password);
    for extra in [
        a.mapping.map(str::to_owned),
        a.agreement.map(str::to_owned),
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
            Some(h) => format!("{n} {}B {h}", f.size),
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
    let status = serde_json::to_value(pa.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    outln!("  passive auth  {status} ({})", pa.reason);
    let chip = &report.chip_authenticity;
    outln!("  chip auth     {} ({})", chip.status, chip.reason);
    let t = &report.transport;
    outln!(
        "  transport     {} APDUs, {} B sent, {} B received, max read {} B, extended length {}",
        t.apdus,
        t.bytes_sent,
        t.bytes_received,
        t.max_read,
        if t.extended_length { "on" } else { "off" }
    );
}

/// Writes every raw file and `report.json` into `dir`.
pub fn write_out(dir: &Path, outcome: &ReadOutcome) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let files: &BTreeMap<ElementaryFile, Vec<u8>> = &outcome.files;
    for (ef, bytes) in files {
        let path = dir.join(ef.file_name());
        std::fs::write(&path, bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    write_face(dir, outcome)?;
    let json = serde_json::to_string_pretty(&outcome.report).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("report.json"), json)
        .map_err(|e| format!("cannot write report.json: {e}"))?;
    Ok(())
}

/// Writes the first DG2 face as it is stored (`face.jpg` / `face.jp2` / `face.png`) and, when
/// it decodes, as `face.png`.
fn write_face(dir: &Path, outcome: &ReadOutcome) -> Result<(), String> {
    use tapid_mrtd::lds::biometric::ImageType;
    let Some(face) = outcome
        .report
        .data
        .dg2
        .as_ref()
        .and_then(|d| d.faces.first())
    else {
        return Ok(());
    };
    let name = match face.image_type {
        ImageType::Jpeg => "face.jpg",
        ImageType::Jpeg2000 => "face.jp2",
        _ => "face.png",
    };
    let write = |name: &str, bytes: &[u8]| {
        std::fs::write(dir.join(name), bytes).map_err(|e| format!("cannot write {name}: {e}"))
    };
    write(name, &face.image)?;
    if name != "face.png" {
        match tapid_mrtd::face_image::FaceImage::decode(&face.image).and_then(|i| i.encode_png()) {
            Ok(png) => write("face.png", &png)?,
            Err(e) => eprintln!("tapid: the face could not be converted to PNG: {e}"),
        }
    }
    Ok(())
}

/// The exit message and code for a failed read.
pub fn read_failed(e: &ReadError) -> std::process::ExitCode {
    eprintln!("tapid: read failed ({}): {e}", e.code());
    std::process::ExitCode::from(match e {
        ReadError::AccessDenied => 3,
        ReadError::LinkLost { .. } | ReadError::Transport(_) => 4,
        _ => 2,
    })
}

/// The exit code for a completed read: 0 only when every check that ran passed.
pub fn completed(report: &Report) -> std::process::ExitCode {
    use tapid_mrtd::pa::PaStatus;
    let pa = &report.passive_authentication;
    match pa.status {
        PaStatus::Valid | PaStatus::NotPerformed
            if report.chip_authenticity.status == "invalid" =>
        {
            eprintln!(
                "tapid: chip authenticity invalid: {}",
                report.chip_authenticity.reason
            );
            std::process::ExitCode::from(7)
        }
        PaStatus::Valid | PaStatus::NotPerformed => std::process::ExitCode::SUCCESS,
        PaStatus::Untrusted => {
            eprintln!("tapid: passive authentication untrusted: {}", pa.reason);
            std::process::ExitCode::from(5)
        }
        _ => {
            eprintln!("tapid: passive authentication invalid: {}", pa.reason);
            std::process::ExitCode::from(6)
        }
    }
}

/// The operating system's CSPRNG as an infallible RNG.
pub fn system_rng() -> rand_core::UnwrapErr<getrandom::SysRng> {
    rand_core::UnwrapErr(getrandom::SysRng)
}

/// A current-thread Tokio runtime for one command.
pub fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start runtime: {e}"))
}
