//! Opening the chip, following the security policy: the link's extended-length support (from
//! EF.ATR/INFO or the historical bytes), then PACE when EF.CardAccess offers it (the strongest
//! variant offered), BAC only when the chip offers no PACE, and no silent fallback from a
//! failed PACE to BAC unless the caller opted in.

use std::collections::BTreeMap;

use tapid_card::{CardTransport, StatusWord};

use super::channel::{Channel, ExtendedLength};
use super::error::{ExtendedLengthMissing, ReadError};
use super::files::{self, ReadPolicy, Selected, SfiRead};
use super::report::{AccessProtocol, AccessReport, Password};
use crate::bac::{self, BacError, BacTerminal, DocumentKeys};
use crate::lds::ElementaryFile;
use crate::lds::atr_info::AtrInfo;
use crate::lds::card_access::CardAccess;
use crate::mrz::AccessKey;
use crate::pace::{CamEvidence, PaceTerminal, Step};
use crate::security_infos::{PaceSetup, SecurityInfos, choose_pace};
use crate::symmetric::CipherAlg;

/// The most READ BINARY blocks of 256 bytes EF.ATR/INFO may take (it has a few dozen bytes).
const ATR_INFO_MAX_BLOCKS: usize = 4;

/// The most GENERAL AUTHENTICATE steps PACE may take (it needs four after MSE:Set AT).
const MAX_PACE_STEPS: usize = 8;

/// What access control established.
pub struct Access {
    /// For the report.
    pub report: AccessReport,
    /// PACE-CAM evidence, checked later against the verified EF.CardSecurity.
    pub cam: Option<CamEvidence>,
    /// The parsed EF.CardAccess, when the chip has one.
    pub card_access: Option<SecurityInfos>,
}

/// How the chip may be opened: the caller's choices that access control follows.
#[derive(Debug, Clone, Copy)]
pub struct AccessPolicy {
    /// Fall back to BAC when PACE fails.
    pub allow_bac_fallback: bool,
    /// Run PACE on explicit domain parameters from EF.CardAccess (checked first).
    pub allow_explicit_pace_parameters: bool,
}

/// Decides whether extended length may be used: the caller allows it, the transport carries
/// it, and the chip announces it in EF.ATR/INFO (read here, from the master file, when the
/// first two hold) or, without that file, in its historical bytes. Also returns the largest
/// response the chip buffers, when EF.ATR/INFO says.
pub async fn extended_length<T: CardTransport + ?Sized>(
    ch: &mut Channel<'_, T>,
    allowed: bool,
    files_read: &mut BTreeMap<ElementaryFile, Vec<u8>>,
) -> Result<(ExtendedLength, Option<usize>), ReadError> {
    if !allowed {
        return Ok((
            ExtendedLength::Unavailable(ExtendedLengthMissing::Disabled),
            None,
        ));
    }
    if !ch.transport().capabilities().extended_length {
        return Ok((
            ExtendedLength::Unavailable(ExtendedLengthMissing::Transport),
            None,
        ));
    }
    let info = match files_read.get(&ElementaryFile::AtrInfo) {
        Some(bytes) => AtrInfo::parse(bytes).ok(),
        None => read_atr_info(ch, files_read).await?,
    };
    let chip_says = match info {
        Some(info) => Some((info.extended_length, info.max_response_len)),
        None => ch
            .transport()
            .historical_bytes()
            .and_then(|h| tapid_card::historical::extended_length(&h))
            .map(|e| (e, None)),
    };
    Ok(match chip_says {
        Some((true, max)) => (ExtendedLength::Available, max),
        _ => (
            ExtendedLength::Unavailable(ExtendedLengthMissing::Chip),
            None,
        ),
    })
}

