//! Where the app returns after an autostart: the per-platform rule (iOS gets a redirect,
//! Android and desktops `null`) and validation of redirect and return URLs (https or an app
//! scheme the caller registered; no script or data URLs, no credentials, bounded length).

use crate::error::{Error, RedirectRejection, Result};

use super::url::Redirect;

/// Maximum redirect / return URL length (the v6 `returnUrl` limit).
pub const MAX_REDIRECT_LEN: usize = 512;

/// The platform the relying party's page or app runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    /// iPhone / iPad: the app must be told where to return.
    Ios,
    /// Android: the OS returns to the previous app by itself, so `redirect=null`.
    Android,
    /// Desktop: the browser tab keeps focus, so `redirect=null`.
    Desktop,
}

impl std::str::FromStr for Platform {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "ios" => Ok(Self::Ios),
            "android" => Ok(Self::Android),
            "desktop" => Ok(Self::Desktop),
            _ => Err(Error::LaunchUrlSyntax(
                "platform must be ios, android or desktop",
            )),
        }
    }
}

/// What redirects a relying party accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectPolicy {
    app_schemes: Vec<String>,
    allowed_hosts: Option<Vec<String>>,
    max_len: usize,
}

impl Default for RedirectPolicy {
    fn default() -> Self {
        Self {
            app_schemes: Vec::new(),
            allowed_hosts: None,
            max_len: MAX_REDIRECT_LEN,
        }
    }
}

impl RedirectPolicy {
    /// https only, any host, at most 512 characters.
    pub fn new() -> Self {
        Self::default()
    }

    /// Also accepts this app scheme (e.g. `myapp` or a browser's `googlechrome`).
    pub fn with_app_scheme(mut self, scheme: &str) -> Self {
        self.app_schemes.push(scheme.to_ascii_lowercase());
        self
    }

    /// Restricts https redirects to these hosts (case-insensitive, port ignored).
    pub fn with_allowed_hosts(mut self, hosts: &[&str]) -> Self {
        self.allowed_hosts = Some(hosts.iter().map(|h| h.to_ascii_lowercase()).collect());
        self
    }

    /// Validates a redirect or return URL.
    pub fn validate(&self, url: &str) -> Result<()> {
        self.check(url).map_err(Error::Redirect)
    }

    fn check(&self, url: &str) -> Result<(), RedirectRejection> {
        if url.is_empty() {
            return Err(RedirectRejection::Empty);
        }
        if url.len() > self.max_len {
            return Err(RedirectRejection::TooLong { max: self.max_len });
        }
        if !url.bytes().all(|b| b.is_ascii_graphic()) || url.contains('\\') {
            return Err(RedirectRejection::Characters);
        }
        let (scheme, rest) = url.split_once(':').ok_or(RedirectRejection::NotAbsolute)?;
        let mut chars = scheme.chars();
        let valid_scheme = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if !valid_scheme {
            return Err(RedirectRejection::NotAbsolute);
        }
        let scheme = scheme.to_ascii_lowercase();
        match scheme.as_str() {
            "javascript" | "vbscript" => return Err(RedirectRejection::Script),
            "data" => return Err(RedirectRejection::DataUrl),
            "http" => return Err(RedirectRejection::InsecureHttp),
            _ => {}
        }
        let authority = rest
            .strip_prefix("//")
            .map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
        if authority.is_some_and(|a| a.contains('@')) {
            return Err(RedirectRejection::Credentials);
        }
        if scheme == "https" {
            let host = authority.map(strip_port).unwrap_or("");
            if host.is_empty() {
                return Err(RedirectRejection::MissingHost);
            }
            if let Some(allowed) = &self.allowed_hosts
                && !allowed.iter().any(|h| h.eq_ignore_ascii_case(host))
            {
                return Err(RedirectRejection::HostNotAllowed);
            }
            return Ok(());
        }
        if self.app_schemes.contains(&scheme) {
            Ok(())
        } else {
            Err(RedirectRejection::UnregisteredScheme)
        }
    }
}

fn strip_port(authority: &str) -> &str {
    if let Some(rest) = authority.strip_prefix('[') {
        return rest.split(']').next().unwrap_or("");
    }
    match authority.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => authority,
    }
}

