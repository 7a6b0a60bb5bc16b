//! `tapid masterlist`: inspect and verify a CSCA master list.
//!
//! Exit codes: 0 signature valid (and chained to `--root` when given), 1 invalid, 3 unusable
//! input.

use std::{collections::BTreeSet, path::PathBuf, process::ExitCode};

use clap::Args as ClapArgs;
use serde::Serialize;
use tapid_mrtd::pa::{Certificate, MasterList, SkippedCertificate};

/// Parse a master list, verify its signature and (with `--root`) its signer's chain.
#[derive(ClapArgs, Debug)]
pub struct Args {
    /// The master list file (CMS SignedData of CscaMasterList).
    pub file: PathBuf,
    /// The publishing state's CSCA certificate (DER or PEM) that must certify the list signer.
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// The summary printed by the command.
#[derive(Serialize)]
struct Summary {
    file: String,
    certificates: usize,
    countries: usize,
    country_codes: BTreeSet<String>,
    skipped: Vec<SkippedCertificate>,
    /// "valid" (CMS signature verifies and, with --root, the signer chains to it),
    /// "invalid", or "unchecked" (no signer certificate to check with).
    signature: &'static str,
    /// "valid", "invalid" or "unchecked" (no --root given).
    signer_chain: &'static str,
    signer: Option<String>,
    reason: Option<String>,
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
    match summarise(&args) {
        Ok(s) => {
            if args.json {
                match serde_json::to_string_pretty(&s) {
                    Ok(j) => outln!("{j}"),
                    Err(e) => {
                        eprintln!("error: {e}");
                        return ExitCode::from(3);
                    }
                }
            } else {
                outln!(
                    "{}: {} certificates from {} countries",
                    s.file,
                    s.certificates,
                    s.countries
                );
                outln!("  signature:    {}", s.signature);
                outln!("  signer chain: {}", s.signer_chain);
                if let Some(signer) = &s.signer {
                    outln!("  signer:       {signer}");
                }
                if let Some(reason) = &s.reason {
                    outln!("  reason:       {reason}");
                }
                for skipped in &s.skipped {
                    outln!("  skipped #{}: {}", skipped.index, skipped.reason);
                }
            }
            if s.signature == "valid" {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(3)
        }
    }
}

fn load_root(path: &PathBuf) -> Result<Certificate, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut store = tapid_mrtd::pa::TrustStore::new();
    store
        .add_bytes(&path.display().to_string(), &bytes)
        .map_err(|e| format!("root {}: {e}", path.display()))?;
    store
        .certificates()
        .first()
        .cloned()
        .ok_or_else(|| format!("root {}: no certificate", path.display()))
}

fn summarise(args: &Args) -> Result<Summary, String> {
    let bytes = std::fs::read(&args.file)
        .map_err(|e| format!("cannot read {}: {e}", args.file.display()))?;
    let list = MasterList::parse(&bytes).map_err(|e| format!("{}: {e}", args.file.display()))?;
    let root = args.root.as_ref().map(load_root).transpose()?;
    let countries = list.countries();
    let mut reason = None;
    let signer = list.signer().ok().map(Certificate::subject);
    let cms_ok = match list.verify_signature() {
        Ok(()) => Some(true),
        Err(tapid_mrtd::pa::PaError::SignerCertificateNotFound) => None,
        Err(e) => {
            reason = Some(format!("signature: {e}"));
            Some(false)
        }
    };
    let signer_chain = match &root {
        None => "unchecked",
        Some(root) => match list.verify_signer_chain(root) {
            Ok(()) => "valid",
            Err(e) => {
                reason.get_or_insert_with(|| format!("signer chain: {e}"));
                "invalid"
            }
        },
    };
    let signature = match cms_ok {
        None => "unchecked",
        Some(true) if signer_chain != "invalid" => "valid",
        Some(_) => "invalid",
    };
    Ok(Summary {
        file: args.file.display().to_string(),
        certificates: list.certificates().len(),
        countries: countries.len(),
        country_codes: countries,
        skipped: list.skipped().to_vec(),
        signature,
        signer_chain,
        signer,
        reason,
    })
}
