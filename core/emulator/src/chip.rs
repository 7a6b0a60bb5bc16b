//! The chip's command processor: ISO 7816-4 and ICAO 9303-11 commands, access control and
//! secure messaging, with the status words a real chip gives for every wrong request.

use tapid_card::tlv::{self, Tag, Tlv};
use tapid_card::{CommandApdu, ResponseApdu, StatusWord};
use tapid_mrtd::bac::{BacChip, DocumentKeys};
use tapid_mrtd::chip_authentication::CaChip;
use tapid_mrtd::lds::EMRTD_AID;
use tapid_mrtd::mrz::MrzKey;
use tapid_mrtd::pace::PaceChip;

use crate::chip_keys::{AaKey, CaKey};
use tapid_mrtd::crypto::DomainParameters;
use tapid_mrtd::secure_messaging::SecureChannel;

use crate::faults::link::{Reply, SLOW_ANSWER, TAG_LOST_AT};
use crate::faults::secure::SmFaultState;
use crate::faults::{self, Fault};
use crate::files::FileSystem;
use crate::pki::drbg::SeededRng;
use crate::profile::{AccessConfig, Profile};

/// Chip settings that are not part of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChipConfig {
    /// Whether the chip accepts extended-length APDUs.
    pub extended_length: bool,
}

impl Default for ChipConfig {
    fn default() -> Self {
        Self {
            extended_length: true,
        }
    }
}

enum Auth {
    None,
    Challenge([u8; 8]),
    Secure(SecureChannel),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Selection {
    MasterFile,
    Application,
    File { master: bool, fid: u16 },
}

/// A software eMRTD chip.
pub struct Chip {
    files: FileSystem,
    access: AccessConfig,
    pace: Option<PaceChip>,
    ca: Option<CaChip>,
    aa: Option<AaKey>,
    mrz_key: MrzKey,
    config: ChipConfig,
    rng: SeededRng,
    auth: Auth,
    selection: Selection,
    pace_domain: Option<DomainParameters>,
    ca_key: Option<CaKey>,
    /// [`Fault::CaClone`]: a second CA state machine with the same (wrong) key, whose channel
    /// lets the clone answer commands it could not verify.
    ca_shadow: Option<(CaChip, Option<SecureChannel>)>,
    fault: Option<Fault>,
    sm_faults: SmFaultState,
    storm_rng: SeededRng,
    apdus: usize,
    gone: bool,
}

fn ca_chip(k: &CaKey) -> Result<CaChip, crate::EmulatorError> {
    CaChip::new(k.protocol, &k.domain, &k.private, k.key_id)
        .map_err(|e| crate::EmulatorError::Key(e.to_string()))
}

fn sw(sw: StatusWord) -> ResponseApdu {
    ResponseApdu::status(sw)
}

impl Chip {
    /// A chip serving `profile`; `seed` makes its random challenges reproducible.
    pub fn new(
        profile: &Profile,
        config: ChipConfig,
        seed: &[u8],
    ) -> Result<Self, crate::EmulatorError> {
        let pace = match &profile.access {
            AccessConfig::Pace {
                setups, cam_key, ..
            } => {
                let chip = PaceChip::new(setups.clone(), profile.passwords()?);
                Some(match cam_key {
                    Some(k) => chip.with_cam_key(k.clone()),
                    None => chip,
                })
            }
            AccessConfig::Bac => None,
        };
        let ca = profile.ca.as_ref().map(ca_chip).transpose()?;
        let pace_domain = match &profile.access {
            AccessConfig::Pace { setups, .. } => setups.first().map(|s| s.domain.clone()),
            AccessConfig::Bac => None,
        };
        Ok(Self {
            files: profile.files.clone(),
            access: profile.access.clone(),
            pace,
            ca,
            aa: profile.aa.clone(),
            mrz_key: profile.mrz_key()?,
            config,
            rng: SeededRng::new(seed),
            auth: Auth::None,
            selection: Selection::MasterFile,
            pace_domain,
            ca_key: profile.ca.clone(),
            ca_shadow: None,
            fault: None,
            sm_faults: SmFaultState::default(),
            storm_rng: SeededRng::new(&[seed, b"/storm"].concat()),
            apdus: 0,
            gone: false,
        })
    }

    /// The same chip misbehaving as `fault` says at the chip and link level (document-level
    /// faults change the profile: see [`faults::chip`]).
    pub fn with_fault(mut self, fault: Fault) -> Self {
        self.fault = Some(fault);
        if fault == Fault::CaClone {
            self.ca_shadow = self
                .ca_key
                .as_ref()
                .and_then(|k| ca_chip(k).ok())
                .map(|ca| (ca, None));
        }
        self
    }

