//! `tapid code`: the offline 8-digit code (OCRA-1:HOTP-SHA256-8:QN08-T30S), app and server side.

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::{Args, Subcommand};
use tapid_identity::Error;
use tapid_identity::messages::Lang;
use tapid_identity::offline_code::{self, Challenge, OfflineKey, PendingChallenge, clock_advice};

/// Offline challenge/response codes.
#[derive(Args)]
pub struct CodeArgs {
    #[command(subcommand)]
    command: CodeCommand,
}

#[derive(Subcommand)]
enum CodeCommand {
    /// App side: print the 8-digit response for the challenge shown on the web page.
    Respond {
        /// The shared OCRA key in hex.
        #[arg(long)]
        key: String,
        /// The 8-digit challenge.
        #[arg(long)]
        challenge: String,
        /// Unix time in seconds (default: now).
        #[arg(long)]
        time: Option<u64>,
    },
    /// Server side: check a response (steps T-3…T+1 accepted).
    Verify {
        /// The shared OCRA key in hex.
        #[arg(long)]
        key: String,
        /// The 8-digit challenge.
        #[arg(long)]
        challenge: String,
        /// The 8-digit response the user typed.
        #[arg(long)]
        response: String,
        /// Server Unix time in seconds (default: now).
        #[arg(long)]
        time: Option<u64>,
    },
}

fn now_or(time: Option<u64>) -> u64 {
    time.unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    })
}

/// Runs `tapid code …`.
pub fn run(args: CodeArgs) -> ExitCode {
    let result = match args.command {
        CodeCommand::Respond {
            key,
            challenge,
            time,
        } => OfflineKey::from_hex(&key).and_then(|k| {
            let ch = Challenge::parse(&challenge)?;
            offline_code::respond(&k, &ch, now_or(time))
        }),
        CodeCommand::Verify {
            key,
            challenge,
            response,
            time,
        } => OfflineKey::from_hex(&key).and_then(|k| {
            let now = now_or(time);
            let mut pending = PendingChallenge::new(Challenge::parse(&challenge)?, now);
            pending
                .verify(&k, &response, now, 0)
                .map(|v| format!("ok (step offset {:+})", v.step_offset))
        }),
    };
    match result {
        Ok(out) => {
            outln!("{out}");
            ExitCode::SUCCESS
        }
        Err(e @ Error::ClockSkew { .. }) => {
            eprintln!("error: {e}. {}", clock_advice(Lang::En));
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
