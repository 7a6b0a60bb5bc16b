//! The terminal's half of PACE as a state machine: one command out, one response in.

use rand_core::CryptoRng;
use tapid_card::tlv::{self, Tag};
use tapid_card::{CommandApdu, ResponseApdu, StatusWord};
use zeroize::Zeroizing;

use super::agreement::{AgreementGroup, AgreementKeyPair};
use super::commands::{self, PasswordRef, dynamic_auth_response, required};
use super::keys::{self, SessionKeys};
use super::{CamEvidence, PaceError, PaceOutcome, PaceStep, mapping};
use crate::crypto::{CryptoError, DomainParameters};
use crate::mrz::AccessKey;
use crate::secure_messaging::SecureChannel;
use crate::security_infos::{Mapping, PaceProtocol, PaceSetup};
use crate::symmetric;

/// What the terminal does next.
#[derive(Debug)]
#[non_exhaustive]
pub enum Step {
    /// Transmit this command (unprotected) and pass its response to [`PaceTerminal::step`].
    Send(CommandApdu),
    /// PACE succeeded: secure messaging starts with this channel (SSC = 0).
    Done(SecureChannel, Box<PaceOutcome>),
}

enum State {
    SetAt,
    Nonce,
    Mapping {
        s: Zeroizing<Vec<u8>>,
        /// GM/CAM: the terminal's mapping key pair; IM: none.
        map_key: Option<AgreementKeyPair>,
        /// IM: the terminal's nonce t.
        t: Option<Zeroizing<Vec<u8>>>,
    },
    KeyAgreement {
        mapped: AgreementGroup,
        key: AgreementKeyPair,
        pk_map_ic: Option<Vec<u8>>,
    },
    Tokens {
        keys: SessionKeys,
        expected_t_ic: [u8; 8],
        pk_map_ic: Option<Vec<u8>>,
    },
    Finished,
}

/// The terminal (IFD) side of PACE.
pub struct PaceTerminal {
    protocol: PaceProtocol,
    domain: DomainParameters,
    parameter_id: Option<u64>,
    group: AgreementGroup,
    k_pi: Zeroizing<Vec<u8>>,
    state: State,
}

impl std::fmt::Debug for PaceTerminal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PaceTerminal({})", self.protocol.name())
    }
}

fn malformed(step: PaceStep, reason: &'static str) -> PaceError {
    PaceError::Malformed { step, reason }
}

fn peer_key(step: PaceStep) -> impl Fn(CryptoError) -> PaceError {
    move |source| PaceError::InvalidPeerKey { step, source }
}

impl PaceTerminal {
    /// Starts PACE with the chosen setup and password; returns the MSE:Set AT command.
    pub fn new(setup: &PaceSetup, password: &AccessKey) -> Result<(Self, CommandApdu), PaceError> {
        let group = AgreementGroup::new(&setup.domain).map_err(PaceError::Unsupported)?;
        let command = commands::mse_set_at(
            setup.protocol,
            PasswordRef::of(password),
            setup.parameter_id.filter(|_| setup.send_parameter_id),
        );
        let terminal = Self {
            protocol: setup.protocol,
            domain: setup.domain.clone(),
            parameter_id: setup.parameter_id,
            group,
            k_pi: keys::pace_key(password, setup.protocol.cipher),
            state: State::SetAt,
        };
        Ok((terminal, command))
    }

    /// Consumes the chip's response to the last command and yields the next step. After an
    /// error the terminal is spent: further calls return [`PaceError::OutOfSequence`].
    pub fn step<R: CryptoRng + ?Sized>(
        &mut self,
        response: &ResponseApdu,
        rng: &mut R,
    ) -> Result<Step, PaceError> {
        match std::mem::replace(&mut self.state, State::Finished) {
            State::SetAt => self.after_set_at(response),
            State::Nonce => self.after_nonce(response, rng),
            State::Mapping { s, map_key, t } => self.after_mapping(response, &s, map_key, t, rng),
            State::KeyAgreement {
                mapped,
                key,
                pk_map_ic,
            } => self.after_key_agreement(response, &mapped, &key, pk_map_ic),
            State::Tokens {
                keys,
                expected_t_ic,
                pk_map_ic,
            } => self.after_tokens(response, keys, &expected_t_ic, pk_map_ic),
            State::Finished => Err(PaceError::OutOfSequence),
        }
    }

    fn after_set_at(&mut self, response: &ResponseApdu) -> Result<Step, PaceError> {
        if response.sw != StatusWord::SUCCESS {
            return Err(PaceError::ChipStatus {
                step: PaceStep::SetAt,
                sw: response.sw,
            });
        }
        self.state = State::Nonce;
        Ok(Step::Send(commands::general_authenticate(&[], false)))
    }

