//! `tapid bench`: what a passport read costs on this machine, per emulator profile — APDUs,
//! bytes, the terminal's CPU time (access control, secure messaging, chip and active
//! authentication, passive authentication) and the read's time on the modelled NFC link next
//! to that link's limit (BENCHMARKS.md defines the model). The same figures as `cargo bench
//! -p tapid-emulator --bench read`; meaningful from a release build
//! (`cargo run --release -p tapid-cli -- bench`).

use std::process::ExitCode;

use serde::Serialize;
use tapid_emulator::pki::test_trust_store;
use tapid_emulator::profile;
use tapid_emulator::read_cost::{ReadCost, measure_all, table};

/// Measure emulated passport reads: APDUs, bytes, terminal CPU, the modelled NFC link.
#[derive(clap::Args)]
pub struct Args {
    /// Print one JSON object instead of the table.
    #[arg(long)]
    json: bool,
    /// Reads per profile and setting; the CPU figures are their median.
    #[arg(long, default_value_t = 11, value_parser = clap::value_parser!(u16).range(1..))]
    runs: u16,
    /// Measure only this profile (repeatable; `tapid emulate --list-profiles` lists them).
    #[arg(long = "profile", value_name = "PROFILE")]
    profiles: Vec<String>,
}

/// What `--json` prints.
#[derive(Serialize)]
struct Report {
    /// `release` or `debug`: a debug build's CPU figures are several times a release's.
    build: &'static str,
    /// Reads per measurement.
    runs: u16,
    /// One entry per profile and extended-length setting.
    reads: Vec<ReadCost>,
}

/// Runs `tapid bench`.
pub fn run(args: Args) -> ExitCode {
    let known: Vec<&str> = profile::list().iter().map(|p| p.name).collect();
    if let Some(unknown) = args.profiles.iter().find(|p| !known.contains(&p.as_str())) {
        eprintln!("tapid: no profile {unknown:?} (tapid emulate --list-profiles)");
        return ExitCode::from(2);
    }
    let build = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    if build == "debug" {
        eprintln!("tapid: a debug build: CPU figures are not a release build's");
    }
    let trust = match test_trust_store() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: the emulator's test trust store: {e}");
            return ExitCode::FAILURE;
        }
    };
    let select = |name: &str| args.profiles.is_empty() || args.profiles.iter().any(|p| p == name);
    let reads = match measure_all(usize::from(args.runs), &trust, &select) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if args.json {
        let report = Report {
            build,
            runs: args.runs,
            reads,
        };
        match serde_json::to_string_pretty(&report) {
            Ok(s) => outln!("{s}"),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        outln!("{}", table(&reads).trim_end());
    }
    ExitCode::SUCCESS
}
