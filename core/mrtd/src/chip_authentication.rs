//! Chip Authentication v1 (ICAO 9303-11 §6.2, BSI TR-03110): an ephemeral-static key
//! agreement with the chip's key from DG14, then new secure-messaging keys with SSC = 0.
//!
//! * 3DES: MSE:Set KAT `00 22 41 A6`, data `91 PK_eph ‖ [84 keyId]`.
//! * AES: MSE:Set AT `00 22 41 A4`, data `80 CA-OID ‖ [84 keyId]`, then GENERAL
//!   AUTHENTICATE `00 86 00 00` `7C { 80 PK_eph }` → `7C` (empty).
//!
//! Every command and response travels under the **current** secure channel; the caller
//! protects/unprotects them and switches to the new channel once the last response is
//! accepted. [`CaTerminal`] and [`CaChip`] are pure state machines like the PACE ones.

use rand_core::CryptoRng;
use tapid_card::tlv::{self, Tag, Tlv};
use tapid_card::{CommandApdu, ResponseApdu, StatusWord};

use crate::crypto::CryptoError;
use crate::pace::{AgreementGroup, AgreementKeyPair, SessionKeys, id_bytes};
use crate::secure_messaging::{SecureChannel, SmError};
use crate::security_infos::{
    Agreement, CaProtocol, ChipAuthenticationPublicKeyInfo, SecurityInfos,
};
use crate::symmetric::CipherAlg;

/// Chip Authentication failures. None carries keys or APDU payloads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CaError {
    /// The chip refused a command (the key agreement failed on its side).
    #[error("chip refused chip authentication with status {0}")]
    ChipStatus(StatusWord),
    /// A command (chip side) or response (terminal side) has the wrong shape.
    #[error("malformed chip authentication data: {0}")]
    Malformed(&'static str),
    /// The peer's public key is invalid (off the curve, outside the subgroup, identity).
    #[error("invalid chip authentication public key: {0}")]
    InvalidPeerKey(CryptoError),
    /// The key's parameters or the protocol cannot be used.
    #[error("unsupported chip authentication parameters: {0}")]
    Unsupported(CryptoError),
    /// The command names a key the chip does not have.
    #[error("chip authentication key reference not found")]
    UnknownKey,
    /// A command arrived out of order or after completion.
    #[error("chip authentication command out of sequence")]
    OutOfSequence,
    /// A cryptographic operation on our own values failed (e.g. the RNG).
    #[error("chip authentication cryptographic failure: {0}")]
    Crypto(CryptoError),
    /// Setting up the new secure channel failed.
    #[error(transparent)]
    Sm(#[from] SmError),
}

impl CaError {
    /// The status word a chip answers with when its side fails with this error.
    pub fn status_word(&self) -> StatusWord {
        match self {
            CaError::ChipStatus(sw) => *sw,
            CaError::Malformed(_) | CaError::InvalidPeerKey(_) => StatusWord::WRONG_DATA,
            CaError::Unsupported(_) | CaError::UnknownKey => StatusWord::REFERENCED_DATA_NOT_FOUND,
            CaError::OutOfSequence => StatusWord::CONDITIONS_NOT_SATISFIED,
            CaError::Crypto(_) | CaError::Sm(_) => StatusWord::NO_PRECISE_DIAGNOSIS,
        }
    }
}

/// The chip key to authenticate and the protocol to run with it.
#[derive(Debug, Clone)]
pub struct CaSetup {
    /// Key agreement and the cipher of the new session.
    pub protocol: CaProtocol,
    /// The chip's static public key (from a PA-verified DG14).
    pub key: ChipAuthenticationPublicKeyInfo,
}

impl CaSetup {
    /// Picks the key and protocol from DG14's infos: a ChipAuthenticationInfo (version 1
    /// preferred, then the stronger cipher) with its key (by keyId, or the only key of its
    /// family); with no ChipAuthenticationInfo, the first key and the 3DES protocol.
    pub fn choose(infos: &SecurityInfos) -> Option<Self> {
        let keys: Vec<&ChipAuthenticationPublicKeyInfo> =
            infos.chip_authentication_public_keys().collect();
        let best = infos
            .chip_authentication_infos()
            .filter_map(|info| {
                let mut family = keys
                    .iter()
                    .filter(|k| k.agreement == info.protocol.agreement);
                let key = match info.key_id {
                    Some(id) => family.find(|k| k.key_id == Some(id)),
                    None => {
                        let first = family.next();
                        if family.next().is_some() { None } else { first }
                    }
                }?;
                let rank = (
                    u8::from(info.version == 1),
                    cipher_rank(info.protocol.cipher),
                );
                Some((rank, info.protocol, *key))
            })
            .max_by_key(|(rank, _, _)| *rank);
        match best {
            Some((_, protocol, key)) => Some(Self {
                protocol,
                key: key.clone(),
            }),
            None => keys.first().map(|k| Self::assume_3des((*k).clone())),
        }
    }

    /// A key without ChipAuthenticationInfo: 9303-11 says to assume the 3DES protocol.
    pub fn assume_3des(key: ChipAuthenticationPublicKeyInfo) -> Self {
        Self {
            protocol: CaProtocol {
                agreement: key.agreement,
                cipher: CipherAlg::Tdes,
            },
            key,
        }
    }
}

fn cipher_rank(c: CipherAlg) -> u8 {
    match c {
        CipherAlg::Tdes => 0,
        CipherAlg::Aes128 => 1,
        CipherAlg::Aes192 => 2,
        CipherAlg::Aes256 => 3,
    }
}

/// What the CA terminal does next.
#[derive(Debug)]
#[non_exhaustive]
pub enum CaStep {
    /// Send this command under the current secure channel; pass the unprotected response
    /// to [`CaTerminal::step`].
    Send(CommandApdu),
    /// The chip accepted the key: switch to this channel (SSC = 0) for everything after.
    Done(SecureChannel),
}

enum TerminalState {
    AwaitSetAt,
    AwaitLast,
    Finished,
}

/// The terminal side of Chip Authentication v1.
pub struct CaTerminal {
    keys: Option<SessionKeys>,
    ephemeral_public: Vec<u8>,
    state: TerminalState,
}

impl std::fmt::Debug for CaTerminal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CaTerminal(..)")
    }
}

