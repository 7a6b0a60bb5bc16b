//! The driver task: runs the whole ICAO read (`tapid_mrtd::reader::read`) on the service over
//! the relayed transport — access control with the key derived here from the document's MRZ
//! data or CAN, secure messaging, Chip Authentication, Active Authentication over a challenge
//! drawn here, passive authentication against the service's trust store at the service's
//! time — and hands its result to whichever call of the phone is waiting. The session keys
//! exist only in this task.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use tapid_card::TransportCapabilities;
use tapid_mrtd::lds::DataGroup;
use tapid_mrtd::mrz::AccessKey;
use tapid_mrtd::pa::TrustStore;
use tapid_mrtd::reader::{ReadError, ReadOptions, Verification, read};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::RelayFailure;
use super::transport::{Answer, Event, RelayTransport, SharedProgress};
use crate::config::RelayLimits;
use crate::entropy::Entropy;

/// The data groups a step-up reads besides DG1: DG11 (the personal number the holder match
/// compares), DG14 (Chip Authentication) and DG15 (Active Authentication). No face image: the
/// step-up does not use it, and every block costs the phone a round trip.
const DATA_GROUPS: [u8; 3] = [11, 14, 15];

/// The service's entropy as the reader's random number generator (PACE and CA ephemeral keys,
/// the BAC nonces).
struct EntropyRng(Arc<dyn Entropy>);

impl rand_core::TryRng for EntropyRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut b = [0u8; 4];
        self.0.fill(&mut b);
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut b = [0u8; 8];
        self.0.fill(&mut b);
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        self.0.fill(dst);
        Ok(())
    }
}

impl rand_core::TryCryptoRng for EntropyRng {}

/// Everything one read needs.
pub(crate) struct Job {
    /// The document's access key.
    pub key: AccessKey,
    /// What the phone's link carries, clamped to the limits.
    pub capabilities: TransportCapabilities,
    /// The ATS historical bytes the phone reported.
    pub historical_bytes: Option<Vec<u8>>,
    /// The Active Authentication challenge, drawn by the service for this read.
    pub aa_challenge: [u8; 8],
    /// The verification time (service clock, Unix seconds).
    pub now_secs: i64,
    /// The service's trust store.
    pub trust: Arc<TrustStore>,
    /// The service's randomness.
    pub entropy: Arc<dyn Entropy>,
    /// The bounds.
    pub limits: RelayLimits,
}

/// The driver's channel ends and task.
pub(crate) struct Driver {
    /// Commands and the result.
    pub events: mpsc::Receiver<Event>,
    /// The phone's answers.
    pub answers: mpsc::Sender<Answer>,
    /// The task.
    pub task: JoinHandle<()>,
}

fn failure(e: &ReadError) -> RelayFailure {
    match e {
        ReadError::AccessDenied => RelayFailure::AccessDenied,
        ReadError::LinkLost { .. } => RelayFailure::CardLost,
        ReadError::Transport(tapid_card::TransportError::Timeout) => RelayFailure::TimedOut,
        other => RelayFailure::Read(other.code()),
    }
}

/// Starts the read of `job`.
pub(crate) fn spawn(job: Job) -> Driver {
    // One message in flight each way: a relay holds at most one APDU per direction.
    let (events_tx, events) = mpsc::channel(1);
    let (answers, answers_rx) = mpsc::channel(1);
    let task = tokio::spawn(async move {
        let progress = SharedProgress::default();
        let mut transport = RelayTransport::new(
            events_tx.clone(),
            answers_rx,
            job.capabilities,
            job.historical_bytes,
            &job.limits,
            progress.clone(),
        );
        let options = ReadOptions {
            data_groups: DATA_GROUPS.into_iter().filter_map(DataGroup::new).collect(),
            aa_challenge: Some(job.aa_challenge),
            ..ReadOptions::default()
        };
        let mut verification = Verification::new(&job.trust, job.now_secs);
        verification.aa_challenge = Some(job.aa_challenge);
        let mut rng = EntropyRng(job.entropy);
        let bound = Duration::from_millis(u64::try_from(job.limits.read_timeout).unwrap_or(0));
        let result = tokio::time::timeout(
            bound,
            read(
                &mut transport,
                &job.key,
                &options,
                &verification,
                &mut rng,
                &mut |e| progress.note(&e),
            ),
        )
        .await;
        let outcome = match result {
            Err(_) => Err(RelayFailure::TimedOut),
            Ok(Ok(read)) => Ok(read),
            Ok(Err(e)) => {
                let why = transport.failure().unwrap_or_else(|| failure(&e));
                tracing::info!(code = e.code(), "relayed read failed");
                Err(why)
            }
        };
        // Nobody may be listening any more (the relay ended): then the result is dropped.
        let _ = events_tx.send(Event::Done(Box::new(outcome))).await;
    });
    Driver {
        events,
        answers,
        task,
    }
}
