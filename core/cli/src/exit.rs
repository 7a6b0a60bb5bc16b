//! The exit codes of the passport commands (`read`, `replay`, `verify`, `masterlist`): one
//! table, one meaning per code, documented in the README and in each command's `--help`.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | completed, and every check that ran passed |
//! | 1 | internal error (e.g. the output cannot be written) |
//! | 2 | command-line usage (clap's code: a mistyped command or argument, a duplicate `--dg`) |
//! | 3 | access denied (wrong MRZ or CAN) |
//! | 4 | the link to the chip was lost |
//! | 5 | passive authentication untrusted (no anchored CSCA, or a trust requirement unmet) |
//! | 6 | passive authentication invalid |
//! | 7 | chip authenticity invalid (a clone) |
//! | 8 | the chip or an input file is malformed, or the chip violated the protocol |
//! | 9 | replay mismatch: the transcript does not match the session |
//! | 10 | unusable trust or input files (cannot be read, a damaged or broken trust file, a CRL that does not verify, an unanchored master list refused) |
//! | 11 | downgrade detected |

use std::fmt;

use tapid_mrtd::pa::{PaFailure, PaReport, PaStatus};
use tapid_mrtd::reader::report::{ChipFailure, ChipStatus, DowngradeStatus};
use tapid_mrtd::reader::{ReadError, Report};

/// One outcome of a passport command, with its process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: completed, and every check that ran passed.
    Success,
    /// 1: internal error (e.g. the output cannot be written).
    Internal,
    /// 2: command-line usage (clap's own code for mistyped commands and arguments).
    Usage,
    /// 3: access denied (wrong MRZ or CAN).
    AccessDenied,
    /// 4: the link to the chip was lost.
    LinkLost,
    /// 5: passive authentication untrusted.
    PaUntrusted,
    /// 6: passive authentication invalid.
    PaInvalid,
    /// 7: chip authenticity invalid (a clone).
    ChipInvalid,
    /// 8: the chip or an input file is malformed, or the chip violated the protocol.
    Malformed,
    /// 9: replay mismatch (the transcript does not match the session).
    ReplayMismatch,
    /// 10: unusable trust or input files.
    UnusableInput,
    /// 11: downgrade detected.
    Downgrade,
}

impl Exit {
    /// Every outcome, in code order (the documented table).
    pub const ALL: [Exit; 12] = [
        Exit::Success,
        Exit::Internal,
        Exit::Usage,
        Exit::AccessDenied,
        Exit::LinkLost,
        Exit::PaUntrusted,
        Exit::PaInvalid,
        Exit::ChipInvalid,
        Exit::Malformed,
        Exit::ReplayMismatch,
        Exit::UnusableInput,
        Exit::Downgrade,
    ];

    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Internal => 1,
            Exit::Usage => 2,
            Exit::AccessDenied => 3,
            Exit::LinkLost => 4,
            Exit::PaUntrusted => 5,
            Exit::PaInvalid => 6,
            Exit::ChipInvalid => 7,
            Exit::Malformed => 8,
            Exit::ReplayMismatch => 9,
            Exit::UnusableInput => 10,
            Exit::Downgrade => 11,
        }
    }

    /// What the code means, as the table says.
    pub fn meaning(self) -> &'static str {
        match self {
            Exit::Success => "completed, and every check that ran passed",
            Exit::Internal => "internal error (e.g. the output cannot be written)",
            Exit::Usage => "command-line usage (mistyped command or argument, duplicate --dg)",
            Exit::AccessDenied => "access denied (wrong MRZ or CAN)",
            Exit::LinkLost => "the link to the chip was lost",
            Exit::PaUntrusted => "passive authentication untrusted",
            Exit::PaInvalid => "passive authentication invalid",
            Exit::ChipInvalid => "chip authenticity invalid (a clone)",
            Exit::Malformed => "the chip or an input file is malformed / protocol violation",
            Exit::ReplayMismatch => "replay mismatch (the transcript does not match the session)",
            Exit::UnusableInput => {
                "unusable trust or input files (unreadable, damaged, broken CRL, unanchored \
                 master list refused)"
            }
            Exit::Downgrade => "downgrade detected",
        }
    }

    /// The exit code for a passive-authentication verdict: valid → 0, untrusted → 5, an
    /// EF.SOD or EF.CardSecurity that does not parse → 8, any other invalid → 6. Not
    /// performed (no trust store) → 0: no check ran, so none failed; the report says so.
    pub fn for_pa(report: &PaReport) -> Exit {
        match report.status {
            PaStatus::Valid | PaStatus::NotPerformed => Exit::Success,
            PaStatus::Untrusted => Exit::PaUntrusted,
            PaStatus::Invalid => {
                let malformed = |f: &PaFailure| {
                    matches!(
                        f,
                        PaFailure::SodMalformed { .. } | PaFailure::CardSecurityMalformed { .. }
                    )
                };
                let nested = report.card_security.iter().flat_map(|c| c.failures.iter());
                if report.failures.iter().chain(nested).any(malformed) {
                    Exit::Malformed
                } else {
                    Exit::PaInvalid
                }
            }
        }
    }

    /// The table as text, for the commands' `--help`.
    pub fn help() -> String {
        let mut out = String::from("Exit status:\n");
        for e in Exit::ALL {
            out.push_str(&format!("  {:>2}  {}\n", e.code(), e.meaning()));
        }
        out
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(e: Exit) -> Self {
        std::process::ExitCode::from(e.code())
    }
}

