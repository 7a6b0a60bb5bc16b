//! The chip's half of PACE as a state machine, for the emulator: MSE:Set AT and the four
//! GENERAL AUTHENTICATE commands in, responses out, and the secure channel at the end.

use rand_core::CryptoRng;
use tapid_card::tlv::{self, Tag, Tlv};
use tapid_card::{CommandApdu, ResponseApdu, StatusWord};
use zeroize::Zeroizing;

use super::agreement::{AgreementGroup, AgreementPrivateKey};
use super::commands::{DYNAMIC_AUTH, PasswordRef, optional, required};
use super::keys::{self, SessionKeys};
use super::{PaceError, PaceStep, mapping};
use crate::crypto::{CryptoError, EcPrivateKey, pace_map};
use crate::mrz::AccessKey;
use crate::secure_messaging::SecureChannel;
use crate::security_infos::{Mapping, PaceProtocol, PaceSetup};
use crate::symmetric;

/// What MSE:Set AT selected.
struct Session {
    protocol: PaceProtocol,
    group: AgreementGroup,
    k_pi: Zeroizing<Vec<u8>>,
}

enum State {
    Idle,
    Selected(Session),
    NonceSent {
        session: Session,
        s: Zeroizing<Vec<u8>>,
    },
    Mapped {
        session: Session,
        mapped: AgreementGroup,
        /// GM/CAM: SK_Map,IC (CAM needs it for CA_IC).
        sk_map: Option<AgreementPrivateKey>,
    },
    Agreed {
        keys: SessionKeys,
        expected_t_ifd: [u8; 8],
        t_ic: [u8; 8],
        ca_data: Option<Vec<u8>>,
    },
}

/// The chip (IC) side of PACE.
pub struct PaceChip {
    offers: Vec<PaceSetup>,
    passwords: Vec<AccessKey>,
    cam_key: Option<EcPrivateKey>,
    state: State,
}

impl std::fmt::Debug for PaceChip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PaceChip({} offers)", self.offers.len())
    }
}

fn malformed(step: PaceStep, reason: &'static str) -> PaceError {
    PaceError::Malformed { step, reason }
}

impl PaceChip {
    /// A chip offering these PACE variants (as in its EF.CardAccess) and knowing these
    /// passwords (at most one per type).
    pub fn new(offers: Vec<PaceSetup>, passwords: Vec<AccessKey>) -> Self {
        Self {
            offers,
            passwords,
            cam_key: None,
            state: State::Idle,
        }
    }

    /// The static Chip Authentication private key SK_IC that PACE-CAM proves (on the
    /// PACE curve; its public key belongs in EF.CardSecurity).
    pub fn with_cam_key(mut self, key: EcPrivateKey) -> Self {
        self.cam_key = Some(key);
        self
    }

    /// Whether a command belongs to PACE (MSE:Set AT for PACE or GENERAL AUTHENTICATE).
    pub fn is_pace_command(command: &CommandApdu) -> bool {
        let plain_cla = command.cla & !0x10;
        plain_cla == 0
            && ((command.ins == 0x22 && command.p1 == 0xC1 && command.p2 == 0xA4)
                || (command.ins == 0x86 && command.p1 == 0 && command.p2 == 0))
    }

