//! The chip's command processor: ISO 7816-4 and ICAO 9303-11 commands, access control and
//! secure messaging, with the status words a real chip gives for every wrong request.

use tapid_card::tlv::{self, Tag, Tlv};
use tapid_card::{CommandApdu, ResponseApdu, StatusWord};
use tapid_mrtd::bac::{BacChip, DocumentKeys};
use tapid_mrtd::chip_authentication::CaChip;
use tapid_mrtd::lds::EMRTD_AID;
use tapid_mrtd::mrz::MrzKey;
use tapid_mrtd::pace::PaceChip;

use crate::atr;
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
    /// Whether the chip accepts extended-length APDUs (up to [`atr::MAX_COMMAND_LEN`] and
    /// [`atr::MAX_RESPONSE_LEN`]); such a chip has EF.ATR/INFO saying so, and its ATR does too
    /// unless built with [`Chip::without_extended_length_in_atr`].
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
    storm: faults::secure::Storm,
    apdus: usize,
    gone: bool,
    /// Whether the ATR's historical bytes announce extended length (when the chip has it).
    atr_announces_extended: bool,
    /// [`Fault::CaClonePlain6982`] / [`Fault::CaClonePlain6A82`]: after Chip Authentication
    /// the clone answers every command with this plain status word.
    plain_forever: Option<StatusWord>,
    /// [`Fault::CaCloneResume`]: the clone that takes the genuine chip's place after the tag
    /// was lost at INTERNAL AUTHENTICATE, and whether it has.
    resume_clone: Option<CaChip>,
    cloned: bool,
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
        let mut files = profile.files.clone();
        if config.extended_length {
            files.insert_master_fid(
                atr::ATR_INFO_FID,
                atr::atr_info(atr::MAX_COMMAND_LEN, atr::MAX_RESPONSE_LEN),
            );
        }
        Ok(Self {
            files,
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
            storm: faults::secure::Storm::new(SeededRng::new(&[seed, b"/storm"].concat())),
            apdus: 0,
            gone: false,
            atr_announces_extended: true,
            plain_forever: None,
            resume_clone: None,
            cloned: false,
        })
    }

    /// The same chip with historical bytes that do not announce extended length although the
    /// chip accepts it: EF.ATR/INFO is then the only place that says so (a reader test for
    /// 9303-10's "use extended length only when the chip says so").
    pub fn without_extended_length_in_atr(mut self) -> Self {
        self.atr_announces_extended = false;
        self
    }

    /// The historical bytes of the chip's ATR (what Android's `IsoDep.getHistoricalBytes`
    /// and PC/SC readers show): category `80` and the card capabilities `73 94 21 xx`, with
    /// "extended Lc and Le fields" in `xx` when the chip accepts extended length and says so
    /// there.
    pub fn historical_bytes(&self) -> Vec<u8> {
        atr::historical_bytes(self.config.extended_length && self.atr_announces_extended)
    }

    /// The ATR a PC/SC reader reports for this chip (see [`atr::contactless`]).
    pub fn atr(&self) -> Vec<u8> {
        // Five historical bytes always fit; fall back to the bare form rather than fail.
        atr::contactless(&self.historical_bytes())
            .unwrap_or_else(|_| vec![atr::TS_DIRECT, 0x80, 0x80, 0x01, 0x01])
    }

    /// The same chip misbehaving as `fault` says at the chip and link level (document-level
    /// faults change the profile: see [`faults::chip`]).
    pub fn with_fault(mut self, fault: Fault) -> Self {
        self.fault = Some(fault);
        match fault {
            Fault::CaClone => {
                self.ca_shadow = self
                    .ca_key
                    .as_ref()
                    .and_then(|k| ca_chip(k).ok())
                    .map(|ca| (ca, None));
            }
            Fault::CaCloneResume => {
                self.resume_clone = self.ca_key.as_ref().and_then(|k| {
                    let key = CaKey::generate(k.protocol, k.domain.clone(), faults::CLONE_CA_SEED)
                        .ok()?;
                    ca_chip(&key).ok()
                });
            }
            Fault::ExtendedLengthAtrInfoOnly => self.atr_announces_extended = false,
            _ => {}
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
        // CaCloneResume: the genuine chip's tag leaves at INTERNAL AUTHENTICATE (INS 88 stays
        // in clear under secure messaging); what comes back is the clone.
        if self.fault == Some(Fault::CaCloneResume)
            && !self.cloned
            && matches!(self.auth, Auth::Secure(_))
            && raw.get(1) == Some(&0x88)
        {
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
        if self.gone
            && let Some(clone) = self.resume_clone.take()
        {
            // CaCloneResume: the card put back in the field is the clone.
            self.ca = Some(clone);
            self.cloned = true;
        }
        self.gone = false;
        self.auth = Auth::None;
        self.selection = Selection::MasterFile;
        self.plain_forever = None;
    }

    /// Processes one command APDU and returns the response bytes.
    ///
    /// A short command (Ne ≤ 256) never gets more than 256 response data bytes — under secure
    /// messaging that counts DO'87'/'85', DO'99' and DO'8E' too — and an extended one never
    /// more than EF.ATR/INFO announces ([`atr::MAX_RESPONSE_LEN`] with SW1-SW2), nor more
    /// than its Ne.
    pub fn process(&mut self, raw: &[u8]) -> Vec<u8> {
        if let Some(status) = self.plain_forever {
            return sw(status).to_bytes();
        }
        let Ok(cmd) = CommandApdu::parse(raw) else {
            return sw(StatusWord::WRONG_LENGTH).to_bytes();
        };
        let extended = raw.len() > 5 && raw.get(4) == Some(&0);
        if extended && (!self.config.extended_length || raw.len() > atr::MAX_COMMAND_LEN) {
            return sw(StatusWord::WRONG_LENGTH).to_bytes();
        }
        let limit = if extended {
            atr::MAX_RESPONSE_LEN - 2
        } else {
            SHORT_MAX_NE
        };
        // An absent Le asks for no data; the chip still answers what a command yields
        // within the short limit (lenient, as most chips are).
        let room = cmd.ne.unwrap_or(SHORT_MAX_NE).min(limit);
        if let Auth::Secure(_) = self.auth {
            return self.process_secure(&cmd, room).to_bytes();
        }
        if PaceChip::is_pace_command(&cmd) {
            return fit(self.pace(&cmd), room).to_bytes();
        }
        if cmd.cla & 0x0C != 0 {
            return sw(StatusWord::SM_NOT_SUPPORTED).to_bytes();
        }
        fit(self.handle(&cmd, false, room), room).to_bytes()
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

    /// `room` is the response data the outer (protected) command may get.
    fn process_secure(&mut self, cmd: &CommandApdu, room: usize) -> ResponseApdu {
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
                // CaCloneResume: the clone, unable to check the MAC under keys it does not
                // have, answers with a plain 6982.
                let refusal = if self.cloned {
                    StatusWord::SECURITY_STATUS_NOT_SATISFIED
                } else {
                    StatusWord::SM_OBJECTS_INCORRECT
                };
                return clone_answer.unwrap_or_else(|| sw(refusal));
            }
        };
        if self.cloned && plain.ins == 0x88 {
            // CaCloneResume: the clone has no Active Authentication key either.
            self.reset();
            return sw(StatusWord::SECURITY_STATUS_NOT_SATISFIED);
        }
        if let Some(storm) = self.fault.and_then(|f| self.storm.next(f)) {
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
                self.plain_forever = match self.fault {
                    Some(Fault::CaClonePlain6982) => {
                        Some(StatusWord::SECURITY_STATUS_NOT_SATISFIED)
                    }
                    Some(Fault::CaClonePlain6A82) => Some(StatusWord::FILE_NOT_FOUND),
                    _ => None,
                };
            }
            return protected;
        }
        let odd = plain.ins & 1 == 1;
        let block = match &self.auth {
            Auth::Secure(sm) => sm.cipher().block_size(),
            _ => 8,
        };
        let plain_room = plain_room(room, block, odd);
        let resp = self.handle(&plain, true, plain_room);
        let resp = fit(resp, plain_room);
        match (&mut self.auth, self.fault) {
            (Auth::Secure(sm), Some(fault)) => {
                faults::secure::respond(fault, &mut self.sm_faults, sm, &plain, resp)
                    .unwrap_or_else(|_| sw(StatusWord::NO_PRECISE_DIAGNOSIS))
            }
            (Auth::Secure(sm), None) => sm
                .protect_response(&resp, odd)
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

    /// One plain command; `room` is how many response data bytes the answer may carry.
    fn handle(&mut self, cmd: &CommandApdu, secure: bool, room: usize) -> ResponseApdu {
        if cmd.cla & !0x0C != 0 {
            return sw(StatusWord::CLA_NOT_SUPPORTED);
        }
        match cmd.ins {
            0xA4 => self.select(cmd, secure),
            0x84 => self.get_challenge(cmd),
            0x82 => self.external_authenticate(cmd),
            0xB0 | 0xB1 => self.read_binary(cmd, secure, room),
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
            // SELECT MF: P1 = 00 with no data, or with FID 3F00 (ISO/IEC 7816-4 §11.2.2).
            (0x00, 0x00) if cmd.data.is_empty() => {
                self.selection = Selection::MasterFile;
                sw(StatusWord::SUCCESS)
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
        // Application files (and EF.CardSecurity) need access control first; EF.CardAccess
        // and EF.ATR/INFO are free to read.
        let open = !in_app && matches!(fid, 0x011C | atr::ATR_INFO_FID);
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
        // BAC is there on every chip, PACE ones included, as on the passports in the field
        // (9303-11: a chip offering PACE keeps BAC for readers that lack it). That is what
        // makes hiding EF.CardAccess a downgrade to detect.
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

    fn read_binary(&mut self, cmd: &CommandApdu, secure: bool, room: usize) -> ResponseApdu {
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
        let ne = cmd.ne.unwrap_or(SHORT_MAX_NE).min(room);
        // Odd INS: the data travel in DO'53', whose header (53 L, 53 81 L, 53 82 LL) takes
        // room too; as many bytes as fit after it, and 6700 when none would.
        let room = if odd { odd_data_room(ne) } else { ne };
        if room == 0 {
            return sw(StatusWord::WRONG_LENGTH);
        }
        let end = offset.saturating_add(room).min(file.len());
        let chunk = file.get(offset..end).unwrap_or_default();
        let status = if chunk.len() < room {
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

/// The largest Ne of a short command.
const SHORT_MAX_NE: usize = 256;

/// Bytes of the length field of a BER-TLV value of `len` bytes.
fn length_octets(len: usize) -> usize {
    match len {
        0..=0x7F => 1,
        0x80..=0xFF => 2,
        0x100..=0xFFFF => 3,
        0x1_0000..=0xFF_FFFF => 4,
        _ => 5,
    }
}

/// How many file bytes fit in a DO'53' of at most `ne` bytes.
fn odd_data_room(ne: usize) -> usize {
    let mut k = ne.saturating_sub(2);
    while k > 0 && 1 + length_octets(k) + k > ne {
        k -= 1;
    }
    k
}

/// The size of the protected response to `n` plain response data bytes: DO'87' (even INS,
/// with the padding-content indicator) or DO'85' (odd INS) around the padded cryptogram,
/// DO'99' and DO'8E'.
fn protected_len(n: usize, block: usize, odd: bool) -> usize {
    const DO99_DO8E: usize = 4 + 10;
    if n == 0 {
        return DO99_DO8E;
    }
    let cryptogram = (n / block + 1) * block;
    let value = if odd { cryptogram } else { cryptogram + 1 };
    1 + length_octets(value) + value + DO99_DO8E
}

/// The most plain response data whose protected response fits `room` bytes (223 for a short
/// even-INS response under AES, 231 under 3DES).
fn plain_room(room: usize, block: usize, odd: bool) -> usize {
    let mut n = room.saturating_sub(14);
    while n > 0 && protected_len(n, block.max(1), odd) > room {
        n -= 1;
    }
    n
}

/// The answer if it fits `room`, else `6700`: a chip never sends more than was asked for.
fn fit(resp: ResponseApdu, room: usize) -> ResponseApdu {
    if resp.data.len() > room {
        sw(StatusWord::WRONG_LENGTH)
    } else {
        resp
    }
}
