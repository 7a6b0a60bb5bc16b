//! Emulator profiles: a person, a document and the chip's protocols, by exact name.
//!
//! The ICAO specimen profiles (ANNA MARIA ERIKSSON of Utopia) expired in 2012: they are the
//! expired case. The Swedish profiles (`se-*`) are valid until 2031 and signed by the Swedish
//! test Document Signer. Every PACE profile's DG14 repeats the PACEInfos of EF.CardAccess
//! (9303-11 §9.2.11); Chip Authentication keys carry explicit domain parameters, except on
//! [`STANDARDIZED_CA_KEY_PROFILE`].

use tapid_card::tlv::Tag;
use tapid_mrtd::crypto::{DomainParameters, EcGroup, EcPrivateKey, NamedCurve};
use tapid_mrtd::lds::{DataGroup, ElementaryFile};
use tapid_mrtd::mrz::{AccessKey, Can, Mrz, MrzKey};
use tapid_mrtd::pa::HashAlgorithm;
use tapid_mrtd::security_infos::{
    Agreement, DomainParameterForm, Mapping, PaceInfo, PaceProtocol, PaceSetup,
    encode_security_infos,
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

/// A Swedish passport (TD3): ÅSA MÄRTA ÖBERG, born 1985-03-14, personal number
/// 19850314-2385 in the optional data of line 2, valid until 2031-03-02. The MRZ spells the
/// name as 9303-3 transliterates it (Å → AA, Ä → AE, Ö → OE).
pub const SWEDISH_PASSPORT_TD3: &str =
    "P<SWEOEBERG<<AASA<MAERTA<<<<<<<<<<<<<<<<<<<<\n90000017<1SWE8503149F3103027198503142385<<10";

/// A Swedish national identity card (TD1) of the same holder: the 12-digit personal number
/// in the optional data of line 1, valid until 2031-03-02.
pub const SWEDISH_ID_TD1: &str = "I<SWE80000024<2198503142385<<<\n8503149F3103027SWE<<<<<<<<<<<3\nOEBERG<<AASA<MAERTA<<<<<<<<<<<";

/// The Swedish personal number of the `se-*` profiles (Luhn-valid, born 1985).
pub const SWEDISH_PERSONAL_NUMBER: &str = "198503142385";

/// The one profile whose DG14 names the CA key's domain parameters by
/// `standardizedDomainParameters` (BSI TR-03110-3 allows it; JMRTD and gmrtd cannot run CA on
/// it). Every other profile spells the parameters out.
pub const STANDARDIZED_CA_KEY_PROFILE: &str = "pace-gm-bp256-3des";

/// 2026-03-02T09:00:00Z: when the Swedish documents were issued and their EF.SOD signed.
const SWEDISH_ISSUE_TIME: i64 = 1_772_442_000;

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

/// The person and the document the files describe.
struct Holder {
    mrz: &'static str,
    /// DG11 fields in file order.
    dg11: &'static [(Tag, &'static str)],
    issuing_authority: &'static str,
    date_of_issue: &'static str,
    /// Whose Document Signer signs EF.SOD.
    issuing_state: &'static str,
    /// The signingTime of EF.SOD, when not the signer's default.
    signing_time: Option<i64>,
    /// A few words for the profile list.
    summary: &'static str,
}

const SPECIMEN: Holder = Holder {
    mrz: SPECIMEN_TD3,
    dg11: &[
        (Tag(0x5F0E), "ERIKSSON<<ANNA<MARIA"),
        (Tag(0x5F2B), "19740812"),
        (Tag(0x5F11), "ZENITH<UTOPIA"),
        (Tag(0x5F42), "1<MAIN<STREET<ZENITH<UTOPIA"),
    ],
    issuing_authority: "UTOPIA<PASSPORT<OFFICE",
    date_of_issue: "20020416",
    issuing_state: "UTO",
    signing_time: None,
    summary: "ICAO specimen (ERIKSSON, UTO, expired 2012)",
};

const SE_DG11: &[(Tag, &str)] = &[
    (Tag(0x5F0E), "ÖBERG<<ÅSA<MÄRTA"),
    (Tag(0x5F10), SWEDISH_PERSONAL_NUMBER),
    (Tag(0x5F2B), "19850314"),
    (Tag(0x5F11), "VÄSTERÅS"),
];

