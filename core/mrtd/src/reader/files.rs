//! Selecting and reading elementary files: SELECT by FID, READ BINARY in the largest block
//! that fits, odd-INS READ BINARY past offset 32 767, and the file length taken from the TLV
//! header so no byte is read twice. The first READ BINARY of a file already asks for a whole
//! block, so a file that fits one block costs one command (the chip answers with what the file
//! has, `6282` or fewer bytes than asked), and a larger one no more than its size requires.
//!
//! Every loop here is bounded by what the chip has to deliver: each command must bring new
//! bytes, a changed block size or the one allowed `6Cxx` retry, and a file gets at most
//! [`command_limit`] commands, so a hostile chip ends the read with an error, never a hang.

use tapid_card::tlv::{self, Tag, Tlv};
use tapid_card::{CardTransport, CommandApdu, StatusWord};

use super::channel::Channel;
use super::error::ReadError;
use crate::lds::{EMRTD_AID, ElementaryFile};

/// Largest block under secure messaging with short APDUs: 223 data bytes pad to 224, and
/// DO'87' + DO'99' + DO'8E' then still fit a 256-byte response (9303-11 §9.8).
pub const SHORT_SM_BLOCK: usize = 223;
/// Bytes of secure messaging framing a response may add around the data (DO'87' header,
/// indicator, padding, DO'99', DO'8E').
const SM_OVERHEAD: usize = 48;
/// Largest file a reader accepts; guards against absurd length fields.
pub const MAX_FILE_SIZE: usize = 1 << 20;
/// Largest offset READ BINARY with even INS can address (15 bits).
const MAX_EVEN_OFFSET: usize = 0x7FFF;
/// Fewest bytes that tell a file's length: tag (≤ 3) and length (≤ 5).
const HEADER_PROBE: usize = 8;
/// Short block sizes tried in turn when a chip refuses a read length.
const FALLBACK_BLOCKS: [usize; 3] = [160, 128, 64];
/// The header of DO'53' around odd-INS data: tag and a length of up to three bytes.
const DO53_HEADER: usize = 4;

/// How large each READ BINARY is, adapting to what the chip accepts.
#[derive(Debug, Clone)]
pub struct ReadPolicy {
    extended: bool,
    extended_block: usize,
    short_block: usize,
    max_read: usize,
    sfi: bool,
}

impl ReadPolicy {
    /// A policy; `extended` says whether extended length may be used for reading (the chip
    /// announces it, the transport carries it, the caller allows it), `max_response_len` is the
    /// largest response (transport and chip buffer) and `max_block` the caller's cap.
    pub fn new(extended: bool, max_response_len: usize, max_block: Option<usize>) -> Self {
        let extended = extended && max_response_len > 258;
        let cap = max_block.unwrap_or(usize::MAX);
        let extended_block = max_response_len
            .saturating_sub(SM_OVERHEAD)
            .min(65_536 - SM_OVERHEAD)
            .min(cap);
        Self {
            extended,
            extended_block,
            short_block: SHORT_SM_BLOCK.min(cap).max(1),
            max_read: 0,
            sfi: true,
        }
    }

    /// Whether extended length is (still) in use for reading.
    pub fn extended(&self) -> bool {
        self.extended
    }

    /// Whether files are opened with READ BINARY by short EF identifier (one APDU less per file
    /// than SELECT + READ BINARY); off once a chip rejects it.
    pub fn short_ef_identifiers(&self) -> bool {
        self.sfi
    }

    /// The chip does not take short EF identifiers: use SELECT from now on.
    pub fn disable_short_ef_identifiers(&mut self) {
        self.sfi = false;
    }

    /// The largest block actually read so far.
    pub fn max_read(&self) -> usize {
        self.max_read
    }

    /// Records a block of `len` bytes read outside [`read_selected`] (the first block by short
    /// EF identifier).
    pub fn record_read(&mut self, len: usize) {
        self.max_read = self.max_read.max(len);
    }

