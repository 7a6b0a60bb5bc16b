//! Passive authentication of a read document: EF.SOD signature, Document Signer chain to a
//! trusted CSCA, validity under the chosen model, CRLs, key usage, document type, country
//! consistency, data group hashes, and EF.CardSecurity.
//!
//! Every decision is the caller's [`Policy`] and lands in the report:
//!
//! * **validity** ([`ValidityModel`]): the shell model checks the DS and CSCA certificates at
//!   the verification time; the chain model checks the DS at the signing time and the CSCA
//!   when it issued the DS. Under both, a `signingTime` outside the DS validity or after the
//!   verification time fails. The report names the model and the times
//!   (`validity: {model, at, signer_checked_at, csca_checked_at}`).
//! * **trust anchors**: a CSCA from an unanchored master list counts only when the policy
//!   allows it (`chain: trusted_unanchored`); otherwise the verdict is untrusted.
//! * **revocation**: every CRL of the signer's issuer must verify against a CSCA of that name
//!   (else `crl_invalid`, a broken trust input); what a verified CRL lists is revoked even
//!   when the CRL is stale; `revocation` says `checked`, `stale` or `not_checked`, and the
//!   policy may require `checked`.
//! * **legacy eContentType** `id-data`: accepted and flagged by default, refused by a strict
//!   policy.
//!
//! A signature is only reported `valid` or `invalid` when it was checked: without a signer
//! certificate it is `not_checked` (with [`PaFailure::SignerNotFound`]).

use std::collections::BTreeMap;

use super::{
    certificate::Certificate,
    country,
    error::PaError,
    policy::{DocumentContext, Policy, ValidityModel, document_type_allowed},
    report::{
        CardSecurityReport, CertificateRole, ChainStatus, FileHash, HashStatus, KeyUsageBit,
        PaFailure, PaReport, PaStatus, RevocationStatus, SignatureStatus, SignerReport,
        SigningTimeSource, ValidityReport, describe,
    },
    signed_data::SignedData,
    trust_store::TrustStore,
};
use crate::lds::{card_security::CardSecurity, sod::Sod};

/// Runs passive authentication. `data_groups` are the raw bytes of every data group read
/// (number, bytes as read from the chip); `document` is what DG1 says (issuing state and
/// document code, each checked when given); `policy` holds the verification time and every
/// trust choice.
pub fn verify(
    sod_bytes: &[u8],
    data_groups: &[(u8, &[u8])],
    card_security: Option<&[u8]>,
    trust: &TrustStore,
    document: DocumentContext<'_>,
    policy: &Policy,
) -> PaReport {
    let sod = match Sod::parse(sod_bytes) {
        Ok(s) => s,
        Err(e) => {
            return PaReport::failed(PaFailure::SodMalformed {
                detail: e.to_string(),
            });
        }
    };
    let card_security = card_security.map(CardSecurity::parse);
    verify_parsed(
        &sod,
        data_groups,
        card_security.as_ref().map(Result::as_ref),
        trust,
        document,
        policy,
    )
}

