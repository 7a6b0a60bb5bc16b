//! Running Chip Authentication in a read, and deciding whether the chip proved the DG14 key.
//!
//! CA has no confirmation message of its own: the chip proves the key by answering under the
//! new session keys. Only an answer whose MAC verifies under them counts. A bare status word
//! proves nothing — anyone on the link can send `6982` — so after one the reader asks once
//! more with a protected command the chip must answer (SELECT of DG1, which every EF.SOD
//! lists). The progress is one explicit [`CaState`], moved forward only by what the channel saw.

use tapid_card::CardTransport;

use super::channel::{Answer, Channel};
use super::error::ReadError;
use super::evidence::{Bytes, CaOutcome, CaRecord};
use super::files;
use crate::chip_authentication::{CaError, CaSetup, CaStep, CaTerminal};
use crate::lds::{DataGroup, ElementaryFile};
use crate::secure_messaging::SmError;
use crate::security_infos::{SecurityInfoError, SecurityInfos};

/// The most commands a CA run may take (3DES: one; AES: two).
const MAX_CA_STEPS: usize = 4;

/// Chip Authentication's progress in a read.
#[derive(Debug, Clone)]
pub enum CaState {
    /// Not run (DG14 not read yet, CA not asked for, or PACE-CAM already proved the chip).
    NotRun,
    /// DG14 offers no Chip Authentication key.
    NotOffered,
    /// CA could not start or the chip refused it; the session keys did not change.
    Ended(CaRecord),
    /// The chip accepted the key agreement; the session runs under new keys that no
    /// authenticated answer has confirmed yet.
    Switched {
        /// The run so far.
        record: CaRecord,
        /// The channel's key number under which the confirmation must come.
        keys: u32,
    },
}

impl CaState {
    /// The record of a finished run (`None` while unconfirmed or never run).
    pub fn record(&self) -> Option<&CaRecord> {
        match self {
            Self::Ended(r) => Some(r),
            _ => None,
        }
    }

    /// Whether the run ended with the chip failing under the new keys (the read stops there:
    /// nothing more from this chip counts).
    pub fn failed_under_new_keys(&self) -> bool {
        matches!(
            self,
            Self::Ended(CaRecord {
                outcome: CaOutcome::KeyMismatch | CaOutcome::NotConfirmed,
                ..
            })
        )
    }

    fn end(&mut self, outcome: CaOutcome) {
        if let Self::Switched { record, .. } = self {
            let mut record = record.clone();
            record.outcome = outcome;
            *self = Self::Ended(record);
        }
    }
}

/// Runs Chip Authentication v1 with the key DG14 offers (its parsed SecurityInfos, or why
/// they did not parse), under the current secure channel, and switches the channel to the new
/// keys when the chip accepts.
pub async fn start<T, R>(
    ch: &mut Channel<'_, T>,
    dg14: Result<&SecurityInfos, &SecurityInfoError>,
    rng: &mut R,
) -> Result<CaState, ReadError>
where
    T: CardTransport + ?Sized,
    R: rand_core::CryptoRng + Send + ?Sized,
{
    let dg14 = match dg14 {
        Ok(infos) => infos,
        Err(e) => {
            return Ok(CaState::Ended(CaRecord {
                protocol: "unknown".into(),
                key_id: None,
                terminal_public_key: Bytes::default(),
                outcome: CaOutcome::Unusable {
                    detail: format!("DG14 unusable: {e}"),
                },
            }));
        }
    };
    let Some(setup) = CaSetup::choose(dg14) else {
        return Ok(CaState::NotOffered);
    };
    let mut record = CaRecord {
        protocol: setup.protocol.name(),
        key_id: setup.key.key_id,
        terminal_public_key: Bytes::default(),
        outcome: CaOutcome::NotConfirmed,
    };
    let (mut terminal, mut command) = match CaTerminal::new(&setup, rng) {
        Ok(t) => t,
        Err(e) => {
            record.outcome = CaOutcome::Unusable {
                detail: e.to_string(),
            };
            return Ok(CaState::Ended(record));
        }
    };
    record.terminal_public_key = Bytes(terminal.ephemeral_public_key().to_vec());
    for _ in 0..MAX_CA_STEPS {
        let answer = ch.exchange(&command).await?;
        let Answer::Authenticated(response) = answer else {
            // A refusal without MAC: CA did not happen (and nothing about the key is known).
            record.outcome = CaOutcome::Refused {
                sw: answer.sw().hex(),
            };
            return Ok(CaState::Ended(record));
        };
        match terminal.step(&response) {
            Ok(CaStep::Send(next)) => command = next,
            Ok(CaStep::Done(channel)) => {
                ch.start_secure_messaging(channel);
                return Ok(CaState::Switched {
                    record,
                    keys: ch.keys(),
                });
            }
            Err(CaError::ChipStatus(sw)) => {
                record.outcome = CaOutcome::Refused { sw: sw.hex() };
                return Ok(CaState::Ended(record));
            }
            Err(e) => {
                record.outcome = CaOutcome::Unusable {
                    detail: e.to_string(),
                };
                return Ok(CaState::Ended(record));
            }
        }
    }
    record.outcome = CaOutcome::Unusable {
        detail: "the chip kept asking for more Chip Authentication steps".into(),
    };
    Ok(CaState::Ended(record))
}

