//! Access control for a read, following the security policy: PACE when EF.CardAccess offers
//! it (the strongest variant offered), BAC only when the chip offers no PACE, and no silent
//! fallback from a failed PACE to BAC unless the caller opted in.

use std::collections::BTreeMap;

use tapid_card::{CardTransport, StatusWord};

use super::channel::Channel;
use super::error::ReadError;
use super::files::{self, ReadPolicy};
use super::report::AccessReport;
use crate::bac::{self, BacError, BacTerminal, DocumentKeys};
use crate::lds::ElementaryFile;
use crate::mrz::AccessKey;
use crate::pace::{CamEvidence, PaceTerminal, Step};
use crate::security_infos::{Agreement, Mapping, SecurityInfos, choose_pace};
use crate::symmetric::CipherAlg;

/// What access control established.
pub struct Access {
    /// For the report.
    pub report: AccessReport,
    /// PACE-CAM evidence, checked later against the verified EF.CardSecurity.
    pub cam: Option<CamEvidence>,
}

/// Reads EF.CardAccess (plain, from the master file) if the chip has one.
async fn card_access<T: CardTransport + ?Sized>(
    ch: &mut Channel<'_, T>,
    policy: &mut ReadPolicy,
    files_read: &mut BTreeMap<ElementaryFile, Vec<u8>>,
) -> Result<Option<SecurityInfos>, ReadError> {
    if let Some(bytes) = files_read.get(&ElementaryFile::CardAccess) {
        // A resumed read: EF.CardAccess was read before the link broke.
        return SecurityInfos::parse(bytes)
            .map(Some)
            .map_err(ReadError::CardAccess);
    }
    // By short EF identifier first (it selects and reads the header in one APDU).
    let mut header = Vec::new();
    if policy.short_ef_identifiers() {
        match files::read_header_by_sfi(ch, ElementaryFile::CardAccess).await {
            Ok(files::SfiRead::Header(bytes)) => header = bytes,
            Ok(files::SfiRead::Absent) | Err(ReadError::Chip { .. }) => return Ok(None),
            Ok(files::SfiRead::Unsupported(_)) => policy.disable_short_ef_identifiers(),
            Err(e) => return Err(e),
        }
    }
    if header.is_empty() {
        match files::select_file(ch, ElementaryFile::CardAccess).await {
            Ok(true) => {}
            // Absent, or a chip that does not even let us select it: no PACE.
            Ok(false) | Err(ReadError::Chip { .. }) => return Ok(None),
            Err(e) => return Err(e),
        }
    }
    let bytes = match files::read_selected(
        ch,
        ElementaryFile::CardAccess,
        policy,
        &mut header,
        &mut |_, _| {},
    )
    .await
    {
        Ok(b) => b,
        Err(ReadError::Chip {
            sw: StatusWord::SECURITY_STATUS_NOT_SATISFIED,
            ..
        }) => return Ok(None),
        Err(e) => return Err(e),
    };
    let infos = SecurityInfos::parse(&bytes).map_err(ReadError::CardAccess)?;
    files_read.insert(ElementaryFile::CardAccess, bytes);
    Ok(Some(infos))
}

