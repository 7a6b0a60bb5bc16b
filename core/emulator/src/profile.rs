//! Emulator profiles: a person, a document and the chip's protocols, by exact name.

use tapid_mrtd::crypto::{DomainParameters, EcGroup, EcPrivateKey, NamedCurve};
use tapid_mrtd::lds::{DataGroup, ElementaryFile};
use tapid_mrtd::mrz::{AccessKey, Can, Mrz, MrzKey};
use tapid_mrtd::pa::HashAlgorithm;
use tapid_mrtd::security_infos::{
    Agreement, Mapping, PaceInfo, PaceProtocol, PaceSetup, encode_security_infos,
};
use tapid_mrtd::symmetric::CipherAlg;

use crate::EmulatorError;
use crate::chip_keys::{self, AaKey, CaKey};
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
        cam_key: Option<EcPrivateKey>,
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

const PACE_PROFILES: [PaceDef; 13] = [
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
    def(
        "aa-ecdsa-pace",
        Gm,
        Ecdh,
        Aes128,
        13,
        "brainpoolP256r1",
        "500013",
    ),
    def(
        "pace-ca-aa",
        Gm,
        Ecdh,
        Aes128,
        13,
        "brainpoolP256r1",
        "600013",
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
    /// How the chip proves it is genuine (`CA`, `PACE-CAM`, `AA`).
    pub chip_authentication: &'static str,
    /// One line about the profile.
    pub description: String,
}

/// Every profile's summary, in a stable order.
pub fn list() -> Vec<ProfileInfo> {
    let mut out = vec![
        ProfileInfo {
            name: "bac",
            protocol: "BAC",
            parameters: "-",
            cipher: "3DES",
            can: None,
            chip_authentication: "CA",
            description: "ICAO specimen (ERIKSSON, UTO), BAC with 3DES SM, CA-ECDH-3DES on brainpoolP256r1".into(),
        },
        ProfileInfo {
            name: "aa-rsa-bac",
            protocol: "BAC",
            parameters: "-",
            cipher: "3DES",
            can: None,
            chip_authentication: "AA",
            description: "ICAO specimen, BAC with 3DES SM, Active Authentication with RSA-1024 (ISO 9796-2, SHA-256)"
                .into(),
        },
    ];
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
        chip_authentication: chip_authentication_of(d),
        description: format!(
            "ICAO specimen, PACE {:?}-{:?} on {} with {}, MRZ or CAN {}, chip authentication {}",
            d.agreement,
            d.mapping,
            d.parameters,
            d.cipher,
            d.can,
            chip_authentication_of(d)
        )
        .to_uppercase(),
    }
    }));
    out
}

fn chip_authentication_of(d: &PaceDef) -> &'static str {
    match (d.mapping, d.name) {
        (Cam, _) => "PACE-CAM",
        (_, "aa-ecdsa-pace") => "AA",
        (_, "pace-ca-aa") => "CA+AA",
        _ => "CA",
    }
}

/// A profile ready to be served.
#[derive(Debug, Clone)]
pub struct Profile {
    /// Exact name.
    pub name: String,
    /// The MRZ printed on the document.
    pub mrz: String,
    /// Access control.
    pub access: AccessConfig,
    /// Chip Authentication key (its public key is in DG14).
    pub ca: Option<CaKey>,
    /// Active Authentication key (its public key is in DG15).
    pub aa: Option<AaKey>,
    /// The chip's files.
    pub files: FileSystem,
}

impl Profile {
    /// Builds the named profile, signing its EF.SOD (and EF.CardSecurity) with the test PKI.
    pub fn named(name: &str) -> Result<Self, EmulatorError> {
        match name {
            "bac" => {
                let domain = DomainParameters::from_standardized_id(13)?;
                let ca = CaKey::generate(chip_keys::ca_protocol(&domain, Tdes), domain, b"bac ca")?;
                specimen("bac", AccessConfig::Bac, Some(ca), None, Vec::new())
            }
            "aa-rsa-bac" => {
                let aa = AaKey::rsa(1024, HashAlgorithm::Sha256, b"aa-rsa-bac aa")?;
                specimen("aa-rsa-bac", AccessConfig::Bac, None, Some(aa), Vec::new())
            }
            _ => {
                let def = PACE_PROFILES
                    .iter()
                    .find(|d| d.name == name)
                    .ok_or_else(|| EmulatorError::UnknownProfile(name.to_owned()))?;
                pace_profile(def)
            }
        }
    }

