//! `tapid verify`: passive authentication offline, on files.
//!
//! Exit codes: the table of [`crate::exit`] (0 valid, 2 usage, 5 untrusted, 6 invalid,
//! 8 malformed EF.SOD/EF.CardSecurity, 10 unusable trust or input files).

use std::{path::PathBuf, process::ExitCode};

use clap::Args as ClapArgs;
use tapid_mrtd::lds::dg1::Dg1;
use tapid_mrtd::pa::{self, DocumentContext, PaReport, Policy, TrustStore};

use super::trust_args::TrustArgs;
use crate::exit::{CliError, Exit};

/// Verify EF.SOD (and optionally data groups and EF.CardSecurity) against trusted CSCAs.
#[derive(ClapArgs, Debug)]
#[command(after_long_help = Exit::help())]
pub struct Args {
    /// EF.SOD file (with or without its 77 tag; DER or BER). Without it, only
    /// `--card-security` is verified.
    #[arg(long, required_unless_present_any = ["card_security", "evidence"])]
    pub sod: Option<PathBuf>,
    /// An evidence bundle written by `tapid read --evidence`: re-verified offline against
    /// `--trust` with this machine's clock (or `--at`); the bundle's own time is informative.
    #[arg(long, conflicts_with_all = ["sod", "dgs", "card_security", "issuing_state", "document_code"])]
    pub evidence: Option<PathBuf>,
    /// With `--evidence`: the Active Authentication challenge this verifier issued (16 hex
    /// digits); the recorded one must equal it.
    #[arg(long, value_name = "HEX16", requires = "evidence")]
    pub aa_challenge: Option<String>,
    /// A data group as read from the chip, `N=FILE` (repeatable, each number once), e.g.
    /// `--dg 1=DG1.bin`.
    #[arg(long = "dg", value_parser = parse_dg)]
    pub dgs: Vec<(u8, PathBuf)>,
    /// EF.CardSecurity file, verified like EF.SOD.
    #[arg(long)]
    pub card_security: Option<PathBuf>,
    /// Trust anchors and policy (`--trust` is required here).
    #[command(flatten)]
    pub trust: TrustArgs,
    /// DG1 issuing state (MRZ code such as D, NLD, UTO) for the country consistency check
    /// (default: from `--dg 1=…` when given).
    #[arg(long)]
    pub issuing_state: Option<String>,
    /// DG1 document code (P, ID, I, AC …) for the signer's DocumentTypeList (default: from
    /// `--dg 1=…` when given).
    #[arg(long)]
    pub document_code: Option<String>,
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

fn read(path: &PathBuf) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|e| {
        CliError::new(
            Exit::UnusableInput,
            format!("cannot read {}: {e}", path.display()),
        )
    })
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
    if let Some(path) = &args.evidence {
        return super::evidence::verify(path, &args.trust, args.aa_challenge.as_deref(), args.json);
    }
    let report = match execute(&args) {
        Ok(report) => report,
        Err(e) => return e.report(),
    };
    if args.json {
        match serde_json::to_string_pretty(&report) {
            Ok(s) => outln!("{s}"),
            Err(e) => return CliError::new(Exit::Internal, format!("cannot encode: {e}")).report(),
        }
    } else {
        print_text(&report);
    }
    Exit::for_pa(&report).into()
}

fn execute(args: &Args) -> Result<PaReport, CliError> {
    if args.trust.trust.is_empty() {
        return Err(CliError::new(
            Exit::Usage,
            "verify needs trust anchors: --trust PATH (with --trust-root CERT for master lists)",
        ));
    }
    if let Some(dup) = args
        .dgs
        .iter()
        .enumerate()
        .find(|(i, (n, _))| args.dgs.iter().take(*i).any(|(m, _)| m == n))
        .map(|(_, (n, _))| *n)
    {
        return Err(CliError::new(
            Exit::Usage,
            format!("--dg {dup} is given more than once: give each data group once"),
        ));
    }
    let (trust, policy) = args.trust.load()?;
    let trust = trust.unwrap_or_default();
    let dgs = args
        .dgs
        .iter()
        .map(|(n, p)| Ok((*n, read(p)?)))
        .collect::<Result<Vec<_>, CliError>>()?;
    // DG1 says which state issued the document and what it is, unless the flags say so.
    let dg1 = dgs
        .iter()
        .find(|(n, _)| *n == 1)
        .and_then(|(_, b)| Dg1::parse(b).ok());
    let issuing_state = args
        .issuing_state
        .clone()
        .or_else(|| dg1.as_ref().map(|d| d.mrz.issuing_state.clone()));
    let document_code = args
        .document_code
        .clone()
        .or_else(|| dg1.as_ref().map(|d| d.mrz.document_code.clone()));
    let document = DocumentContext {
        issuing_state: issuing_state.as_deref(),
        document_code: document_code.as_deref(),
    };
    let card_security = args.card_security.as_ref().map(read).transpose()?;
    let Some(sod_path) = &args.sod else {
        let cs = card_security.ok_or_else(|| CliError::new(Exit::Usage, "nothing to verify"))?;
        return Ok(card_security_alone(&cs, &trust, document, &policy));
    };
    let sod = read(sod_path)?;
    let dg_refs: Vec<(u8, &[u8])> = dgs.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    Ok(pa::verify(
        &sod,
        &dg_refs,
        card_security.as_deref(),
        &trust,
        document,
        &policy,
    ))
}

/// EF.CardSecurity without EF.SOD: its signer details stand in for the SOD's.
fn card_security_alone(
    bytes: &[u8],
    trust: &TrustStore,
    document: DocumentContext<'_>,
    policy: &Policy,
) -> PaReport {
    let cs = pa::verify_card_security(bytes, trust, document, policy);
    let mut report = PaReport::failed(pa::PaFailure::SodMissing);
    report.failures = cs.failures.clone();
    report.sod = cs.signer.clone();
    report.card_security = Some(cs);
    report.conclude()
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
    outln!("  reason:     {}", r.reason);
    outln!("  signature:  {}", show(&r.sod.signature));
    outln!("  chain:      {}", show(&r.sod.chain));
    outln!("  revocation: {}", show(&r.sod.revocation));
    if let Some(v) = &r.sod.validity {
        outln!(
            "  validity:   {} model at {} (signer checked at {})",
            v.model,
            pa::time::format_utc(v.at),
            pa::time::format_utc(v.signer_checked_at)
        );
    }
    if let Some(s) = &r.sod.signer {
        outln!("  signer:     {s}");
    }
    if let Some(c) = &r.sod.csca {
        outln!("  csca:       {c}");
    }
    if r.legacy_content_type {
        outln!("  eContentType: legacy id-data");
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