/// Reads EF.ATR/INFO (plain, master file). Absent or refused: `None`. A file that does not
/// parse says nothing either (it is unsigned and only chooses an encoding).
async fn read_atr_info<T: CardTransport + ?Sized>(
    ch: &mut Channel<'_, T>,
    files_read: &mut BTreeMap<ElementaryFile, Vec<u8>>,
) -> Result<Option<AtrInfo>, ReadError> {
    match files::select_file(ch, ElementaryFile::AtrInfo).await {
        Ok(Selected::Yes) => {}
        Ok(Selected::Absent | Selected::Refused)
        | Err(ReadError::Chip {
            command: "SELECT file",
            ..
        }) => return Ok(None),
        Err(e) => return Err(e),
    }
    // Not one TLV but a sequence of data objects: read to the end of the file, in short
    // blocks (extended length is what the file is about to tell), a few blocks at most.
    let bytes = match files::read_to_end(ch, ATR_INFO_MAX_BLOCKS).await {
        Ok(b) => b,
        Err(e) if e.is_link_failure() => return Err(e),
        // An unreadable EF.ATR/INFO says nothing about extended length.
        Err(_) => return Ok(None),
    };
    let info = AtrInfo::parse(&bytes).ok();
    files_read.insert(ElementaryFile::AtrInfo, bytes);
    Ok(info)
}

/// Reads EF.CardAccess (plain, from the master file) if the chip has one. Only the statuses
/// that mean "no such file" make it absent: anything else is an error, so that an error status
/// cannot turn a PACE chip into a BAC one.
async fn card_access<T: CardTransport + ?Sized>(
    ch: &mut Channel<'_, T>,
    policy: &mut ReadPolicy,
    files_read: &mut BTreeMap<ElementaryFile, Vec<u8>>,
) -> Result<Option<SecurityInfos>, ReadError> {
    if let Some(bytes) = files_read.get(&ElementaryFile::CardAccess) {
        // A resumed read: EF.CardAccess was read before the link broke.
        return CardAccess::parse(bytes)
            .map(|f| Some(f.security_infos))
            .map_err(ReadError::CardAccess);
    }
    let Some(bytes) = read_master_file(ch, policy, ElementaryFile::CardAccess).await? else {
        // The chip has no EF.CardAccess: it offers no PACE (a BAC-only chip).
        return Ok(None);
    };
    let infos = CardAccess::parse(&bytes)
        .map_err(ReadError::CardAccess)?
        .security_infos;
    files_read.insert(ElementaryFile::CardAccess, bytes);
    Ok(Some(infos))
}

/// Opens the chip: EF.CardAccess, then PACE or BAC, then (PACE-CAM) EF.CardSecurity, and
/// finally SELECT of the eMRTD application under secure messaging.
pub async fn open<T, R>(
    ch: &mut Channel<'_, T>,
    key: &AccessKey,
    access: AccessPolicy,
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
    let setup = match &infos {
        Some(i) => pace_setup(i, access.allow_explicit_pace_parameters)?,
        None => None,
    };
    match setup {
        Some(setup) => {
            on_step("PACE");
            match pace(ch, key, &setup, rng).await {
                Ok((report, cam)) => {
                    if cam.is_some() {
                        read_card_security(ch, policy, files_read).await?;
                    }
                    files::select_application(ch).await?;
                    Ok(Access {
                        report,
                        cam,
                        card_access: infos,
                    })
                }
                Err(e) if access.allow_bac_fallback && !e.is_link_failure() => {
                    let report = bac_with(ch, key, rng, on_step).await?;
                    Ok(Access {
                        report,
                        cam: None,
                        card_access: infos,
                    })
                }
                Err(e) => Err(e),
            }
        }
        None if offered && !access.allow_bac_fallback => Err(ReadError::PaceUnsupported),
        None => {
            let report = bac_with(ch, key, rng, on_step).await?;
            Ok(Access {
                report,
                cam: None,
                card_access: infos,
            })
        }
    }
}

/// The PACE variant to run. Explicit domain parameters from the unsigned EF.CardAccess take
/// part only with the caller's consent, and are then checked before use.
fn pace_setup(infos: &SecurityInfos, allow_explicit: bool) -> Result<Option<PaceSetup>, ReadError> {
    if let Some(setup) = choose_pace(infos, allow_explicit) {
        if setup.explicit_parameters {
            crate::crypto::validate::validate_domain(&setup.domain)
                .map_err(ReadError::PaceParametersRejected)?;
        }
        return Ok(Some(setup));
    }
    if !allow_explicit && choose_pace(infos, true).is_some() {
        return Err(ReadError::ExplicitPaceParametersRefused);
    }
    Ok(None)
}