    fn after_nonce<R: CryptoRng + ?Sized>(
        &mut self,
        response: &ResponseApdu,
        rng: &mut R,
    ) -> Result<Step, PaceError> {
        let step = PaceStep::EncryptedNonce;
        let objects = dynamic_auth_response(response, step)?;
        let z = required(objects, Tag(0x80), step, "encrypted nonce (80) missing")?;
        let cipher = self.protocol.cipher;
        let s = keys::decrypt_nonce(cipher, &self.k_pi, z)
            .map_err(|_| malformed(step, "encrypted nonce is not whole cipher blocks"))?;
        let (objects, map_key, t) = if self.protocol.mapping == Mapping::Im {
            if s.len() != keys::nonce_len(cipher) {
                return Err(malformed(step, "nonce length does not fit the cipher"));
            }
            let mut t = Zeroizing::new(vec![0u8; cipher.key_len()]);
            rng.fill_bytes(&mut t);
            (tlv::encode(Tag(0x81), &t), None, Some(t))
        } else {
            let key = self.group.generate(rng).map_err(PaceError::Crypto)?;
            (tlv::encode(Tag(0x81), &key.public), Some(key), None)
        };
        self.state = State::Mapping { s, map_key, t };
        Ok(Step::Send(commands::general_authenticate(&objects, false)))
    }

    fn after_mapping<R: CryptoRng + ?Sized>(
        &mut self,
        response: &ResponseApdu,
        s: &[u8],
        map_key: Option<AgreementKeyPair>,
        t: Option<Zeroizing<Vec<u8>>>,
        rng: &mut R,
    ) -> Result<Step, PaceError> {
        let step = PaceStep::Mapping;
        let objects = dynamic_auth_response(response, step)?;
        let (mapped, pk_map_ic) = match (map_key, t) {
            (Some(own), _) => {
                let peer = required(objects, Tag(0x82), step, "mapping data (82) missing")?;
                let mapped =
                    mapping::generic(&self.group, s, &own, peer).map_err(peer_key(step))?;
                (mapped, Some(peer.to_vec()))
            }
            (None, Some(t)) => {
                let mapped = mapping::integrated(&self.group, self.protocol.cipher, s, &t)
                    .map_err(PaceError::Crypto)?;
                (mapped, None)
            }
            (None, None) => return Err(PaceError::OutOfSequence),
        };
        let key = mapped.generate(rng).map_err(PaceError::Crypto)?;
        let objects = tlv::encode(Tag(0x83), &key.public);
        self.state = State::KeyAgreement {
            mapped,
            key,
            pk_map_ic,
        };
        Ok(Step::Send(commands::general_authenticate(&objects, false)))
    }

    fn after_key_agreement(
        &mut self,
        response: &ResponseApdu,
        mapped: &AgreementGroup,
        key: &AgreementKeyPair,
        pk_map_ic: Option<Vec<u8>>,
    ) -> Result<Step, PaceError> {
        let step = PaceStep::KeyAgreement;
        let objects = dynamic_auth_response(response, step)?;
        let pk_ic = required(objects, Tag(0x84), step, "chip public key (84) missing")?;
        if pk_map_ic.as_deref() == Some(pk_ic) {
            return Err(PaceError::InvalidPeerKey {
                step,
                source: CryptoError::Unsupported("ephemeral key equals the mapping key"),
            });
        }
        let k = mapped.shared_secret(key, pk_ic).map_err(peer_key(step))?;
        let keys = SessionKeys::derive(self.protocol.cipher, &k);
        let oid = self.protocol.oid_bytes();
        let t_ifd = keys.token(&mapped.public_key_do(&oid, pk_ic))?;
        let expected_t_ic = keys.token(&mapped.public_key_do(&oid, &key.public))?;
        self.state = State::Tokens {
            keys,
            expected_t_ic,
            pk_map_ic,
        };
        let objects = tlv::encode(Tag(0x85), &t_ifd);
        Ok(Step::Send(commands::general_authenticate(&objects, true)))
    }

    fn after_tokens(
        &mut self,
        response: &ResponseApdu,
        keys: SessionKeys,
        expected_t_ic: &[u8; 8],
        pk_map_ic: Option<Vec<u8>>,
    ) -> Result<Step, PaceError> {
        let step = PaceStep::MutualAuthentication;
        let objects = dynamic_auth_response(response, step)?;
        let t_ic = required(objects, Tag(0x86), step, "chip token (86) missing")?;
        if !symmetric::mac_eq(t_ic, expected_t_ic) {
            return Err(PaceError::TokenMismatch);
        }
        let cam = if self.protocol.mapping == Mapping::Cam {
            let data = required(objects, Tag(0x8A), step, "CAM data (8A) missing")?;
            let ca_ic = keys
                .decrypt_cam(data)
                .map_err(|_| malformed(step, "CAM data does not decrypt"))?;
            let group = self.domain.ec_group().map_err(PaceError::Unsupported)?;
            let pk_map_ic = pk_map_ic
                .as_deref()
                .map(|p| group.decode_point(p))
                .transpose()
                .map_err(peer_key(step))?
                .ok_or(PaceError::OutOfSequence)?;
            Some(CamEvidence {
                domain: self.domain.clone(),
                ca_ic,
                pk_map_ic,
            })
        } else {
            None
        };
        let outcome = PaceOutcome {
            protocol: self.protocol,
            parameters: crate::security_infos::parameters_name(&self.domain),
            parameter_id: self.parameter_id,
            cam,
        };
        Ok(Step::Done(keys.channel()?, Box::new(outcome)))
    }
}