fn key_id_do(key_id: Option<u64>, out: &mut Vec<u8>) {
    if let Some(id) = key_id {
        tlv::encode_into(Tag(0x84), &id_bytes(id), out);
    }
}

impl CaTerminal {
    /// Generates the ephemeral key pair on the chip key's parameters, computes the new
    /// session keys, and returns the first command (MSE:Set KAT for 3DES, MSE:Set AT for
    /// AES).
    pub fn new<R: CryptoRng + ?Sized>(
        setup: &CaSetup,
        rng: &mut R,
    ) -> Result<(Self, CommandApdu), CaError> {
        if setup.protocol.agreement != setup.key.agreement {
            return Err(CaError::Unsupported(CryptoError::Unsupported(
                "protocol and key families differ",
            )));
        }
        let group = AgreementGroup::new(&setup.key.domain).map_err(CaError::Unsupported)?;
        let ephemeral: AgreementKeyPair = group.generate(rng).map_err(CaError::Crypto)?;
        let k = group
            .shared_secret(&ephemeral, &setup.key.public_key)
            .map_err(CaError::InvalidPeerKey)?;
        let keys = SessionKeys::derive(setup.protocol.cipher, &k);
        let (command, state) = if setup.protocol.cipher == CipherAlg::Tdes {
            let mut data = tlv::encode(Tag(0x91), &ephemeral.public);
            key_id_do(setup.key.key_id, &mut data);
            (
                CommandApdu::new(0x00, 0x22, 0x41, 0xA6).with_data(data),
                TerminalState::AwaitLast,
            )
        } else {
            let mut data = tlv::encode(Tag(0x80), &setup.protocol.oid_bytes());
            key_id_do(setup.key.key_id, &mut data);
            (
                CommandApdu::new(0x00, 0x22, 0x41, 0xA4).with_data(data),
                TerminalState::AwaitSetAt,
            )
        };
        let terminal = Self {
            keys: Some(keys),
            ephemeral_public: ephemeral.public,
            state,
        };
        Ok((terminal, command))
    }

    /// The ephemeral public key sent to the chip (for the evidence a server re-verifies).
    pub fn ephemeral_public_key(&self) -> &[u8] {
        &self.ephemeral_public
    }

    /// Consumes the (unprotected) response to the last command.
    pub fn step(&mut self, response: &ResponseApdu) -> Result<CaStep, CaError> {
        let state = std::mem::replace(&mut self.state, TerminalState::Finished);
        if let TerminalState::Finished = state {
            return Err(CaError::OutOfSequence);
        }
        if response.sw != StatusWord::SUCCESS {
            return Err(CaError::ChipStatus(response.sw));
        }
        match state {
            TerminalState::AwaitSetAt => {
                self.state = TerminalState::AwaitLast;
                let data = tlv::encode(Tag(0x80), &self.ephemeral_public);
                Ok(CaStep::Send(
                    CommandApdu::new(0x00, 0x86, 0x00, 0x00)
                        .with_data(tlv::encode(Tag(0x7C), &data))
                        .with_ne(256),
                ))
            }
            _ => {
                if !response.data.is_empty()
                    && Tlv::parse_tagged(&response.data, Tag(0x7C)).is_err()
                {
                    return Err(CaError::Malformed(
                        "expected empty dynamic authentication data",
                    ));
                }
                let keys = self.keys.take().ok_or(CaError::OutOfSequence)?;
                Ok(CaStep::Done(keys.channel()?))
            }
        }
    }
}

enum ChipState {
    Idle,
    AwaitGeneralAuthenticate,
}

