//! The relayed [`CardTransport`]: the reader's side of a channel pair. Each command APDU goes
//! to the HTTP handler that answers the phone; the phone's next call brings the chip's answer
//! back. Every wait is bounded ([`RelayLimits`]); when a bound is hit the transport records why,
//! so the driver reports the relay's own failure rather than the reader's view of it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use tapid_card::{CardTransport, TransportCapabilities, TransportError};
use tapid_identity::service_api::RelayProgress;
use tapid_mrtd::reader::{ProgressEvent, VerifiedRead};
use tokio::sync::mpsc;

use super::RelayFailure;
use crate::config::RelayLimits;

/// What the driver tells the handler serving the phone.
pub(crate) enum Event {
    /// Send this command APDU to the chip.
    Command(Vec<u8>, RelayProgress),
    /// The read is over.
    Done(Box<Result<VerifiedRead, RelayFailure>>),
}

/// What the phone answered.
#[derive(Debug)]
pub(crate) enum Answer {
    /// The chip's response APDU.
    Response(Vec<u8>),
    /// The card left the field.
    CardLost,
}

/// The read's progress, shared by the reader's progress callback and the transport that hands
/// it to the phone with each command.
#[derive(Debug, Clone, Default)]
pub(crate) struct SharedProgress(Arc<Mutex<RelayProgress>>);

impl SharedProgress {
    fn with<T>(&self, f: impl FnOnce(&mut RelayProgress) -> T) -> T {
        let mut guard = match self.0.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut guard)
    }

    /// Notes a reader progress event.
    pub(crate) fn note(&self, event: &ProgressEvent) {
        self.with(|p| match event {
            ProgressEvent::Authenticating(protocol) => {
                p.step = Some((*protocol).to_owned());
                p.done = 0;
                p.total = 0;
            }
            ProgressEvent::Reading { file, done, total } => {
                p.step = Some(file.clone());
                p.done = u64::try_from(*done).unwrap_or(u64::MAX);
                p.total = u64::try_from(*total).unwrap_or(u64::MAX);
            }
            ProgressEvent::FileDone(file) => {
                p.step = Some(file.clone());
                p.done = p.total;
            }
            _ => {}
        });
    }
}

/// A [`CardTransport`] whose card is at the far end of the phone's relay.
pub(crate) struct RelayTransport {
    events: mpsc::Sender<Event>,
    answers: mpsc::Receiver<Answer>,
    capabilities: TransportCapabilities,
    historical_bytes: Option<Vec<u8>>,
    apdu_timeout: Duration,
    max_exchanges: u32,
    progress: SharedProgress,
    failure: Option<RelayFailure>,
}

impl RelayTransport {
    /// A transport sending commands on `events` and receiving the phone's answers on
    /// `answers`, carrying what the phone announced (already clamped to `limits`).
    pub(crate) fn new(
        events: mpsc::Sender<Event>,
        answers: mpsc::Receiver<Answer>,
        capabilities: TransportCapabilities,
        historical_bytes: Option<Vec<u8>>,
        limits: &RelayLimits,
        progress: SharedProgress,
    ) -> Self {
        Self {
            events,
            answers,
            capabilities,
            historical_bytes,
            apdu_timeout: Duration::from_millis(u64::try_from(limits.apdu_timeout).unwrap_or(0)),
            max_exchanges: limits.max_exchanges,
            progress,
            failure: None,
        }
    }

    /// Why the relay itself failed, when it did (a bound hit, the phone gone).
    pub(crate) fn failure(&self) -> Option<RelayFailure> {
        self.failure
    }

    fn fail(
        &mut self,
        why: RelayFailure,
        error: TransportError,
    ) -> Result<Vec<u8>, TransportError> {
        self.failure = Some(why);
        Err(error)
    }
}

