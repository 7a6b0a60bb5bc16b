//! The trust options every passport command shares (`--trust`, `--trust-root`,
//! `--allow-unanchored`, `--validity`, `--at`) and the one function that turns them into a
//! trust store and a passive-authentication policy.
//!
//! Flatten [`TrustArgs`] into a command's clap arguments and call [`TrustArgs::load`].

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use tapid_mrtd::pa::{self, Certificate, FileKind, Policy, TrustStore, ValidityModel};

use crate::exit::{CliError, Exit};

/// The validity model on the command line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Validity {
    /// DS and CSCA certificates valid at the verification time (`--at`).
    #[default]
    Shell,
    /// DS valid when it signed (signingTime, else its private key usage period, else its
    /// notBefore), CSCA valid when it issued the DS.
    Chain,
}

impl From<Validity> for ValidityModel {
    fn from(v: Validity) -> Self {
        match v {
            Validity::Shell => ValidityModel::Shell,
            Validity::Chain => ValidityModel::Chain,
        }
    }
}

/// Trust anchors and the trust policy of passive authentication.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct TrustArgs {
    /// Trust anchors: a CSCA master list (loaded only when a --trust-root anchors it), a CSCA
    /// certificate (DER or PEM; an anchor itself), a CRL, or a folder of them. Repeatable.
    #[arg(long, value_name = "PATH")]
    pub trust: Vec<PathBuf>,
    /// The publishing state's root CSCA certificate that certifies a master list's signer
    /// (e.g. DE_ROOT_CA_CSCA07.cer for the German list). Repeatable: each root anchors the
    /// master lists whose signer it certifies. A root is not itself a trusted CSCA.
    #[arg(long = "trust-root", value_name = "CERT")]
    pub trust_root: Vec<PathBuf>,
    /// Load master lists that no --trust-root anchors and trust their CSCAs; the verdict then
    /// says `chain: trusted_unanchored`.
    #[arg(long)]
    pub allow_unanchored: bool,
    /// Validity model: `shell` (DS and CSCA valid at --at) or `chain` (DS valid when it
    /// signed, CSCA valid when it issued the DS).
    #[arg(long, value_enum, default_value_t = Validity::Shell)]
    pub validity: Validity,
    /// Verification time: RFC 3339 (`2026-01-01T12:00:00Z`), a date (`2026-01-01`, midnight
    /// UTC) or Unix seconds. Default: now.
    #[arg(long, value_name = "TIME", value_parser = parse_time, allow_hyphen_values = true)]
    pub at: Option<i64>,
}

impl TrustArgs {
    /// Loads the trust store (`None` without `--trust`) and builds the policy.
    pub fn load(&self) -> Result<(Option<TrustStore>, Policy), CliError> {
        Ok((self.store()?, self.policy()?))
    }

    /// The verification time: `--at`, or the system clock.
    pub fn at(&self) -> Result<i64, CliError> {
        match self.at {
            Some(t) => Ok(t),
            None => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .ok()
                .and_then(|d| i64::try_from(d.as_secs()).ok())
                .ok_or_else(|| CliError::new(Exit::Internal, "the system clock is before 1970")),
        }
    }

    /// The passive-authentication policy: `--validity`, `--at`, `--allow-unanchored`, and
    /// the library defaults for the rest (legacy eContentType accepted and flagged,
    /// revocation reported but not required).
    pub fn policy(&self) -> Result<Policy, CliError> {
        Ok(Policy {
            validity: self.validity.into(),
            allow_unanchored: self.allow_unanchored,
            ..Policy::new(self.at()?)
        })
    }

