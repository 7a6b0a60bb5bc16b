//! Launch URLs: `bankid:///?autostarttoken=…&redirect=…` and the universal link
//! `https://app.bankid.com/?autostarttoken=…&redirect=…`, built by relying parties and parsed by
//! the app when the OS hands it one.

use std::fmt;

use crate::error::{Error, Result};

use super::percent;
use super::redirect::{Platform, RedirectPolicy, redirect_for};
use super::validate_token;

/// The custom-scheme base.
pub const SCHEME_BASE: &str = "bankid:///";
/// The universal-link base.
pub const UNIVERSAL_BASE: &str = "https://app.bankid.com/";
/// Longest launch URL accepted by the parser.
pub const MAX_LAUNCH_URL_LEN: usize = 2048;

/// Which URL form launches the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum LaunchKind {
    /// `bankid:///` (desktop, Android native apps, other browsers).
    Scheme,
    /// `https://app.bankid.com/` (iOS Safari, Android Chrome/Edge).
    UniversalLink,
}

impl LaunchKind {
    /// The URL form a platform should use by default.
    pub fn for_platform(platform: Platform) -> Self {
        match platform {
            Platform::Ios | Platform::Android => Self::UniversalLink,
            Platform::Desktop => Self::Scheme,
        }
    }

    fn base(self) -> &'static str {
        match self {
            Self::Scheme => SCHEME_BASE,
            Self::UniversalLink => UNIVERSAL_BASE,
        }
    }
}

/// The `redirect` parameter.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase", tag = "kind", content = "url")]
pub enum Redirect {
    /// `redirect=null`: the OS or browser returns by itself.
    Null,
    /// Return to this URL (decoded).
    Url(String),
}

/// A launch URL.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LaunchUrl {
    /// The URL form.
    pub kind: LaunchKind,
    /// The order's autostart token (a UUID).
    pub autostart_token: String,
    /// Where to return.
    pub redirect: Redirect,
}

impl LaunchUrl {
    /// Builds the launch URL for a platform, applying its redirect rule and the policy.
    pub fn for_platform(
        platform: Platform,
        token: &str,
        redirect: Option<&str>,
        policy: &RedirectPolicy,
    ) -> Result<Self> {
        validate_token(token)?;
        Ok(Self {
            kind: LaunchKind::for_platform(platform),
            autostart_token: token.to_owned(),
            redirect: redirect_for(platform, redirect, policy)?,
        })
    }

    /// Parses a launch URL strictly: the exact base, `autostarttoken` (a UUID) and `redirect`
    /// at most once each, no other parameters, no fragment; a redirect must pass `policy`.
    pub fn parse(url: &str, policy: &RedirectPolicy) -> Result<Self> {
        if url.len() > MAX_LAUNCH_URL_LEN {
            return Err(Error::LaunchUrlTooLong {
                len: url.len(),
                max: MAX_LAUNCH_URL_LEN,
            });
        }
        let (kind, query) = split_base(url)?;
        if query.contains('#') {
            return Err(Error::LaunchUrlSyntax("fragment not allowed"));
        }
        let mut token = None;
        let mut redirect = None;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let slot = match key {
                "autostarttoken" => &mut token,
                "redirect" => &mut redirect,
                _ => return Err(Error::LaunchUrlUnknownParam),
            };
            if slot.is_some() {
                return Err(Error::LaunchUrlDuplicate(if key == "redirect" {
                    "redirect"
                } else {
                    "autostarttoken"
                }));
            }
            *slot = Some(percent::decode(value)?);
        }
        let token = token
            .filter(|t| !t.is_empty())
            .ok_or(Error::AutostartTokenMissing)?;
        validate_token(&token)?;
        let redirect = match redirect.as_deref() {
            None | Some("null") | Some("") => Redirect::Null,
            Some(url) => {
                policy.validate(url)?;
                Redirect::Url(url.to_owned())
            }
        };
        Ok(Self {
            kind,
            autostart_token: token,
            redirect,
        })
    }
}

impl fmt::Display for LaunchUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redirect = match &self.redirect {
            Redirect::Null => "null".to_owned(),
            Redirect::Url(u) => percent::encode(u),
        };
        write!(
            f,
            "{}?autostarttoken={}&redirect={redirect}",
            self.kind.base(),
            self.autostart_token
        )
    }
}

