//! Passive authentication of a read document: EF.SOD signature, Document Signer chain to a
//! trusted CSCA, CRLs, country consistency, data group hashes, and EF.CardSecurity.
//!
//! # Validity policy (chain model)
//!
//! A passport is valid for ten years while its Document Signer key signs for a few months, so
//! "is the DS certificate valid *now*" is the wrong question. Each certificate is checked at
//! the moment it was used:
//!
//! * the DS certificate at the signing time: the `signingTime` signed attribute when present,
//!   otherwise the DS certificate's `notBefore` (the earliest moment it can have signed);
//!   a signing time after `now` or a DS `notBefore` after `now` is invalid;
//! * the CSCA at the moment it issued the DS certificate (the DS `notBefore`).
//!
//! Whether the DS certificate has expired by `now` is reported (`signer_expired_now`) but does
//! not fail the check; the document's own expiry date is DG1's business.

use std::collections::BTreeMap;

use super::{
    card_security::CardSecurity,
    certificate::Certificate,
    country,
    report::{
        CardSecurityReport, ChainStatus, FileHash, HashStatus, PaReport, PaStatus, SignatureStatus,
        SignerReport,
    },
    signed_data::SignedData,
    sod::Sod,
    trust_store::TrustStore,
};

/// Runs passive authentication. `data_groups` are the raw bytes of every data group read
/// (number, bytes as read from the chip); `issuing_state` is DG1's issuing state (MRZ code such
/// as "D", "NLD" or alpha-2) when known; `now` is the current time in Unix seconds.
pub fn verify(
    sod_bytes: &[u8],
    data_groups: &[(u8, &[u8])],
    card_security: Option<&[u8]>,
    trust: &TrustStore,
    issuing_state: Option<&str>,
    now: i64,
) -> PaReport {
    let sod = match Sod::parse(sod_bytes) {
        Ok(s) => s,
        Err(e) => {
            let mut r = PaReport::not_performed(format!("EF.SOD cannot be used: {e}"));
            r.status = PaStatus::Invalid;
            return r;
        }
    };
    let mut problems = Problems::default();

    let (signer, ds_country) = check_signer(sod.signed_data(), trust, now);
    problems.add_signer("EF.SOD", &signer);
    check_countries(&mut problems, "EF.SOD", ds_country, issuing_state);

    let mut files = BTreeMap::new();
    for (dg, bytes) in data_groups {
        let status = match sod.dg_hash(*dg) {
            None => HashStatus::NotInSod,
            Some(expected) if sod.hash_algorithm().digest(bytes) == expected => HashStatus::Match,
            Some(_) => HashStatus::Mismatch,
        };
        match status {
            HashStatus::Mismatch => problems.invalid(format!("DG{dg} hash mismatch")),
            HashStatus::NotInSod => problems.invalid(format!("DG{dg} is not listed in EF.SOD")),
            HashStatus::Match => {}
        }
        files.insert(format!("DG{dg}"), FileHash { hash: status });
    }

    let card_security = card_security.map(|bytes| {
        let report = verify_card_security(bytes, trust, issuing_state, now);
        match report.status {
            PaStatus::Invalid | PaStatus::NotPerformed => {
                problems.invalid(format!(
                    "EF.CardSecurity: {}",
                    report.signer.reason.clone().unwrap_or_default()
                ));
            }
            PaStatus::Untrusted => problems.untrusted(format!(
                "EF.CardSecurity: {}",
                report.signer.reason.clone().unwrap_or_default()
            )),
            PaStatus::Valid => {}
        }
        report
    });

    let (status, reason) = problems.verdict(|| {
        let hashed = files.len();
        if hashed == 0 {
            "signature and chain valid (no data groups given)".to_string()
        } else {
            format!("signature and chain valid, {hashed} data group hash(es) match")
        }
    });
    PaReport {
        status,
        reason,
        sod: signer,
        hash_algorithm: Some(sod.hash_algorithm()),
        lds_version: sod.lds_version().map(|(lds, _)| lds.to_string()),
        dgs_in_sod: sod.dg_hashes().iter().map(|(n, _)| *n).collect(),
        files,
        card_security,
    }
}

