//! Document-level faults: the profile's files and keys changed before or after signing, the
//! way a forger, a clone or a broken personalisation leaves them.

use tapid_mrtd::crypto::{DomainParameters, EcGroup};
use tapid_mrtd::lds::{DataGroup, ElementaryFile};
use tapid_mrtd::security_infos::{
    Agreement, Mapping, PaceInfo, PaceProtocol, encode_security_infos,
};
use tapid_mrtd::symmetric::CipherAlg;

use super::Fault;
use crate::EmulatorError;
use crate::chip_keys::{AaKey, CaKey};
use crate::lds_builder::{self, FaceImageType};
use crate::pki::drbg::SeededRng;
use crate::pki::{self, DocumentSigner, special};
use crate::profile::{AccessConfig, Profile, SPECIMEN_FACE_JPEG};

/// Bytes cut from DG2 by [`Fault::FileShorterThanHeader`].
pub const TRUNCATED_BYTES: usize = 1000;
/// The size [`Fault::LargeDg2`]'s DG2 exceeds.
pub const LARGE_DG2_MIN: usize = 65_536;
/// The reserved PACE parameter ID of [`Fault::CardAccessUnknownParameters`].
pub const UNKNOWN_PARAMETER_ID: u64 = 31;

/// The profile as the fault leaves it (unchanged for chip and link faults).
pub fn apply(fault: Fault, profile: &Profile) -> Result<Profile, EmulatorError> {
    let mut p = profile.clone();
    let not_applicable = |needs: &'static str| EmulatorError::FaultNotApplicable {
        fault: fault.name(),
        profile: profile.name.clone(),
        needs,
    };
    match fault {
        Fault::Dg1HashMismatch => {
            // The first letter of the primary identifier: still a well-formed MRZ.
            edit(&mut p, dg(1), |b| flip(b, 10))?;
        }
        Fault::Dg2HashMismatch => edit(&mut p, dg(2), |b| {
            let mid = b.len() / 2;
            flip(b, mid)
        })?,
        Fault::SodSignatureBroken => {
            // The signature is the last element of the SignerInfo, so the file's last byte.
            edit(&mut p, ElementaryFile::Sod, |b| {
                let last = b.len().saturating_sub(1);
                flip(b, last)
            })?;
        }
        Fault::SodUntrustedCsca => resign(&mut p, &special::rogue_document_signer()?)?,
        Fault::DsExpired => resign(&mut p, &special::expired_document_signer(false)?)?,
        Fault::DsSignedAfterExpiry => resign(&mut p, &special::expired_document_signer(true)?)?,
        Fault::Dg1CountryMismatch => resign(&mut p, &DocumentSigner::for_issuing_state("D")?)?,
        Fault::EfComLies => p
            .files
            .insert(ElementaryFile::Com, lds_builder::ef_com(&[1, 3, 4, 16])),
        Fault::SodMissing => {
            p.files.remove(ElementaryFile::Sod);
        }
        Fault::SodZeroLength => p.files.insert(ElementaryFile::Sod, Vec::new()),
        Fault::ZeroLengthFile => p.files.insert(dg(11), Vec::new()),
        Fault::FileShorterThanHeader => edit(&mut p, dg(2), |b| {
            b.truncate(b.len().saturating_sub(TRUNCATED_BYTES));
        })?,
        Fault::OversizedLength => edit(&mut p, dg(11), |b| {
            let body = b.get(2..).unwrap_or_default().to_vec();
            *b = vec![0x6B, 0x84, 0xFF, 0xFF, 0xFF, 0xFF];
            b.extend(body);
        })?,
        Fault::LargeDg2 => {
            p.files.insert(dg(2), large_dg2());
            let state = tapid_mrtd::mrz::Mrz::parse(&p.mrz)?.issuing_state;
            resign(&mut p, &DocumentSigner::for_issuing_state(&state)?)?;
        }
        Fault::CardAccessUnknownParameters => {
            let info = PaceInfo {
                protocol: gm_aes128()?,
                version: 2,
                parameter_id: Some(UNKNOWN_PARAMETER_ID),
            };
            p.files.insert(
                ElementaryFile::CardAccess,
                encode_security_infos(&[info.to_der()]),
            );
        }
        Fault::CardAccessMalformed => {
            // SEQUENCE { OID id-PACE-ECDH-GM-AES-CBC-CMAC-128, INTEGER (3 bytes) } — not a SET.
            let mut info = vec![0x06, 0x0A];
            info.extend(gm_aes128()?.oid_bytes());
            info.extend([0x02, 0x03, 0x7F, 0xFF, 0xFF]);
            let mut file = vec![0x30, info.len() as u8];
            file.extend(info);
            p.files.insert(ElementaryFile::CardAccess, file);
        }
        Fault::CardAccessHidden => {
            if p.files.remove(ElementaryFile::CardAccess).is_none() {
                return Err(not_applicable("EF.CardAccess (a PACE profile)"));
            }
        }
        Fault::PaceAdvertisedBacOnly => {
            if !matches!(p.access, AccessConfig::Bac) {
                return Err(not_applicable("a BAC profile"));
            }
            let info = PaceInfo {
                protocol: gm_aes128()?,
                version: 2,
                parameter_id: Some(13),
            };
            p.files.insert(
                ElementaryFile::CardAccess,
                encode_security_infos(&[info.to_der()]),
            );
        }
        Fault::CaClone
        | Fault::CaCloneRefuses
        | Fault::CaClonePlain6982
        | Fault::CaClonePlain6A82 => {
            let ca =
                p.ca.as_ref()
                    .ok_or_else(|| not_applicable("Chip Authentication (DG14)"))?;
            p.ca = Some(CaKey::generate(
                ca.protocol,
                ca.domain.clone(),
                super::CLONE_CA_SEED,
            )?);
        }
        Fault::AaClone => {
            let aa =
                p.aa.as_ref()
                    .ok_or_else(|| not_applicable("Active Authentication (DG15)"))?;
            p.aa = Some(match aa {
                AaKey::Rsa { key, hash } => {
                    use rsa::traits::PublicKeyParts as _;
                    AaKey::rsa(key.size() * 8, *hash, b"tapid clone AA")?
                }
                AaKey::Ecdsa { curve, hash, .. } => AaKey::ecdsa(*curve, *hash, b"tapid clone AA")?,
            });
        }
        Fault::CamClone => {
            let AccessConfig::Pace {
                setups, cam_key, ..
            } = &mut p.access
            else {
                return Err(not_applicable("PACE-CAM"));
            };
            let curve = match setups.first().map(|s| &s.domain) {
                Some(DomainParameters::Ec(c)) if cam_key.is_some() => c,
                _ => return Err(not_applicable("PACE-CAM")),
            };
            let pair =
                EcGroup::new(curve)?.generate_keypair(&mut SeededRng::new(b"tapid clone CAM"))?;
            *cam_key = Some(pair.private);
        }
        Fault::PacePointOffCurve | Fault::PacePointIdentity => {
            if !pace_with(&p, Agreement::Ecdh) {
                return Err(not_applicable("a PACE-ECDH profile with Generic Mapping"));
            }
        }
        Fault::PaceDhSmallSubgroup => {
            if !pace_with(&p, Agreement::Dh) {
                return Err(not_applicable("a PACE-DH profile"));
            }
        }
        Fault::CaCloneResume => {
            if p.ca.is_none() || p.aa.is_none() {
                return Err(not_applicable(
                    "Chip and Active Authentication (DG14, DG15)",
                ));
            }
        }
        Fault::SmWrongMac
        | Fault::ReadBinary6CxxForever
        | Fault::ExtendedLengthAtrInfoOnly
        | Fault::SmReplayedSsc
        | Fault::SmBadPadding
        | Fault::SmPlaintextResponse
        | Fault::SmTruncatedTlv
        | Fault::SmLengthPastEnd
        | Fault::SmLength4Byte
        | Fault::SmStatusMismatch
        | Fault::SwStorm
        | Fault::NoShortEfIdentifiers
        | Fault::SlowChip
        | Fault::TagLost => {}
    }
    Ok(p)
}