/// [`verify`] over an EF.SOD and an EF.CardSecurity already parsed (a reader that parsed them
/// to run the read does not parse them again).
pub fn verify_parsed(
    sod: &Sod,
    data_groups: &[(u8, &[u8])],
    card_security: Option<Result<&CardSecurity, &PaError>>,
    trust: &TrustStore,
    document: DocumentContext<'_>,
    policy: &Policy,
) -> PaReport {
    let mut failures = Vec::new();
    if sod.legacy_content_type() && !policy.allow_legacy_content_type {
        failures.push(PaFailure::LegacyContentType);
    }
    let (signer, signer_failures) = check_signer(sod.signed_data(), trust, document, policy);
    failures.extend(signer_failures);

    let mut files = BTreeMap::new();
    for (dg, bytes) in data_groups {
        let status = match sod.dg_hash(*dg) {
            None => HashStatus::NotInSod,
            Some(expected) if sod.hash_algorithm().digest(bytes) == expected => HashStatus::Match,
            Some(_) => HashStatus::Mismatch,
        };
        match status {
            HashStatus::Mismatch => failures.push(PaFailure::HashMismatch { dg: *dg }),
            HashStatus::NotInSod => failures.push(PaFailure::NotInSod { dg: *dg }),
            HashStatus::Match => {}
        }
        files.insert(format!("DG{dg}"), FileHash { hash: status });
    }

    let card_security = card_security.map(|parsed| {
        let report = match parsed {
            Ok(cs) => verify_card_security_parsed(cs, trust, document, policy),
            Err(e) => malformed_card_security(e),
        };
        match report.status {
            PaStatus::Invalid | PaStatus::NotPerformed => {
                failures.push(PaFailure::CardSecurityInvalid)
            }
            PaStatus::Untrusted => failures.push(PaFailure::CardSecurityUntrusted),
            PaStatus::Valid => {}
        }
        report
    });

    PaReport {
        status: PaStatus::NotPerformed,
        reason: String::new(),
        failures,
        sod: signer,
        legacy_content_type: sod.legacy_content_type(),
        hash_algorithm: Some(sod.hash_algorithm()),
        lds_version: sod.lds_version().map(|(lds, _)| lds.to_string()),
        dgs_in_sod: sod.dg_hashes().iter().map(|(n, _)| *n).collect(),
        files,
        card_security,
    }
    .conclude()
}

/// Verifies EF.CardSecurity on its own: signature, signer chain, validity, revocation and
/// country, under the same policy as EF.SOD.
pub fn verify_card_security(
    bytes: &[u8],
    trust: &TrustStore,
    document: DocumentContext<'_>,
    policy: &Policy,
) -> CardSecurityReport {
    match CardSecurity::parse(bytes) {
        Ok(cs) => verify_card_security_parsed(&cs, trust, document, policy),
        Err(e) => malformed_card_security(&e),
    }
}

/// [`verify_card_security`] over an EF.CardSecurity already parsed.
pub fn verify_card_security_parsed(
    cs: &CardSecurity,
    trust: &TrustStore,
    document: DocumentContext<'_>,
    policy: &Policy,
) -> CardSecurityReport {
    let (signer, failures) = check_signer(cs.signed_data(), trust, document, policy);
    CardSecurityReport::conclude(signer, failures)
}

fn malformed_card_security(e: &PaError) -> CardSecurityReport {
    CardSecurityReport::conclude(
        SignerReport::unchecked(),
        vec![PaFailure::CardSecurityMalformed {
            detail: e.to_string(),
        }],
    )
}

/// Maps a signature verification error to its failure.
fn signature_failure(e: PaError) -> PaFailure {
    match e {
        PaError::BadSignature => PaFailure::SignatureInvalid,
        PaError::MessageDigestMismatch => PaFailure::MessageDigestMismatch,
        PaError::MissingSignedAttribute(a) => PaFailure::SignedAttributeMissing {
            attribute: a.to_string(),
        },
        PaError::ContentTypeMismatch => PaFailure::ContentTypeAttributeMismatch,
        PaError::AlgorithmProtectionMismatch => PaFailure::AlgorithmProtectionMismatch,
        PaError::NoSigner => PaFailure::NoSignerInfo,
        e @ (PaError::UnknownHashAlgorithm(_)
        | PaError::UnknownSignatureAlgorithm(_)
        | PaError::UnsupportedKey(_)
        | PaError::AlgorithmKeyMismatch { .. }) => PaFailure::SignatureUnsupported {
            detail: e.to_string(),
        },
        e => PaFailure::SignatureMalformed {
            detail: e.to_string(),
        },
    }
}

/// Validity of `cert` at `at` as failures for `role`.
fn validity_failures(cert: &Certificate, at: i64, role: CertificateRole) -> Option<PaFailure> {
    let (not_before, not_after) = (cert.not_before(), cert.not_after());
    match role {
        CertificateRole::Signer if at < not_before => {
            Some(PaFailure::SignerNotYetValid { not_before, at })
        }
        CertificateRole::Signer if at > not_after => {
            Some(PaFailure::SignerExpired { not_after, at })
        }
        CertificateRole::Csca if at < not_before => {
            Some(PaFailure::CscaNotYetValid { not_before, at })
        }
        CertificateRole::Csca if at > not_after => Some(PaFailure::CscaExpired { not_after, at }),
        _ => None,
    }
}