#[async_trait]
impl CardTransport for RelayTransport {
    async fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        if let Some(why) = self.failure {
            // Nothing goes to the phone after the relay failed.
            return self.fail(why, TransportError::LinkLost);
        }
        if command.len() > self.capabilities.max_command_len {
            return self.fail(
                RelayFailure::Read("command_too_long"),
                TransportError::Reader("the command exceeds the relay's bound".into()),
            );
        }
        let progress = self.progress.with(|p| {
            p.exchanges = p.exchanges.saturating_add(1);
            p.clone()
        });
        if progress.exchanges > self.max_exchanges {
            return self.fail(
                RelayFailure::TooManyExchanges,
                TransportError::Reader("the relay's exchange limit is reached".into()),
            );
        }
        if self
            .events
            .send(Event::Command(command.to_vec(), progress))
            .await
            .is_err()
        {
            return self.fail(RelayFailure::Lost, TransportError::LinkLost);
        }
        match tokio::time::timeout(self.apdu_timeout, self.answers.recv()).await {
            Err(_) => self.fail(RelayFailure::TimedOut, TransportError::Timeout),
            Ok(None) => self.fail(RelayFailure::Lost, TransportError::LinkLost),
            Ok(Some(Answer::CardLost)) => {
                self.fail(RelayFailure::CardLost, TransportError::LinkLost)
            }
            Ok(Some(Answer::Response(r))) if r.len() > self.capabilities.max_response_len => self
                .fail(
                    RelayFailure::ResponseTooLarge,
                    TransportError::Reader("the response exceeds the relay's bound".into()),
                ),
            Ok(Some(Answer::Response(r))) => Ok(r),
        }
    }

    fn capabilities(&self) -> TransportCapabilities {
        self.capabilities
    }

    fn historical_bytes(&self) -> Option<Vec<u8>> {
        self.historical_bytes.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(limits: &RelayLimits) -> (RelayTransport, mpsc::Receiver<Event>, mpsc::Sender<Answer>) {
        let (events_tx, events_rx) = mpsc::channel(8);
        let (answers_tx, answers_rx) = mpsc::channel(1);
        let t = RelayTransport::new(
            events_tx,
            answers_rx,
            TransportCapabilities::SHORT,
            None,
            limits,
            SharedProgress::default(),
        );
        (t, events_rx, answers_tx)
    }

    #[tokio::test(start_paused = true)]
    async fn a_phone_that_stops_answering_times_the_transport_out() {
        let (mut t, mut events, _answers) = pair(&RelayLimits::default());
        let err = t.transmit(&[0, 0xA4, 4, 0]).await.unwrap_err();
        assert_eq!(err, TransportError::Timeout);
        assert_eq!(t.failure(), Some(RelayFailure::TimedOut));
        assert!(
            matches!(events.recv().await, Some(Event::Command(c, p)) if c == [0, 0xA4, 4, 0] && p.exchanges == 1)
        );
        // Once failed, nothing more is relayed.
        assert_eq!(
            t.transmit(&[0]).await.unwrap_err(),
            TransportError::LinkLost
        );
    }

    #[tokio::test]
    async fn answers_are_relayed_and_bounded() {
        let limits = RelayLimits {
            max_exchanges: 2,
            ..RelayLimits::default()
        };
        let (mut t, mut events, answers) = pair(&limits);
        answers.send(Answer::Response(vec![0x90, 0])).await.unwrap();
        assert_eq!(t.transmit(&[1]).await.unwrap(), vec![0x90, 0]);
        answers.send(Answer::Response(vec![0; 259])).await.unwrap();
        assert!(t.transmit(&[2]).await.is_err(), "longer than SHORT allows");
        assert_eq!(t.failure(), Some(RelayFailure::ResponseTooLarge));
        assert!(matches!(events.recv().await, Some(Event::Command(c, _)) if c == [1]));

        let (mut t, _events, answers) = pair(&limits);
        for _ in 0..2 {
            answers.send(Answer::Response(vec![0x90, 0])).await.unwrap();
            t.transmit(&[1]).await.unwrap();
        }
        assert!(t.transmit(&[1]).await.is_err());
        assert_eq!(t.failure(), Some(RelayFailure::TooManyExchanges));

        let (mut t, _events, answers) = pair(&limits);
        answers.send(Answer::CardLost).await.unwrap();
        assert_eq!(
            t.transmit(&[1]).await.unwrap_err(),
            TransportError::LinkLost
        );
        assert_eq!(t.failure(), Some(RelayFailure::CardLost));
        let mut events_gone = pair(&limits);
        drop(events_gone.1);
        assert!(events_gone.0.transmit(&[1]).await.is_err());
        assert_eq!(events_gone.0.failure(), Some(RelayFailure::Lost));
    }
}