const SE_PASSPORT: Holder = Holder {
    mrz: SWEDISH_PASSPORT_TD3,
    dg11: SE_DG11,
    issuing_authority: "POLISMYNDIGHETEN",
    date_of_issue: "20260302",
    issuing_state: "SWE",
    signing_time: Some(SWEDISH_ISSUE_TIME),
    summary: "Swedish passport (ÖBERG, SWE, valid to 2031-03-02)",
};

const SE_ID: Holder = Holder {
    mrz: SWEDISH_ID_TD1,
    dg11: SE_DG11,
    issuing_authority: "POLISMYNDIGHETEN",
    date_of_issue: "20260302",
    issuing_state: "SWE",
    signing_time: Some(SWEDISH_ISSUE_TIME),
    summary: "Swedish national identity card, TD1 (ÖBERG, SWE, valid to 2031-03-02)",
};

/// How the chip is opened.
#[derive(Clone, Copy)]
enum Access {
    Bac,
    Pace {
        mapping: Mapping,
        agreement: Agreement,
        cipher: CipherAlg,
        parameter_id: u64,
        parameters: &'static str,
        can: &'static str,
    },
}

/// The Chip Authentication key of DG14 (for PACE-CAM also the mapping key).
#[derive(Clone, Copy)]
enum CaDef {
    None,
    /// CA with this cipher on these domain parameters (PACE profiles: the PACE ones).
    Key {
        cipher: CipherAlg,
        parameter_id: u64,
    },
}