    /// Answers one PACE command. On success returns the response and, after the last
    /// GENERAL AUTHENTICATE, the chip's secure channel (SSC = 0). On error the chip drops
    /// the PACE session; answer with [`PaceError::status_word`].
    pub fn handle<R: CryptoRng + ?Sized>(
        &mut self,
        command: &CommandApdu,
        rng: &mut R,
    ) -> Result<(ResponseApdu, Option<SecureChannel>), PaceError> {
        if !Self::is_pace_command(command) {
            self.state = State::Idle;
            return Err(PaceError::OutOfSequence);
        }
        if command.ins == 0x22 {
            self.state = State::Idle;
            let session = self.select(&command.data)?;
            self.state = State::Selected(session);
            return Ok((ResponseApdu::status(StatusWord::SUCCESS), None));
        }
        let chained = command.cla & 0x10 != 0;
        let state = std::mem::replace(&mut self.state, State::Idle);
        if matches!(state, State::Idle) {
            return Err(PaceError::OutOfSequence);
        }
        let objects = match Tlv::parse_tagged(&command.data, DYNAMIC_AUTH) {
            Ok(t) => t.value,
            Err(_) => {
                return Err(malformed(
                    step_of(&state),
                    "expected dynamic authentication data (7C)",
                ));
            }
        };
        if chained == matches!(state, State::Agreed { .. }) {
            return Err(malformed(step_of(&state), "unexpected command chaining"));
        }
        let (objects, channel) = match state {
            State::Idle => return Err(PaceError::OutOfSequence),
            State::Selected(session) => (self.nonce(session, objects, rng)?, None),
            State::NonceSent { session, s } => (self.map(session, &s, objects, rng)?, None),
            State::Mapped {
                session,
                mapped,
                sk_map,
            } => (self.agree(session, mapped, sk_map, objects, rng)?, None),
            State::Agreed {
                keys,
                expected_t_ifd,
                t_ic,
                ca_data,
            } => {
                let t_ifd = required(
                    objects,
                    Tag(0x85),
                    PaceStep::MutualAuthentication,
                    "terminal token (85) missing",
                )?;
                if !symmetric::mac_eq(t_ifd, &expected_t_ifd) {
                    return Err(PaceError::TokenMismatch);
                }
                let mut out = tlv::encode(Tag(0x86), &t_ic);
                if let Some(ca) = ca_data {
                    tlv::encode_into(Tag(0x8A), &ca, &mut out);
                }
                (out, Some(keys.channel()?))
            }
        };
        let response = ResponseApdu::new(tlv::encode(DYNAMIC_AUTH, &objects), StatusWord::SUCCESS);
        Ok((response, channel))
    }