/// The chain model's signing time: the signingTime attribute; else the end of the private
/// key usage period capped at the verification time (or its start, when only that is given);
/// else the DS notBefore.
fn chain_signing_time(
    ds: &Certificate,
    signing_time: Option<i64>,
    at: i64,
) -> (i64, SigningTimeSource) {
    if let Some(t) = signing_time {
        return (t, SigningTimeSource::SigningTime);
    }
    match ds.private_key_usage_period() {
        Some(p) => match (p.not_before, p.not_after) {
            (_, Some(end)) => (end.min(at), SigningTimeSource::PrivateKeyUsagePeriod),
            (Some(start), None) => (start, SigningTimeSource::PrivateKeyUsagePeriod),
            (None, None) => (ds.not_before(), SigningTimeSource::NotBefore),
        },
        None => (ds.not_before(), SigningTimeSource::NotBefore),
    }
}

/// Signature, signer certificate and chain of a SignedData's first signer.
fn check_signer(
    signed: &SignedData,
    trust: &TrustStore,
    document: DocumentContext<'_>,
    policy: &Policy,
) -> (SignerReport, Vec<PaFailure>) {
    let mut report = SignerReport::unchecked();
    let mut failures = Vec::new();
    let finish = |mut report: SignerReport, failures: Vec<PaFailure>| {
        report.reason = describe(&failures);
        (report, failures)
    };
    let Ok(si) = signed.signer_info() else {
        failures.push(PaFailure::NoSignerInfo);
        return finish(report, failures);
    };
    report.signing_time = si.signed_attrs.as_ref().and_then(|a| a.signing_time);
    let Ok(ds) = signed.signer_certificate() else {
        failures.push(PaFailure::SignerNotFound);
        return finish(report, failures);
    };
    report.signer = Some(ds.subject());
    report.signature = match signed.verify_signature(ds) {
        Ok(_) => SignatureStatus::Valid,
        Err(e) => {
            failures.push(signature_failure(e));
            SignatureStatus::Invalid
        }
    };

    // The Document Signer certificate itself.
    let mut ds_failures = Vec::new();
    if !ds.has_digital_signature_usage() {
        ds_failures.push(PaFailure::KeyUsage {
            certificate: CertificateRole::Signer,
            missing: KeyUsageBit::DigitalSignature,
        });
    }
    match ds.document_types() {
        Err(_) => ds_failures.push(PaFailure::ExtensionMalformed {
            extension: "DocumentTypeList (2.23.136.1.1.6.2)".into(),
        }),
        Ok(Some(allowed)) => {
            if let Some(code) = document.document_code
                && !document_type_allowed(code, allowed)
            {
                ds_failures.push(PaFailure::DocumentTypeNotAllowed {
                    document: code.trim().to_string(),
                    allowed: allowed.to_vec(),
                });
            }
        }
        Ok(None) => {}
    }
    let at = policy.at;
    if let Some(st) = report.signing_time {
        if st > at {
            ds_failures.push(PaFailure::SigningTimeInFuture {
                signing_time: st,
                at,
            });
        }
        if !ds.valid_at(st) {
            ds_failures.push(PaFailure::SigningTimeOutsideValidity { signing_time: st });
        }
    }
    let (signer_at, source, csca_at) = match policy.validity {
        ValidityModel::Shell => (at, None, at),
        ValidityModel::Chain => {
            let (t, source) = chain_signing_time(ds, report.signing_time, at);
            (t, Some(source), ds.not_before())
        }
    };
    // A signingTime was checked against the validity above; any other time is checked here
    // (a signing time derived from the certificate cannot lie after the verification time).
    if source != Some(SigningTimeSource::SigningTime) {
        if signer_at > at {
            ds_failures.push(PaFailure::SignerNotYetValid {
                not_before: ds.not_before(),
                at,
            });
        } else {
            ds_failures.extend(validity_failures(ds, signer_at, CertificateRole::Signer));
        }
    }

    let chain = check_chain(ds, trust, policy, csca_at);
    report.chain = match (&chain.csca, chain.revoked) {
        (None, _) => ChainStatus::Untrusted,
        (Some(_), true) => ChainStatus::Revoked,
        (Some(_), false)
            if !ds_failures.is_empty()
                || chain
                    .failures
                    .iter()
                    .any(|f| f.severity() == PaStatus::Invalid) =>
        {
            ChainStatus::Invalid
        }
        (Some(_), false) => chain.status,
    };
    report.revocation = chain.revocation;
    report.csca = chain.csca.map(Certificate::subject);
    report.validity = Some(ValidityReport {
        model: policy.validity,
        at,
        signer_checked_at: signer_at,
        csca_checked_at: chain.csca.map(|_| csca_at),
        signing_time_source: source,
    });
    report.validity_checked_at = Some(signer_at);
    report.signer_expired_now = Some(ds.not_after() < at);
    failures.extend(ds_failures);
    failures.extend(chain.failures);
    failures.extend(check_countries(ds, chain.csca, document.issuing_state));
    finish(report, failures)
}