    /// One command as the link sees it: an answer, a late answer, or none because the tag
    /// has left the field (link faults).
    pub fn exchange(&mut self, raw: &[u8]) -> Reply {
        let index = self.apdus;
        self.apdus += 1;
        if self.gone || (self.fault == Some(Fault::TagLost) && index == TAG_LOST_AT) {
            self.gone = true;
            return Reply::Lost;
        }
        let slow = self.fault == Some(Fault::SlowChip) && matches!(self.auth, Auth::Secure(_));
        let answer = self.process(raw);
        if slow {
            Reply::Late {
                after: SLOW_ANSWER,
                answer,
            }
        } else {
            Reply::Answer(answer)
        }
    }

    /// Whether the chip accepts extended length.
    pub fn config(&self) -> ChipConfig {
        self.config
    }

    /// Power cycle: access rights and selection are lost.
    pub fn reset(&mut self) {
        self.gone = false;
        self.auth = Auth::None;
        self.selection = Selection::MasterFile;
    }

    /// Processes one command APDU and returns the response bytes.
    pub fn process(&mut self, raw: &[u8]) -> Vec<u8> {
        let Ok(cmd) = CommandApdu::parse(raw) else {
            return sw(StatusWord::WRONG_LENGTH).to_bytes();
        };
        let extended = raw.len() > 5 && raw.get(4) == Some(&0);
        if extended && !self.config.extended_length {
            return sw(StatusWord::WRONG_LENGTH).to_bytes();
        }
        if let Auth::Secure(_) = self.auth {
            return self.process_secure(&cmd).to_bytes();
        }
        if PaceChip::is_pace_command(&cmd) {
            return self.pace(&cmd).to_bytes();
        }
        if cmd.cla & 0x0C != 0 {
            return sw(StatusWord::SM_NOT_SUPPORTED).to_bytes();
        }
        self.handle(&cmd, false).to_bytes()
    }

    fn pace(&mut self, cmd: &CommandApdu) -> ResponseApdu {
        let Some(pace) = self.pace.as_mut() else {
            return sw(StatusWord::REFERENCED_DATA_NOT_FOUND);
        };
        match pace.handle(cmd, &mut self.rng) {
            Ok((resp, Some(channel))) => {
                self.auth = Auth::Secure(channel);
                resp
            }
            Ok((resp, None)) => match (self.fault, &self.pace_domain) {
                (Some(fault), Some(domain)) => faults::pace::tamper(fault, domain, resp),
                _ => resp,
            },
            Err(e) => {
                self.auth = Auth::None;
                sw(e.status_word())
            }
        }
    }

    fn process_secure(&mut self, cmd: &CommandApdu) -> ResponseApdu {
        if cmd.cla & 0x0C != 0x0C {
            // A plain command ends the secure session (ISO 7816-4 §10.2).
            self.reset();
            return sw(StatusWord::SM_OBJECTS_MISSING);
        }
        let plain = match &mut self.auth {
            Auth::Secure(sm) => sm.unprotect_command(cmd),
            _ => return sw(StatusWord::CONDITIONS_NOT_SATISFIED),
        };
        let plain = match plain {
            Ok(p) => p,
            Err(_) => {
                let clone_answer = self.clone_answer();
                self.reset();
                return clone_answer.unwrap_or_else(|| sw(StatusWord::SM_OBJECTS_INCORRECT));
            }
        };
        if let Some(storm) = self
            .fault
            .and_then(|f| faults::secure::storm(f, &mut self.storm_rng))
        {
            return match &mut self.auth {
                Auth::Secure(sm) => sm
                    .protect_response(&sw(storm), false)
                    .unwrap_or_else(|_| sw(StatusWord::NO_PRECISE_DIAGNOSIS)),
                _ => sw(storm),
            };
        }
        if let Some((shadow, channel)) = self.ca_shadow.as_mut()
            && let Ok((_, Some(next))) = shadow.handle(&plain)
        {
            *channel = Some(next);
        }
        if let Some(ca) = self.ca.as_mut().filter(|ca| ca.is_ca_command(&plain)) {
            let (resp, next) = match ca.handle(&plain) {
                Ok(r) => r,
                Err(e) => (sw(e.status_word()), None),
            };
            // The answer still travels under the old keys; the new session starts after it.
            let protected = match &mut self.auth {
                Auth::Secure(sm) => sm
                    .protect_response(&resp, false)
                    .unwrap_or_else(|_| sw(StatusWord::NO_PRECISE_DIAGNOSIS)),
                _ => resp,
            };
            if let Some(next) = next {
                self.auth = Auth::Secure(next);
            }
            return protected;
        }
        let resp = self.handle(&plain, true);
        match (&mut self.auth, self.fault) {
            (Auth::Secure(sm), Some(fault)) => {
                faults::secure::respond(fault, &mut self.sm_faults, sm, &plain, resp)
                    .unwrap_or_else(|_| sw(StatusWord::NO_PRECISE_DIAGNOSIS))
            }
            (Auth::Secure(sm), None) => sm
                .protect_response(&resp, plain.ins & 1 == 1)
                .unwrap_or_else(|_| sw(StatusWord::NO_PRECISE_DIAGNOSIS)),
            // The command itself ended the session (e.g. a new GET CHALLENGE).
            _ => resp,
        }
    }

