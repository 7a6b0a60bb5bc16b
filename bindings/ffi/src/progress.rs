//! Progress while the user holds the passport to the phone: a step, a fraction for a progress
//! bar and a short localized message (Swedish or English) that fits the iOS NFC sheet.
//!
//! Events reach the app's [`ProgressListener`] in order, from one delivery task, each call
//! bounded by [`CALLBACK_TIMEOUT`] and awaited apart from the read: a slow or stuck listener
//! never holds up the read (a stuck one gets no further events). The fraction never goes down,
//! and the last event of a completed read is [`ReadStep::Done`] at 1.0.

use std::sync::Arc;
use std::time::Duration;

use tapid_mrtd::reader::ProgressEvent;

use crate::errors::CallbackError;

/// Longest one listener call may take.
pub const CALLBACK_TIMEOUT: Duration = Duration::from_secs(2);

/// The language of user-facing texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, uniffi::Enum)]
pub enum Language {
    /// Swedish (the default).
    #[default]
    Sv,
    /// English.
    En,
}

impl From<Language> for tapid_identity::messages::Lang {
    fn from(l: Language) -> Self {
        match l {
            Language::Sv => Self::Sv,
            Language::En => Self::En,
        }
    }
}

/// The step a read is at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ReadStep {
    /// Talking to the tag (asking its capabilities).
    Connecting,
    /// BAC or PACE.
    AccessControl,
    /// Reading the chip's files.
    Reading,
    /// Passive authentication and the verdicts.
    Verifying,
    /// Finished.
    Done,
}

/// One progress event.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ReadProgress {
    /// The step.
    pub step: ReadStep,
    /// 0.0 … 1.0, never decreasing within a read.
    pub fraction: f32,
    /// A short text for the user in the read's language.
    pub message: String,
    /// The file being read (`DG2`, …), during [`ReadStep::Reading`].
    pub file: Option<String>,
}

/// Receives progress events; implemented by the app (update a progress bar, the NFC sheet).
/// Async, so that the app can hop to its UI thread; each call is awaited (bounded) before the
/// next event is delivered.
#[uniffi::export(foreign)]
#[async_trait::async_trait]
pub trait ProgressListener: Send + Sync {
    /// One event. Throwing is allowed (the error is dropped; the read goes on).
    async fn on_progress(&self, progress: ReadProgress) -> Result<(), CallbackError>;
}

/// The text of a step.
pub fn step_message(step: ReadStep, language: Language) -> &'static str {
    match (step, language) {
        (ReadStep::Connecting, Language::Sv) => "Håll passet mot telefonen",
        (ReadStep::Connecting, Language::En) => "Hold your passport to the phone",
        (ReadStep::AccessControl, Language::Sv) => "Öppnar passets chip…",
        (ReadStep::AccessControl, Language::En) => "Opening the passport chip…",
        (ReadStep::Reading, Language::Sv) => "Läser passet – rör det inte",
        (ReadStep::Reading, Language::En) => "Reading the passport – keep still",
        (ReadStep::Verifying, Language::Sv) => "Kontrollerar att passet är äkta",
        (ReadStep::Verifying, Language::En) => "Checking the passport is genuine",
        (ReadStep::Done, Language::Sv) => "Klart",
        (ReadStep::Done, Language::En) => "Done",
    }
}

/// Turns the core's events into [`ReadProgress`] with a monotonic fraction.
pub(crate) struct Tracker {
    language: Language,
    expected_files: f32,
    files_done: f32,
    fraction: f32,
}

/// Fractions at which the steps start.
const ACCESS: f32 = 0.05;
const READING: f32 = 0.15;
const VERIFYING: f32 = 0.95;

impl Tracker {
    /// A tracker for a read of `data_groups` data groups (besides DG1 and EF.SOD).
    pub fn new(language: Language, data_groups: usize) -> Self {
        Self {
            language,
            // EF.CardAccess, EF.SOD and DG1 besides the requested ones; a group the chip lacks
            // just leaves the bar short until `Verifying`.
            expected_files: (data_groups + 3) as f32,
            files_done: 0.0,
            fraction: 0.0,
        }
    }

    fn event(&mut self, step: ReadStep, fraction: f32, file: Option<String>) -> ReadProgress {
        self.fraction = self.fraction.max(fraction.clamp(0.0, 1.0));
        ReadProgress {
            step,
            fraction: self.fraction,
            message: step_message(step, self.language).to_owned(),
            file,
        }
    }