/// A command's failure: the message for stderr and the outcome it exits with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError {
    /// The outcome (exit code).
    pub exit: Exit,
    /// One line naming the cause.
    pub message: String,
}

impl CliError {
    /// A failure with its outcome and message.
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Self {
            exit,
            message: message.into(),
        }
    }

    /// Prints the message on stderr and returns the exit code.
    pub fn report(&self) -> std::process::ExitCode {
        eprintln!("tapid: {}", self.message);
        self.exit.into()
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The outcome of a completed read or evidence verification, with the one line that says why.
/// A clone outranks everything (a chip authentication check itself failed); then an invalid
/// passive authentication (or a key file it did not prove), a downgrade, an untrusted one.
pub fn for_report(report: &Report) -> (Exit, Option<String>) {
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
            Exit::ChipInvalid,
            Some(format!("chip authenticity invalid: {}", chip.reason)),
        );
    }
    match Exit::for_pa(pa) {
        e @ (Exit::PaInvalid | Exit::Malformed) => {
            return (
                e,
                Some(format!("passive authentication invalid: {}", pa.reason)),
            );
        }
        _ if chip.status == ChipStatus::Invalid => {
            return (
                Exit::PaInvalid,
                Some(format!("chip authenticity invalid: {}", chip.reason)),
            );
        }
        _ => {}
    }
    if report.downgrade.status == DowngradeStatus::Detected {
        return (
            Exit::Downgrade,
            Some(format!("downgrade detected: {}", report.downgrade.reason)),
        );
    }
    match Exit::for_pa(pa) {
        Exit::PaUntrusted => (
            Exit::PaUntrusted,
            Some(format!("passive authentication untrusted: {}", pa.reason)),
        ),
        _ => (Exit::Success, None),
    }
}

/// The outcome of a read that failed.
pub fn for_read_error(e: &ReadError) -> Exit {
    use tapid_card::TransportError;
    match e {
        ReadError::AccessDenied | ReadError::CanNeedsPace => Exit::AccessDenied,
        ReadError::Transport(
            TransportError::ReplayMismatch { .. } | TransportError::ReplayExhausted(_),
        ) => Exit::ReplayMismatch,
        ReadError::LinkLost { .. } | ReadError::Transport(_) => Exit::LinkLost,
        _ => Exit::Malformed,
    }
}

/// Prints the reason of an outcome on stderr (when there is one) and returns the exit code.
pub fn finish(exit: Exit, why: Option<String>) -> std::process::ExitCode {
    if let Some(why) = why {
        eprintln!("tapid: {why}");
    }
    exit.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_in_order() {
        for (i, e) in Exit::ALL.iter().enumerate() {
            assert_eq!(usize::from(e.code()), i, "{e:?}");
        }
        assert!(Exit::help().contains("10  unusable trust"));
    }
}
