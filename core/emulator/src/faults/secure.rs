//! Chip-level secure messaging faults: protected responses that are wrong in one precise way
//! each (MAC, replay, padding, plaintext, TLV framing, status word), and status-word storms.

use tapid_card::tlv::{self, Tlv};
use tapid_card::{CommandApdu, ResponseApdu, StatusWord};
use tapid_mrtd::secure_messaging::{SecureChannel, SmError};

use super::Fault;
use crate::pki::drbg::SeededRng;

/// Extra bytes [`Fault::SmLengthPastEnd`] claims in DO'87'.
pub const PAST_END: usize = 16;
/// The status words of [`Fault::SwStorm`].
pub const STORM: [StatusWord; 3] = [
    StatusWord::SECURITY_STATUS_NOT_SATISFIED,
    StatusWord::CONDITIONS_NOT_SATISFIED,
    StatusWord::FILE_NOT_FOUND,
];

/// The status word of [`Fault::ReadBinary6CxxForever`]: "wrong Le, 223 bytes available",
/// the block a reader under secure messaging asks for anyway.
pub const WRONG_LE_HINT: StatusWord = StatusWord(0x6CDF);

/// What the chip remembers between protected responses.
#[derive(Debug, Default)]
pub struct SmFaultState {
    reads: usize,
    first_read: Option<ResponseApdu>,
}

/// The weather of [`Fault::SwStorm`]: a seeded RNG and the protected commands answered
/// calmly since the last storm.
pub struct Storm {
    rng: SeededRng,
    calm: usize,
}

impl Storm {
    /// A storm drawn from `rng`.
    pub fn new(rng: SeededRng) -> Self {
        Self { rng, calm: 0 }
    }

    /// [`Fault::SwStorm`]: whether this protected command gets a storm status word instead of
    /// its real answer — one in three, drawn from the seeded RNG, and at the latest the third
    /// command after two calm ones, so that no read (which needs more than three protected
    /// commands) gets through whatever the seed.
    pub fn next(&mut self, fault: Fault) -> Option<StatusWord> {
        if fault != Fault::SwStorm {
            return None;
        }
        let mut b = [0u8; 2];
        rand_core::Rng::fill_bytes(&mut self.rng, &mut b);
        let [hit, which] = b;
        if hit % 3 == 0 || self.calm >= 2 {
            self.calm = 0;
            STORM.get(usize::from(which) % STORM.len()).copied()
        } else {
            self.calm += 1;
            None
        }
    }
}

/// Protects `resp` to `cmd` the way the faulty chip does.
pub fn respond(
    fault: Fault,
    state: &mut SmFaultState,
    sm: &mut SecureChannel,
    cmd: &CommandApdu,
    resp: ResponseApdu,
) -> Result<ResponseApdu, SmError> {
    let odd = cmd.ins & 1 == 1;
    if fault == Fault::SmPlaintextResponse {
        return Ok(resp);
    }
    if fault == Fault::ReadBinary6CxxForever && matches!(cmd.ins, 0xB0 | 0xB1) {
        return sm.protect_response(&ResponseApdu::status(WRONG_LE_HINT), odd);
    }
    let read = matches!(cmd.ins, 0xB0 | 0xB1) && !resp.data.is_empty();
    let nth = if read {
        state.reads += 1;
        Some(state.reads)
    } else {
        None
    };
    if fault == Fault::SmBadPadding && nth == Some(1) {
        return sm.protect_response_prepadded(&unpadded(&resp.data, sm), resp.sw);
    }
    if fault == Fault::SmStatusMismatch && nth == Some(1) {
        let mut protected = sm.protect_response(&resp, odd)?;
        protected.sw = if resp.sw == StatusWord::END_OF_FILE {
            StatusWord::SUCCESS
        } else {
            StatusWord::END_OF_FILE
        };
        return Ok(protected);
    }
    let mut protected = sm.protect_response(&resp, odd)?;
    match (fault, nth) {
        (Fault::SmReplayedSsc, Some(1)) => state.first_read = Some(protected.clone()),
        (Fault::SmReplayedSsc, Some(2)) => {
            if let Some(old) = state.first_read.take() {
                protected = old;
            }
        }
        (Fault::SmWrongMac, Some(1)) => {
            // DO'8E' is last: its last byte is the response data's last byte.
            if let Some(b) = protected.data.last_mut() {
                *b ^= 0x01;
            }
        }
        (Fault::SmTruncatedTlv, Some(1)) => protected.data.truncate(1),
        (Fault::SmLengthPastEnd, Some(1)) => {
            protected.data = relength(&protected.data, |len, out| {
                tlv::encode_length(len + PAST_END, out)
            });
        }
        (Fault::SmLength4Byte, Some(1)) => {
            protected.data = relength(&protected.data, |_, out| {
                out.extend_from_slice(&[0x84, 0xFF, 0xFF, 0xFF, 0xFF]);
            });
        }
        _ => {}
    }
    Ok(protected)
}

/// `data` zero-filled to whole blocks plus one all-zero block: no `80` marker anywhere a
/// terminal may look for it.
fn unpadded(data: &[u8], sm: &SecureChannel) -> Vec<u8> {
    let bs = sm.cipher().block_size();
    let mut out = data.to_vec();
    let fill = (bs - out.len() % bs) % bs + bs;
    out.resize(out.len() + fill, 0);
    out
}

/// Re-encodes the first data object (DO'87') with the length field `write_len` produces.
fn relength(data: &[u8], write_len: impl FnOnce(usize, &mut Vec<u8>)) -> Vec<u8> {
    let Ok((first, rest)) = Tlv::parse(data) else {
        return data.to_vec();
    };
    let mut out = first.tag.to_bytes();
    write_len(first.value.len(), &mut out);
    out.extend_from_slice(first.value);
    out.extend_from_slice(rest);
    out
}
