//! The log hook: the app routes the FFI's log lines to Logcat or OSLog with [`set_log_sink`].
//!
//! What is logged is fixed here and carries no personal data or secrets: event names, protocol
//! names, counts, durations and error codes — never an MRZ, CAN, security code, key, name, APDU
//! or file content. Lines are handed to the sink from one dedicated thread through a bounded
//! queue: the reader never waits for the sink, and lines are dropped when the sink falls
//! behind.

use std::sync::mpsc::{SyncSender, sync_channel};
use std::sync::{Arc, RwLock};

use crate::errors::CallbackError;

/// How many lines may wait for a slow sink before new ones are dropped.
const QUEUE: usize = 256;

/// A log line's severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, uniffi::Enum)]
pub enum LogLevel {
    /// Details of a read's steps.
    Debug,
    /// A read or key operation started or finished.
    Info,
    /// Something failed.
    Warn,
}

/// One line.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LogRecord {
    /// Severity.
    pub level: LogLevel,
    /// The area (`read`, `transport`, `keys`, …).
    pub target: String,
    /// The text (no personal data).
    pub line: String,
}

/// Receives log lines; implemented by the app.
#[uniffi::export(foreign)]
pub trait LogSink: Send + Sync {
    /// One line (called from the FFI's log thread).
    fn log(&self, record: LogRecord) -> Result<(), CallbackError>;
}

struct Installed {
    sender: SyncSender<LogRecord>,
    level: LogLevel,
}

static SINK: RwLock<Option<Installed>> = RwLock::new(None);

/// Routes the FFI's log lines at `min_level` and above to `sink`; `None` turns logging off.
#[uniffi::export]
pub fn set_log_sink(sink: Option<Arc<dyn LogSink>>, min_level: LogLevel) {
    let installed = sink.and_then(|sink| {
        let (sender, receiver) = sync_channel::<LogRecord>(QUEUE);
        std::thread::Builder::new()
            .name("tapid-ffi-log".into())
            .spawn(move || {
                // Ends when the sender is replaced or removed.
                while let Ok(record) = receiver.recv() {
                    let _ = sink.log(record);
                }
            })
            .ok()
            .map(|_| Installed {
                sender,
                level: min_level,
            })
    });
    let mut slot = SINK
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    *slot = installed;
}

fn emit(level: LogLevel, target: &str, line: String) {
    let slot = SINK
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(installed) = slot.as_ref()
        && level >= installed.level
    {
        let _ = installed.sender.try_send(LogRecord {
            level,
            target: target.to_owned(),
            line,
        });
    }
}

/// A debug line.
pub(crate) fn debug(target: &str, line: impl Into<String>) {
    emit(LogLevel::Debug, target, line.into());
}

/// An info line.
pub(crate) fn info(target: &str, line: impl Into<String>) {
    emit(LogLevel::Info, target, line.into());
}

/// A warning.
pub(crate) fn warn(target: &str, line: impl Into<String>) {
    emit(LogLevel::Warn, target, line.into());
}
