//! DG1: the MRZ as stored on the chip (`61 { 5F1F mrz }`).

use tapid_card::tlv::{Tag, Tlv, TlvError};

use crate::mrz::{Mrz, MrzError};

/// Errors parsing DG1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Dg1Error {
    /// The TLV structure is broken.
    #[error("DG1 structure: {0}")]
    Tlv(#[from] TlvError),
    /// The MRZ inside does not parse.
    #[error("DG1 MRZ: {0}")]
    Mrz(#[from] MrzError),
    /// The MRZ is not ASCII.
    #[error("DG1 MRZ is not ASCII")]
    NotAscii,
}

/// Parsed DG1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dg1 {
    /// The MRZ with every check digit verified.
    pub mrz: Mrz,
}

impl Dg1 {
    /// Parses the file.
    pub fn parse(bytes: &[u8]) -> Result<Self, Dg1Error> {
        let dg1 = Tlv::parse_tagged(bytes, Tag(0x61))?;
        let mrz = dg1.require(Tag(0x5F1F))?;
        let text = std::str::from_utf8(mrz.value).map_err(|_| Dg1Error::NotAscii)?;
        Ok(Self {
            mrz: Mrz::parse(text)?,
        })
    }

    /// Encodes an MRZ (lines without separators) as DG1, for the emulator.
    pub fn encode(mrz_text: &str) -> Vec<u8> {
        let joined: String = mrz_text.chars().filter(|c| !c.is_whitespace()).collect();
        tapid_card::tlv::encode(
            Tag(0x61),
            &tapid_card::tlv::encode(Tag(0x5F1F), joined.as_bytes()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let mrz = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";
        let bytes = Dg1::encode(mrz);
        assert_eq!(&bytes[..5], &[0x61, 0x5B, 0x5F, 0x1F, 0x58]);
        let dg1 = Dg1::parse(&bytes).unwrap();
        assert_eq!(dg1.mrz.primary_identifier, "ERIKSSON");
        assert!(matches!(Dg1::parse(&bytes[..20]), Err(Dg1Error::Tlv(_))));
    }
}
