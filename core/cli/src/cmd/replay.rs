//! `tapid replay`: re-run a recorded session against its transcript and print the report.

use std::path::PathBuf;
use std::process::ExitCode;

use tapid_card::transcript::Transcript;
use tapid_mrtd::lds::DataGroup;
use tapid_mrtd::reader::ReadOptions;

use super::passport::{self, meta};

/// Replay a recorded read.
#[derive(clap::Args)]
pub struct Args {
    /// The JSONL transcript written by `tapid read --record`.
    file: PathBuf,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Override the recorded MRZ key.
    #[arg(long, value_name = "DOC,YYMMDD,YYMMDD")]
    mrz: Option<String>,
    /// Override the recorded CAN.
    #[arg(long)]
    can: Option<String>,
    /// Trust anchors for passive authentication (default: the paths recorded with the session).
    #[arg(long, value_name = "PATH")]
    trust: Vec<PathBuf>,
}

/// Runs `tapid replay`.
pub fn run(args: Args) -> ExitCode {
    match passport::runtime() {
        Ok(rt) => rt.block_on(run_async(args)),
        Err(e) => {
            eprintln!("tapid: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run_async(args: Args) -> ExitCode {
    let fail = |msg: String| {
        eprintln!("tapid: {msg}");
        ExitCode::from(2)
    };
    let text = match std::fs::read_to_string(&args.file) {
        Ok(t) => t,
        Err(e) => return fail(format!("cannot read {}: {e}", args.file.display())),
    };
    let transcript = match Transcript::parse(&text) {
        Ok(t) => t,
        Err(e) => return fail(e.to_string()),
    };
    let m = &transcript.header.meta;
    let get = |k: &str| m.get(k).map(String::as_str);
    let (mrz, can) = match (
        args.mrz.as_deref(),
        args.can.as_deref(),
        get(meta::KEY_KIND),
    ) {
        (None, None, Some("mrz")) => (get(meta::KEY_VALUE), None),
        (None, None, Some("can")) => (None, get(meta::KEY_VALUE)),
        (m, c, _) => (m, c),
    };
    let key = match passport::access_key(mrz, can) {
        Ok(Some((k, _, _))) => k,
        Ok(None) => return fail("the transcript holds no access key; give --mrz or --can".into()),
        Err(e) => return fail(e),
    };
    let data_groups: Vec<DataGroup> = get(meta::DATA_GROUPS)
        .unwrap_or("2,11,12,14,15")
        .split(',')
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse::<u8>().ok().and_then(DataGroup::new))
        .collect();
    let options = ReadOptions {
        data_groups,
        extended_length: get(meta::EXTENDED) != Some("false"),
        allow_bac_fallback: get(meta::FALLBACK) == Some("true"),
        read_unlisted: get(meta::UNLISTED) == Some("true"),
        aa_challenge: get(meta::AA_CHALLENGE)
            .and_then(|h| hex::decode(h).ok())
            .and_then(|b| <[u8; 8]>::try_from(b).ok()),
        current_year: get(meta::YEAR)
            .and_then(|y| y.parse().ok())
            .unwrap_or_else(passport::current_year),
        ..ReadOptions::default()
    };
    let trust = if args.trust.is_empty() {
        get(meta::TRUST)
            .map(passport::Trust::from_meta)
            .unwrap_or(passport::Trust::Paths(Vec::new()))
    } else {
        passport::Trust::Paths(args.trust.clone())
    };
    let trust = match trust.load() {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let now = get(meta::NOW)
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(passport::unix_now);
    let mut t = transcript.transport();
    let mut rng = transcript.rng();
    match passport::run_read(&mut t, &key, &options, &mut rng, args.json).await {
        Ok(mut outcome) => {
            if let Some(trust) = &trust {
                tapid_mrtd::reader::verify_passive(&mut outcome, trust, now);
            }
            if !t.is_finished() {
                return fail(format!(
                    "replay ended before the transcript: {} recorded exchanges were not used",
                    transcript.exchange_count()
                ));
            }
            passport::print_report(&outcome.report, args.json);
            passport::completed(&outcome.report)
        }
        Err(e) => passport::read_failed(&e),
    }
}
