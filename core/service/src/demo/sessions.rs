//! The demo page's sessions: what its backend keeps for each order the page started (the order
//! reference, the QR secret, the launch URL), in this instance's memory, bounded in number and
//! in age. A page reaches its session only through a random session id; the QR secret never
//! leaves the backend.
//!
//! A session lives on the instance that started it (as a relay does): behind a load balancer
//! the page needs sticky sessions. The orders themselves are in the store as every order is.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use tapid_identity::qr::QrStartSecret;

use crate::clock::Millis;

/// What the backend keeps of one order it started for the page.
#[derive(Debug, Clone)]
pub struct Session {
    /// The order reference the backend collects and cancels with.
    pub order_ref: String,
    /// The animated QR's public token.
    pub qr_start_token: String,
    /// The animated QR's secret: frames are rendered from it, server-side.
    pub secret: QrStartSecret,
    /// The same-device launch URL (the autostart token in it).
    pub launch_url: String,
    /// When the start response arrived (the QR's second 0).
    pub started_at: Millis,
    /// The page's device is a phone or tablet (for the RFA15 variants).
    pub mobile: bool,
    /// The page cancelled the order.
    pub cancelled: bool,
    /// The order reached a final status: the session may make room for a new one.
    pub finished: bool,
}

#[derive(Debug, Default)]
struct Inner {
    sessions: HashMap<String, (Millis, Session)>,
    reserved: usize,
}

/// The sessions of one instance; cheap to clone (clones share them).
#[derive(Debug, Clone)]
pub struct Sessions {
    inner: Arc<Mutex<Inner>>,
    max: usize,
    ttl: Millis,
}

/// A place held for a session while its order is being started; given back when dropped
/// unfilled.
#[derive(Debug)]
pub struct Reservation {
    sessions: Sessions,
    filled: bool,
}

impl Sessions {
    /// At most `max` sessions, each kept `ttl` after it was created.
    pub fn new(max: usize, ttl: Millis) -> Self {
        Self {
            inner: Arc::new(Mutex::new(Inner::default())),
            max,
            ttl,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves the map consistent (every change is one call).
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Holds a place for a new session at `now`: drops expired sessions, then, when full,
    /// finished ones. `None` when every place is taken by an open order.
    pub fn reserve(&self, now: Millis) -> Option<Reservation> {
        let mut inner = self.lock();
        let ttl = self.ttl;
        inner
            .sessions
            .retain(|_, (created, _)| now.saturating_sub(*created) <= ttl);
        if inner.sessions.len() + inner.reserved >= self.max {
            inner.sessions.retain(|_, (_, s)| !s.finished);
        }
        if inner.sessions.len() + inner.reserved >= self.max {
            return None;
        }
        inner.reserved += 1;
        Some(Reservation {
            sessions: self.clone(),
            filled: false,
        })
    }

    /// The session `id`, if it is still kept.
    pub fn get(&self, id: &str) -> Option<Session> {
        self.lock().sessions.get(id).map(|(_, s)| s.clone())
    }

    /// Changes session `id` with `f`; `false` when it is not kept (any more).
    pub fn update(&self, id: &str, f: impl FnOnce(&mut Session)) -> bool {
        match self.lock().sessions.get_mut(id) {
            Some((_, s)) => {
                f(s);
                true
            }
            None => false,
        }
    }

    /// Sessions kept now (open or finished).
    pub fn len(&self) -> usize {
        self.lock().sessions.len()
    }

    /// `true` when no session is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Reservation {
    /// Stores `session` under `id`, created at `now`, in the place held.
    pub fn fill(mut self, id: String, session: Session, now: Millis) {
        let mut inner = self.sessions.lock();
        inner.reserved = inner.reserved.saturating_sub(1);
        inner.sessions.insert(id, (now, session));
        drop(inner);
        self.filled = true;
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        if !self.filled {
            let mut inner = self.sessions.lock();
            inner.reserved = inner.reserved.saturating_sub(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(order_ref: &str) -> Session {
        Session {
            order_ref: order_ref.into(),
            qr_start_token: "67df3917-fa0d-44e5-b327-edcc928297f8".into(),
            secret: QrStartSecret::new("d28db9a7-4cde-429e-a983-359be676944c").unwrap(),
            launch_url: "bankid:///?autostarttoken=x&redirect=null".into(),
            started_at: 0,
            mobile: false,
            cancelled: false,
            finished: false,
        }
    }

    #[test]
    fn places_are_bounded_and_freed_by_age_or_a_final_status() {
        let s = Sessions::new(2, 1_000);
        s.reserve(0).unwrap().fill("a".into(), session("1"), 0);
        let held = s.reserve(0).unwrap();
        assert!(s.reserve(0).is_none(), "a held place counts");
        drop(held);
        s.reserve(0).unwrap().fill("b".into(), session("2"), 0);
        assert!(s.reserve(500).is_none(), "both open");
        assert!(s.update("a", |x| x.finished = true));
        let r = s.reserve(500).unwrap();
        assert!(s.get("a").is_none(), "a finished session made room");
        r.fill("c".into(), session("3"), 500);
        assert_eq!(s.get("c").unwrap().order_ref, "3");
        assert!(s.reserve(900).is_none());
        assert!(s.reserve(1_001).is_some(), "b expired");
        assert!(s.get("b").is_none());
        assert!(!s.update("b", |x| x.cancelled = true));
        assert_eq!(s.len(), 1);
    }
}
