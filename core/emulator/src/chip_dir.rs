//! A chip served from a directory of LDS files plus optional chip keys, so real published
//! data sets (the BSI TR-03105 reference, specimens) run as chips.
//!
//! File names (see fixtures/README.md), each optional except DG1 and EF.SOD:
//!
//! | content | tapid names | BSI TR-03105 names | by FID |
//! |---|---|---|---|
//! | EF.COM | `EF_COM.bin` | `EF_COM.bin` | `ef011E.bin` |
//! | DGn | `DG<n>.bin` | `Datagroup<n>.bin` | `ef01<nn>.bin` |
//! | EF.SOD | `EF_SOD.bin` | `EF_SOD.bin` | `ef011D.bin` |
//! | EF.CardAccess | `EF_CardAccess.bin` | – | – |
//! | EF.CardSecurity | `EF_CardSecurity.bin` | – | – |
//! | CA private key (PKCS#8) | `ca_sk.pkcs8` | `DG14_sk.pkcs8` | – |
//! | AA private key (PKCS#8) | `aa_sk.pkcs8` | `DG15_sk.pkcs8` | – |
//! | CAN | `can.txt` | – | – |
//!
//! The chip runs PACE when EF.CardAccess offers it, otherwise BAC with the MRZ from DG1.

use std::path::Path;

use der::asn1::{Any, OctetString};
use der::{Decode, Sequence};
use tapid_mrtd::chip_authentication::CaSetup;
use tapid_mrtd::crypto::{DomainParameters, EcCurve, EcGroup};
use tapid_mrtd::lds::card_access::CardAccess;
use tapid_mrtd::lds::dg1::Dg1;
use tapid_mrtd::lds::dg14::Dg14;
use tapid_mrtd::lds::dg15::{Dg15, Dg15PublicKey};
use tapid_mrtd::lds::{DataGroup, ElementaryFile};
use tapid_mrtd::pa::HashAlgorithm;
use tapid_mrtd::security_infos::{Mapping, PaceSetup};
use zeroize::Zeroizing;

use crate::EmulatorError;
use crate::chip_keys::{AaKey, CaKey};
use crate::files::FileSystem;
use crate::profile::{AccessConfig, Profile};

#[derive(Sequence)]
struct Pkcs8 {
    version: u8,
    algorithm: Any,
    private_key: OctetString,
}

#[derive(Sequence)]
struct EcPrivateKeyDer {
    version: u8,
    private_key: OctetString,
    #[asn1(context_specific = "0", optional = "true")]
    parameters: Option<Any>,
    #[asn1(context_specific = "1", optional = "true")]
    public_key: Option<der::asn1::BitString>,
}

fn key_error(what: &str, e: impl std::fmt::Display) -> EmulatorError {
    EmulatorError::Key(format!("{what}: {e}"))
}

/// The private scalar of an EC PKCS#8 key, or the exponent of a DH one.
fn private_from_pkcs8(der_bytes: &[u8]) -> Result<Zeroizing<Vec<u8>>, EmulatorError> {
    let p8 = Pkcs8::from_der(der_bytes).map_err(|e| key_error("PKCS#8", e))?;
    let inner = p8.private_key.as_bytes();
    if let Ok(ec) = EcPrivateKeyDer::from_der(inner) {
        return Ok(Zeroizing::new(ec.private_key.as_bytes().to_vec()));
    }
    let int =
        der::asn1::UintRef::from_der(inner).map_err(|e| key_error("PKCS#8 private key", e))?;
    Ok(Zeroizing::new(int.as_bytes().to_vec()))
}

fn read_any(dir: &Path, names: &[String]) -> Result<Option<Vec<u8>>, EmulatorError> {
    for name in names {
        let path = dir.join(name);
        if path.is_file() {
            return std::fs::read(&path)
                .map(Some)
                .map_err(|e| EmulatorError::Key(format!("cannot read {}: {e}", path.display())));
        }
    }
    Ok(None)
}

