//! Exit codes of the passport commands (`read`, `replay`, `verify`): one meaning each, the
//! same for every command, documented in the README ("Exit status").

use std::process::ExitCode;

use tapid_mrtd::pa::PaStatus;
use tapid_mrtd::reader::report::{ChipFailure, ChipStatus, DowngradeStatus};
use tapid_mrtd::reader::{ReadError, Report};

/// What a passport command ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Completed, and every check that ran passed.
    Ok = 0,
    /// An internal failure (e.g. the output could not be written).
    Internal = 1,
    /// A mistyped command or argument (also clap's own code).
    Usage = 2,
    /// The chip refused the access key (wrong MRZ or CAN).
    AccessDenied = 3,
    /// The link to the card was lost (or timed out).
    LinkLost = 4,
    /// Passive authentication: no trusted CSCA certifies the document's signer.
    Untrusted = 5,
    /// Passive authentication: a signature, hash, certificate or country check failed.
    Invalid = 6,
    /// Chip authenticity invalid: the chip failed a chip authentication check (a clone).
    Clone = 7,
    /// The chip or an input file is malformed, or the chip broke the protocol.
    Malformed = 8,
    /// A replayed transcript does not match the session.
    ReplayMismatch = 9,
    /// A trust or input file cannot be used (unreadable, broken CRL, unanchored master list).
    UnusableInput = 10,
    /// Access control was weaker than the document's signed data offers (a downgrade).
    Downgrade = 11,
}

impl Outcome {
    /// The process exit code.
    pub fn code(self) -> ExitCode {
        ExitCode::from(self as u8)
    }
}

/// The outcome of a completed read or verification, with the one line that says why.
pub fn for_report(report: &Report) -> (Outcome, Option<String>) {
    let pa = &report.passive_authentication;
    let chip = &report.chip_authenticity;
    let clone = chip.status == ChipStatus::Invalid
        && chip.failures.iter().any(|f| {
            !matches!(
                f,
                ChipFailure::KeyFileNotVerified { .. } | ChipFailure::KeyFileNotTrusted { .. }
            )
        });
    if clone {
        return (
            Outcome::Clone,
            Some(format!("chip authenticity invalid: {}", chip.reason)),
        );
    }
    match pa.status {
        PaStatus::Invalid => {
            return (
                Outcome::Invalid,
                Some(format!("passive authentication invalid: {}", pa.reason)),
            );
        }
        _ if chip.status == ChipStatus::Invalid => {
            return (
                Outcome::Invalid,
                Some(format!("chip authenticity invalid: {}", chip.reason)),
            );
        }
        _ => {}
    }
    if report.downgrade.status == DowngradeStatus::Detected {
        return (
            Outcome::Downgrade,
            Some(format!("downgrade detected: {}", report.downgrade.reason)),
        );
    }
    match pa.status {
        PaStatus::Untrusted => (
            Outcome::Untrusted,
            Some(format!("passive authentication untrusted: {}", pa.reason)),
        ),
        _ => (Outcome::Ok, None),
    }
}

/// The outcome of a read that failed.
pub fn for_read_error(e: &ReadError) -> Outcome {
    use tapid_card::TransportError;
    match e {
        ReadError::AccessDenied | ReadError::CanNeedsPace => Outcome::AccessDenied,
        ReadError::Transport(
            TransportError::ReplayMismatch { .. } | TransportError::ReplayExhausted(_),
        ) => Outcome::ReplayMismatch,
        ReadError::LinkLost { .. } | ReadError::Transport(_) => Outcome::LinkLost,
        _ => Outcome::Malformed,
    }
}

/// Prints the reason of a non-zero outcome on stderr and returns the exit code.
pub fn finish(outcome: Outcome, why: Option<String>) -> ExitCode {
    if let Some(why) = why {
        eprintln!("tapid: {why}");
    }
    outcome.code()
}