/// Opens the chip: EF.CardAccess, then PACE or BAC, then (PACE-CAM) EF.CardSecurity, and
/// finally SELECT of the eMRTD application under secure messaging.
pub async fn open<T, R>(
    ch: &mut Channel<'_, T>,
    key: &AccessKey,
    allow_bac_fallback: bool,
    policy: &mut ReadPolicy,
    rng: &mut R,
    files_read: &mut BTreeMap<ElementaryFile, Vec<u8>>,
    on_step: &mut (dyn FnMut(&'static str) + Send),
) -> Result<Access, ReadError>
where
    T: CardTransport + ?Sized,
    R: rand_core::CryptoRng + Send + ?Sized,
{
    let infos = card_access(ch, policy, files_read).await?;
    let offered = infos
        .as_ref()
        .is_some_and(|i| i.pace_infos().next().is_some());
    let setup = infos.as_ref().and_then(choose_pace);
    match setup {
        Some(setup) => {
            on_step("PACE");
            let mut result = pace(ch, key, &setup, rng).await;
            if needs_parameter_id(&result)
                && setup.parameter_id.is_some()
                && !setup.send_parameter_id
            {
                // Some chips (old UA passports) want tag 84 even when only one set is offered.
                let mut with_id = setup.clone();
                with_id.send_parameter_id = true;
                result = pace(ch, key, &with_id, rng).await;
            }
            match result {
                Ok(access) => {
                    if access.cam.is_some() {
                        read_card_security(ch, policy, files_read).await?;
                    }
                    files::select_application(ch).await?;
                    Ok(access)
                }
                Err(e) if allow_bac_fallback && !matches!(e, ReadError::Transport(_)) => {
                    bac_with(ch, key, rng, on_step).await
                }
                Err(e) => Err(e),
            }
        }
        None if offered && !allow_bac_fallback => Err(ReadError::PaceUnsupported),
        None => bac_with(ch, key, rng, on_step).await,
    }
}

/// Whether the chip refused MSE:Set AT for lack of the parameter ID.
fn needs_parameter_id(result: &Result<Access, ReadError>) -> bool {
    use crate::pace::{PaceError, PaceStep};
    matches!(
        result,
        Err(ReadError::Pace(PaceError::ChipStatus {
            step: PaceStep::SetAt,
            sw: StatusWord::LC_INCONSISTENT_WITH_P1P2 | StatusWord::WRONG_DATA
        }))
    )
}

async fn read_card_security<T: CardTransport + ?Sized>(
    ch: &mut Channel<'_, T>,
    policy: &mut ReadPolicy,
    files_read: &mut BTreeMap<ElementaryFile, Vec<u8>>,
) -> Result<(), ReadError> {
    if files_read.contains_key(&ElementaryFile::CardSecurity) {
        return Ok(());
    }
    if files::select_file(ch, ElementaryFile::CardSecurity).await? {
        let bytes = files::read_selected(
            ch,
            ElementaryFile::CardSecurity,
            policy,
            &mut Vec::new(),
            &mut |_, _| {},
        )
        .await?;
        files_read.insert(ElementaryFile::CardSecurity, bytes);
    }
    Ok(())
}

async fn pace<T, R>(
    ch: &mut Channel<'_, T>,
    key: &AccessKey,
    setup: &crate::security_infos::PaceSetup,
    rng: &mut R,
) -> Result<Access, ReadError>
where
    T: CardTransport + ?Sized,
    R: rand_core::CryptoRng + Send + ?Sized,
{
    let pace_error = |e: crate::pace::PaceError| {
        if e.is_access_denied() {
            ReadError::AccessDenied
        } else {
            ReadError::Pace(e)
        }
    };
    let (mut terminal, mut command) = PaceTerminal::new(setup, key).map_err(pace_error)?;
    loop {
        let response = ch.exchange(&command, false).await?;
        match terminal.step(&response, rng).map_err(pace_error)? {
            Step::Send(next) => command = next,
            Step::Done(sm, outcome) => {
                ch.start_secure_messaging(sm);
                let p = outcome.protocol;
                let report = AccessReport {
                    protocol: "PACE",
                    cipher: p.cipher,
                    password: password_name(key),
                    mapping: Some(match p.mapping {
                        Mapping::Gm => "GM",
                        Mapping::Im => "IM",
                        _ => "CAM",
                    }),
                    agreement: Some(match p.agreement {
                        Agreement::Dh => "DH",
                        _ => "ECDH",
                    }),
                    parameters: Some(outcome.parameters.clone()),
                };
                return Ok(Access {
                    report,
                    cam: outcome.cam.clone(),
                });
            }
        }
    }
}

fn password_name(key: &AccessKey) -> &'static str {
    match key {
        AccessKey::Mrz(_) => "MRZ",
        AccessKey::Can(_) => "CAN",
    }
}

async fn bac_with<T, R>(
    ch: &mut Channel<'_, T>,
    key: &AccessKey,
    rng: &mut R,
    on_step: &mut (dyn FnMut(&'static str) + Send),
) -> Result<Access, ReadError>
where
    T: CardTransport + ?Sized,
    R: rand_core::CryptoRng + Send + ?Sized,
{
    let AccessKey::Mrz(mrz) = key else {
        return Err(ReadError::CanNeedsPace);
    };
    on_step("BAC");
    files::select_application(ch).await?;
    let report = run_bac(ch, DocumentKeys::derive(mrz), rng).await?;
    Ok(Access { report, cam: None })
}

async fn run_bac<T, R>(
    ch: &mut Channel<'_, T>,
    keys: DocumentKeys,
    rng: &mut R,
) -> Result<AccessReport, ReadError>
where
    T: CardTransport + ?Sized,
    R: rand_core::CryptoRng + Send + ?Sized,
{
    let challenge = ch.exchange(&bac::get_challenge(), false).await?;
    if !challenge.sw.is_success() {
        return Err(ReadError::Chip {
            command: "GET CHALLENGE",
            sw: challenge.sw,
        });
    }
    let rnd_ic: [u8; 8] =
        challenge
            .data
            .as_slice()
            .try_into()
            .map_err(|_| ReadError::MalformedResponse {
                command: "GET CHALLENGE",
            })?;
    let terminal = BacTerminal::new(keys, rnd_ic, rng);
    let cmd = terminal.external_authenticate().map_err(ReadError::Bac)?;
    let resp = ch.exchange(&cmd, false).await?;
    match resp.sw {
        StatusWord::SUCCESS => {}
        StatusWord::AUTHENTICATION_FAILED
        | StatusWord::CONDITIONS_NOT_SATISFIED
        | StatusWord::SECURITY_STATUS_NOT_SATISFIED => return Err(ReadError::AccessDenied),
        sw if sw.retry_counter().is_some() => return Err(ReadError::AccessDenied),
        sw => {
            return Err(ReadError::Chip {
                command: "EXTERNAL AUTHENTICATE",
                sw,
            });
        }
    }
    let sm = terminal.complete(&resp.data).map_err(|e| match e {
        BacError::BadMac | BacError::NonceMismatch => ReadError::AccessDenied,
        other => ReadError::Bac(other),
    })?;
    ch.start_secure_messaging(sm);
    Ok(AccessReport {
        protocol: "BAC",
        cipher: CipherAlg::Tdes,
        password: "MRZ",
        mapping: None,
        agreement: None,
        parameters: None,
    })
}