    /// Loads `--trust-root` and `--trust` into one store (`None` without `--trust`). Every
    /// trust file that cannot be used is an error (exit 10): unreadable, damaged, not a trust
    /// file, an unanchored master list (unless `--allow-unanchored`), a CRL that no CSCA of
    /// the store verifies. Skipped files of folders and unused roots are noted on stderr.
    pub fn store(&self) -> Result<Option<TrustStore>, CliError> {
        if self.trust.is_empty() {
            if !self.trust_root.is_empty() {
                return Err(CliError::new(
                    Exit::Usage,
                    "--trust-root anchors master lists given with --trust; no --trust given",
                ));
            }
            return Ok(None);
        }
        let unusable = |what: String| CliError::new(Exit::UnusableInput, what);
        let mut store = TrustStore::new();
        store.set_allow_unanchored(self.allow_unanchored);
        let mut roots = Vec::new();
        for path in &self.trust_root {
            let root = load_certificate(path)
                .map_err(|e| unusable(format!("--trust-root {}: {e}", path.display())))?;
            roots.push((path, root.subject()));
            store.add_master_list_root(root);
        }
        let mut anchored_by = Vec::new();
        for path in &self.trust {
            let loaded = store.add_path(path).map_err(|e| {
                unusable(match e {
                    pa::PaError::MasterListUnanchored { signer } => format!(
                        "--trust {}: master list (signer {signer}) is not anchored: {}, or \
                         pass --allow-unanchored",
                        path.display(),
                        if self.trust_root.is_empty() {
                            "give the publishing state's root with --trust-root CERT"
                        } else {
                            "none of the --trust-root certificates certifies its signer"
                        }
                    ),
                    e => format!("--trust {}: {e}", path.display()),
                })
            })?;
            for skipped in &loaded.skipped {
                eprintln!(
                    "tapid: note: skipped {}: {}",
                    skipped.source, skipped.reason
                );
            }
            for list in &loaded.master_lists {
                match &list.anchored_by {
                    Some(root) => anchored_by.push(root.clone()),
                    None => eprintln!(
                        "tapid: warning: master list {} loaded unanchored (--allow-unanchored)",
                        list.source
                    ),
                }
            }
        }
        for (path, subject) in roots {
            if !anchored_by.contains(&subject) {
                eprintln!(
                    "tapid: note: --trust-root {} anchors none of the master lists given",
                    path.display()
                );
            }
        }
        store
            .verify_crls()
            .map_err(|e| unusable(format!("--trust: {e}")))?;
        Ok(Some(store))
    }
}

/// The trust anchors alone (`--trust`, `--trust-root`, `--allow-unanchored`, as [`TrustArgs`]
/// has them): for `tapid serve`, whose step-up verifies at the service's own clock with the
/// shell model, so `--at` and `--validity` have no meaning there.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct AnchorArgs {
    /// Trust anchors: a CSCA master list (loaded only when a --trust-root anchors it), a CSCA
    /// certificate (DER or PEM; an anchor itself), a CRL, or a folder of them. Repeatable.
    #[arg(long, value_name = "PATH")]
    pub trust: Vec<PathBuf>,
    /// The publishing state's root CSCA certificate that certifies a master list's signer.
    /// Repeatable. A root is not itself a trusted CSCA.
    #[arg(long = "trust-root", value_name = "CERT")]
    pub trust_root: Vec<PathBuf>,
    /// Load master lists that no --trust-root anchors and trust their CSCAs.
    #[arg(long)]
    pub allow_unanchored: bool,
}

impl AnchorArgs {
    /// Loads the store as [`TrustArgs::store`] does (`None` without `--trust`).
    pub fn store(&self) -> Result<Option<TrustStore>, CliError> {
        TrustArgs {
            trust: self.trust.clone(),
            trust_root: self.trust_root.clone(),
            allow_unanchored: self.allow_unanchored,
            ..TrustArgs::default()
        }
        .store()
    }
}

/// Reads one certificate (DER or PEM) and names what the file is when it is not one.
pub fn load_certificate(path: &Path) -> Result<Certificate, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    match pa::identify(&bytes) {
        FileKind::Certificate => {
            Certificate::from_der(&bytes).map_err(|e| format!("damaged certificate: {e}"))
        }
        FileKind::Pem => {
            let mut store = TrustStore::new();
            store
                .add_bytes(&path.display().to_string(), &bytes)
                .map_err(|e| e.to_string())?;
            store
                .certificates()
                .first()
                .cloned()
                .ok_or_else(|| "the PEM file holds no certificate".to_string())
        }
        found => Err(format!("this is {found}, not a certificate")),
    }
}

