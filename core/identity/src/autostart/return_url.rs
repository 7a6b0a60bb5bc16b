//! The v6 `returnUrl` (reference §3.3): the relying party passes its return URL in the API
//! request with a per-order nonce bound to the browser session; on return the nonce is checked
//! once, against the session, within its lifetime.

use std::collections::HashMap;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::{Error, RedirectRejection, Result};

use super::redirect::{MAX_REDIRECT_LEN, RedirectPolicy};

/// Query parameter that carries the nonce.
pub const NONCE_PARAM: &str = "tapid_nonce";
/// How long an issued nonce stays valid (covers the order's lifetime).
pub const NONCE_TTL_SECS: u64 = 600;

#[derive(Debug, Clone)]
struct Issued {
    order_ref: String,
    session_hash: [u8; 32],
    issued_at: u64,
    used: bool,
}

/// Issued return nonces of a relying party's server.
#[derive(Debug, Default)]
pub struct ReturnNonces {
    issued: HashMap<String, Issued>,
}

impl ReturnNonces {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds the `returnUrl` for an order: `base` (validated by `policy`) plus the nonce made
    /// from 16 caller-supplied random bytes, bound to `session` (e.g. the session cookie value;
    /// only its hash is kept).
    pub fn issue(
        &mut self,
        base: &str,
        policy: &RedirectPolicy,
        order_ref: &str,
        session: &[u8],
        random: [u8; 16],
        now: u64,
    ) -> Result<String> {
        policy.validate(base)?;
        let nonce = hex::encode(random);
        let (before_fragment, fragment) = match base.split_once('#') {
            Some((b, f)) => (b, Some(f)),
            None => (base, None),
        };
        let joiner = if before_fragment.contains('?') {
            '&'
        } else {
            '?'
        };
        let mut url = format!("{before_fragment}{joiner}{NONCE_PARAM}={nonce}");
        if let Some(f) = fragment {
            url.push('#');
            url.push_str(f);
        }
        if url.len() > MAX_REDIRECT_LEN {
            return Err(Error::Redirect(RedirectRejection::TooLong {
                max: MAX_REDIRECT_LEN,
            }));
        }
        self.purge(now);
        self.issued.insert(
            nonce,
            Issued {
                order_ref: order_ref.to_owned(),
                session_hash: Sha256::digest(session).into(),
                issued_at: now,
                used: false,
            },
        );
        Ok(url)
    }

    /// Checks the URL the user came back on. Returns the order reference (whose status the
    /// caller must then confirm as complete). Any hit consumes the nonce, also a failed one.
    pub fn check_return(&mut self, returned_url: &str, session: &[u8], now: u64) -> Result<String> {
        let nonce = extract_nonce(returned_url).ok_or(Error::ReturnNonceMissing)?;
        let entry = self
            .issued
            .get_mut(nonce)
            .ok_or(Error::ReturnNonceUnknown)?;
        if entry.used {
            return Err(Error::ReturnNonceReused);
        }
        entry.used = true;
        if now.saturating_sub(entry.issued_at) > NONCE_TTL_SECS || now < entry.issued_at {
            return Err(Error::ReturnNonceExpired);
        }
        let hash: [u8; 32] = Sha256::digest(session).into();
        if !bool::from(hash.ct_eq(&entry.session_hash)) {
            return Err(Error::ReturnSessionMismatch);
        }
        Ok(entry.order_ref.clone())
    }

    /// Forgets nonces older than twice the lifetime (used ones are kept that long to refuse replays).
    pub fn purge(&mut self, now: u64) {
        self.issued
            .retain(|_, e| now.saturating_sub(e.issued_at) <= 2 * NONCE_TTL_SECS);
    }

    /// Number of remembered nonces.
    pub fn len(&self) -> usize {
        self.issued.len()
    }

    /// Whether none are remembered.
    pub fn is_empty(&self) -> bool {
        self.issued.is_empty()
    }
}

