//! `tapid verify`: passive authentication offline, on files.
//!
//! Exit codes: 0 valid, 1 invalid (or not performed), 2 untrusted, 3 unusable input
//! (unreadable files, bad arguments, trust paths that do not load).

use std::{
    path::PathBuf,
    process::ExitCode,
    time::{SystemTime, UNIX_EPOCH},
};

use clap::Args as ClapArgs;
use tapid_mrtd::pa::{self, PaReport, PaStatus, TrustStore};

/// Verify EF.SOD (and optionally data groups and EF.CardSecurity) against trusted CSCAs.
#[derive(ClapArgs, Debug)]
pub struct Args {
    /// EF.SOD file (with or without its 77 tag; DER or BER). Without it, only
    /// `--card-security` is verified.
    #[arg(long, required_unless_present_any = ["card_security", "evidence"])]
    pub sod: Option<PathBuf>,
    /// An evidence bundle written by `tapid read --evidence`: re-verified offline against
    /// `--trust` with this machine's clock (or `--now`); the bundle's own time is informative.
    #[arg(long, conflicts_with_all = ["sod", "dgs", "card_security", "issuing_state"])]
    pub evidence: Option<PathBuf>,
    /// With `--evidence`: the Active Authentication challenge this verifier issued (16 hex
    /// digits); the recorded one must equal it.
    #[arg(long, value_name = "HEX16", requires = "evidence")]
    pub aa_challenge: Option<String>,
    /// A data group as read from the chip, `N=FILE` (repeatable), e.g. `--dg 1=DG1.bin`.
    #[arg(long = "dg", value_parser = parse_dg)]
    pub dgs: Vec<(u8, PathBuf)>,
    /// EF.CardSecurity file, verified like EF.SOD.
    #[arg(long)]
    pub card_security: Option<PathBuf>,
    /// Trust anchors: master list, DER/PEM certificate, CRL, or a folder of them (repeatable).
    #[arg(long, required = true)]
    pub trust: Vec<PathBuf>,
    /// DG1 issuing state (MRZ code such as D, NLD, UTO) for the country consistency check.
    #[arg(long)]
    pub issuing_state: Option<String>,
    /// Evaluate at this Unix time instead of now.
    #[arg(long)]
    pub now: Option<i64>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

fn parse_dg(s: &str) -> Result<(u8, PathBuf), String> {
    let (n, file) = s
        .split_once('=')
        .ok_or_else(|| format!("expected N=FILE, got {s:?}"))?;
    let n = n.trim().trim_start_matches("DG").trim_start_matches("dg");
    let n: u8 = n
        .parse()
        .map_err(|_| format!("bad data group number {n:?}"))?;
    if !(1..=16).contains(&n) {
        return Err(format!("data group {n} out of range 1..=16"));
    }
    Ok((n, PathBuf::from(file)))
}

fn read(path: &PathBuf) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
    if let Some(path) = &args.evidence {
        return super::evidence::verify(
            path,
            &args.trust,
            args.now,
            args.aa_challenge.as_deref(),
            args.json,
        );
    }
    match execute(&args) {
        Ok(report) => {
            if args.json {
                match serde_json::to_string_pretty(&report) {
                    Ok(s) => outln!("{s}"),
                    Err(e) => {
                        eprintln!("error: {e}");
                        return ExitCode::from(3);
                    }
                }
            } else {
                print_text(&report);
            }
            match report.status {
                PaStatus::Valid => ExitCode::SUCCESS,
                PaStatus::Untrusted => ExitCode::from(2),
                _ => ExitCode::from(1),
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(3)
        }
    }
}

fn now(given: Option<i64>) -> Result<i64, String> {
    match given {
        Some(t) => Ok(t),
        None => SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_err(|e| e.to_string())
            .and_then(|d| i64::try_from(d.as_secs()).map_err(|e| e.to_string())),
    }
}

fn execute(args: &Args) -> Result<PaReport, String> {
    let mut trust = TrustStore::new();
    for path in &args.trust {
        let loaded = trust
            .add_path(path)
            .map_err(|e| format!("trust {}: {e}", path.display()))?;
        for skipped in &loaded.skipped {
            eprintln!("note: skipped {}: {}", skipped.source, skipped.reason);
        }
    }
    let now = now(args.now)?;
    let Some(sod_path) = &args.sod else {
        let cs_path = args.card_security.as_ref().ok_or("nothing to verify")?;
        let cs =
            pa::verify_card_security(&read(cs_path)?, &trust, args.issuing_state.as_deref(), now);
        let mut report = PaReport::not_performed("no EF.SOD given; EF.CardSecurity verified alone");
        report.status = cs.status;
        report.reason = cs
            .signer
            .reason
            .clone()
            .unwrap_or_else(|| "EF.CardSecurity signature and chain valid".into());
        report.sod = cs.signer.clone();
        report.card_security = Some(cs);
        return Ok(report);
    };
    let sod = read(sod_path)?;
    let dgs = args
        .dgs
        .iter()
        .map(|(n, p)| Ok((*n, read(p)?)))
        .collect::<Result<Vec<_>, String>>()?;
    let dg_refs: Vec<(u8, &[u8])> = dgs.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    let card_security = args.card_security.as_ref().map(read).transpose()?;
    Ok(pa::verify(
        &sod,
        &dg_refs,
        card_security.as_deref(),
        &trust,
        args.issuing_state.as_deref(),
        now,
    ))
}

/// The snake_case name a status serialises to.
fn show<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn print_text(r: &PaReport) {
    outln!("passive authentication: {}", show(&r.status));
    outln!("  reason:    {}", r.reason);
    outln!("  signature: {}", show(&r.sod.signature));
    outln!("  chain:     {}", show(&r.sod.chain));
    if let Some(s) = &r.sod.signer {
        outln!("  signer:    {s}");
    }
    if let Some(c) = &r.sod.csca {
        outln!("  csca:      {c}");
    }
    outln!("  dgs in sod: {:?}", r.dgs_in_sod);
    for (name, f) in &r.files {
        outln!("  {name}: {}", show(&f.hash));
    }
    if let Some(cs) = &r.card_security {
        outln!(
            "  card security: {} (signature {}, chain {})",
            show(&cs.status),
            show(&cs.signer.signature),
            show(&cs.signer.chain)
        );
    }
}