/// DS country = DS issuer country = CSCA country = DG1 issuing state.
fn check_countries(
    ds: &Certificate,
    csca: Option<&Certificate>,
    issuing_state: Option<&str>,
) -> Vec<PaFailure> {
    let mut failures = Vec::new();
    let document = match issuing_state {
        Some(state) => match country::alpha2(state) {
            Some(a2) => Some(a2),
            None => {
                failures.push(PaFailure::UnknownIssuingState {
                    state: state.to_string(),
                });
                None
            }
        },
        None => None,
    };
    let signer = ds.subject_country();
    let signer_issuer = ds.issuer_country();
    let csca = csca.and_then(Certificate::subject_country);
    let seen: Vec<&String> = [&signer, &signer_issuer, &csca, &document]
        .into_iter()
        .flatten()
        .collect();
    if seen.windows(2).any(|w| w.first() != w.get(1)) {
        failures.push(PaFailure::CountryMismatch {
            signer,
            signer_issuer,
            csca,
            document,
        });
    }
    failures
}

/// What the chain check found for the chosen CSCA.
struct ChainOutcome<'t> {
    csca: Option<&'t Certificate>,
    status: ChainStatus,
    revoked: bool,
    revocation: RevocationStatus,
    failures: Vec<PaFailure>,
}

impl ChainOutcome<'_> {
    /// Lower is better: every rule holds with an anchored CSCA, then with an allowed
    /// unanchored one, then only trust requirements missing, then failures.
    fn rank(&self) -> u8 {
        if self.failures.is_empty() {
            u8::from(self.status != ChainStatus::Trusted)
        } else if self
            .failures
            .iter()
            .all(|f| f.severity() == PaStatus::Untrusted)
        {
            2
        } else {
            3
        }
    }
}