/// Whether `e`, on a command under the new keys, shows the chip cannot work with them: its
/// answer failed secure messaging (wrong MAC, plaintext, malformed objects).
fn fails_new_keys(e: &ReadError) -> bool {
    matches!(e, ReadError::SecureMessaging(sm) if chip_caused(sm))
}

/// Settles an unconfirmed CA after the commands of one step of the read (`result` is how that
/// step ended). An authenticated answer under the new keys confirms it; a failed one is a key
/// mismatch; bare status words prove nothing, so the chip is asked once more
/// ([`confirm`]). Returns the step's own error when the chip did prove the key (then the error
/// is the chip's real answer) and swallows it when the chip turned out a clone.
pub async fn settle<T, V>(
    ch: &mut Channel<'_, T>,
    state: &mut CaState,
    result: Result<V, ReadError>,
) -> Result<Option<V>, ReadError>
where
    T: CardTransport + ?Sized,
{
    let CaState::Switched { keys, .. } = *state else {
        return result.map(Some);
    };
    if ch.authenticated_under(keys) {
        state.end(CaOutcome::Confirmed);
        return result.map(Some);
    }
    match result {
        Err(e) if fails_new_keys(&e) => {
            state.end(CaOutcome::KeyMismatch);
            Ok(None)
        }
        Err(e) if e.is_link_failure() => Err(e),
        other => {
            confirm(ch, state).await?;
            match state {
                CaState::Ended(CaRecord {
                    outcome: CaOutcome::Confirmed,
                    ..
                }) => other.map(Some),
                _ => Ok(None),
            }
        }
    }
}

/// Asks the chip, under the new keys, one protected command it must answer authenticated:
/// SELECT of DG1. An authenticated answer (whatever its status) confirms CA; anything else is
/// a key mismatch. When secure messaging has already ended (the chip's plain `6987`/`6988`)
/// the chip cannot be asked: CA stays unconfirmed.
pub async fn confirm<T: CardTransport + ?Sized>(
    ch: &mut Channel<'_, T>,
    state: &mut CaState,
) -> Result<(), ReadError> {
    let CaState::Switched { keys, .. } = *state else {
        return Ok(());
    };
    if ch.authenticated_under(keys) {
        state.end(CaOutcome::Confirmed);
        return Ok(());
    }
    if !ch.secure_messaging_usable() {
        state.end(CaOutcome::NotConfirmed);
        return Ok(());
    }
    let probe = files::select_file_command(ElementaryFile::Dg(DataGroup::DG1));
    match ch.exchange(&probe).await {
        Ok(Answer::Authenticated(_)) => state.end(CaOutcome::Confirmed),
        Ok(_) => state.end(CaOutcome::KeyMismatch),
        Err(e) if fails_new_keys(&e) => state.end(CaOutcome::KeyMismatch),
        Err(e) => return Err(e),
    }
    Ok(())
}

/// Whether an SM failure comes from the chip's answer (every one does, except a command this
/// reader could not protect, which is its own limit).
fn chip_caused(e: &SmError) -> bool {
    !matches!(e, SmError::CommandTooLong | SmError::Cipher(_))
}