/// Verifies EF.CardSecurity on its own: signature and signer chain (and country).
pub fn verify_card_security(
    bytes: &[u8],
    trust: &TrustStore,
    issuing_state: Option<&str>,
    now: i64,
) -> CardSecurityReport {
    let cs = match CardSecurity::parse(bytes) {
        Ok(cs) => cs,
        Err(e) => {
            let mut signer =
                SignerReport::unchecked(format!("EF.CardSecurity cannot be used: {e}"));
            signer.signature = SignatureStatus::Invalid;
            return CardSecurityReport {
                status: PaStatus::Invalid,
                signer,
            };
        }
    };
    let mut problems = Problems::default();
    let (mut signer, country) = check_signer(cs.signed_data(), trust, now);
    problems.add_signer("signer", &signer);
    check_countries(&mut problems, "signer", country, issuing_state);
    let (status, reason) = problems.verdict(|| "signature and chain valid".to_string());
    signer.reason = (status != PaStatus::Valid).then_some(reason);
    CardSecurityReport { status, signer }
}

/// Collected failures; the verdict is the worst of them.
#[derive(Default)]
struct Problems {
    invalid: Vec<String>,
    untrusted: Vec<String>,
}

impl Problems {
    fn invalid(&mut self, why: String) {
        self.invalid.push(why);
    }

    fn untrusted(&mut self, why: String) {
        self.untrusted.push(why);
    }

    fn add_signer(&mut self, what: &str, r: &SignerReport) {
        let why = || format!("{what}: {}", r.reason.clone().unwrap_or_default());
        if r.signature != SignatureStatus::Valid
            || matches!(r.chain, ChainStatus::Invalid | ChainStatus::Revoked)
        {
            self.invalid(why());
        } else if r.chain != ChainStatus::Trusted {
            self.untrusted(why());
        }
    }

    fn verdict(self, ok: impl FnOnce() -> String) -> (PaStatus, String) {
        if !self.invalid.is_empty() {
            (PaStatus::Invalid, self.invalid.join("; "))
        } else if !self.untrusted.is_empty() {
            (PaStatus::Untrusted, self.untrusted.join("; "))
        } else {
            (PaStatus::Valid, ok())
        }
    }
}

/// Countries seen along the chain: DS subject, DS issuer, CSCA subject.
struct ChainCountries {
    ds: Option<String>,
    ds_issuer: Option<String>,
    csca: Option<String>,
}

fn check_countries(
    problems: &mut Problems,
    what: &str,
    c: Option<ChainCountries>,
    issuing_state: Option<&str>,
) {
    let Some(c) = c else { return };
    let mut seen: Vec<(&str, String)> = Vec::new();
    if let Some(v) = c.ds {
        seen.push(("signer", v));
    }
    if let Some(v) = c.ds_issuer {
        seen.push(("signer's issuer", v));
    }
    if let Some(v) = c.csca {
        seen.push(("CSCA", v));
    }
    if let Some(state) = issuing_state {
        match country::alpha2(state) {
            Some(a2) => seen.push(("DG1 issuing state", a2)),
            None => problems.invalid(format!(
                "{what}: issuing state {state:?} is not a known country code"
            )),
        }
    }
    if let Some((first_name, first)) = seen.first()
        && let Some((name, other)) = seen.iter().find(|(_, v)| v != first)
    {
        problems.invalid(format!(
            "{what}: country mismatch: {first_name} {first} ≠ {name} {other}"
        ));
    }
}