/// The chip side of Chip Authentication v1, holding the static key pair of DG14.
pub struct CaChip {
    protocol: CaProtocol,
    group: AgreementGroup,
    key: AgreementKeyPair,
    key_id: Option<u64>,
    state: ChipState,
}

impl std::fmt::Debug for CaChip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CaChip({})", self.protocol.name())
    }
}

impl CaChip {
    /// A chip with the static private key on `domain` (its public key is in DG14).
    pub fn new(
        protocol: CaProtocol,
        domain: &crate::crypto::DomainParameters,
        private_key: &[u8],
        key_id: Option<u64>,
    ) -> Result<Self, CaError> {
        let group = AgreementGroup::new(domain).map_err(CaError::Unsupported)?;
        let key = group
            .key_pair_from_private(private_key)
            .map_err(CaError::Unsupported)?;
        let family_ok = matches!(
            (&group, protocol.agreement),
            (AgreementGroup::Ec(_), Agreement::Ecdh) | (AgreementGroup::Dh(_), Agreement::Dh)
        );
        if !family_ok {
            return Err(CaError::Unsupported(CryptoError::Unsupported(
                "protocol and key families differ",
            )));
        }
        Ok(Self {
            protocol,
            group,
            key,
            key_id,
            state: ChipState::Idle,
        })
    }

    /// The static public key in wire encoding (what DG14 publishes).
    pub fn public_key(&self) -> &[u8] {
        &self.key.public
    }

    /// Whether a command belongs to Chip Authentication in the chip's current state.
    pub fn is_ca_command(&self, command: &CommandApdu) -> bool {
        let header = (command.cla & !0x10, command.ins, command.p1, command.p2);
        matches!(header, (0, 0x22, 0x41, 0xA6) | (0, 0x22, 0x41, 0xA4))
            || (header == (0, 0x86, 0, 0)
                && matches!(self.state, ChipState::AwaitGeneralAuthenticate))
    }

    fn check_key_id(&self, data: &[u8]) -> Result<(), CaError> {
        let found = tlv::find(data, Tag(0x84)).map_err(|_| CaError::Malformed("data objects"))?;
        match (found, self.key_id) {
            (None, _) => Ok(()),
            (Some(t), Some(id)) if t.value == id_bytes(id).as_slice() => Ok(()),
            _ => Err(CaError::UnknownKey),
        }
    }

    fn agree(&self, peer: &[u8]) -> Result<SecureChannel, CaError> {
        let k = self
            .group
            .shared_secret(&self.key, peer)
            .map_err(CaError::InvalidPeerKey)?;
        Ok(SessionKeys::derive(self.protocol.cipher, &k).channel()?)
    }

    /// Answers one (unprotected) CA command. With the last one it returns the new channel:
    /// send this response under the OLD channel, then switch.
    pub fn handle(
        &mut self,
        command: &CommandApdu,
    ) -> Result<(ResponseApdu, Option<SecureChannel>), CaError> {
        let state = std::mem::replace(&mut self.state, ChipState::Idle);
        let ok = ResponseApdu::status(StatusWord::SUCCESS);
        match (command.ins, command.p2, state) {
            (0x22, 0xA6, _) if self.protocol.cipher == CipherAlg::Tdes => {
                self.check_key_id(&command.data)?;
                let peer = tlv::find(&command.data, Tag(0x91))
                    .map_err(|_| CaError::Malformed("data objects"))?
                    .ok_or(CaError::Malformed("ephemeral public key (91) missing"))?;
                Ok((ok, Some(self.agree(peer.value)?)))
            }
            (0x22, 0xA4, _) if self.protocol.cipher != CipherAlg::Tdes => {
                self.check_key_id(&command.data)?;
                let oid = tlv::find(&command.data, Tag(0x80))
                    .map_err(|_| CaError::Malformed("data objects"))?
                    .ok_or(CaError::Malformed("protocol (80) missing"))?;
                if oid.value != self.protocol.oid_bytes().as_slice() {
                    return Err(CaError::Unsupported(CryptoError::Unsupported(
                        "protocol not offered",
                    )));
                }
                self.state = ChipState::AwaitGeneralAuthenticate;
                Ok((ok, None))
            }
            (0x86, _, ChipState::AwaitGeneralAuthenticate) => {
                let outer = Tlv::parse_tagged(&command.data, Tag(0x7C))
                    .map_err(|_| CaError::Malformed("expected dynamic authentication data"))?;
                let peer = outer
                    .find(Tag(0x80))
                    .map_err(|_| CaError::Malformed("data objects"))?
                    .ok_or(CaError::Malformed("ephemeral public key (80) missing"))?;
                let channel = self.agree(peer.value)?;
                Ok((
                    ResponseApdu::new(tlv::encode(Tag(0x7C), &[]), StatusWord::SUCCESS),
                    Some(channel),
                ))
            }
            _ => Err(CaError::OutOfSequence),
        }
    }
}