fn dg(n: u8) -> ElementaryFile {
    ElementaryFile::Dg(DataGroup::new(n).unwrap_or(DataGroup::DG1))
}

fn flip(bytes: &mut [u8], at: usize) {
    if let Some(b) = bytes.get_mut(at) {
        *b ^= 0x01;
    }
}

fn edit(
    p: &mut Profile,
    ef: ElementaryFile,
    change: impl FnOnce(&mut Vec<u8>),
) -> Result<(), EmulatorError> {
    let mut bytes = p
        .files
        .get(ef)
        .ok_or_else(|| EmulatorError::FaultNotApplicable {
            fault: "file edit",
            profile: p.name.clone(),
            needs: "the file the fault changes",
        })?
        .to_vec();
    change(&mut bytes);
    p.files.insert(ef, bytes);
    Ok(())
}

/// Signs a new EF.SOD over the profile's data groups as they are now.
fn resign(p: &mut Profile, ds: &DocumentSigner) -> Result<(), EmulatorError> {
    let groups: Vec<(u8, Vec<u8>)> = (1..=16)
        .filter_map(|n| {
            let bytes = p.files.get(ElementaryFile::Dg(DataGroup::new(n)?))?;
            Some((n, bytes.to_vec()))
        })
        .collect();
    let refs: Vec<(u8, &[u8])> = groups.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    p.files
        .insert(ElementaryFile::Sod, pki::sign_sod(ds, &refs)?);
    Ok(())
}

fn gm_aes128() -> Result<PaceProtocol, EmulatorError> {
    PaceProtocol::new(Mapping::Gm, Agreement::Ecdh, CipherAlg::Aes128)
        .ok_or_else(|| EmulatorError::Key("PACE-ECDH-GM-AES-128".into()))
}

fn pace_with(p: &Profile, agreement: Agreement) -> bool {
    matches!(&p.access, AccessConfig::Pace { setups, .. }
        if setups.first().is_some_and(|s| s.protocol.agreement == agreement
            && (agreement == Agreement::Dh || s.protocol.mapping != Mapping::Im)))
}

/// The specimen portrait grown past 64 KiB with APP15 segments of filler (a JPEG decoder
/// skips them), in an ISO/IEC 19794-5 DG2.
fn large_dg2() -> Vec<u8> {
    const SEGMENT: usize = 0xFFF0;
    let (soi, rest) = SPECIMEN_FACE_JPEG.split_at(2.min(SPECIMEN_FACE_JPEG.len()));
    let mut jpeg = soi.to_vec();
    let mut filler = SeededRng::new(b"tapid large DG2");
    while jpeg.len() + rest.len() < LARGE_DG2_MIN {
        let missing = LARGE_DG2_MIN - jpeg.len() - rest.len();
        let len = (missing + 2).min(SEGMENT);
        let mut payload = vec![0u8; len - 2];
        rand_core::Rng::fill_bytes(&mut filler, &mut payload);
        jpeg.extend([0xFF, 0xEF]);
        jpeg.extend((len as u16).to_be_bytes());
        jpeg.extend(payload);
    }
    jpeg.extend_from_slice(rest);
    lds_builder::dg2(&jpeg, FaceImageType::Jpeg, 240, 320)
}
