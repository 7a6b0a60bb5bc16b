//! `tapid verify --evidence`: what a server does with a phone's evidence bundle — re-verify it
//! offline with its own trust anchors and clock, never taking the phone's verdict.

use std::path::Path;
use std::process::ExitCode;

use tapid_mrtd::reader::{Evidence, Verification, verify_evidence};

use super::passport;
use super::trust_args::TrustArgs;
use crate::exit::{self, Exit};

/// Re-verifies the bundle at `path` and prints the report; exits like `tapid read` would.
pub fn verify(path: &Path, trust: &TrustArgs, aa_challenge: Option<&str>, json: bool) -> ExitCode {
    let fail = |msg: String, outcome: Exit| {
        eprintln!("tapid: {msg}");
        ExitCode::from(outcome)
    };
    let challenge = match aa_challenge {
        None => None,
        Some(h) => match hex::decode(h)
            .ok()
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
        {
            Some(c) => Some(c),
            None => {
                return fail(
                    "--aa-challenge: 8 bytes in hex (16 digits)".into(),
                    Exit::Usage,
                );
            }
        },
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            return fail(
                format!("cannot read {}: {e}", path.display()),
                Exit::UnusableInput,
            );
        }
    };
    let evidence = match Evidence::from_slice(&bytes) {
        Ok(e) => e,
        Err(e) => return fail(format!("{}: {e}", path.display()), Exit::Malformed),
    };
    let (store, policy) = match trust.load() {
        Ok((s, p)) => (s.unwrap_or_default(), p),
        Err(e) => return e.report(),
    };
    let verification = Verification {
        trust: &store,
        policy,
        aa_challenge: challenge,
    };
    match verify_evidence(&evidence, &verification) {
        Ok(report) => {
            passport::print_report(&report, json);
            let (outcome, why) = exit::for_report(&report);
            exit::finish(outcome, why)
        }
        Err(e) => fail(format!("{}: {e}", path.display()), Exit::Malformed),
    }
}