    /// The size of the next READ BINARY: the largest block the chip and the link take.
    pub fn block(&self) -> usize {
        if self.extended {
            self.extended_block
        } else {
            self.short_block
        }
    }

    /// The chip refused a length: give up extended length first, then shrink short blocks.
    fn fall_back(&mut self) -> bool {
        if self.extended {
            self.extended = false;
            return true;
        }
        match FALLBACK_BLOCKS.iter().find(|b| **b < self.short_block) {
            Some(b) => {
                self.short_block = *b;
                true
            }
            None => false,
        }
    }
}

/// The most READ BINARY commands a file of `total` bytes may take: what the smallest fallback
/// block needs, with room for the header probe, fallbacks and one `6Cxx` retry per block.
pub fn command_limit(total: usize) -> usize {
    32 + total / 32
}

/// What READ BINARY by short EF identifier found.
pub enum SfiRead {
    /// The file exists; these are its first bytes (it is now the current EF).
    Header(Vec<u8>),
    /// The chip says it has no such file.
    Absent,
    /// The chip refuses access to it (`6982`).
    Refused,
    /// The chip does not support short EF identifiers (it answered with this status).
    Unsupported(StatusWord),
}

/// Whether a chip answering `sw` to READ BINARY with a short EF identifier is saying it does
/// not support that form (rather than something about the file).
pub fn sfi_unsupported(sw: StatusWord) -> bool {
    matches!(
        sw,
        StatusWord::INCORRECT_P1P2
            | StatusWord::WRONG_P1P2
            | StatusWord::FUNCTION_NOT_SUPPORTED
            | StatusWord::INS_NOT_SUPPORTED
            | StatusWord::COMMAND_NOT_ALLOWED
            | StatusWord::WRONG_LENGTH
            | StatusWord::WRONG_DATA
    )
}

/// READ BINARY with the short EF identifier of `ef` (`P1 = 80 | SFI`): selects the file in the
/// current DF and returns its first bytes (up to `ne`, at least its header), saving the SELECT.
pub async fn read_header_by_sfi<T: CardTransport + ?Sized>(
    ch: &mut Channel<'_, T>,
    ef: ElementaryFile,
    ne: usize,
) -> Result<SfiRead, ReadError> {
    let cmd = CommandApdu::new(0x00, 0xB0, 0x80 | ef.sfi(), 0x00).with_ne(ne.max(HEADER_PROBE));
    let answer = ch.exchange(&cmd).await?;
    match answer.sw() {
        StatusWord::SUCCESS | StatusWord::END_OF_FILE if answer.data().is_empty() => {
            Err(ReadError::MalformedFile {
                file: ef.name(),
                source: tlv::TlvError::TruncatedTag,
            })
        }
        StatusWord::SUCCESS | StatusWord::END_OF_FILE => Ok(SfiRead::Header(answer.into_data())),
        StatusWord::FILE_NOT_FOUND => Ok(SfiRead::Absent),
        StatusWord::SECURITY_STATUS_NOT_SATISFIED => Ok(SfiRead::Refused),
        sw if sfi_unsupported(sw) => Ok(SfiRead::Unsupported(sw)),
        sw => Err(ReadError::Chip {
            command: "READ BINARY",
            sw,
        }),
    }
}

/// The SELECT of the eMRTD application by AID.
pub fn select_application_command() -> CommandApdu {
    CommandApdu::new(0x00, 0xA4, 0x04, 0x0C).with_data(EMRTD_AID.to_vec())
}

/// SELECT the eMRTD application by AID.
pub async fn select_application<T: CardTransport + ?Sized>(
    ch: &mut Channel<'_, T>,
) -> Result<(), ReadError> {
    let answer = ch.exchange(&select_application_command()).await?;
    if !answer.sw().is_success() {
        return Err(ReadError::Chip {
            command: "SELECT eMRTD application",
            sw: answer.sw(),
        });
    }
    Ok(())
}

/// The SELECT of an EF of the current DF by its file identifier.
pub fn select_file_command(ef: ElementaryFile) -> CommandApdu {
    CommandApdu::new(0x00, 0xA4, 0x02, 0x0C).with_data(ef.fid().to_be_bytes().to_vec())
}

