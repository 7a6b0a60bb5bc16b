//! tapid's fuzz targets: one function per parser, `fn(&[u8]) -> Outcome`.
//!
//! The same functions run under libFuzzer (the cargo-fuzz binaries in `fuzz/fuzz_targets/`, a
//! crate outside the workspace because it needs nightly features) and in `cargo test` (the
//! corpus replay in `tests/corpus.rs`: every committed seed and every committed crash input).
//! See `fuzz/README.md`.
//!
//! A target never panics on its own account: a parser that panics is the finding. What a target
//! asserts beyond "no panic" (a round trip, a bounded number of APDUs, a "valid" verdict only for
//! the genuine chip's bytes) it reports as [`Outcome::Violation`], which the fuzz binaries turn
//! into a crash and the replay into a failed test.
#![forbid(unsafe_code)]

mod block_on;
pub mod card;
pub mod chip;
pub mod evidence;
pub mod identity;
pub mod keystore;
pub mod lds;
pub mod pki;

/// What one input did to a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The parser refused the input with an error (the expected end of most fuzz inputs).
    Rejected,
    /// The parser's success path was reached: the input was accepted (and, where the target
    /// goes further, used).
    Accepted,
    /// An invariant the target checks does not hold: a finding, like a panic.
    Violation(String),
}

impl Outcome {
    /// [`Outcome::Accepted`] when `ok`, else [`Outcome::Rejected`].
    pub fn accepted_if(ok: bool) -> Self {
        if ok { Self::Accepted } else { Self::Rejected }
    }

    /// The stronger of two outcomes: a violation over an acceptance over a rejection (for
    /// targets that run several parsers over one input).
    pub fn and(self, other: Self) -> Self {
        match (self, other) {
            (v @ Self::Violation(_), _) | (_, v @ Self::Violation(_)) => v,
            (Self::Accepted, _) | (_, Self::Accepted) => Self::Accepted,
            _ => Self::Rejected,
        }
    }
}

/// A fuzz target.
pub type Target = fn(&[u8]) -> Outcome;

/// Every target by name: the name is the cargo-fuzz binary's and the corpus folders'
/// (`fuzz/seeds/<name>/`, `fuzz/regressions/<name>/`).
pub const TARGETS: &[(&str, Target)] = &[
    ("tlv", card::tlv),
    ("apdu", card::apdu),
    ("sm_unwrap", card::sm_unwrap),
    ("transcript", card::transcript),
    ("mrz", lds::mrz),
    ("security_infos", lds::security_infos),
    ("atr_info", lds::atr_info),
    ("com", lds::com),
    ("dg1", lds::dg1),
    ("dg2", lds::dg2),
    ("dg11", lds::dg11),
    ("dg12", lds::dg12),
    ("dg15", lds::dg15),
    ("sod", pki::sod),
    ("card_security", pki::card_security),
    ("certificate", pki::certificate),
    ("master_list", pki::master_list),
    ("crl", pki::crl),
    ("evidence", evidence::evidence),
    ("qr", identity::qr),
    ("autostart", identity::autostart),
    ("personal_number", identity::personal_number),
    ("keystore", keystore::keystore),
    ("chip", chip::chip),
];

/// The target named `name`.
pub fn target(name: &str) -> Option<Target> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

/// The verification time every target uses (Unix 1 800 000 000, 2027-01-15: inside the
/// validity of every test certificate in `fixtures/pki`, as the tests pin it).
pub const AT: i64 = 1_800_000_000;

/// Splits `data` into a first part of the length its first two bytes give (big-endian, cut to
/// what is there) and the rest: how targets that take two inputs read them.
pub fn split2(data: &[u8]) -> (&[u8], &[u8]) {
    let (len, rest) = match data {
        [a, b, rest @ ..] => (usize::from(u16::from_be_bytes([*a, *b])), rest),
        _ => (0, &[][..]),
    };
    rest.split_at(len.min(rest.len()))
}

/// Joins two parts as [`split2`] splits them (for seed generators).
pub fn join2(first: &[u8], second: &[u8]) -> Vec<u8> {
    let len = u16::try_from(first.len()).unwrap_or(u16::MAX);
    let first = first.get(..usize::from(len)).unwrap_or(first);
    let mut out = len.to_be_bytes().to_vec();
    out.extend_from_slice(first);
    out.extend_from_slice(second);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split2_inverts_join2() {
        for (a, b) in [
            (&b""[..], &b""[..]),
            (b"abc", b""),
            (b"", b"xyz"),
            (b"12", b"345"),
        ] {
            assert_eq!(split2(&join2(a, b)), (a, b));
        }
        assert_eq!(split2(&[0, 9, 1, 2]), (&[1, 2][..], &[][..]));
        assert_eq!(split2(&[7]), (&[][..], &[][..]));
    }

    #[test]
    fn outcome_and_keeps_the_strongest() {
        let v = || Outcome::Violation("x".into());
        assert_eq!(Outcome::Rejected.and(Outcome::Accepted), Outcome::Accepted);
        assert_eq!(Outcome::Accepted.and(v()), v());
        assert_eq!(Outcome::Rejected.and(Outcome::Rejected), Outcome::Rejected);
    }
}
