//! Reading a passport over a [`tapid_card::CardTransport`]: the command channel, file reading,
//! the session that ties access control and reading together, and the report.

pub mod access;
pub mod channel;
pub mod chip_authenticity;
pub mod chip_protocols;
pub mod error;
pub mod files;
pub mod report;
pub mod session;
pub mod verification;

pub use error::{Progress, ReadError};
pub use report::Report;
pub use session::{ProgressEvent, ReadOptions, ReadOutcome, read, resume};
pub use verification::verify_passive;