/// Parses `--at`: Unix seconds, `YYYY-MM-DD` (midnight UTC), or RFC 3339
/// (`YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`).
pub fn parse_time(s: &str) -> Result<i64, String> {
    let s = s.trim();
    let bad = || {
        format!(
            "{s:?} is not a time: use RFC 3339 (2026-01-01T12:00:00Z), a date (2026-01-01) or \
             Unix seconds"
        )
    };
    if !s.is_empty()
        && s.trim_start_matches('-')
            .bytes()
            .all(|b| b.is_ascii_digit())
    {
        return s.parse().map_err(|_| bad());
    }
    let num = |r: std::ops::Range<usize>| -> Result<i64, String> {
        let part = s.get(r).ok_or_else(bad)?;
        if part.bytes().all(|b| b.is_ascii_digit()) {
            part.parse().map_err(|_| bad())
        } else {
            Err(bad())
        }
    };
    let sep = |i: usize, c: &[u8]| s.as_bytes().get(i).is_some_and(|b| c.contains(b));
    if s.len() < 10 || !sep(4, b"-") || !sep(7, b"-") {
        return Err(bad());
    }
    let month = u32::try_from(num(5..7)?).map_err(|_| bad())?;
    let day = u32::try_from(num(8..10)?).map_err(|_| bad())?;
    let date = pa::time::days_to_unix(num(0..4)?, month, day).ok_or_else(bad)?;
    if s.len() == 10 {
        return Ok(date);
    }
    if !sep(10, b"Tt ") || !sep(13, b":") || !sep(16, b":") {
        return Err(bad());
    }
    let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if hh > 23 || mm > 59 || ss > 60 {
        return Err(bad());
    }
    let mut rest = s.get(19..).ok_or_else(bad)?;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(bad());
        }
        rest = frac.get(digits..).ok_or_else(bad)?;
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first() {
                Some(b'+') => 1,
                Some(b'-') => -1,
                _ => return Err(bad()),
            };
            let b = rest.as_bytes();
            if rest.len() != 6 || b.get(3) != Some(&b':') {
                return Err(bad());
            }
            let part = |r: std::ops::Range<usize>| {
                rest.get(r)
                    .filter(|p| p.bytes().all(|c| c.is_ascii_digit()))
                    .and_then(|p| p.parse::<i64>().ok())
                    .ok_or_else(bad)
            };
            let (oh, om) = (part(1..3)?, part(4..6)?);
            if oh > 23 || om > 59 {
                return Err(bad());
            }
            sign * (oh * 3600 + om * 60)
        }
    };
    Ok(date + hh * 3600 + mm * 60 + ss - offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_every_accepted_form() {
        assert_eq!(parse_time("1767225600"), Ok(1_767_225_600));
        assert_eq!(parse_time("-5"), Ok(-5));
        assert_eq!(parse_time("2026-01-01"), Ok(1_767_225_600));
        assert_eq!(parse_time("2026-01-01T00:00:00Z"), Ok(1_767_225_600));
        assert_eq!(parse_time("2026-01-01t01:00:00.123z"), Ok(1_767_229_200));
        assert_eq!(parse_time("2026-01-01T02:00:00+02:00"), Ok(1_767_225_600));
        assert_eq!(parse_time("2025-12-31 22:00:00-02:00"), Ok(1_767_225_600));
        for bad in [
            "",
            "yesterday",
            "2026-13-01",
            "2026-02-30",
            "2026-01-01T25:00:00Z",
            "2026-01-01T00:00:00",
            "2026-01-01T00:00:00+0200",
            "2026/01/01",
        ] {
            assert!(parse_time(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_policy_follows_the_flags() {
        let args = TrustArgs {
            validity: Validity::Chain,
            at: Some(42),
            allow_unanchored: true,
            ..TrustArgs::default()
        };
        let p = args.policy().unwrap();
        assert_eq!(
            (p.validity, p.at, p.allow_unanchored),
            (ValidityModel::Chain, 42, true)
        );
        assert!(p.allow_legacy_content_type && !p.require_revocation_checked);
        assert_eq!(TrustArgs::default().store().unwrap().map(|s| s.len()), None);
        let orphan_root = TrustArgs {
            trust_root: vec![PathBuf::from("root.cer")],
            ..TrustArgs::default()
        };
        assert_eq!(orphan_root.store().unwrap_err().exit, Exit::Usage);
    }
}
