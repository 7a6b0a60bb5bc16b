//! The PACE commands (MSE:Set AT, GENERAL AUTHENTICATE) and their dynamic authentication
//! data `7C { … }`.

use tapid_card::tlv::{self, Tag, Tlv};
use tapid_card::{CommandApdu, ResponseApdu, StatusWord};

use super::{PaceError, PaceStep};
use crate::mrz::AccessKey;
use crate::security_infos::PaceProtocol;

/// Tag of the dynamic authentication data.
pub(super) const DYNAMIC_AUTH: Tag = Tag(0x7C);

/// The password reference of MSE:Set AT tag `83`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[non_exhaustive]
pub enum PasswordRef {
    /// `01`: the MRZ-derived password.
    Mrz,
    /// `02`: the card access number.
    Can,
}

impl PasswordRef {
    /// The reference of an access key.
    pub fn of(key: &AccessKey) -> Self {
        match key {
            AccessKey::Mrz(_) => Self::Mrz,
            AccessKey::Can(_) => Self::Can,
        }
    }

    /// The byte sent in tag `83`.
    pub fn byte(self) -> u8 {
        match self {
            Self::Mrz => 0x01,
            Self::Can => 0x02,
        }
    }

    /// Parses the value of tag `83`.
    pub fn from_byte(b: u8) -> Option<Self> {
        match b {
            0x01 => Some(Self::Mrz),
            0x02 => Some(Self::Can),
            _ => None,
        }
    }
}

/// Minimal big-endian bytes of a parameter ID (at least one byte).
pub(crate) fn id_bytes(id: u64) -> Vec<u8> {
    let bytes = id.to_be_bytes();
    let skip = bytes.iter().take(7).take_while(|b| **b == 0).count();
    bytes.iter().skip(skip).copied().collect()
}

/// MSE:Set AT for PACE: `00 22 C1 A4`, data `80 OID ‖ 83 ref ‖ [84 parameterId]`, no Le.
pub fn mse_set_at(
    protocol: PaceProtocol,
    password: PasswordRef,
    parameter_id: Option<u64>,
) -> CommandApdu {
    let mut data = tlv::encode(Tag(0x80), &protocol.oid_bytes());
    tlv::encode_into(Tag(0x83), &[password.byte()], &mut data);
    if let Some(id) = parameter_id {
        tlv::encode_into(Tag(0x84), &id_bytes(id), &mut data);
    }
    CommandApdu::new(0x00, 0x22, 0xC1, 0xA4).with_data(data)
}

/// GENERAL AUTHENTICATE `x0 86 00 00` with `7C { objects }` and Le `00`; CLA `10` (command
/// chaining) unless it is the last command of the protocol.
pub fn general_authenticate(objects: &[u8], last: bool) -> CommandApdu {
    let cla = if last { 0x00 } else { 0x10 };
    CommandApdu::new(cla, 0x86, 0x00, 0x00)
        .with_data(tlv::encode(DYNAMIC_AUTH, objects))
        .with_ne(256)
}

/// Checks the status of a response and returns its `7C` contents.
pub(super) fn dynamic_auth_response(
    response: &ResponseApdu,
    step: PaceStep,
) -> Result<&[u8], PaceError> {
    if response.sw != StatusWord::SUCCESS {
        return Err(PaceError::ChipStatus {
            step,
            sw: response.sw,
        });
    }
    Tlv::parse_tagged(&response.data, DYNAMIC_AUTH)
        .map(|t| t.value)
        .map_err(|_| PaceError::Malformed {
            step,
            reason: "expected dynamic authentication data (7C)",
        })
}

/// The value of the one data object `tag` inside `7C` contents (others are ignored).
pub(super) fn required<'a>(
    objects: &'a [u8],
    tag: Tag,
    step: PaceStep,
    reason: &'static str,
) -> Result<&'a [u8], PaceError> {
    optional(objects, tag, step)?.ok_or(PaceError::Malformed { step, reason })
}

/// The value of data object `tag` inside `7C` contents, if present.
pub(super) fn optional(
    objects: &[u8],
    tag: Tag,
    step: PaceStep,
) -> Result<Option<&[u8]>, PaceError> {
    tlv::find(objects, tag)
        .map(|t| t.map(|t| t.value))
        .map_err(|_| PaceError::Malformed {
            step,
            reason: "malformed data objects",
        })
}