/// The Active Authentication key of DG15.
#[derive(Clone, Copy)]
enum AaDef {
    None,
    Rsa1024(&'static [u8]),
    EcdsaP256(&'static [u8]),
}

/// One row of the profile table.
struct Def {
    name: &'static str,
    access: Access,
    holder: &'static Holder,
    ca: CaDef,
    /// The seed of the CA key (kept per profile so keys stay stable).
    ca_seed: &'static [u8],
    aa: AaDef,
    /// Whether the chip has EF.CardSecurity (always with PACE-CAM).
    card_security: bool,
}

use Agreement::{Dh, Ecdh};
use CipherAlg::{Aes128, Aes256, Tdes};
use Mapping::{Cam, Gm, Im};

/// `Access::Pace` for the table below, one row per line. It repeats the variant's fields on
/// purpose: a positional constructor keeps the twenty-row table readable, where the variant
/// keeps its names for the code that matches on it.
const fn pace(
    mapping: Mapping,
    agreement: Agreement,
    cipher: CipherAlg,
    parameter_id: u64,
    parameters: &'static str,
    can: &'static str,
) -> Access {
    Access::Pace {
        mapping,
        agreement,
        cipher,
        parameter_id,
        parameters,
        can,
    }
}

/// A specimen PACE profile with CA on the PACE parameters and cipher.
const fn specimen_pace(
    name: &'static str,
    access: Access,
    ca_seed: &'static [u8],
    card_security: bool,
) -> Def {
    let (cipher, parameter_id) = match access {
        Access::Pace {
            cipher,
            parameter_id,
            ..
        } => (cipher, parameter_id),
        Access::Bac => (Tdes, 13),
    };
    Def {
        name,
        access,
        holder: &SPECIMEN,
        ca: CaDef::Key {
            cipher,
            parameter_id,
        },
        ca_seed,
        aa: AaDef::None,
        card_security,
    }
}

const DEFS: [Def; 20] = [
    Def {
        name: "bac",
        access: Access::Bac,
        holder: &SPECIMEN,
        ca: CaDef::Key {
            cipher: Tdes,
            parameter_id: 13,
        },
        ca_seed: b"bac ca",
        aa: AaDef::None,
        card_security: false,
    },
    Def {
        name: "aa-rsa-bac",
        access: Access::Bac,
        holder: &SPECIMEN,
        ca: CaDef::None,
        ca_seed: b"",
        aa: AaDef::Rsa1024(b"aa-rsa-bac aa"),
        card_security: false,
    },
    specimen_pace(
        "pace-gm-bp256-aes128",
        pace(Gm, Ecdh, Aes128, 13, "brainpoolP256r1", "100013"),
        b"pace-gm-bp256-aes128 ca",
        false,
    ),
    specimen_pace(
        "pace-gm-p256-aes256",
        pace(Gm, Ecdh, Aes256, 12, "P-256", "100012"),
        b"pace-gm-p256-aes256 ca",
        true,
    ),
    specimen_pace(
        "pace-gm-bp256-3des",
        pace(Gm, Ecdh, Tdes, 13, "brainpoolP256r1", "200013"),
        b"pace-gm-bp256-3des ca",
        false,
    ),
    specimen_pace(
        "pace-gm-dh1024-aes128",
        pace(Gm, Dh, Aes128, 0, "DH-1024-160", "100000"),
        b"pace-gm-dh1024-aes128 ca",
        false,
    ),
    // DH-2048 (RFC 5114 §2.3): the 256-byte public keys do not fit a short APDU, so PACE's
    // GENERAL AUTHENTICATE steps and Chip Authentication with the DH-2048 DG14 key need
    // extended length.
    specimen_pace(
        "pace-gm-dh2048",
        pace(Gm, Dh, Aes128, 2, "DH-2048-256", "100002"),
        b"pace-gm-dh2048 ca",
        false,
    ),
    specimen_pace(
        "pace-gm-p521-aes256",
        pace(Gm, Ecdh, Aes256, 18, "P-521", "100018"),
        b"pace-gm-p521-aes256 ca",
        false,
    ),
    specimen_pace(
        "pace-gm-bp320-aes256",
        pace(Gm, Ecdh, Aes256, 14, "brainpoolP320r1", "100014"),
        b"pace-gm-bp320-aes256 ca",
        false,
    ),
    specimen_pace(
        "pace-gm-bp384-aes256",
        pace(Gm, Ecdh, Aes256, 16, "brainpoolP384r1", "100016"),
        b"pace-gm-bp384-aes256 ca",
        false,
    ),
    specimen_pace(
        "pace-gm-bp512-aes256",
        pace(Gm, Ecdh, Aes256, 17, "brainpoolP512r1", "100017"),
        b"pace-gm-bp512-aes256 ca",
        false,
    ),
    specimen_pace(
        "pace-im-bp256-aes128",
        pace(Im, Ecdh, Aes128, 13, "brainpoolP256r1", "300013"),
        b"pace-im-bp256-aes128 ca",
        true,
    ),
    specimen_pace(
        "pace-im-dh1024-aes128",
        pace(Im, Dh, Aes128, 0, "DH-1024-160", "300000"),
        b"pace-im-dh1024-aes128 ca",
        false,
    ),
    specimen_pace(
        "pace-cam-bp256-aes128",
        pace(Cam, Ecdh, Aes128, 13, "brainpoolP256r1", "400013"),
        b"pace-cam-bp256-aes128 ca",
        true,
    ),
    Def {
        name: "aa-ecdsa-pace",
        access: pace(Gm, Ecdh, Aes128, 13, "brainpoolP256r1", "500013"),
        holder: &SPECIMEN,
        ca: CaDef::None,
        ca_seed: b"",
        aa: AaDef::EcdsaP256(b"aa-ecdsa-pace ca"),
        card_security: false,
    },
    Def {
        name: "pace-ca-aa",
        access: pace(Gm, Ecdh, Aes128, 13, "brainpoolP256r1", "600013"),
        holder: &SPECIMEN,
        ca: CaDef::Key {
            cipher: Aes128,
            parameter_id: 13,
        },
        ca_seed: b"pace-ca-aa ca",
        aa: AaDef::Rsa1024(b"pace-ca-aa aa"),
        card_security: false,
    },
    Def {
        name: "se-passport-pace",
        access: pace(Gm, Ecdh, Aes128, 13, "brainpoolP256r1", "314159"),
        holder: &SE_PASSPORT,
        ca: CaDef::Key {
            cipher: Aes128,
            parameter_id: 13,
        },
        ca_seed: b"se-passport-pace ca",
        aa: AaDef::EcdsaP256(b"se-passport-pace aa"),
        card_security: true,
    },
    Def {
        name: "se-passport-bac",
        access: Access::Bac,
        holder: &SE_PASSPORT,
        ca: CaDef::Key {
            cipher: Aes128,
            parameter_id: 13,
        },
        ca_seed: b"se-passport-bac ca",
        aa: AaDef::EcdsaP256(b"se-passport-bac aa"),
        card_security: false,
    },
    Def {
        name: "se-id-pace",
        access: pace(Gm, Ecdh, Aes128, 12, "P-256", "161803"),
        holder: &SE_ID,
        ca: CaDef::Key {
            cipher: Aes128,
            parameter_id: 12,
        },
        ca_seed: b"se-id-pace ca",
        aa: AaDef::None,
        card_security: true,
    },
    Def {
        name: "se-id-bac",
        access: Access::Bac,
        holder: &SE_ID,
        ca: CaDef::Key {
            cipher: Tdes,
            parameter_id: 13,
        },
        ca_seed: b"se-id-bac ca",
        aa: AaDef::None,
        card_security: false,
    },
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
    /// How the chip proves it is genuine (`CA`, `PACE-CAM`, `AA`, `CA+AA`).
    pub chip_authentication: &'static str,
    /// One line about the profile.
    pub description: String,
}

fn chip_authentication_of(d: &Def) -> &'static str {
    match (d.access, d.ca, d.aa) {
        (Access::Pace { mapping: Cam, .. }, _, _) => "PACE-CAM",
        (_, CaDef::Key { .. }, AaDef::None) => "CA",
        (_, CaDef::Key { .. }, _) => "CA+AA",
        (_, CaDef::None, AaDef::None) => "none",
        (_, CaDef::None, _) => "AA",
    }
}

fn info_of(d: &Def) -> ProfileInfo {
    let chip_authentication = chip_authentication_of(d);
    let ca = match d.ca {
        CaDef::Key {
            cipher,
            parameter_id,
        } => {
            let form = if d.name == STANDARDIZED_CA_KEY_PROFILE {
                "standardized"
            } else {
                "explicit"
            };
            let agreement = if parameter_id <= 2 { "DH" } else { "ECDH" };
            format!(", CA-{agreement} with {cipher} ({form} domain parameters)")
        }
        CaDef::None => String::new(),
    };
    let aa = match d.aa {
        AaDef::None => "",
        AaDef::Rsa1024(_) => ", AA with RSA-1024 (ISO 9796-2, SHA-256)",
        AaDef::EcdsaP256(_) => ", AA with ECDSA P-256 (SHA-256)",
    };
    let security = if d.card_security && !matches!(d.access, Access::Pace { mapping: Cam, .. }) {
        ", EF.CardSecurity"
    } else {
        ""
    };
    match d.access {
        Access::Bac => ProfileInfo {
            name: d.name,
            protocol: "BAC",
            parameters: "-",
            cipher: "3DES",
            can: None,
            chip_authentication,
            description: format!("{}, BAC with 3DES SM{ca}{aa}", d.holder.summary),
        },
        Access::Pace {
            mapping,
            agreement,
            cipher,
            parameters,
            can,
            ..
        } => {
            let (protocol, map) = match mapping {
                Gm => ("PACE-GM", "GM"),
                Im => ("PACE-IM", "IM"),
                _ => ("PACE-CAM", "CAM"),
            };
            let agreement = match agreement {
                Dh => "DH",
                _ => "ECDH",
            };
            ProfileInfo {
                name: d.name,
                protocol,
                parameters,
                cipher: cipher.name(),
                can: Some(can),
                chip_authentication,
                description: format!(
                    "{}, PACE {agreement}-{map} on {parameters} with {cipher}, MRZ or CAN {can}{ca}{aa}{security}",
                    d.holder.summary
                ),
            }
        }
    }
}

/// Every profile's summary, in a stable order (what `--list-profiles` shows).
pub fn list() -> Vec<ProfileInfo> {
    DEFS.iter().map(info_of).collect()
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
        let def = DEFS
            .iter()
            .find(|d| d.name == name)
            .ok_or_else(|| EmulatorError::UnknownProfile(name.to_owned()))?;
        build(def)
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

fn build(def: &Def) -> Result<Profile, EmulatorError> {
    let unknown = || EmulatorError::UnknownProfile(def.name.to_owned());
    let ca = match def.ca {
        CaDef::Key {
            cipher,
            parameter_id,
        } => {
            let domain = DomainParameters::from_standardized_id(parameter_id)?;
            let form = if def.name == STANDARDIZED_CA_KEY_PROFILE {
                DomainParameterForm::Standardized
            } else {
                DomainParameterForm::Explicit
            };
            let protocol = chip_keys::ca_protocol(&domain, cipher);
            Some(CaKey::generate(protocol, domain, def.ca_seed)?.with_form(form))
        }
        CaDef::None => None,
    };
    let aa = match def.aa {
        AaDef::None => None,
        AaDef::Rsa1024(seed) => Some(AaKey::rsa(1024, HashAlgorithm::Sha256, seed)?),
        AaDef::EcdsaP256(seed) => {
            Some(AaKey::ecdsa(NamedCurve::P256, HashAlgorithm::Sha256, seed)?)
        }
    };
    let ds = match def.holder.signing_time {
        Some(t) => {
            DocumentSigner::for_issuing_state(def.holder.issuing_state)?.with_signing_time(t)
        }
        None => DocumentSigner::for_issuing_state(def.holder.issuing_state)?,
    };
    let mut master_files = Vec::new();
    let mut pace_infos = Vec::new();
    let access = match def.access {
        Access::Bac => AccessConfig::Bac,
        Access::Pace {
            mapping,
            agreement,
            cipher,
            parameter_id,
            can,
            ..
        } => {
            let protocol = PaceProtocol::new(mapping, agreement, cipher).ok_or_else(unknown)?;
            let setup = PaceSetup::standardized(protocol, parameter_id)?;
            pace_infos.push(
                PaceInfo {
                    protocol,
                    version: 2,
                    parameter_id: Some(parameter_id),
                }
                .to_der(),
            );
            master_files.push((
                ElementaryFile::CardAccess,
                encode_security_infos(&pace_infos),
            ));
            let cam_key = match (mapping, &ca, &setup.domain) {
                // The CAM key doubles as the DG14 CA key, as on German passports.
                (Cam, Some(ca), DomainParameters::Ec(curve)) => {
                    Some(EcGroup::new(curve)?.private_key_from_bytes(&ca.private)?)
                }
                (Cam, _, _) => return Err(unknown()),
                _ => None,
            };
            AccessConfig::Pace {
                setups: vec![setup],
                can: can.to_owned(),
                cam_key,
            }
        }
    };
    // DG14 (and EF.CardSecurity) repeat the PACEInfos: they are the signed copy a reader
    // checks the unsigned EF.CardAccess against.
    let mut chip_infos = pace_infos.clone();
    if let Some(ca) = &ca {
        chip_infos.extend(ca.security_infos()?);
    }
    if def.card_security {
        master_files.push((
            ElementaryFile::CardSecurity,
            pki::sign_card_security(&ds, &encode_security_infos(&chip_infos))?,
        ));
    }
    let mut dg14_infos = chip_infos;
    if let Some(info) = aa.as_ref().and_then(AaKey::security_info) {
        dg14_infos.push(info);
    }
    let holder = def.holder;
    let mut groups: Vec<(u8, Vec<u8>)> = vec![
        (1, lds_builder::dg1(holder.mrz)),
        (
            2,
            lds_builder::dg2(SPECIMEN_FACE_JPEG, FaceImageType::Jpeg, 240, 320),
        ),
        (11, lds_builder::dg11_fields(holder.dg11)),
        (
            12,
            lds_builder::dg12(holder.issuing_authority, holder.date_of_issue),
        ),
    ];
    if !dg14_infos.is_empty() {
        groups.push((14, chip_keys::dg14(&dg14_infos)));
    }
    if let Some(aa) = &aa {
        groups.push((15, aa.dg15()?));
    }
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
        name: def.name.to_owned(),
        mrz: holder.mrz.to_owned(),
        access,
        ca,
        aa,
        files,
    })
}