/// The redirect the launch URL carries on `platform`: iOS gets the (validated) URL or `null`;
/// Android and desktops always get `null`, but a given URL is still validated so a bad one is
/// reported rather than silently dropped.
pub fn redirect_for(
    platform: Platform,
    requested: Option<&str>,
    policy: &RedirectPolicy,
) -> Result<Redirect> {
    if let Some(url) = requested {
        policy.validate(url)?;
    }
    match (platform, requested) {
        (Platform::Ios, Some(url)) => Ok(Redirect::Url(url.to_owned())),
        _ => Ok(Redirect::Null),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rejects(policy: &RedirectPolicy, url: &str) -> RedirectRejection {
        match policy.validate(url) {
            Err(Error::Redirect(r)) => r,
            other => panic!("{url}: {other:?}"),
        }
    }

    #[test]
    fn accepts_https_and_registered_schemes() {
        let p = RedirectPolicy::new()
            .with_app_scheme("MyApp")
            .with_app_scheme("googlechrome");
        for ok in [
            "https://rp.example/done",
            "https://rp.example:8443/x?y#z",
            "myapp://return",
            "googlechrome://",
            "MYAPP:/x",
        ] {
            assert!(p.validate(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn rejects_dangerous_urls() {
        let p = RedirectPolicy::new().with_app_scheme("myapp");
        assert_eq!(rejects(&p, ""), RedirectRejection::Empty);
        assert_eq!(
            rejects(&p, "javascript:alert(1)"),
            RedirectRejection::Script
        );
        assert_eq!(
            rejects(&p, "JaVaScRiPt:alert(1)"),
            RedirectRejection::Script
        );
        assert_eq!(
            rejects(&p, "java\tscript:alert(1)"),
            RedirectRejection::Characters
        );
        assert_eq!(
            rejects(&p, " javascript:alert(1)"),
            RedirectRejection::Characters
        );
        assert_eq!(rejects(&p, "vbscript:msgbox"), RedirectRejection::Script);
        assert_eq!(
            rejects(&p, "data:text/html;base64,PHNjcmlwdD4="),
            RedirectRejection::DataUrl
        );
        assert_eq!(
            rejects(&p, "http://rp.example/"),
            RedirectRejection::InsecureHttp
        );
        assert_eq!(
            rejects(&p, "https://user:pw@rp.example/"),
            RedirectRejection::Credentials
        );
        assert_eq!(
            rejects(&p, "https://rp.example@evil.example/"),
            RedirectRejection::Credentials
        );
        assert_eq!(
            rejects(&p, "myapp://user@host/"),
            RedirectRejection::Credentials
        );
        assert_eq!(rejects(&p, "https:///path"), RedirectRejection::MissingHost);
        assert_eq!(
            rejects(&p, "https:rp.example"),
            RedirectRejection::MissingHost
        );
        assert_eq!(
            rejects(&p, "https:\\\\evil.example"),
            RedirectRejection::Characters
        );
        assert_eq!(
            rejects(&p, "file:///etc/passwd"),
            RedirectRejection::UnregisteredScheme
        );
        assert_eq!(
            rejects(&p, "otherapp://x"),
            RedirectRejection::UnregisteredScheme
        );
        assert_eq!(
            rejects(&p, "/relative/path"),
            RedirectRejection::NotAbsolute
        );
        assert_eq!(
            rejects(&p, "javascript%3Aalert(1)"),
            RedirectRejection::NotAbsolute
        );
        assert_eq!(
            rejects(&p, "https://räksmörgås.se/"),
            RedirectRejection::Characters
        );
        let long = format!("https://rp.example/{}", "a".repeat(600));
        assert_eq!(rejects(&p, &long), RedirectRejection::TooLong { max: 512 });
    }

    #[test]
    fn host_allow_list() {
        let p = RedirectPolicy::new().with_allowed_hosts(&["rp.example"]);
        assert!(p.validate("https://RP.example:443/back").is_ok());
        assert_eq!(
            rejects(&p, "https://evil.example/"),
            RedirectRejection::HostNotAllowed
        );
        assert_eq!(
            rejects(&p, "https://rp.example.evil.example/"),
            RedirectRejection::HostNotAllowed
        );
    }

    #[test]
    fn platform_rules() {
        let p = RedirectPolicy::new();
        let url = "https://rp.example/back";
        assert_eq!(
            redirect_for(Platform::Ios, Some(url), &p).unwrap(),
            Redirect::Url(url.into())
        );
        assert_eq!(
            redirect_for(Platform::Ios, None, &p).unwrap(),
            Redirect::Null
        );
        assert_eq!(
            redirect_for(Platform::Android, Some(url), &p).unwrap(),
            Redirect::Null
        );
        assert_eq!(
            redirect_for(Platform::Desktop, Some(url), &p).unwrap(),
            Redirect::Null
        );
        assert!(redirect_for(Platform::Android, Some("javascript:x"), &p).is_err());
        assert_eq!("ios".parse::<Platform>().unwrap(), Platform::Ios);
        assert!("windows".parse::<Platform>().is_err());
    }
}
