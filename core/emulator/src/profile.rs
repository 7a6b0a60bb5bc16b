//! Emulator profiles: a person, a document and the chip's protocols, by exact name.

use tapid_mrtd::crypto::{DomainParameters, EcKeyPair};
use tapid_mrtd::lds::{DataGroup, ElementaryFile};
use tapid_mrtd::mrz::{AccessKey, Can, Mrz, MrzKey};
use tapid_mrtd::security_infos::{Agreement, Mapping, PaceProtocol, PaceSetup};
use tapid_mrtd::symmetric::CipherAlg;

use crate::EmulatorError;
use crate::files::FileSystem;
use crate::lds_builder::{self, FaceImageType};
use crate::pki::drbg::SeededRng;
use crate::pki::{self, DocumentSigner};
use crate::security_objects as so;

/// The synthetic specimen portrait (JPEG, 240×320), made for the fixtures by
/// `examples/gen_face.rs`.
pub const SPECIMEN_FACE_JPEG: &[u8] = include_bytes!("../../../fixtures/faces/specimen.jpg");

/// The ICAO 9303-4 specimen: ANNA MARIA ERIKSSON of Utopia.
pub const SPECIMEN_TD3: &str =
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";

/// How the chip lets a terminal in.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum AccessConfig {
    /// Basic Access Control only (no EF.CardAccess).
    Bac,
    /// PACE as offered in EF.CardAccess, with the MRZ or the CAN.
    Pace {
        /// The variants offered.
        setups: Vec<PaceSetup>,
        /// The card access number.
        can: String,
        /// PACE-CAM: the static chip key proven in the mapping (its public key is in
        /// EF.CardSecurity).
        cam_key: Option<EcKeyPair>,
    },
}

/// One PACE profile of the table below.
struct PaceDef {
    name: &'static str,
    mapping: Mapping,
    agreement: Agreement,
    cipher: CipherAlg,
    parameter_id: u64,
    parameters: &'static str,
    can: &'static str,
}

const fn def(
    name: &'static str,
    mapping: Mapping,
    agreement: Agreement,
    cipher: CipherAlg,
    parameter_id: u64,
    parameters: &'static str,
    can: &'static str,
) -> PaceDef {
    PaceDef {
        name,
        mapping,
        agreement,
        cipher,
        parameter_id,
        parameters,
        can,
    }
}

use Agreement::{Dh, Ecdh};
use CipherAlg::{Aes128, Aes256, Tdes};
use Mapping::{Cam, Gm, Im};

const PACE_PROFILES: [PaceDef; 11] = [
    def(
        "pace-gm-bp256-aes128",
        Gm,
        Ecdh,
        Aes128,
        13,
        "brainpoolP256r1",
        "100013",
    ),
    def(
        "pace-gm-p256-aes256",
        Gm,
        Ecdh,
        Aes256,
        12,
        "P-256",
        "100012",
    ),
    def(
        "pace-gm-bp256-3des",
        Gm,
        Ecdh,
        Tdes,
        13,
        "brainpoolP256r1",
        "200013",
    ),
    def(
        "pace-gm-dh1024-aes128",
        Gm,
        Dh,
        Aes128,
        0,
        "DH-1024-160",
        "100000",
    ),
    def(
        "pace-gm-p521-aes256",
        Gm,
        Ecdh,
        Aes256,
        18,
        "P-521",
        "100018",
    ),
    def(
        "pace-gm-bp320-aes256",
        Gm,
        Ecdh,
        Aes256,
        14,
        "brainpoolP320r1",
        "100014",
    ),
    def(
        "pace-gm-bp384-aes256",
        Gm,
        Ecdh,
        Aes256,
        16,
        "brainpoolP384r1",
        "100016",
    ),
    def(
        "pace-gm-bp512-aes256",
        Gm,
        Ecdh,
        Aes256,
        17,
        "brainpoolP512r1",
        "100017",
    ),
    def(
        "pace-im-bp256-aes128",
        Im,
        Ecdh,
        Aes128,
        13,
        "brainpoolP256r1",
        "300013",
    ),
    def(
        "pace-im-dh1024-aes128",
        Im,
        Dh,
        Aes128,
        0,
        "DH-1024-160",
        "300000",
    ),
    def(
        "pace-cam-bp256-aes128",
        Cam,
        Ecdh,
        Aes128,
        13,
        "brainpoolP256r1",
        "400013",
    ),
];

/// What `--list-profiles` shows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ProfileInfo {
    /// Exact profile name.
    pub name: &'static str,
    /// Access protocol (`BAC`, `PACE-GM`, `PACE-IM`, `PACE-CAM`).
    pub protocol: &'static str,
    /// Curve or group (PACE), `-` for BAC.
    pub parameters: &'static str,
    /// Secure messaging cipher.
    pub cipher: &'static str,
    /// The card access number, when the chip accepts one.
    pub can: Option<&'static str>,
    /// One line about the profile.
    pub description: String,
}