/// Matches the base (scheme and host case-insensitively) and returns the query.
fn split_base(url: &str) -> Result<(LaunchKind, &str)> {
    for kind in [LaunchKind::Scheme, LaunchKind::UniversalLink] {
        let base = kind.base();
        if let Some((head, rest)) = url.split_at_checked(base.len())
            && head.eq_ignore_ascii_case(base)
        {
            return match rest.strip_prefix('?') {
                Some(q) => Ok((kind, q)),
                None if rest.is_empty() => Err(Error::AutostartTokenMissing),
                None => Err(Error::LaunchUrlSyntax("expected ? after the base")),
            };
        }
    }
    // `bankid://?…` / `https://app.bankid.com?…` without the path slash are common typos.
    let lower: String = url.chars().take(32).flat_map(char::to_lowercase).collect();
    if lower.starts_with("bankid:") || lower.starts_with("https://app.bankid.com") {
        return Err(Error::LaunchUrlSyntax(
            "base must be bankid:/// or https://app.bankid.com/",
        ));
    }
    Err(Error::LaunchUrlScheme)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "46f6aa68-5520-4a3b-9a05-5b8f6d3c4e21";

    #[test]
    fn builds_per_platform() {
        let p = RedirectPolicy::new();
        let ios = LaunchUrl::for_platform(
            Platform::Ios,
            TOKEN,
            Some("https://rp.example/back#state=1"),
            &p,
        )
        .unwrap();
        assert_eq!(
            ios.to_string(),
            format!(
                "https://app.bankid.com/?autostarttoken={TOKEN}&redirect=https%3A%2F%2Frp.example%2Fback%23state%3D1"
            )
        );
        let android = LaunchUrl::for_platform(
            Platform::Android,
            TOKEN,
            Some("https://rp.example/back"),
            &p,
        )
        .unwrap();
        assert_eq!(
            android.to_string(),
            format!("https://app.bankid.com/?autostarttoken={TOKEN}&redirect=null")
        );
        let desktop = LaunchUrl::for_platform(Platform::Desktop, TOKEN, None, &p).unwrap();
        assert_eq!(
            desktop.to_string(),
            format!("bankid:///?autostarttoken={TOKEN}&redirect=null")
        );
        assert_eq!(
            LaunchUrl::for_platform(Platform::Ios, "not-a-uuid", None, &p),
            Err(Error::AutostartToken)
        );
    }

    #[test]
    fn parse_round_trip() {
        let p = RedirectPolicy::new().with_app_scheme("googlechrome");
        for (platform, redirect) in [
            (Platform::Ios, Some("googlechrome://")),
            (Platform::Desktop, None),
            (Platform::Ios, None),
        ] {
            let url = LaunchUrl::for_platform(platform, TOKEN, redirect, &p).unwrap();
            assert_eq!(LaunchUrl::parse(&url.to_string(), &p).unwrap(), url);
        }
        let upper = format!("BANKID:///?autostarttoken={TOKEN}&redirect=null");
        assert_eq!(
            LaunchUrl::parse(&upper, &p).unwrap().kind,
            LaunchKind::Scheme
        );
        let no_redirect = format!("bankid:///?autostarttoken={TOKEN}");
        assert_eq!(
            LaunchUrl::parse(&no_redirect, &p).unwrap().redirect,
            Redirect::Null
        );
    }

    #[test]
    fn parse_rejects() {
        let p = RedirectPolicy::new();
        let base = format!("bankid:///?autostarttoken={TOKEN}");
        assert_eq!(
            LaunchUrl::parse("https://example.com/?autostarttoken=x", &p),
            Err(Error::LaunchUrlScheme)
        );
        assert!(matches!(
            LaunchUrl::parse(&format!("bankid://?autostarttoken={TOKEN}"), &p),
            Err(Error::LaunchUrlSyntax(_))
        ));
        assert_eq!(
            LaunchUrl::parse("bankid:///", &p),
            Err(Error::AutostartTokenMissing)
        );
        assert_eq!(
            LaunchUrl::parse("bankid:///?redirect=null", &p),
            Err(Error::AutostartTokenMissing)
        );
        assert_eq!(
            LaunchUrl::parse("bankid:///?autostarttoken=", &p),
            Err(Error::AutostartTokenMissing)
        );
        assert_eq!(
            LaunchUrl::parse("bankid:///?autostarttoken=abc", &p),
            Err(Error::AutostartToken)
        );
        assert_eq!(
            LaunchUrl::parse(&format!("{base}&autostarttoken={TOKEN}"), &p),
            Err(Error::LaunchUrlDuplicate("autostarttoken"))
        );
        assert_eq!(
            LaunchUrl::parse(&format!("{base}&redirect=null&redirect=null"), &p),
            Err(Error::LaunchUrlDuplicate("redirect"))
        );
        assert_eq!(
            LaunchUrl::parse(&format!("{base}&x=1"), &p),
            Err(Error::LaunchUrlUnknownParam)
        );
        assert!(matches!(
            LaunchUrl::parse(&format!("{base}#frag"), &p),
            Err(Error::LaunchUrlSyntax(_))
        ));
        assert!(matches!(
            LaunchUrl::parse(&format!("{base}&redirect=javascript%3Aalert(1)"), &p),
            Err(Error::Redirect(_))
        ));
        assert!(matches!(
            LaunchUrl::parse(&format!("{base}&redirect=data%3Atext%2Fhtml,x"), &p),
            Err(Error::Redirect(_))
        ));
        assert!(matches!(
            LaunchUrl::parse(&format!("{base}&redirect=%ZZ"), &p),
            Err(Error::LaunchUrlSyntax(_))
        ));
        let long = format!("{base}&redirect={}", "a".repeat(3000));
        assert_eq!(
            LaunchUrl::parse(&long, &p),
            Err(Error::LaunchUrlTooLong {
                len: long.len(),
                max: MAX_LAUNCH_URL_LEN
            })
        );
    }
}