    fn select(&self, data: &[u8]) -> Result<Session, PaceError> {
        let step = PaceStep::SetAt;
        let oid = required(data, Tag(0x80), step, "protocol (80) missing")?;
        let protocol = PaceProtocol::from_oid_bytes(oid).ok_or(PaceError::Unsupported(
            CryptoError::Unsupported("unknown PACE protocol"),
        ))?;
        let reference = required(data, Tag(0x83), step, "password reference (83) missing")?;
        let reference = match reference {
            [b] => PasswordRef::from_byte(*b).ok_or(PaceError::PasswordNotAvailable)?,
            _ => return Err(malformed(step, "password reference length")),
        };
        let parameter_id = optional(data, Tag(0x84), step)?
            .map(|v| {
                if v.is_empty() || v.len() > 8 {
                    return Err(malformed(step, "parameter ID length"));
                }
                Ok(v.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
            })
            .transpose()?;
        let offer = self
            .offers
            .iter()
            .find(|o| {
                o.protocol == protocol && parameter_id.is_none_or(|id| o.parameter_id == Some(id))
            })
            .ok_or(PaceError::Unsupported(CryptoError::Unsupported(
                "protocol or parameters not offered",
            )))?;
        if protocol.mapping == Mapping::Cam && self.cam_key.is_none() {
            return Err(PaceError::Unsupported(CryptoError::Unsupported(
                "no chip authentication key for CAM",
            )));
        }
        let password = self
            .passwords
            .iter()
            .find(|p| PasswordRef::of(p) == reference)
            .ok_or(PaceError::PasswordNotAvailable)?;
        Ok(Session {
            protocol,
            group: AgreementGroup::new(&offer.domain).map_err(PaceError::Unsupported)?,
            k_pi: keys::pace_key(password, protocol.cipher),
        })
    }

    fn nonce<R: CryptoRng + ?Sized>(
        &mut self,
        session: Session,
        objects: &[u8],
        rng: &mut R,
    ) -> Result<Vec<u8>, PaceError> {
        if !objects.is_empty() {
            return Err(malformed(PaceStep::EncryptedNonce, "expected empty 7C"));
        }
        let cipher = session.protocol.cipher;
        let mut s = Zeroizing::new(vec![0u8; keys::nonce_len(cipher)]);
        rng.fill_bytes(&mut s);
        let z = keys::encrypt_nonce(cipher, &session.k_pi, &s)?;
        self.state = State::NonceSent { session, s };
        Ok(tlv::encode(Tag(0x80), &z))
    }

    fn map<R: CryptoRng + ?Sized>(
        &mut self,
        session: Session,
        s: &[u8],
        objects: &[u8],
        rng: &mut R,
    ) -> Result<Vec<u8>, PaceError> {
        let step = PaceStep::Mapping;
        let data = required(objects, Tag(0x81), step, "mapping data (81) missing")?;
        let (mapped, sk_map, out) = if session.protocol.mapping == Mapping::Im {
            if data.len() != session.protocol.cipher.key_len() {
                return Err(malformed(step, "terminal nonce length"));
            }
            let mapped = mapping::integrated(&session.group, session.protocol.cipher, s, data)
                .map_err(PaceError::Crypto)?;
            (mapped, None, Vec::new())
        } else {
            let own = session.group.generate(rng).map_err(PaceError::Crypto)?;
            let mapped = mapping::generic(&session.group, s, &own, data)
                .map_err(|source| PaceError::InvalidPeerKey { step, source })?;
            let out = tlv::encode(Tag(0x82), &own.public);
            (mapped, Some(own.private), out)
        };
        self.state = State::Mapped {
            session,
            mapped,
            sk_map,
        };
        Ok(out)
    }

    fn agree<R: CryptoRng + ?Sized>(
        &mut self,
        session: Session,
        mapped: AgreementGroup,
        sk_map: Option<AgreementPrivateKey>,
        objects: &[u8],
        rng: &mut R,
    ) -> Result<Vec<u8>, PaceError> {
        let step = PaceStep::KeyAgreement;
        let pk_ifd = required(objects, Tag(0x83), step, "terminal public key (83) missing")?;
        let own = mapped.generate(rng).map_err(PaceError::Crypto)?;
        let k = mapped
            .shared_secret(&own, pk_ifd)
            .map_err(|source| PaceError::InvalidPeerKey { step, source })?;
        let keys = SessionKeys::derive(session.protocol.cipher, &k);
        let oid = session.protocol.oid_bytes();
        let expected_t_ifd = keys.token(&mapped.public_key_do(&oid, &own.public))?;
        let t_ic = keys.token(&mapped.public_key_do(&oid, pk_ifd))?;
        let ca_data = match (
            session.protocol.mapping,
            &session.group,
            sk_map,
            &self.cam_key,
        ) {
            (
                Mapping::Cam,
                AgreementGroup::Ec(group),
                Some(AgreementPrivateKey::Ec(sk_map)),
                Some(sk),
            ) => {
                let ca_ic =
                    pace_map::cam_chip_data(group, &sk_map, sk).map_err(PaceError::Crypto)?;
                Some(keys.encrypt_cam(&ca_ic)?)
            }
            (Mapping::Cam, ..) => return Err(PaceError::OutOfSequence),
            _ => None,
        };
        self.state = State::Agreed {
            keys,
            expected_t_ifd,
            t_ic,
            ca_data,
        };
        Ok(tlv::encode(Tag(0x84), &own.public))
    }
}

fn step_of(state: &State) -> PaceStep {
    match state {
        State::Idle => PaceStep::SetAt,
        State::Selected(_) => PaceStep::EncryptedNonce,
        State::NonceSent { .. } => PaceStep::Mapping,
        State::Mapped { .. } => PaceStep::KeyAgreement,
        State::Agreed { .. } => PaceStep::MutualAuthentication,
    }
}