    /// [`Fault::CaClone`]: the clone cannot verify the terminal's command (its key is not the
    /// one in DG14, so its session keys differ) but answers `6988` under its own keys anyway,
    /// with the SSC stepped for the command as if it had been verified.
    fn clone_answer(&mut self) -> Option<ResponseApdu> {
        let (_, channel) = self.ca_shadow.as_mut()?;
        let mut sm = channel.take()?;
        sm.protect_response(&sw(StatusWord::SUCCESS), false).ok()?;
        sm.protect_response(&sw(StatusWord::SM_OBJECTS_INCORRECT), false)
            .ok()
    }

    fn handle(&mut self, cmd: &CommandApdu, secure: bool) -> ResponseApdu {
        if cmd.cla & !0x0C != 0 {
            return sw(StatusWord::CLA_NOT_SUPPORTED);
        }
        match cmd.ins {
            0xA4 => self.select(cmd, secure),
            0x84 => self.get_challenge(cmd),
            0x82 => self.external_authenticate(cmd),
            0xB0 | 0xB1 => self.read_binary(cmd, secure),
            0x88 => self.internal_authenticate(cmd, secure),
            _ => sw(StatusWord::INS_NOT_SUPPORTED),
        }
    }

    fn select(&mut self, cmd: &CommandApdu, secure: bool) -> ResponseApdu {
        match (cmd.p1, cmd.p2 & 0xF3) {
            (0x04, 0x00) => {
                if cmd.data == EMRTD_AID {
                    self.selection = Selection::Application;
                    sw(StatusWord::SUCCESS)
                } else {
                    sw(StatusWord::FILE_NOT_FOUND)
                }
            }
            (0x00 | 0x02, 0x00) => {
                let Ok(fid) = <[u8; 2]>::try_from(cmd.data.as_slice()) else {
                    return sw(StatusWord::LC_INCONSISTENT_WITH_P1P2);
                };
                let fid = u16::from_be_bytes(fid);
                if fid == 0x3F00 {
                    self.selection = Selection::MasterFile;
                    return sw(StatusWord::SUCCESS);
                }
                match self.open_file(fid, secure) {
                    Ok(()) => sw(StatusWord::SUCCESS),
                    Err(status) => sw(status),
                }
            }
            _ => sw(StatusWord::INCORRECT_P1P2),
        }
    }

    /// Whether the current DF is the eMRTD application (else the master file).
    fn in_application(&self) -> bool {
        matches!(
            self.selection,
            Selection::Application | Selection::File { master: false, .. }
        )
    }

    /// Makes `fid` of the current DF the current EF, if it exists and access rules allow.
    fn open_file(&mut self, fid: u16, secure: bool) -> Result<(), StatusWord> {
        let in_app = self.in_application();
        let exists = if in_app {
            self.files.application(fid).is_some()
        } else {
            self.files.master(fid).is_some()
        };
        if !exists {
            return Err(StatusWord::FILE_NOT_FOUND);
        }
        // Application files (and EF.CardSecurity) need access control first.
        let open = !in_app && fid == 0x011C;
        // DG3 (fingerprints) and DG4 (iris) need Terminal Authentication (EAC), which this
        // chip, like a real one facing an inspection system without certificates, never grants.
        let eac = in_app && matches!(fid, 0x0103 | 0x0104);
        if (!open && !secure) || eac {
            return Err(StatusWord::SECURITY_STATUS_NOT_SATISFIED);
        }
        self.selection = Selection::File {
            master: !in_app,
            fid,
        };
        Ok(())
    }

