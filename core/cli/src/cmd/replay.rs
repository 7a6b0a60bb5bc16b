//! `tapid replay`: re-run a recorded session against its transcript and print the report.

use std::path::PathBuf;
use std::process::ExitCode;

use tapid_card::transcript::Transcript;
use tapid_mrtd::lds::DataGroup;
use tapid_mrtd::reader::{Progress, ReadOptions, Verification};

use crate::exit::Exit;

use super::passport::{self, meta};
use super::trust_args::TrustArgs;

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
    /// Trust anchors and policy (default: those recorded with the session, and its time).
    #[command(flatten)]
    trust: TrustArgs,
}

/// Runs `tapid replay`.
pub fn run(args: Args) -> ExitCode {
    passport::block_on(run_async(args))
}

async fn run_async(args: Args) -> ExitCode {
    let fail = |msg: String, outcome: Exit| {
        eprintln!("tapid: {msg}");
        ExitCode::from(outcome)
    };
    let text = match std::fs::read_to_string(&args.file) {
        Ok(t) => t,
        Err(e) => {
            return fail(
                format!("cannot read {}: {e}", args.file.display()),
                Exit::UnusableInput,
            );
        }
    };
    let transcript = match Transcript::parse(&text) {
        Ok(t) => t,
        Err(e) => return fail(e.to_string(), Exit::UnusableInput),
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
        Ok(None) => {
            return fail(
                "the transcript holds no access key; give --mrz or --can".into(),
                Exit::Usage,
            );
        }
        Err(e) => return fail(e, Exit::Usage),
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
        allow_explicit_pace_parameters: get(meta::EXPLICIT_PACE) == Some("true"),
        aa_challenge: get(meta::AA_CHALLENGE)
            .and_then(|h| hex::decode(h).ok())
            .and_then(|b| <[u8; 8]>::try_from(b).ok()),
        ..ReadOptions::default()
    };
    let recorded = passport::Trust::from_meta(m);
    let trust = if args.trust.trust.is_empty() {
        passport::Trust {
            args: TrustArgs {
                at: args.trust.at.or(recorded.args.at),
                ..recorded.args
            },
            ..recorded
        }
    } else {
        passport::Trust {
            builtin: false,
            args: TrustArgs {
                at: args.trust.at.or(recorded.args.at),
                ..args.trust.clone()
            },
        }
    };
    // The recorded time unless --at says otherwise: the same verdicts as when recorded.
    let (store, policy) = match trust.load() {
        Ok(t) => t,
        Err(e) => return e.report(),
    };
    let verification = Verification::with_policy(&store, policy);
    let request = passport::ReadRequest::new(&key, &options, &verification, args.json);
    let mut t = transcript.transport();
    let mut rng = transcript.rng();
    match passport::run_read(&mut t, &request, &mut rng, Progress::default()).await {
        Ok(read) => {
            if !t.is_finished() {
                return fail(
                    format!(
                        "replay ended before the transcript: {} recorded exchanges were not used",
                        transcript.exchange_count()
                    ),
                    Exit::ReplayMismatch,
                );
            }
            passport::print_report(read.report(), args.json);
            passport::completed(read.report())
        }
        Err(e) => passport::read_failed(&e),
    }
}