/// The nonce value: 32 lowercase hex digits in the query (before any fragment).
fn extract_nonce(url: &str) -> Option<&str> {
    let query = url.split('#').next()?.split_once('?')?.1;
    let mut found = None;
    for pair in query.split('&') {
        if let Some(v) = pair
            .strip_prefix(NONCE_PARAM)
            .and_then(|r| r.strip_prefix('='))
        {
            if found.is_some() {
                return None; // two nonces: ambiguous, refuse
            }
            found = Some(v);
        }
    }
    found.filter(|v| {
        v.len() == 32
            && v.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_700_000_000;

    fn issue(store: &mut ReturnNonces, base: &str) -> String {
        store
            .issue(
                base,
                &RedirectPolicy::new(),
                "order-1",
                b"cookie-A",
                [0xab; 16],
                NOW,
            )
            .unwrap()
    }

    #[test]
    fn nonce_is_checked_once() {
        let mut s = ReturnNonces::new();
        let url = issue(&mut s, "https://rp.example/return");
        assert_eq!(
            url,
            format!("https://rp.example/return?tapid_nonce={}", "ab".repeat(16))
        );
        assert_eq!(
            s.check_return(&url, b"cookie-A", NOW + 20).unwrap(),
            "order-1"
        );
        assert_eq!(
            s.check_return(&url, b"cookie-A", NOW + 21),
            Err(Error::ReturnNonceReused)
        );
    }

    #[test]
    fn query_and_fragment_are_kept() {
        let mut s = ReturnNonces::new();
        let url = issue(&mut s, "https://rp.example/r?lang=sv#done");
        assert_eq!(
            url,
            format!(
                "https://rp.example/r?lang=sv&tapid_nonce={}#done",
                "ab".repeat(16)
            )
        );
        assert!(s.check_return(&url, b"cookie-A", NOW).is_ok());
    }

    #[test]
    fn wrong_session_expired_unknown() {
        let mut s = ReturnNonces::new();
        let url = issue(&mut s, "https://rp.example/return");
        assert_eq!(
            s.check_return(&url, b"cookie-B", NOW),
            Err(Error::ReturnSessionMismatch)
        );
        assert_eq!(
            s.check_return(&url, b"cookie-A", NOW),
            Err(Error::ReturnNonceReused)
        );
        let mut s = ReturnNonces::new();
        let url = issue(&mut s, "https://rp.example/return");
        assert_eq!(
            s.check_return(&url, b"cookie-A", NOW + NONCE_TTL_SECS + 1),
            Err(Error::ReturnNonceExpired)
        );
        let unknown = format!("https://rp.example/return?tapid_nonce={}", "cd".repeat(16));
        assert_eq!(
            s.check_return(&unknown, b"cookie-A", NOW),
            Err(Error::ReturnNonceUnknown)
        );
        assert_eq!(
            s.check_return("https://rp.example/return", b"cookie-A", NOW),
            Err(Error::ReturnNonceMissing)
        );
        let twice = format!("{url}&tapid_nonce={}", "ab".repeat(16));
        assert_eq!(
            s.check_return(&twice, b"cookie-A", NOW),
            Err(Error::ReturnNonceMissing)
        );
        s.purge(NOW + 2 * NONCE_TTL_SECS + 1);
        assert!(s.is_empty());
    }

    #[test]
    fn base_is_validated() {
        let mut s = ReturnNonces::new();
        let r = s.issue(
            "javascript:alert(1)",
            &RedirectPolicy::new(),
            "o",
            b"c",
            [0; 16],
            NOW,
        );
        assert_eq!(r, Err(Error::Redirect(RedirectRejection::Script)));
        let long = format!("https://rp.example/{}", "a".repeat(480));
        let r = s.issue(&long, &RedirectPolicy::new(), "o", b"c", [0; 16], NOW);
        assert_eq!(
            r,
            Err(Error::Redirect(RedirectRejection::TooLong { max: 512 }))
        );
        assert_eq!(s.len(), 0);
    }
}
