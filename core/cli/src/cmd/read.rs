//! `tapid read`: read a passport from the built-in emulator and print the report.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use tapid_card::CardTransport;
use tapid_card::transcript::Recorder;
use tapid_emulator::{ChipConfig, Profile};
use tapid_mrtd::lds::DataGroup;
use tapid_mrtd::mrz::AccessKey;
use tapid_mrtd::reader::ReadOptions;

use super::passport::{self, meta};

/// Read a passport chip.
#[derive(clap::Args)]
pub struct Args {
    /// Read the built-in emulator with this profile (see `tapid emulate --list-profiles`).
    #[arg(long, value_name = "PROFILE")]
    emulator: String,
    /// MRZ access key: DOCNUMBER,YYMMDD(birth),YYMMDD(expiry). Default: the profile's own.
    #[arg(long, value_name = "DOC,YYMMDD,YYMMDD")]
    mrz: Option<String>,
    /// Card access number (PACE).
    #[arg(long, value_name = "NNNNNN")]
    can: Option<String>,
    /// Data groups to read besides DG1 (only those EF.SOD lists are read), comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "N,…",
        default_value = "2,11,12,14,15"
    )]
    dg: Vec<u8>,
    /// Never use extended-length APDUs (reader and emulated chip).
    #[arg(long)]
    no_extended_length: bool,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Write every raw file and report.json into this directory.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Trust anchors for passive authentication: a master list, a CSCA certificate (DER/PEM),
    /// a folder of them, or a CRL. Repeatable.
    #[arg(long, value_name = "PATH")]
    trust: Vec<PathBuf>,
    /// Record the session (APDUs and the terminal's random bytes) as a JSONL transcript.
    #[arg(long, value_name = "FILE")]
    record: Option<PathBuf>,
}

/// Runs `tapid read`.
pub fn run(args: Args) -> ExitCode {
    match passport::runtime() {
        Ok(rt) => rt.block_on(run_async(args)),
        Err(e) => {
            eprintln!("tapid: {e}");
            ExitCode::FAILURE
        }
    }
}

fn options(args: &Args) -> Result<ReadOptions, String> {
    let data_groups = args
        .dg
        .iter()
        .map(|n| DataGroup::new(*n).ok_or_else(|| format!("--dg {n}: data groups are 1..16")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ReadOptions {
        data_groups,
        extended_length: !args.no_extended_length,
        current_year: passport::current_year(),
        ..ReadOptions::default()
    })
}

async fn run_async(args: Args) -> ExitCode {
    let fail = |msg: String| {
        eprintln!("tapid: {msg}");
        ExitCode::from(2)
    };
    let profile = match Profile::named(&args.emulator) {
        Ok(p) => p,
        Err(e) => return fail(e.to_string()),
    };
    let (key, kind, value) = match passport::access_key(args.mrz.as_deref(), args.can.as_deref()) {
        Ok(Some(k)) => k,
        Ok(None) => match profile.mrz_key() {
            Ok(k) => {
                let info = k.mrz_information();
                let value = format!(
                    "{},{},{}",
                    info.get(..9).unwrap_or_default().trim_end_matches('<'),
                    info.get(10..16).unwrap_or_default(),
                    info.get(17..23).unwrap_or_default()
                );
                (AccessKey::Mrz(k), "mrz".to_owned(), value)
            }
            Err(e) => return fail(e.to_string()),
        },
        Err(e) => return fail(e),
    };
    let options = match options(&args) {
        Ok(o) => o,
        Err(e) => return fail(e),
    };
    let trust = match passport::load_trust(&args.trust) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let now = passport::unix_now();
    let config = ChipConfig {
        extended_length: !args.no_extended_length,
    };
    let seed: [u8; 16] = {
        let mut s = [0u8; 16];
        rand_core::Rng::fill_bytes(&mut passport::system_rng(), &mut s);
        s
    };
    let chip = match tapid_emulator::Chip::new(&profile, config, &seed) {
        Ok(c) => tapid_emulator::EmulatorTransport::new(c),
        Err(e) => return fail(e.to_string()),
    };

    let outcome = if let Some(path) = &args.record {
        let mut m = BTreeMap::new();
        m.insert(meta::KEY_KIND.to_owned(), kind);
        m.insert(meta::KEY_VALUE.to_owned(), value);
        m.insert(
            meta::DATA_GROUPS.to_owned(),
            options
                .data_groups
                .iter()
                .map(|d| d.number().to_string())
                .collect::<Vec<_>>()
                .join(","),
        );
        m.insert(
            meta::EXTENDED.to_owned(),
            options.extended_length.to_string(),
        );
        m.insert(meta::YEAR.to_owned(), options.current_year.to_string());
        m.insert(meta::PROFILE.to_owned(), args.emulator.clone());
        m.insert(meta::NOW.to_owned(), now.to_string());
        if !args.trust.is_empty() {
            let paths: Vec<String> = args.trust.iter().map(|p| p.display().to_string()).collect();
            m.insert(meta::TRUST.to_owned(), paths.join("\n"));
        }
        let rec = Recorder::new(chip.capabilities(), m);
        let mut t = rec.transport(chip);
        let mut rng = rec.rng(passport::system_rng());
        let result = passport::run_read(&mut t, &key, &options, &mut rng, args.json).await;
        if let Err(e) = std::fs::write(path, rec.to_jsonl()) {
            return fail(format!("cannot write {}: {e}", path.display()));
        }
        result
    } else {
        let mut t = chip;
        passport::run_read(
            &mut t,
            &key,
            &options,
            &mut passport::system_rng(),
            args.json,
        )
        .await
    };
    let mut outcome = match outcome {
        Ok(o) => o,
        Err(e) => return passport::read_failed(&e),
    };
    if let Some(trust) = &trust {
        tapid_mrtd::reader::verify_passive(&mut outcome, trust, now);
    }
    if let Some(Err(e)) = args
        .out
        .as_deref()
        .map(|dir| passport::write_out(dir, &outcome))
    {
        return fail(e);
    }
    passport::print_report(&outcome.report, args.json);
    passport::completed(&outcome.report)
}
