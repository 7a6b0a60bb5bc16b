//! Emulator profiles: a person, a document and the chip's protocols, by exact name.

use tapid_mrtd::lds::{DataGroup, ElementaryFile};
use tapid_mrtd::mrz::{Mrz, MrzKey};

use crate::EmulatorError;
use crate::files::FileSystem;
use crate::lds_builder::{self, FaceImageType};
use crate::pki::{self, DocumentSigner};

/// The synthetic specimen portrait (JPEG, 240×320), made for the fixtures by
/// `examples/gen_face.rs`.
pub const SPECIMEN_FACE_JPEG: &[u8] = include_bytes!("../../../fixtures/faces/specimen.jpg");

/// The ICAO 9303-4 specimen: ANNA MARIA ERIKSSON of Utopia.
pub const SPECIMEN_TD3: &str =
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";

/// How the chip lets a terminal in.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AccessConfig {
    /// Basic Access Control only (no EF.CardAccess).
    Bac,
}

/// What `--list-profiles` shows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ProfileInfo {
    /// Exact profile name.
    pub name: &'static str,
    /// Access protocol.
    pub protocol: &'static str,
    /// Curve or group (PACE), `-` for BAC.
    pub parameters: &'static str,
    /// Secure messaging cipher.
    pub cipher: &'static str,
    /// The card access number, when the chip accepts one.
    pub can: Option<&'static str>,
    /// One line about the profile.
    pub description: &'static str,
}

/// Every profile's summary, in a stable order.
pub fn list() -> Vec<ProfileInfo> {
    vec![ProfileInfo {
        name: "bac",
        protocol: "BAC",
        parameters: "-",
        cipher: "3DES",
        can: None,
        description: "ICAO specimen (ERIKSSON, UTO), BAC with 3DES secure messaging, DG1 + JPEG DG2",
    }]
}

/// A profile ready to be served.
#[derive(Debug, Clone)]
pub struct Profile {
    /// Exact name.
    pub name: &'static str,
    /// The MRZ printed on the document.
    pub mrz: &'static str,
    /// Access control.
    pub access: AccessConfig,
    /// The chip's files.
    pub files: FileSystem,
}

impl Profile {
    /// Builds the named profile, signing its EF.SOD with the test PKI.
    pub fn named(name: &str) -> Result<Self, EmulatorError> {
        match name {
            "bac" => specimen("bac", AccessConfig::Bac),
            other => Err(EmulatorError::UnknownProfile(other.to_owned())),
        }
    }

    /// The MRZ-derived access key a user would type for this document.
    pub fn mrz_key(&self) -> Result<MrzKey, EmulatorError> {
        Ok(Mrz::parse(self.mrz)?.access_key()?)
    }
}

fn specimen(name: &'static str, access: AccessConfig) -> Result<Profile, EmulatorError> {
    let dg1 = lds_builder::dg1(SPECIMEN_TD3);
    let dg2 = lds_builder::dg2(SPECIMEN_FACE_JPEG, FaceImageType::Jpeg, 240, 320);
    let ds = DocumentSigner::for_issuing_state("UTO")?;
    let sod = pki::sign_sod(&ds, &[(1, &dg1), (2, &dg2)])?;
    let mut files = FileSystem::default();
    files.insert(ElementaryFile::Com, lds_builder::ef_com(&[1, 2]));
    files.insert(ElementaryFile::Dg(DataGroup::DG1), dg1);
    files.insert(ElementaryFile::Dg(DataGroup::DG2), dg2);
    files.insert(ElementaryFile::Sod, sod);
    Ok(Profile {
        name,
        mrz: SPECIMEN_TD3,
        access,
        files,
    })
}