    /// A step without a core event.
    pub fn step(&mut self, step: ReadStep) -> ReadProgress {
        let at = match step {
            ReadStep::Connecting => 0.0,
            ReadStep::AccessControl => ACCESS,
            ReadStep::Reading => READING,
            ReadStep::Verifying => VERIFYING,
            ReadStep::Done => 1.0,
        };
        self.event(step, at, None)
    }

    /// The progress of a core event.
    pub fn core(&mut self, e: ProgressEvent) -> Option<ReadProgress> {
        let reading_span = VERIFYING - READING;
        let per_file = reading_span / self.expected_files.max(1.0);
        let reading_at = |files: f32| (READING + per_file * files).min(VERIFYING - 0.01);
        match e {
            ProgressEvent::Authenticating(_) => Some(self.step(ReadStep::AccessControl)),
            ProgressEvent::Reading { file, done, total } => {
                let part = if total == 0 {
                    0.0
                } else {
                    (done as f32 / total as f32).min(1.0)
                };
                let at = reading_at(self.files_done + part);
                Some(self.event(ReadStep::Reading, at, Some(file)))
            }
            ProgressEvent::FileDone(file) => {
                self.files_done += 1.0;
                let at = reading_at(self.files_done);
                Some(self.event(ReadStep::Reading, at, Some(file)))
            }
            _ => None,
        }
    }
}

/// Delivers events to a listener in order, off the reader's threads: one task awaits each
/// call (bounded by [`CALLBACK_TIMEOUT`]) before the next; the work only queues.
pub(crate) struct Delivery<T = ReadProgress> {
    sender: Option<tokio::sync::mpsc::UnboundedSender<T>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Delivery<ReadProgress> {
    /// Starts delivering to `listener` (nothing when `None`).
    pub fn start(listener: Option<Arc<dyn ProgressListener>>) -> Self {
        Self::start_with(listener.map(|l| {
            move |p| {
                let l = l.clone();
                async move { l.on_progress(p).await }
            }
        }))
    }
}

impl<T: Send + 'static> Delivery<T> {
    /// Starts delivering each event with `call` (nothing when `None`).
    pub fn start_with<F, Fut>(call: Option<F>) -> Self
    where
        F: Fn(T) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = Result<(), CallbackError>> + Send + 'static,
    {
        let Some(call) = call else {
            return Self {
                sender: None,
                task: None,
            };
        };
        let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel::<T>();
        let task = tokio::spawn(async move {
            while let Some(p) = receiver.recv().await {
                match tokio::time::timeout(CALLBACK_TIMEOUT, call(p)).await {
                    Ok(Ok(())) => {}
                    // The listener threw: go on.
                    Ok(Err(_)) => crate::log::warn("progress", "a progress listener threw"),
                    // A listener that does not return gets nothing more.
                    Err(_) => {
                        crate::log::warn("progress", "a progress listener call timed out");
                        return;
                    }
                }
            }
        });
        Self {
            sender: Some(sender),
            task: Some(task),
        }
    }

    /// Queues an event.
    pub fn send(&self, p: T) {
        if let Some(s) = &self.sender {
            let _ = s.send(p);
        }
    }

    /// Closes the queue and waits until the queued events were delivered (bounded).
    pub async fn finish(mut self) {
        self.sender = None;
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(CALLBACK_TIMEOUT * 4, task).await;
        }
    }
}

impl<T> Drop for Delivery<T> {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractions_never_decrease_and_end_at_one() {
        let mut t = Tracker::new(Language::En, 2);
        let mut seen = vec![t.step(ReadStep::Connecting).fraction];
        for e in [
            ProgressEvent::Authenticating("BAC"),
            ProgressEvent::Reading {
                file: "EF.SOD".into(),
                done: 100,
                total: 1000,
            },
            ProgressEvent::FileDone("EF.SOD".into()),
            ProgressEvent::Reading {
                file: "DG1".into(),
                done: 0,
                total: 0,
            },
            ProgressEvent::FileDone("DG1".into()),
            ProgressEvent::Authenticating("BAC"),
        ] {
            if let Some(p) = t.core(e) {
                seen.push(p.fraction);
            }
        }
        seen.push(t.step(ReadStep::Verifying).fraction);
        let done = t.step(ReadStep::Done);
        seen.push(done.fraction);
        assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
        assert_eq!(done.fraction, 1.0);
        assert_eq!(done.message, "Done");
    }
}