async fn read_card_security<T: CardTransport + ?Sized>(
    ch: &mut Channel<'_, T>,
    policy: &mut ReadPolicy,
    files_read: &mut BTreeMap<ElementaryFile, Vec<u8>>,
) -> Result<(), ReadError> {
    if files_read.contains_key(&ElementaryFile::CardSecurity) {
        return Ok(());
    }
    // No EF.CardSecurity: PACE-CAM then proves nothing, which the verdict says.
    if let Some(bytes) = read_master_file(ch, policy, ElementaryFile::CardSecurity).await? {
        files_read.insert(ElementaryFile::CardSecurity, bytes);
    }
    Ok(())
}

/// Reads an EF of the master file (EF.CardAccess, EF.CardSecurity); none when the chip has
/// no such file. By short EF identifier first (one APDU selects the file and reads its head,
/// the whole file when it fits); a chip that does not take short EF identifiers, or answers
/// 6A82 to one, is asked again by SELECT, so that one odd status cannot make a file absent.
async fn read_master_file<T: CardTransport + ?Sized>(
    ch: &mut Channel<'_, T>,
    policy: &mut ReadPolicy,
    ef: ElementaryFile,
) -> Result<Option<Vec<u8>>, ReadError> {
    let (read_command, select_command) = match ef {
        ElementaryFile::CardAccess => ("READ BINARY EF.CardAccess", "SELECT EF.CardAccess"),
        ElementaryFile::CardSecurity => ("READ BINARY EF.CardSecurity", "SELECT EF.CardSecurity"),
        _ => ("READ BINARY", "SELECT file"),
    };
    let mut header = Vec::new();
    if policy.short_ef_identifiers() {
        match files::read_header_by_sfi(ch, ef, policy.block()).await? {
            SfiRead::Header(bytes) => {
                policy.record_read(bytes.len());
                header = bytes;
            }
            SfiRead::Absent => {}
            SfiRead::Unsupported(_) => policy.disable_short_ef_identifiers(),
            SfiRead::Refused => {
                return Err(ReadError::Chip {
                    command: read_command,
                    sw: StatusWord::SECURITY_STATUS_NOT_SATISFIED,
                });
            }
        }
    }
    if header.is_empty() {
        match files::select_file(ch, ef).await? {
            Selected::Yes => {}
            Selected::Absent => return Ok(None),
            Selected::Refused => {
                return Err(ReadError::Chip {
                    command: select_command,
                    sw: StatusWord::SECURITY_STATUS_NOT_SATISFIED,
                });
            }
        }
    }
    files::read_selected(ch, ef, policy, &mut header, &mut |_, _| {})
        .await
        .map(Some)
}

async fn pace<T, R>(
    ch: &mut Channel<'_, T>,
    key: &AccessKey,
    setup: &PaceSetup,
    rng: &mut R,
) -> Result<(AccessReport, Option<CamEvidence>), ReadError>
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
    for _ in 0..=MAX_PACE_STEPS {
        let response = ch.exchange(&command).await?.response();
        match terminal.step(&response, rng).map_err(pace_error)? {
            Step::Send(next) => command = next,
            Step::Done(sm, outcome) => {
                ch.start_secure_messaging(sm);
                let p = outcome.protocol;
                let report = AccessReport {
                    protocol: AccessProtocol::Pace,
                    cipher: p.cipher,
                    password: Password::of(key),
                    mapping: Some(p.mapping),
                    agreement: Some(p.agreement),
                    parameters: Some(outcome.parameters.clone()),
                    parameter_id: outcome.parameter_id,
                };
                return Ok((report, outcome.cam.clone()));
            }
        }
    }
    // The terminal finishes or fails within its five steps; past the bound it was driven out
    // of its sequence.
    Err(ReadError::Pace(crate::pace::PaceError::OutOfSequence))
}

