//! Running the clone-detection protocols over the channel: Chip Authentication with the DG14
//! key (which switches secure messaging to new keys), Active Authentication with the DG15
//! key, and the PACE-CAM check against EF.CardSecurity.

use tapid_card::CardTransport;

use super::channel::Channel;
use super::chip_authenticity::ProtocolCheck;
use super::error::ReadError;
use crate::active_authentication::{self, AaVerdict};
use crate::chip_authentication::{CaStep, CaTerminal};
use crate::lds::dg15::Dg15;
use crate::pa::{AlgorithmId, CardSecurity, SignatureScheme};
use crate::pace::CamEvidence;
use crate::security_infos::SecurityInfos;

/// The outcome of starting Chip Authentication.
pub enum CaStart {
    /// New keys are in use; the next command confirms them (or exposes a clone).
    Switched(String),
    /// CA could not run or the chip refused it.
    Failed(ProtocolCheck),
    /// DG14 offers no CA key.
    NotOffered,
}

/// Runs Chip Authentication v1 with the key DG14 offers.
pub async fn chip_authentication<T, R>(
    ch: &mut Channel<'_, T>,
    dg14: &[u8],
    rng: &mut R,
) -> Result<CaStart, ReadError>
where
    T: CardTransport + ?Sized,
    R: rand_core::CryptoRng + Send + ?Sized,
{
    let infos = match SecurityInfos::parse_dg14(dg14) {
        Ok(i) => i,
        Err(e) => {
            return Ok(CaStart::Failed(ProtocolCheck::invalid(format!(
                "DG14 unusable: {e}"
            ))));
        }
    };
    let Some(setup) = crate::chip_authentication::CaSetup::choose(&infos) else {
        return Ok(CaStart::NotOffered);
    };
    let name = setup.protocol.name();
    let (mut terminal, mut command) = match CaTerminal::new(&setup, rng) {
        Ok(t) => t,
        Err(e) => {
            return Ok(CaStart::Failed(ProtocolCheck::invalid(format!(
                "{name}: {e}"
            ))));
        }
    };
    loop {
        let response = ch.exchange(&command, false).await?;
        match terminal.step(&response) {
            Ok(CaStep::Send(next)) => command = next,
            Ok(CaStep::Done(channel)) => {
                ch.start_secure_messaging(channel);
                return Ok(CaStart::Switched(name));
            }
            Err(e) => {
                return Ok(CaStart::Failed(ProtocolCheck::invalid(format!(
                    "{name}: {e}"
                ))));
            }
        }
    }
}

/// Runs Active Authentication over `challenge` with the DG15 key (ECDSA hash from DG14).
pub async fn active_authentication<T: CardTransport + ?Sized>(
    ch: &mut Channel<'_, T>,
    dg15: &[u8],
    dg14: Option<&[u8]>,
    challenge: [u8; 8],
) -> Result<ProtocolCheck, ReadError> {
    let key = match Dg15::parse(dg15) {
        Ok(d) => d.public_key,
        Err(e) => return Ok(ProtocolCheck::invalid(format!("DG15 unusable: {e}"))),
    };
    let hash = dg14
        .and_then(|b| SecurityInfos::parse_dg14(b).ok())
        .and_then(|i| i.active_authentication().map(|aa| aa.signature_algorithm))
        .and_then(|oid| {
            SignatureScheme::from_algorithm(&AlgorithmId { oid, params: None }, None).ok()
        })
        .map(|scheme| scheme.hash());
    let response = ch
        .exchange(
            &active_authentication::internal_authenticate(&challenge),
            false,
        )
        .await?;
    let mut check = if !response.sw.is_success() {
        ProtocolCheck::invalid(format!("INTERNAL AUTHENTICATE refused: {}", response.sw))
    } else {
        match active_authentication::verify(&key, &challenge, &response.data, hash) {
            Ok(AaVerdict::Rsa { hash, key_bits, .. }) => {
                ProtocolCheck::valid(format!("RSA-{key_bits} ISO/IEC 9796-2 with {hash:?}"))
            }
            Ok(AaVerdict::Ecdsa {
                hash,
                curve,
                encoding,
            }) => ProtocolCheck::valid(format!(
                "ECDSA {curve} with {hash:?} ({encoding:?} signature)"
            )),
            Err(e) => {
                ProtocolCheck::invalid(format!("signature does not verify with the DG15 key: {e}"))
            }
        }
    };
    check.challenge = Some(hex::encode_upper(challenge));
    check.signature = Some(hex::encode_upper(&response.data));
    Ok(check)
}

/// Checks PACE-CAM's evidence against the chip keys in EF.CardSecurity.
pub fn pace_cam(evidence: &CamEvidence, card_security: Option<&[u8]>) -> ProtocolCheck {
    let Some(bytes) = card_security else {
        return ProtocolCheck::invalid("PACE-CAM ran but the chip has no EF.CardSecurity");
    };
    let infos = match CardSecurity::parse(bytes).map(|c| SecurityInfos::parse(c.security_infos())) {
        Ok(Ok(infos)) => infos,
        Ok(Err(e)) => return ProtocolCheck::invalid(format!("EF.CardSecurity SecurityInfos: {e}")),
        Err(e) => return ProtocolCheck::invalid(format!("EF.CardSecurity: {e}")),
    };
    if infos
        .chip_authentication_public_keys()
        .any(|k| evidence.verify(k).is_ok())
    {
        ProtocolCheck::valid("the mapping key matches a chip key in EF.CardSecurity")
    } else {
        ProtocolCheck::invalid("no chip key in EF.CardSecurity matches the chip's PACE-CAM data")
    }
}
