//! The Logical Data Structure (ICAO 9303-10): file identifiers and one module per file, named
//! as the standard names it.
//!
//! | file | module | type |
//! | --- | --- | --- |
//! | EF.ATR/INFO | [`atr_info`] | [`atr_info::AtrInfo`] |
//! | EF.CardAccess | [`card_access`] | [`card_access::CardAccess`] |
//! | EF.CardSecurity | [`card_security`] | [`card_security::CardSecurity`] |
//! | EF.COM | [`com`] | [`com::EfCom`] |
//! | EF.SOD | [`sod`] | [`sod::Sod`] |
//! | DG1 | [`dg1`] | [`dg1::Dg1`] (the MRZ model is [`crate::mrz::Mrz`]) |
//! | DG2 | [`dg2`], [`biometric`] | [`dg2::Dg2`] |
//! | DG5, DG7 | [`displayed_image`] | [`displayed_image::DisplayedImages`] |
//! | DG11, DG12 | [`dg11`], [`dg12`] | [`dg11::Dg11`], [`dg12::Dg12`] |
//! | DG14 | [`dg14`] | [`dg14::Dg14`] |
//! | DG15 | [`dg15`] | [`dg15::Dg15`] |
//! | any other | [`raw_group`] | [`raw_group::RawDataGroup`] |
//!
//! The `SecurityInfo` types that EF.CardAccess, EF.CardSecurity and DG14 hold (9303-11 §9.2:
//! `PACEInfo`, `ChipAuthenticationInfo`, …) stay in [`crate::security_infos`]: they are the
//! vocabulary of the protocols (PACE, Chip Authentication, Active Authentication) as much as
//! of the files, and PACE and CA use them without any file. The files here parse into them.
//! Verifying EF.SOD and EF.CardSecurity is passive authentication ([`crate::pa`]); decoding a
//! DG2 face to pixels is `crate::face_image` (feature `face-image`, or `face-jpeg2000`).

pub mod atr_info;
pub mod biometric;
pub mod card_access;
pub mod card_security;
pub mod com;
pub mod dg1;
pub mod dg11;
pub mod dg12;
pub mod dg14;
pub mod dg15;
pub mod dg2;
pub mod displayed_image;
pub mod raw_group;
pub mod sod;

use serde::Serialize;

/// The eMRTD application identifier.
pub const EMRTD_AID: [u8; 7] = [0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01];

/// A data group number, 1..=16.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct DataGroup(u8);

impl DataGroup {
    /// DG1: the MRZ.
    pub const DG1: Self = Self(1);
    /// DG2: the encoded face.
    pub const DG2: Self = Self(2);

    /// A data group number, if within 1..=16.
    pub fn new(n: u8) -> Option<Self> {
        (1..=16).contains(&n).then_some(Self(n))
    }

    /// The number.
    pub fn number(self) -> u8 {
        self.0
    }

    /// The data group whose file tag is `tag` (EF.COM lists tags, not numbers).
    pub fn from_tag(tag: u8) -> Option<Self> {
        (1..=16).map(Self).find(|dg| dg.tag() == tag)
    }

    /// The first byte of the file: its application tag (9303-10 Table 34).
    pub fn tag(self) -> u8 {
        match self.0 {
            1 => 0x61,
            2 => 0x75,
            3 => 0x63,
            4 => 0x76,
            5 => 0x65,
            6 => 0x66,
            7 => 0x67,
            8 => 0x68,
            9 => 0x69,
            10 => 0x6A,
            11 => 0x6B,
            12 => 0x6C,
            13 => 0x6D,
            14 => 0x6E,
            15 => 0x6F,
            _ => 0x70,
        }
    }
}

impl std::fmt::Display for DataGroup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DG{}", self.0)
    }
}

/// An elementary file a reader may select.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ElementaryFile {
    /// EF.ATR/INFO (MF, ISO/IEC 7816-4): the chip's extended-length information.
    AtrInfo,
    /// EF.CardAccess (MF): PACE parameters, readable without access control.
    CardAccess,
    /// EF.CardSecurity (MF): signed SecurityInfos for PACE-CAM.
    CardSecurity,
    /// EF.COM: LDS version and the list of data groups (unsigned).
    Com,
    /// EF.SOD: the document security object.
    Sod,
    /// A data group.
    Dg(DataGroup),
}

impl ElementaryFile {
    /// The file identifier.
    pub fn fid(self) -> u16 {
        match self {
            Self::AtrInfo => 0x2F01,
            Self::CardAccess => 0x011C,
            Self::CardSecurity | Self::Sod => 0x011D,
            Self::Com => 0x011E,
            Self::Dg(dg) => 0x0100 | u16::from(dg.number()),
        }
    }

    /// The short file identifier.
    pub fn sfi(self) -> u8 {
        (self.fid() & 0x1F) as u8
    }

    /// Whether the file lives in the master file rather than the eMRTD application.
    pub fn in_master_file(self) -> bool {
        matches!(self, Self::AtrInfo | Self::CardAccess | Self::CardSecurity)
    }

    /// The name used in reports (`DG1`, `EF.COM`, `EF.SOD`, …).
    pub fn name(self) -> String {
        match self {
            Self::AtrInfo => "EF.ATR/INFO".into(),
            Self::CardAccess => "EF.CardAccess".into(),
            Self::CardSecurity => "EF.CardSecurity".into(),
            Self::Com => "EF.COM".into(),
            Self::Sod => "EF.SOD".into(),
            Self::Dg(dg) => dg.to_string(),
        }
    }

    /// The file name used when writing raw files (`EF_COM.bin`, `DG1.bin`).
    pub fn file_name(self) -> String {
        format!("{}.bin", self.name().replace(['.', '/'], "_"))
    }

    /// The file a report name ([`ElementaryFile::name`]) stands for.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "EF.ATR/INFO" => Self::AtrInfo,
            "EF.CardAccess" => Self::CardAccess,
            "EF.CardSecurity" => Self::CardSecurity,
            "EF.COM" => Self::Com,
            "EF.SOD" => Self::Sod,
            dg => Self::Dg(DataGroup::new(dg.strip_prefix("DG")?.parse().ok()?)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert_eq!(ElementaryFile::Dg(DataGroup::DG1).fid(), 0x0101);
        assert_eq!(ElementaryFile::Dg(DataGroup::new(16).unwrap()).sfi(), 0x10);
        assert_eq!(ElementaryFile::Com.sfi(), 0x1E);
        assert_eq!(ElementaryFile::Sod.fid(), 0x011D);
        assert_eq!(DataGroup::from_tag(0x75), Some(DataGroup::DG2));
        assert_eq!(DataGroup::from_tag(0x77), None);
        assert_eq!(DataGroup::new(17), None);
        assert_eq!(ElementaryFile::Com.file_name(), "EF_COM.bin");
    }
}
