//! Link-level faults: a chip that answers later than the reader waits, and a tag that leaves
//! the field in the middle of a read.

use std::time::Duration;

/// The APDU (counted from 0 since the chip was made) at which [`super::Fault::TagLost`] leaves
/// the field; for the BAC profile that is the MSE:Set KAT of Chip Authentication, after
/// EF.ATR/INFO, EF.CardAccess (absent), BAC, EF.SOD, DG1 and DG14.
pub const TAG_LOST_AT: usize = 13;
/// How long [`super::Fault::SlowChip`] takes per answer under secure messaging.
pub const SLOW_ANSWER: Duration = Duration::from_secs(8);
/// How long the in-process link waits for an answer (Android's `IsoDep` is usually raised to
/// about this, tananaev #16).
pub const LINK_TIMEOUT: Duration = Duration::from_secs(5);

/// What the chip does with one command, seen from the link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// It answers at once.
    Answer(Vec<u8>),
    /// It answers, but only after `after`.
    Late {
        /// The chip's processing time.
        after: Duration,
        /// The answer, once it comes.
        answer: Vec<u8>,
    },
    /// The chip has left the field: no answer, now or later (until it is reset).
    Lost,
}