/// Loads a chip directory as a profile.
pub fn load(dir: &Path) -> Result<Profile, EmulatorError> {
    let mut files = FileSystem::default();
    let mut ef = |e: ElementaryFile, names: &[String]| -> Result<Option<Vec<u8>>, EmulatorError> {
        let bytes = read_any(dir, names)?;
        if let Some(b) = &bytes {
            files.insert(e, b.clone());
        }
        Ok(bytes)
    };
    ef(
        ElementaryFile::Com,
        &["EF_COM.bin".into(), "ef011E.bin".into()],
    )?;
    let sod = ef(
        ElementaryFile::Sod,
        &["EF_SOD.bin".into(), "ef011D.bin".into()],
    )?;
    let card_access = ef(ElementaryFile::CardAccess, &["EF_CardAccess.bin".into()])?;
    ef(
        ElementaryFile::CardSecurity,
        &["EF_CardSecurity.bin".into()],
    )?;
    let mut groups = std::collections::BTreeMap::new();
    for n in 1..=16u8 {
        let Some(dg) = DataGroup::new(n) else {
            continue;
        };
        let names = [
            format!("DG{n}.bin"),
            format!("Datagroup{n}.bin"),
            format!("ef01{n:02X}.bin"),
        ];
        if let Some(b) = ef(ElementaryFile::Dg(dg), &names)? {
            groups.insert(n, b);
        }
    }
    let dg1 = groups
        .get(&1)
        .ok_or_else(|| EmulatorError::Key(format!("{}: no DG1", dir.display())))?;
    if sod.is_none() {
        return Err(EmulatorError::Key(format!("{}: no EF.SOD", dir.display())));
    }
    Dg1::parse(dg1).map_err(|e| key_error("DG1", e))?;
    let mrz_text = mrz_text(dg1)?;

    let ca_sk = read_any(dir, &["ca_sk.pkcs8".into(), "DG14_sk.pkcs8".into()])?;
    let ca = match (groups.get(&14), ca_sk) {
        (Some(dg14), Some(sk)) => {
            let infos = Dg14::parse(dg14)
                .map_err(|e| key_error("DG14", e))?
                .security_infos;
            let setup = CaSetup::choose(&infos)
                .ok_or_else(|| EmulatorError::Key("DG14 offers no CA key".into()))?;
            Some(CaKey {
                protocol: setup.protocol,
                domain: setup.key.domain.clone(),
                private: private_from_pkcs8(&sk)?,
                public: setup.key.public_key.clone(),
                key_id: setup.key.key_id,
                // The chip directory's DG14 is served as it is; the form only matters when
                // the emulator writes a DG14 itself.
                form: tapid_mrtd::security_infos::DomainParameterForm::Explicit,
            })
        }
        _ => None,
    };
    let aa_sk = read_any(dir, &["aa_sk.pkcs8".into(), "DG15_sk.pkcs8".into()])?;
    let aa = match (groups.get(&15), aa_sk) {
        (Some(dg15), Some(sk)) => Some(
            match Dg15::parse(dg15)
                .map_err(|e| key_error("DG15", e))?
                .public_key
            {
                Dg15PublicKey::Rsa(_) => AaKey::rsa_from_pkcs8(&sk, HashAlgorithm::Sha256)?,
                Dg15PublicKey::Ec(k) => {
                    let curve = k.group.named_curve().ok_or_else(|| {
                        EmulatorError::Key("AA curve is not a named curve".into())
                    })?;
                    let key = k.group.private_key_from_bytes(&private_from_pkcs8(&sk)?)?;
                    AaKey::Ecdsa {
                        curve,
                        key,
                        public: k.point.clone(),
                        hash: HashAlgorithm::Sha256,
                    }
                }
                _ => {
                    return Err(EmulatorError::Key(
                        "DG15 holds an unsupported key type".into(),
                    ));
                }
            },
        ),
        _ => None,
    };

    let access = match card_access {
        Some(ca_bytes) => {
            let infos = CardAccess::parse(&ca_bytes)
                .map_err(|e| key_error("EF.CardAccess", e))?
                .security_infos;
            let setups: Vec<PaceSetup> = infos
                .pace_infos()
                .filter_map(|i| PaceSetup::from_info(i, &infos).ok())
                .collect();
            let cam_key = match (
                &ca,
                setups.iter().any(|s| s.protocol.mapping == Mapping::Cam),
            ) {
                (Some(k), true) => match &k.domain {
                    DomainParameters::Ec(EcCurve::Named(c)) => {
                        Some(EcGroup::named(*c)?.private_key_from_bytes(&k.private)?)
                    }
                    DomainParameters::Ec(curve) => {
                        Some(EcGroup::new(curve)?.private_key_from_bytes(&k.private)?)
                    }
                    DomainParameters::Dh(_) => None,
                },
                _ => None,
            };
            let can = read_any(dir, &["can.txt".into()])?
                .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
                .unwrap_or_default();
            AccessConfig::Pace {
                setups,
                can,
                cam_key,
            }
        }
        None => AccessConfig::Bac,
    };
    Ok(Profile {
        name: format!("dir:{}", dir.display()),
        mrz: mrz_text,
        access,
        ca,
        aa,
        files,
    })
}

fn mrz_text(dg1: &[u8]) -> Result<String, EmulatorError> {
    use tapid_card::tlv::{Tag, Tlv};
    let outer = Tlv::parse_tagged(dg1, Tag(0x61)).map_err(|e| key_error("DG1", e))?;
    let mrz = outer
        .require(Tag(0x5F1F))
        .map_err(|e| key_error("DG1", e))?;
    Ok(String::from_utf8_lossy(mrz.value).into_owned())
}