    fn get_challenge(&mut self, cmd: &CommandApdu) -> ResponseApdu {
        if !matches!(self.access, AccessConfig::Bac) {
            return sw(StatusWord::REFERENCED_DATA_NOT_FOUND);
        }
        if cmd.ne != Some(8) {
            return sw(StatusWord::WRONG_LENGTH);
        }
        let mut rnd = [0u8; 8];
        rand_core::Rng::fill_bytes(&mut self.rng, &mut rnd);
        self.auth = Auth::Challenge(rnd);
        ResponseApdu::new(rnd.to_vec(), StatusWord::SUCCESS)
    }

    fn external_authenticate(&mut self, cmd: &CommandApdu) -> ResponseApdu {
        let Auth::Challenge(rnd_ic) = self.auth else {
            return sw(StatusWord::CONDITIONS_NOT_SATISFIED);
        };
        self.auth = Auth::None;
        if cmd.data.len() != 40 {
            return sw(StatusWord::WRONG_LENGTH);
        }
        let chip = BacChip::new(DocumentKeys::derive(&self.mrz_key), rnd_ic);
        let mut k_ic = [0u8; 16];
        rand_core::Rng::fill_bytes(&mut self.rng, &mut k_ic);
        match chip.authenticate(&cmd.data, &k_ic) {
            Ok((data, sm)) => {
                self.auth = Auth::Secure(sm);
                ResponseApdu::new(data, StatusWord::SUCCESS)
            }
            Err(_) => sw(StatusWord::AUTHENTICATION_FAILED),
        }
    }

    fn internal_authenticate(&mut self, cmd: &CommandApdu, secure: bool) -> ResponseApdu {
        let Some(aa) = &self.aa else {
            return sw(StatusWord::INS_NOT_SUPPORTED);
        };
        if !secure {
            return sw(StatusWord::SECURITY_STATUS_NOT_SATISFIED);
        }
        if cmd.data.len() != 8 {
            return sw(StatusWord::WRONG_LENGTH);
        }
        match aa.sign(&cmd.data, &mut self.rng) {
            Ok(signature) => ResponseApdu::new(signature, StatusWord::SUCCESS),
            Err(_) => sw(StatusWord::NO_PRECISE_DIAGNOSIS),
        }
    }

    fn read_binary(&mut self, cmd: &CommandApdu, secure: bool) -> ResponseApdu {
        let odd = cmd.ins == 0xB1;
        let (offset, target) = if odd {
            let Ok(obj) = Tlv::parse_tagged(&cmd.data, Tag(0x54)) else {
                return sw(StatusWord::WRONG_DATA);
            };
            if obj.value.is_empty() || obj.value.len() > 3 {
                return sw(StatusWord::WRONG_DATA);
            }
            let off = obj
                .value
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
            (off, None)
        } else if cmd.p1 & 0x80 != 0 {
            (usize::from(cmd.p2), Some(cmd.p1 & 0x1F))
        } else {
            (usize::from(u16::from_be_bytes([cmd.p1, cmd.p2])), None)
        };
        if let Some(sfi) = target {
            if self.fault == Some(Fault::NoShortEfIdentifiers) {
                return sw(StatusWord::INCORRECT_P1P2);
            }
            // READ BINARY with a short EF identifier selects the file of the current DF.
            let fid = if self.in_application() {
                self.files.application_by_sfi(sfi)
            } else {
                self.files.master_by_sfi(sfi)
            };
            let Some(fid) = fid else {
                return sw(StatusWord::FILE_NOT_FOUND);
            };
            if let Err(status) = self.open_file(fid, secure) {
                return sw(status);
            }
        }
        let Selection::File { master, fid } = self.selection else {
            return sw(StatusWord::COMMAND_NOT_ALLOWED);
        };
        let file = if master {
            self.files.master(fid)
        } else {
            self.files.application(fid)
        };
        let Some(file) = file else {
            return sw(StatusWord::FILE_NOT_FOUND);
        };
        if offset > file.len() {
            return sw(StatusWord::WRONG_P1P2);
        }
        let ne = cmd.ne.unwrap_or(256);
        let room = if odd { ne.saturating_sub(4) } else { ne };
        let end = offset.saturating_add(room).min(file.len());
        let chunk = file.get(offset..end).unwrap_or_default();
        let status = if end - offset < room {
            StatusWord::END_OF_FILE
        } else {
            StatusWord::SUCCESS
        };
        let data = if odd {
            tlv::encode(Tag(0x53), chunk)
        } else {
            chunk.to_vec()
        };
        ResponseApdu::new(data, status)
    }
}
