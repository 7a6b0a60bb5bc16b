//! Same-device autostart (reference §3): launch URLs, per-platform redirect rules, redirect
//! validation, the v6 `returnUrl` with a once-only nonce, and the launch UX timings.

pub mod launch;
mod percent;
pub mod redirect;
pub mod return_url;
pub mod url;

pub use launch::{LaunchFlow, LaunchState, LaunchView};
pub use redirect::{Platform, RedirectPolicy, redirect_for};
pub use return_url::ReturnNonces;
pub use url::{LaunchKind, LaunchUrl, Redirect};

/// Checks the autostart token syntax: a UUID `8-4-4-4-12` of hex digits.
pub fn validate_token(token: &str) -> crate::Result<()> {
    let groups: Vec<&str> = token.split('-').collect();
    let lens = [8usize, 4, 4, 4, 12];
    let ok = groups.len() == lens.len()
        && groups
            .iter()
            .zip(lens)
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()));
    if ok {
        Ok(())
    } else {
        Err(crate::Error::AutostartToken)
    }
}