async fn bac_with<T, R>(
    ch: &mut Channel<'_, T>,
    key: &AccessKey,
    rng: &mut R,
    on_step: &mut (dyn FnMut(&'static str) + Send),
) -> Result<AccessReport, ReadError>
where
    T: CardTransport + ?Sized,
    R: rand_core::CryptoRng + Send + ?Sized,
{
    let AccessKey::Mrz(mrz) = key else {
        return Err(ReadError::CanNeedsPace);
    };
    on_step("BAC");
    files::select_application(ch).await?;
    run_bac(ch, DocumentKeys::derive(mrz), rng).await
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
    let challenge = ch.exchange(&bac::get_challenge()).await?;
    if !challenge.sw().is_success() {
        return Err(ReadError::Chip {
            command: "GET CHALLENGE",
            sw: challenge.sw(),
        });
    }
    let rnd_ic: [u8; 8] =
        challenge
            .data()
            .try_into()
            .map_err(|_| ReadError::MalformedResponse {
                command: "GET CHALLENGE",
            })?;
    let terminal = BacTerminal::new(keys, rnd_ic, rng);
    let cmd = terminal.external_authenticate().map_err(ReadError::Bac)?;
    let resp = ch.exchange(&cmd).await?;
    match resp.sw() {
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
    let sm = terminal.complete(resp.data()).map_err(|e| match e {
        BacError::BadMac | BacError::NonceMismatch => ReadError::AccessDenied,
        other => ReadError::Bac(other),
    })?;
    ch.start_secure_messaging(sm);
    Ok(AccessReport {
        protocol: AccessProtocol::Bac,
        cipher: CipherAlg::Tdes,
        password: Password::Mrz,
        mapping: None,
        agreement: None,
        parameters: None,
        parameter_id: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tapid_card::tlv::{self, Tag};

    /// secp256k1: a sound curve that is no PACE standard, so it stays explicit.
    const K1: [&str; 5] = [
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F",
        "0000000000000000000000000000000000000000000000000000000000000007",
        "79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798",
        "483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8",
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141",
    ];

    fn int(hex_value: &str) -> Vec<u8> {
        let mut v = hex::decode(hex_value).unwrap();
        if v.first().is_some_and(|b| b & 0x80 != 0) {
            v.insert(0, 0);
        }
        tlv::encode(Tag(0x02), &v)
    }

    /// EF.CardAccess offering ECDH-GM AES-128 with parameter ID 32, defined by a
    /// PACEDomainParameterInfo with explicit parameters (`n` replaces the order).
    fn card_access(n: &str) -> SecurityInfos {
        let [p, b, gx, gy, _] = K1;
        let field = [
            tlv::encode(Tag(0x06), &hex::decode("2A8648CE3D0101").unwrap()),
            int(p),
        ]
        .concat();
        let curve = [
            tlv::encode(Tag(0x04), &[0u8; 32]),
            tlv::encode(Tag(0x04), &hex::decode(b).unwrap()),
        ]
        .concat();
        let base = [vec![4], hex::decode(gx).unwrap(), hex::decode(gy).unwrap()].concat();
        let ec_params = tlv::encode(
            Tag(0x30),
            &[
                int("01"),
                tlv::encode(Tag(0x30), &field),
                tlv::encode(Tag(0x30), &curve),
                tlv::encode(Tag(0x04), &base),
                int(n),
                int("01"),
            ]
            .concat(),
        );
        let algorithm = tlv::encode(
            Tag(0x30),
            &[
                tlv::encode(Tag(0x06), &hex::decode("2A8648CE3D0201").unwrap()),
                ec_params,
            ]
            .concat(),
        );
        let gm = hex::decode("04007F000702020402").unwrap();
        let domain_info = tlv::encode(
            Tag(0x30),
            &[tlv::encode(Tag(0x06), &gm), algorithm, int("20")].concat(),
        );
        let pace_info = tlv::encode(
            Tag(0x30),
            &[
                tlv::encode(Tag(0x06), &hex::decode("04007F00070202040202").unwrap()),
                int("02"),
                int("20"),
            ]
            .concat(),
        );
        SecurityInfos::parse(&tlv::encode(Tag(0x31), &[pace_info, domain_info].concat())).unwrap()
    }

    #[test]
    fn explicit_parameters_need_the_callers_consent() {
        let infos = card_access(K1[4]);
        assert!(matches!(
            pace_setup(&infos, false),
            Err(ReadError::ExplicitPaceParametersRefused)
        ));
        let setup = pace_setup(&infos, true).unwrap().unwrap();
        assert!(setup.explicit_parameters);
        assert!(setup.send_parameter_id);
    }

    #[test]
    fn unsound_explicit_parameters_are_rejected_even_with_consent() {
        // An order that is not prime.
        let n = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364143";
        let infos = card_access(n);
        assert!(matches!(
            pace_setup(&infos, true),
            Err(ReadError::PaceParametersRejected(_))
        ));
    }
}
