//! What `read` and `replay` share: the access-key options, running a read with a progress bar,
//! printing the report, writing raw files.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};
use tapid_card::CardTransport;
use tapid_mrtd::lds::ElementaryFile;
use tapid_mrtd::mrz::{AccessKey, Can, MrzKey};
use tapid_mrtd::reader::{ProgressEvent, ReadError, ReadOptions, ReadOutcome, Report, read};

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
    /// The emulator profile, when one was read.
    pub const PROFILE: &str = "emulator.profile";
    /// Trust store paths, separated by newlines.
    pub const TRUST: &str = "options.trust";
    /// The verification time (Unix seconds).
    pub const NOW: &str = "options.now";
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
    let result = read(transport, key, options, rng, &mut on_progress).await;
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
    if !report.absent.is_empty() {
        outln!("  absent        {}", report.absent.join(", "));
    }
    let pa = &report.passive_authentication;
    let status = serde_json::to_value(pa.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    outln!("  passive auth  {status} ({})", pa.reason);
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
    let json = serde_json::to_string_pretty(&outcome.report).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("report.json"), json)
        .map_err(|e| format!("cannot write report.json: {e}"))?;
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