/// What SELECT of an EF found.
pub enum Selected {
    /// The file is now the current EF.
    Yes,
    /// The chip says it does not exist (`6A82`).
    Absent,
    /// The chip refuses access to it (`6982`).
    Refused,
}

/// SELECT an EF by its file identifier.
pub async fn select_file<T: CardTransport + ?Sized>(
    ch: &mut Channel<'_, T>,
    ef: ElementaryFile,
) -> Result<Selected, ReadError> {
    let answer = ch.exchange(&select_file_command(ef)).await?;
    match answer.sw() {
        StatusWord::SUCCESS => Ok(Selected::Yes),
        StatusWord::FILE_NOT_FOUND => Ok(Selected::Absent),
        StatusWord::SECURITY_STATUS_NOT_SATISFIED => Ok(Selected::Refused),
        sw => Err(ReadError::Chip {
            command: "SELECT file",
            sw,
        }),
    }
}

struct Block {
    data: Vec<u8>,
    sw: StatusWord,
}

async fn read_binary<T: CardTransport + ?Sized>(
    ch: &mut Channel<'_, T>,
    offset: usize,
    ne: usize,
) -> Result<Block, ReadError> {
    if offset <= MAX_EVEN_OFFSET {
        let [p1, p2] = (offset as u16).to_be_bytes();
        let answer = ch
            .exchange(&CommandApdu::new(0x00, 0xB0, p1, p2).with_ne(ne))
            .await?;
        let sw = answer.sw();
        return Ok(Block {
            data: answer.into_data(),
            sw,
        });
    }
    // Odd INS: the offset travels in DO'54', the data comes back in DO'53'.
    let off = (offset as u32).to_be_bytes();
    let off = off
        .iter()
        .skip_while(|b| **b == 0)
        .copied()
        .collect::<Vec<u8>>();
    let cmd = CommandApdu::new(0x00, 0xB1, 0x00, 0x00)
        .with_data(tlv::encode(Tag(0x54), &off))
        .with_ne(ne + DO53_HEADER);
    let answer = ch.exchange(&cmd).await?;
    let sw = answer.sw();
    let data = answer.into_data();
    if data.is_empty() {
        return Ok(Block { data, sw });
    }
    let obj = Tlv::parse_tagged(&data, Tag(0x53)).map_err(|_| ReadError::MalformedResponse {
        command: "READ BINARY (odd INS)",
    })?;
    Ok(Block {
        data: obj.value.to_vec(),
        sw,
    })
}

fn header_total(file: &str, buf: &[u8]) -> Result<Option<usize>, ReadError> {
    let total = tlv::total_len_from_header(buf).map_err(|source| ReadError::MalformedFile {
        file: file.to_owned(),
        source,
    })?;
    match total {
        Some(t) if t > MAX_FILE_SIZE => Err(ReadError::FileTooLarge {
            file: file.to_owned(),
            declared: t,
            limit: MAX_FILE_SIZE,
        }),
        other => Ok(other),
    }
}