/// Signature and chain of a SignedData's first signer.
fn check_signer(
    signed: &SignedData,
    trust: &TrustStore,
    now: i64,
) -> (SignerReport, Option<ChainCountries>) {
    let ds = match signed.signer_certificate() {
        Ok(c) => c,
        Err(e) => {
            let mut r = SignerReport::unchecked(e.to_string());
            r.signature = SignatureStatus::Invalid;
            return (r, None);
        }
    };
    let signing_time = signed
        .signer_info()
        .ok()
        .and_then(|si| si.signed_attrs.as_ref()?.signing_time);
    let mut reasons = Vec::new();
    let signature = match signed.verify_signature(ds) {
        Ok(_) => SignatureStatus::Valid,
        Err(e) => {
            reasons.push(format!("signature: {e}"));
            SignatureStatus::Invalid
        }
    };
    let at = signing_time.unwrap_or(ds.not_before());
    let (chain, csca) = check_chain(ds, at, trust, now, &mut reasons);
    let countries = ChainCountries {
        ds: ds.subject_country(),
        ds_issuer: ds.issuer_country(),
        csca: csca.and_then(Certificate::subject_country),
    };
    let report = SignerReport {
        signature,
        chain,
        signer: Some(ds.subject()),
        csca: csca.map(Certificate::subject),
        signing_time,
        validity_checked_at: Some(at),
        signer_expired_now: Some(ds.not_after() < now),
        reason: (!reasons.is_empty()).then(|| reasons.join("; ")),
    };
    (report, Some(countries))
}

fn check_chain<'t>(
    ds: &Certificate,
    at: i64,
    trust: &'t TrustStore,
    now: i64,
    reasons: &mut Vec<String>,
) -> (ChainStatus, Option<&'t Certificate>) {
    let mut own = Vec::new();
    if !ds.may_sign_documents() {
        own.push("signer key usage does not permit digital signatures".to_string());
    }
    if at > now {
        own.push("signing time lies in the future".to_string());
    } else if !ds.valid_at(at) {
        own.push(format!("signer certificate not valid at signing time {at}"));
    }
    let candidates = trust.issuer_candidates(ds);
    let verified: Vec<&Certificate> = candidates
        .iter()
        .copied()
        .filter(|c| ds.verify_signed_by(c).is_ok())
        .collect();
    if verified.is_empty() {
        reasons.extend(own);
        reasons.push(if candidates.is_empty() {
            format!("no CSCA in the trust store for issuer {}", ds.issuer())
        } else {
            format!(
                "none of {} CSCA candidate(s) for {} verifies the signer certificate",
                candidates.len(),
                ds.issuer()
            )
        });
        return (ChainStatus::Untrusted, None);
    }
    // Prefer a CSCA for which every rule holds; else report the first one's failures.
    let mut first_failure: Option<(&Certificate, Vec<String>)> = None;
    for csca in verified {
        let mut problems = own.clone();
        if !csca.may_sign_certificates() {
            problems.push("CSCA key usage does not permit certificate signing".to_string());
        }
        if !csca.valid_at(ds.not_before()) {
            problems.push("CSCA was not valid when it issued the signer certificate".to_string());
        }
        let revoked = trust.crls().iter().any(|crl| {
            crl.covers_issuer(ds.issuer_der())
                && crl.verify_signed_by(csca).is_ok()
                && crl.lists_serial(ds.serial())
        });
        if revoked {
            reasons.push(format!(
                "signer certificate (serial {}) is revoked by a CRL of its CSCA",
                hex::encode(ds.serial())
            ));
            return (ChainStatus::Revoked, Some(csca));
        }
        if problems.is_empty() {
            return (ChainStatus::Trusted, Some(csca));
        }
        if first_failure.is_none() {
            first_failure = Some((csca, problems));
        }
    }
    match first_failure {
        Some((csca, problems)) => {
            reasons.extend(problems);
            (ChainStatus::Invalid, Some(csca))
        }
        None => (ChainStatus::Untrusted, None),
    }
}