    /// The MRZ-derived access key a user would type for this document.
    pub fn mrz_key(&self) -> Result<MrzKey, EmulatorError> {
        Ok(Mrz::parse(&self.mrz)?.access_key()?)
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
    let pace_info = PaceInfo {
        protocol,
        version: 2,
        parameter_id: Some(def.parameter_id),
    }
    .to_der();
    let mut mf = vec![(
        ElementaryFile::CardAccess,
        encode_security_infos(std::slice::from_ref(&pace_info)),
    )];
    let domain = setup.domain.clone();
    let seed = format!("{} ca", def.name);
    let (ca, aa, cam_key) = match (def.mapping, def.name) {
        (Cam, _) => {
            // The CAM key doubles as the DG14 CA key, as on German passports.
            let ca = CaKey::generate(
                chip_keys::ca_protocol(&domain, def.cipher),
                domain.clone(),
                seed.as_bytes(),
            )?;
            let mut infos = vec![pace_info];
            infos.extend(ca.security_infos()?);
            let ds = DocumentSigner::for_issuing_state("UTO")?;
            mf.push((
                ElementaryFile::CardSecurity,
                pki::sign_card_security(&ds, &encode_security_infos(&infos))?,
            ));
            let key = EcGroup::new(match &domain {
                DomainParameters::Ec(c) => c,
                DomainParameters::Dh(_) => {
                    return Err(EmulatorError::UnknownProfile(def.name.to_owned()));
                }
            })?
            .private_key_from_bytes(&ca.private)?;
            (Some(ca), None, Some(key))
        }
        (_, "aa-ecdsa-pace") => {
            let aa = AaKey::ecdsa(NamedCurve::P256, HashAlgorithm::Sha256, seed.as_bytes())?;
            (None, Some(aa), None)
        }
        (_, "pace-ca-aa") => {
            // Every clone-detection mechanism on one chip: CA in DG14 and RSA AA in DG15.
            let protocol = chip_keys::ca_protocol(&domain, def.cipher);
            let ca = CaKey::generate(protocol, domain, seed.as_bytes())?;
            let aa = AaKey::rsa(1024, HashAlgorithm::Sha256, b"pace-ca-aa aa")?;
            (Some(ca), Some(aa), None)
        }
        _ => {
            let ca = CaKey::generate(
                chip_keys::ca_protocol(&domain, def.cipher),
                domain,
                seed.as_bytes(),
            )?;
            (Some(ca), None, None)
        }
    };
    let access = AccessConfig::Pace {
        setups: vec![setup],
        can: def.can.to_owned(),
        cam_key,
    };
    specimen(def.name, access, ca, aa, mf)
}

fn specimen(
    name: &str,
    access: AccessConfig,
    ca: Option<CaKey>,
    aa: Option<AaKey>,
    master_files: Vec<(ElementaryFile, Vec<u8>)>,
) -> Result<Profile, EmulatorError> {
    let mut groups: Vec<(u8, Vec<u8>)> = vec![
        (1, lds_builder::dg1(SPECIMEN_TD3)),
        (
            2,
            lds_builder::dg2(SPECIMEN_FACE_JPEG, FaceImageType::Jpeg, 240, 320),
        ),
        (
            11,
            lds_builder::dg11(
                "ERIKSSON<<ANNA<MARIA",
                "19740812",
                "ZENITH<UTOPIA",
                "1<MAIN<STREET<ZENITH<UTOPIA",
            ),
        ),
        (12, lds_builder::dg12("UTOPIA<PASSPORT<OFFICE", "20020416")),
    ];
    let mut dg14_infos = Vec::new();
    if let Some(ca) = &ca {
        dg14_infos.extend(ca.security_infos()?);
    }
    if let Some(info) = aa.as_ref().and_then(AaKey::security_info) {
        dg14_infos.push(info);
    }
    if !dg14_infos.is_empty() {
        groups.push((14, chip_keys::dg14(&dg14_infos)));
    }
    if let Some(aa) = &aa {
        groups.push((15, aa.dg15()?));
    }
    let ds = DocumentSigner::for_issuing_state("UTO")?;
    let refs: Vec<(u8, &[u8])> = groups.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    let sod = pki::sign_sod(&ds, &refs)?;
    let mut files = FileSystem::default();
    for (ef, bytes) in master_files {
        files.insert(ef, bytes);
    }
    let numbers: Vec<u8> = groups.iter().map(|(n, _)| *n).collect();
    files.insert(ElementaryFile::Com, lds_builder::ef_com(&numbers));
    for (n, bytes) in groups {
        if let Some(dg) = DataGroup::new(n) {
            files.insert(ElementaryFile::Dg(dg), bytes);
        }
    }
    files.insert(ElementaryFile::Sod, sod);
    Ok(Profile {
        name: name.to_owned(),
        mrz: SPECIMEN_TD3.to_owned(),
        access,
        ca,
        aa,
        files,
    })
}
