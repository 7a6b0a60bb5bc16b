//! `tapid masterlist`: inspect and verify a CSCA master list.
//!
//! Exit codes: the table of [`crate::exit`]: 0 the CMS signature is valid (and, with
//! `--root`, the signer chains to it), 5 the signer does not chain to `--root`, 6 the CMS
//! signature is invalid, 8 the file is not a master list or is damaged, 10 an unreadable file
//! or an unusable `--root`.

use std::{collections::BTreeSet, path::PathBuf, process::ExitCode};

use clap::Args as ClapArgs;
use serde::Serialize;
use tapid_mrtd::pa::{Certificate, MasterList, PaError, SkippedCertificate};

use super::trust_args::load_certificate;
use crate::exit::{CliError, Exit};

/// Parse a master list, verify its signature and (with `--root`) its signer's chain.
#[derive(ClapArgs, Debug)]
#[command(after_long_help = Exit::help())]
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
    /// The list's own CMS signature: "valid", "invalid", or "unchecked" (no signer
    /// certificate to check it with).
    signature: &'static str,
    /// The signer's chain to `--root`: "valid", "invalid" or "unchecked" (no --root given).
    signer_chain: &'static str,
    signer: Option<String>,
    reason: Option<String>,
}

impl Summary {
    fn exit(&self) -> Exit {
        match (self.signature, self.signer_chain) {
            ("valid", "valid" | "unchecked") => Exit::Success,
            ("valid", _) => Exit::PaUntrusted,
            _ => Exit::PaInvalid,
        }
    }
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
    let s = match summarise(&args) {
        Ok(s) => s,
        Err(e) => return e.report(),
    };
    if args.json {
        match serde_json::to_string_pretty(&s) {
            Ok(j) => outln!("{j}"),
            Err(e) => return CliError::new(Exit::Internal, format!("cannot encode: {e}")).report(),
        }
    } else {
        outln!(
            "{}: {} certificates from {} countries",
            s.file,
            s.certificates,
            s.countries
        );
        outln!("  signature:    {}", s.signature);
        outln!(
            "  signer chain: {}{}",
            s.signer_chain,
            if s.signer_chain == "unchecked" {
                " (give --root to anchor the list)"
            } else {
                ""
            }
        );
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
    s.exit().into()
}

fn summarise(args: &Args) -> Result<Summary, CliError> {
    let file = args.file.display().to_string();
    let bytes = std::fs::read(&args.file)
        .map_err(|e| CliError::new(Exit::UnusableInput, format!("cannot read {file}: {e}")))?;
    let list = MasterList::parse(&bytes).map_err(|e| {
        let e = match e {
            PaError::DamagedTrustFile { kind, detail, .. } => PaError::DamagedTrustFile {
                file: file.clone(),
                kind,
                detail,
            },
            e => e,
        };
        CliError::new(Exit::Malformed, format!("{file}: {e}"))
    })?;
    let root = args
        .root
        .as_ref()
        .map(|p| {
            load_certificate(p).map_err(|e| {
                CliError::new(Exit::UnusableInput, format!("--root {}: {e}", p.display()))
            })
        })
        .transpose()?;
    let countries = list.countries();
    let mut reasons = Vec::new();
    let signer = list.signer().ok().map(Certificate::subject);
    let signature = match list.verify_signature() {
        Ok(()) => "valid",
        Err(PaError::SignerCertificateNotFound) => {
            reasons.push("signature: the list's signer certificate is not in it".to_string());
            "unchecked"
        }
        Err(e) => {
            reasons.push(format!("signature: {e}"));
            "invalid"
        }
    };
    let signer_chain = match &root {
        None => "unchecked",
        Some(root) => match list.verify_signer_chain(root) {
            Ok(()) => "valid",
            Err(e) => {
                reasons.push(format!("signer chain: {e} ({})", root.subject()));
                "invalid"
            }
        },
    };
    Ok(Summary {
        file,
        certificates: list.certificates().len(),
        countries: countries.len(),
        country_codes: countries,
        skipped: list.skipped().to_vec(),
        signature,
        signer_chain,
        signer,
        reason: (!reasons.is_empty()).then(|| reasons.join("; ")),
    })
}
