//! The instance's relay sessions: a small map from relay id to the in-flight read (its channel
//! ends and its driver task). A handler leases a session for the length of one call, so two
//! calls of one relay never interleave; a lease dropped without being released (the call was
//! cancelled, the phone hung up) ends the relay, which aborts its driver. Sessions are bounded
//! in number and reaped once their read's time is up.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::RelayFailure;
use super::transport::{Answer, Event};
use crate::clock::Millis;
use crate::config::RelayLimits;

/// Aborts the driver task when the session goes.
struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// One in-flight read.
pub(crate) struct Session {
    /// What the relay reads for: the order's reference, or `renewal:<id>` for a renewal.
    pub subject: String,
    /// The driver's commands and its result.
    pub events: mpsc::Receiver<Event>,
    /// The phone's answers, to the driver.
    pub answers: mpsc::Sender<Answer>,
    /// By when (service clock) the phone must answer the command it holds.
    pub answer_due: Millis,
    /// By when (service clock) the whole read must be over.
    pub read_due: Millis,
    /// When it started (the runtime's timer, for reaping).
    started: Instant,
    _driver: AbortOnDrop,
}

impl Session {
    /// A session for `subject` (see [`Session::subject`]) over the driver's channel ends,
    /// started at `now`.
    pub(crate) fn new(
        subject: String,
        events: mpsc::Receiver<Event>,
        answers: mpsc::Sender<Answer>,
        driver: JoinHandle<()>,
        now: Millis,
        limits: &RelayLimits,
    ) -> Self {
        Self {
            subject,
            events,
            answers,
            answer_due: now.saturating_add(limits.apdu_timeout),
            read_due: now.saturating_add(limits.read_timeout),
            started: Instant::now(),
            _driver: AbortOnDrop(driver),
        }
    }
}

enum Slot {
    Idle(Box<Session>),
    /// Leased by a handler; what it reads for.
    Busy(String),
}

struct Inner {
    slots: Mutex<HashMap<String, Slot>>,
    limits: RelayLimits,
}

/// The relay sessions of this instance. Cheap to clone (one shared map). Nothing in it is
/// state another instance needs: an order's state is in the store, and a relay lost with its
/// instance only costs the phone a new relay.
#[derive(Clone)]
pub struct Relays {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Relays {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Relays({} sessions)", self.len())
    }
}

impl Relays {
    /// An empty registry bounded by `limits`.
    pub fn new(limits: RelayLimits) -> Self {
        Self {
            inner: Arc::new(Inner {
                slots: Mutex::new(HashMap::new()),
                limits,
            }),
        }
    }

    fn slots(&self) -> MutexGuard<'_, HashMap<String, Slot>> {
        match self.inner.slots.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Relays in flight on this instance.
    pub fn len(&self) -> usize {
        self.slots().len()
    }

    /// Whether no relay is in flight.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How long an idle session may stay before it is reaped: its read's bound and one more
    /// answer's (the driver has ended by then).
    fn lifetime(&self) -> Duration {
        let l = &self.inner.limits;
        let ms = l.read_timeout.saturating_add(l.apdu_timeout);
        Duration::from_millis(u64::try_from(ms).unwrap_or(0))
    }

    /// Registers `session` under `id`, leased to the caller. Another idle relay of the same
    /// subject is ended (the app started anew); a full registry refuses.
    pub(crate) fn open(&self, id: String, session: Session) -> Result<Lease, RelayFailure> {
        let lifetime = self.lifetime();
        let subject = session.subject.clone();
        let mut slots = self.slots();
        slots.retain(|_, slot| match slot {
            Slot::Idle(s) => s.subject != subject && s.started.elapsed() <= lifetime,
            Slot::Busy(_) => true,
        });
        if slots.len() >= self.inner.limits.max_sessions {
            return Err(RelayFailure::Busy);
        }
        slots.insert(id.clone(), Slot::Busy(subject));
        drop(slots);
        Ok(Lease {
            relays: self.clone(),
            id,
            session: Some(Box::new(session)),
        })
    }

    /// Leases relay `id` of `subject` for one call. Unknown here (or another subject's):
    /// [`RelayFailure::Lost`], and the relay is left alone; in use by another call:
    /// [`RelayFailure::Busy`].
    pub(crate) fn lease(&self, id: &str, subject: &str) -> Result<Lease, RelayFailure> {
        let mut slots = self.slots();
        match slots.get(id) {
            Some(Slot::Idle(s)) if s.subject == subject => {}
            Some(Slot::Busy(o)) if o == subject => return Err(RelayFailure::Busy),
            _ => return Err(RelayFailure::Lost),
        }
        match slots.insert(id.to_owned(), Slot::Busy(subject.to_owned())) {
            Some(Slot::Idle(session)) => Ok(Lease {
                relays: self.clone(),
                id: id.to_owned(),
                session: Some(session),
            }),
            _ => Err(RelayFailure::Lost),
        }
    }
}

/// A session taken out of the registry for one call.
pub(crate) struct Lease {
    relays: Relays,
    id: String,
    session: Option<Box<Session>>,
}

impl Lease {
    /// The relay's id.
    pub(crate) fn id(&self) -> &str {
        &self.id
    }

    /// The session. `None` only after [`Lease::release`] or [`Lease::end`], which consume the
    /// lease, so never for a caller.
    pub(crate) fn session(&mut self) -> Option<&mut Session> {
        self.session.as_deref_mut()
    }

    /// Puts the session back for the phone's next call.
    pub(crate) fn release(mut self) {
        if let Some(session) = self.session.take() {
            self.relays
                .slots()
                .insert(self.id.clone(), Slot::Idle(session));
        }
    }

    /// Ends the relay (its driver is aborted if still running).
    pub(crate) fn end(self) {
        drop(self);
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if self.session.take().is_some() {
            self.relays.slots().remove(&self.id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(order: &str, limits: &RelayLimits) -> Session {
        let (_events_tx, events) = mpsc::channel(1);
        let (answers, _answers_rx) = mpsc::channel(1);
        let driver = tokio::spawn(std::future::pending());
        Session::new(order.into(), events, answers, driver, 0, limits)
    }

    #[tokio::test]
    async fn leases_are_exclusive_per_order_and_bounded() {
        let limits = RelayLimits {
            max_sessions: 2,
            ..RelayLimits::default()
        };
        let relays = Relays::new(limits);
        let lease = relays.open("r1".into(), session("o1", &limits)).unwrap();
        assert_eq!(relays.lease("r1", "o1").err(), Some(RelayFailure::Busy));
        assert_eq!(relays.lease("r1", "o2").err(), Some(RelayFailure::Lost));
        lease.release();
        assert_eq!(
            relays.lease("r1", "o2").err(),
            Some(RelayFailure::Lost),
            "another order's call"
        );
        let again = relays.lease("r1", "o1").unwrap();
        assert_eq!(again.id(), "r1");
        again.release();
        relays
            .open("r2".into(), session("o2", &limits))
            .unwrap()
            .release();
        assert_eq!(
            relays.open("r3".into(), session("o3", &limits)).err(),
            Some(RelayFailure::Busy)
        );
        // A new relay of order o1 replaces its idle one.
        relays
            .open("r4".into(), session("o1", &limits))
            .unwrap()
            .release();
        assert_eq!(relays.lease("r1", "o1").err(), Some(RelayFailure::Lost));
        // A lease dropped unreleased ends the relay.
        drop(relays.lease("r4", "o1").unwrap());
        assert_eq!(relays.lease("r4", "o1").err(), Some(RelayFailure::Lost));
        assert_eq!(relays.len(), 1);
    }
}