fn check_chain<'t>(
    ds: &Certificate,
    trust: &'t TrustStore,
    policy: &Policy,
    csca_at: i64,
) -> ChainOutcome<'t> {
    let candidates = trust.issuer_candidates(ds);
    let verified: Vec<&Certificate> = candidates
        .iter()
        .copied()
        .filter(|c| ds.verify_signed_by(c).is_ok())
        .collect();
    if verified.is_empty() {
        // A CSCA named by the certificate's own key identifier that does not verify it: the
        // certificate is not the one that CSCA issued.
        let named_by_key = ds
            .authority_key_id()
            .is_some_and(|aki| candidates.iter().any(|c| c.subject_key_id() == Some(aki)));
        if named_by_key {
            return ChainOutcome {
                csca: None,
                status: ChainStatus::Invalid,
                revoked: false,
                revocation: RevocationStatus::NotChecked,
                failures: vec![PaFailure::SignerCertificateAltered {
                    issuer: ds.issuer(),
                }],
            };
        }
        let failure = if candidates.is_empty() {
            PaFailure::CscaNotTrusted {
                issuer: ds.issuer(),
            }
        } else {
            PaFailure::CscaSignatureMismatch {
                issuer: ds.issuer(),
                candidates: candidates.len(),
            }
        };
        return ChainOutcome {
            csca: None,
            status: ChainStatus::Untrusted,
            revoked: false,
            revocation: RevocationStatus::NotChecked,
            failures: vec![failure],
        };
    }
    let mut best: Option<ChainOutcome<'t>> = None;
    for csca in verified {
        let outcome = evaluate_csca(ds, csca, trust, policy, csca_at);
        if best.as_ref().is_none_or(|b| outcome.rank() < b.rank()) {
            best = Some(outcome);
        }
    }
    best.unwrap_or(ChainOutcome {
        csca: None,
        status: ChainStatus::Untrusted,
        revoked: false,
        revocation: RevocationStatus::NotChecked,
        failures: Vec::new(),
    })
}

/// The rules for one CSCA that verifies the DS certificate.
fn evaluate_csca<'t>(
    ds: &Certificate,
    csca: &'t Certificate,
    trust: &TrustStore,
    policy: &Policy,
    csca_at: i64,
) -> ChainOutcome<'t> {
    let mut failures = Vec::new();
    if !csca.may_sign_certificates() {
        failures.push(PaFailure::KeyUsage {
            certificate: CertificateRole::Csca,
            missing: KeyUsageBit::KeyCertSign,
        });
    }
    failures.extend(validity_failures(csca, csca_at, CertificateRole::Csca));
    let anchored = trust.anchoring(csca).is_none_or(|a| a.is_anchored());
    if !anchored && !policy.allow_unanchored {
        failures.push(PaFailure::CscaFromUnanchoredList {
            csca: csca.subject(),
        });
    }

    let mut revoked = false;
    let mut current = false;
    let mut verified_crls = 0usize;
    let mut latest_next_update: Option<i64> = None;
    let mut crl_issuer = None;
    for crl in trust.crls_for(ds.issuer_der()) {
        crl_issuer.get_or_insert_with(|| crl.issuer());
        if !trust.crl_is_verified(crl, Some(csca)) {
            failures.push(PaFailure::CrlInvalid {
                issuer: crl.issuer(),
            });
            continue;
        }
        verified_crls += 1;
        if !crl.is_stale_at(policy.at) {
            current = true;
        }
        if let Some(next) = crl.next_update() {
            latest_next_update = Some(latest_next_update.map_or(next, |l| l.max(next)));
        }
        if crl.lists_serial(ds.serial()) {
            revoked = true;
        }
    }
    let revocation = if current {
        RevocationStatus::Checked
    } else if verified_crls > 0 {
        RevocationStatus::Stale
    } else {
        RevocationStatus::NotChecked
    };
    if revoked {
        failures.push(PaFailure::SignerRevoked {
            serial: hex::encode(ds.serial()),
        });
    }
    if policy.require_revocation_checked {
        match revocation {
            RevocationStatus::Checked => {}
            RevocationStatus::Stale => failures.push(PaFailure::CrlStale {
                issuer: crl_issuer.unwrap_or_else(|| ds.issuer()),
                next_update: latest_next_update,
            }),
            RevocationStatus::NotChecked => failures.push(PaFailure::RevocationNotChecked {
                csca: csca.subject(),
            }),
        }
    }
    let status = if revoked {
        ChainStatus::Revoked
    } else if failures.iter().any(|f| f.severity() == PaStatus::Invalid) {
        ChainStatus::Invalid
    } else if !anchored && !policy.allow_unanchored {
        ChainStatus::Untrusted
    } else if !anchored {
        ChainStatus::TrustedUnanchored
    } else {
        ChainStatus::Trusted
    };
    ChainOutcome {
        csca: Some(csca),
        status,
        revoked,
        revocation,
        failures,
    }
}