/// Every profile's summary, in a stable order.
pub fn list() -> Vec<ProfileInfo> {
    let mut out = vec![ProfileInfo {
        name: "bac",
        protocol: "BAC",
        parameters: "-",
        cipher: "3DES",
        can: None,
        description:
            "ICAO specimen (ERIKSSON, UTO), BAC with 3DES secure messaging, DG1 + JPEG DG2".into(),
    }];
    out.extend(PACE_PROFILES.iter().map(|d| {
        ProfileInfo {
            name: d.name,
            protocol: match d.mapping {
                Gm => "PACE-GM",
                Im => "PACE-IM",
                _ => "PACE-CAM",
            },
            parameters: d.parameters,
            cipher: d.cipher.name(),
            can: Some(d.can),
            description: format!(
                "ICAO specimen (ERIKSSON, UTO), PACE {:?}-{:?} on {} with {}, MRZ or CAN {}",
                d.agreement, d.mapping, d.parameters, d.cipher, d.can
            )
            .to_uppercase(),
        }
    }));
    out
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
    /// Builds the named profile, signing its EF.SOD (and EF.CardSecurity) with the test PKI.
    pub fn named(name: &str) -> Result<Self, EmulatorError> {
        if name == "bac" {
            return specimen("bac", AccessConfig::Bac, Vec::new());
        }
        let def = PACE_PROFILES
            .iter()
            .find(|d| d.name == name)
            .ok_or_else(|| EmulatorError::UnknownProfile(name.to_owned()))?;
        pace_profile(def)
    }

    /// The MRZ-derived access key a user would type for this document.
    pub fn mrz_key(&self) -> Result<MrzKey, EmulatorError> {
        Ok(Mrz::parse(self.mrz)?.access_key()?)
    }

    /// The card access number, for PACE profiles.
    pub fn can(&self) -> Option<&str> {
        match &self.access {
            AccessConfig::Pace { can, .. } => Some(can),
            AccessConfig::Bac => None,
        }
    }

    /// Every password the chip accepts.
    pub fn passwords(&self) -> Result<Vec<AccessKey>, EmulatorError> {
        let mut keys = vec![AccessKey::Mrz(self.mrz_key()?)];
        if let Some(can) = self.can() {
            keys.push(AccessKey::Can(Can::new(can)?));
        }
        Ok(keys)
    }
}

fn pace_profile(def: &PaceDef) -> Result<Profile, EmulatorError> {
    let protocol = PaceProtocol::new(def.mapping, def.agreement, def.cipher)
        .ok_or_else(|| EmulatorError::UnknownProfile(def.name.to_owned()))?;
    let setup = PaceSetup::standardized(protocol, def.parameter_id)?;
    let mut mf = vec![(
        ElementaryFile::CardAccess,
        so::security_infos(&[so::pace_info(protocol, def.parameter_id)]),
    )];
    let mut cam_key = None;
    if def.mapping == Cam {
        let DomainParameters::Ec(curve) = &setup.domain else {
            return Err(EmulatorError::UnknownProfile(def.name.to_owned()));
        };
        let group = tapid_mrtd::crypto::EcGroup::new(curve)?;
        let key = group.generate_keypair(&mut SeededRng::new(def.name.as_bytes()))?;
        let infos = so::security_infos(&[
            so::pace_info(protocol, def.parameter_id),
            so::chip_authentication_info(2, 1),
            so::chip_authentication_public_key_info(
                def.parameter_id,
                &group.encode_point(&key.public),
                1,
            ),
        ]);
        let ds = DocumentSigner::for_issuing_state("UTO")?;
        mf.push((
            ElementaryFile::CardSecurity,
            pki::sign_card_security(&ds, &infos)?,
        ));
        cam_key = Some(key);
    }
    let access = AccessConfig::Pace {
        setups: vec![setup],
        can: def.can.to_owned(),
        cam_key,
    };
    specimen(def.name, access, mf)
}

fn specimen(
    name: &'static str,
    access: AccessConfig,
    master_files: Vec<(ElementaryFile, Vec<u8>)>,
) -> Result<Profile, EmulatorError> {
    let dg1 = lds_builder::dg1(SPECIMEN_TD3);
    let dg2 = lds_builder::dg2(SPECIMEN_FACE_JPEG, FaceImageType::Jpeg, 240, 320);
    let ds = DocumentSigner::for_issuing_state("UTO")?;
    let sod = pki::sign_sod(&ds, &[(1, &dg1), (2, &dg2)])?;
    let mut files = FileSystem::default();
    for (ef, bytes) in master_files {
        files.insert(ef, bytes);
    }
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