/// Reads the currently selected file completely, continuing after the bytes already in `buf`
/// (a read resumed after a lost link). On success the whole file is returned and `buf` is
/// left empty; on failure `buf` keeps every byte that arrived. `on_bytes` is told the running
/// total.
pub async fn read_selected<T: CardTransport + ?Sized>(
    ch: &mut Channel<'_, T>,
    ef: ElementaryFile,
    policy: &mut ReadPolicy,
    buf: &mut Vec<u8>,
    on_bytes: &mut (dyn FnMut(usize, usize) + Send),
) -> Result<Vec<u8>, ReadError> {
    let name = ef.name();
    let mut total = header_total(&name, buf)?;
    // The exact length a chip asked for with 6Cxx, for the next command only, and the offset
    // at which that one retry was spent: a second 6Cxx for the same bytes ends the read.
    let mut exact_ne: Option<usize> = None;
    let mut retried_at: Option<usize> = None;
    let mut commands = 0usize;
    loop {
        let want = match total {
            None => policy.block().max(HEADER_PROBE),
            Some(t) if buf.len() >= t => break,
            Some(t) => (t - buf.len()).min(policy.block()),
        };
        let limit = command_limit(total.unwrap_or(HEADER_PROBE));
        commands += 1;
        if commands > limit {
            return Err(ReadError::TooManyCommands { file: name, limit });
        }
        let ne = exact_ne.take().unwrap_or(want);
        let block = read_binary(ch, buf.len(), ne).await?;
        match block.sw {
            StatusWord::SUCCESS | StatusWord::END_OF_FILE => {
                if block.data.is_empty() {
                    if total.is_none() {
                        return Err(ReadError::MalformedFile {
                            file: name,
                            source: tlv::TlvError::TruncatedTag,
                        });
                    }
                    // No bytes although the header promises more: the file ends here.
                    break;
                }
                policy.max_read = policy.max_read.max(block.data.len());
                buf.extend_from_slice(&block.data);
                if total.is_none() {
                    total = header_total(&name, buf)?;
                    if total.is_none() && block.sw == StatusWord::END_OF_FILE {
                        return Err(ReadError::MalformedFile {
                            file: name,
                            source: tlv::TlvError::TruncatedLength,
                        });
                    }
                }
                if let Some(t) = total {
                    buf.truncate(t);
                    on_bytes(buf.len(), t);
                }
                if block.sw == StatusWord::END_OF_FILE {
                    break;
                }
            }
            sw if sw.correct_le().is_some() => {
                // One retry with the length the chip asks for; a chip that asks again for the
                // same bytes is not going to deliver them.
                if retried_at == Some(buf.len()) {
                    return Err(ReadError::Chip {
                        command: "READ BINARY",
                        sw,
                    });
                }
                retried_at = Some(buf.len());
                exact_ne = sw.correct_le().filter(|n| *n > 0);
                if exact_ne.is_none() {
                    return Err(ReadError::Chip {
                        command: "READ BINARY",
                        sw,
                    });
                }
            }
            StatusWord::WRONG_LENGTH | StatusWord::WRONG_P1P2 | StatusWord::INCORRECT_P1P2
                if total.is_some() && policy.fall_back() => {}
            sw => {
                return Err(ReadError::Chip {
                    command: "READ BINARY",
                    sw,
                });
            }
        }
    }
    let declared = total.unwrap_or(buf.len());
    if buf.len() < declared {
        return Err(ReadError::FileTruncated {
            file: name,
            declared,
            got: buf.len(),
        });
    }
    Tlv::parse_exact(buf).map_err(|source| ReadError::MalformedFile { file: name, source })?;
    Ok(std::mem::take(buf))
}

/// Reads the current EF to its end without a TLV header to go by (EF.ATR/INFO is a sequence of
/// data objects): short blocks of up to 256 bytes until the chip signals the end (`6282`, or
/// fewer bytes than asked), at most `max_blocks` of them.
pub async fn read_to_end<T: CardTransport + ?Sized>(
    ch: &mut Channel<'_, T>,
    max_blocks: usize,
) -> Result<Vec<u8>, ReadError> {
    let mut out = Vec::new();
    for _ in 0..max_blocks {
        let block = read_binary(ch, out.len(), 256).await?;
        match block.sw {
            StatusWord::SUCCESS | StatusWord::END_OF_FILE => {
                let short = block.data.len() < 256;
                out.extend_from_slice(&block.data);
                if short || block.sw == StatusWord::END_OF_FILE {
                    return Ok(out);
                }
            }
            // Offset past the end: the previous block ended the file exactly.
            StatusWord::WRONG_P1P2 | StatusWord::INCORRECT_P1P2 if !out.is_empty() => {
                return Ok(out);
            }
            sw => {
                return Err(ReadError::Chip {
                    command: "READ BINARY",
                    sw,
                });
            }
        }
    }
    Err(ReadError::TooManyCommands {
        file: ElementaryFile::AtrInfo.name(),
        limit: max_blocks,
    })
}
