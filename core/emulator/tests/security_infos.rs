//! What the profiles publish about their protocols, checked on the files themselves: DG14 and
//! EF.CardSecurity repeat EF.CardAccess's PACEInfos, Chip Authentication keys carry explicit
//! domain parameters (one profile keeps the standardized form), and the ECDSA Active
//! Authentication info names `id-AA` with its signature algorithm.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use tapid_card::tlv::{Tag, Tlv};
use tapid_emulator::Profile;
use tapid_emulator::profile::{STANDARDIZED_CA_KEY_PROFILE, list};
use tapid_mrtd::lds::card_security::CardSecurity;
use tapid_mrtd::lds::dg14::Dg14;
use tapid_mrtd::lds::{DataGroup, ElementaryFile};
use tapid_mrtd::security_infos::{PaceInfo, SecurityInfo, SecurityInfos};

fn dg14(p: &Profile) -> Option<SecurityInfos> {
    let bytes = p
        .files
        .get(ElementaryFile::Dg(DataGroup::new(14).unwrap()))?;
    Some(Dg14::parse(bytes).unwrap().security_infos)
}

fn pace_infos(infos: &SecurityInfos) -> Vec<PaceInfo> {
    infos.pace_infos().cloned().collect()
}

/// The raw `SubjectPublicKeyInfo.algorithm` OID of each ChipAuthenticationPublicKeyInfo.
fn key_algorithm_oids(dg14_bytes: &[u8]) -> Vec<Vec<u8>> {
    let outer = Tlv::parse_tagged(dg14_bytes, Tag(0x6E)).unwrap();
    let set = Tlv::parse_tagged(outer.value, Tag(0x31)).unwrap();
    let mut out = Vec::new();
    for info in set.children() {
        let info = info.unwrap();
        let mut parts = info.children();
        let oid = parts.next().unwrap().unwrap();
        // id-PK-DH / id-PK-ECDH = 0.4.0.127.0.7.2.2.1.{1,2}
        if oid
            .value
            .starts_with(&[0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x01])
        {
            let spki = parts.next().unwrap().unwrap();
            let alg = spki.children().next().unwrap().unwrap();
            let alg_oid = alg.children().next().unwrap().unwrap();
            out.push(alg_oid.value.to_vec());
        }
    }
    out
}

#[test]
fn dg14_repeats_the_pace_infos_of_every_pace_profile() {
    let mut with_card_security = Vec::new();
    let mut without_card_security = Vec::new();
    for info in list() {
        let p = Profile::named(info.name).unwrap();
        let Some(access) = p.files.get(ElementaryFile::CardAccess) else {
            assert_eq!(info.protocol, "BAC", "{}", info.name);
            if let Some(infos) = dg14(&p) {
                // A BAC chip's signed DG14 must not list PACE (that would be a downgrade).
                assert!(pace_infos(&infos).is_empty(), "{}", info.name);
            }
            continue;
        };
        let offered = pace_infos(&SecurityInfos::parse(access).unwrap());
        assert_eq!(offered.len(), 1, "{}", info.name);
        let signed = dg14(&p).unwrap_or_else(|| panic!("{}: no DG14", info.name));
        assert_eq!(pace_infos(&signed), offered, "{}", info.name);
        match p.files.get(ElementaryFile::CardSecurity) {
            Some(cs) => {
                let cs = CardSecurity::parse(cs).unwrap();
                let infos = SecurityInfos::parse(cs.security_infos()).unwrap();
                assert_eq!(pace_infos(&infos), offered, "{}", info.name);
                // It carries the chip's CA key as DG14 does.
                assert_eq!(
                    infos.chip_authentication_public_keys().count(),
                    signed.chip_authentication_public_keys().count(),
                    "{}",
                    info.name
                );
                with_card_security.push(info.protocol);
            }
            None => {
                assert_ne!(
                    info.protocol, "PACE-CAM",
                    "{}: CAM needs EF.CardSecurity",
                    info.name
                );
                without_card_security.push(info.protocol);
            }
        }
    }
    for mapping in ["PACE-GM", "PACE-IM"] {
        assert!(with_card_security.contains(&mapping), "{mapping}");
        assert!(without_card_security.contains(&mapping), "{mapping}");
    }
    assert!(with_card_security.contains(&"PACE-CAM"));
}

#[test]
fn chip_authentication_keys_use_explicit_parameters_but_on_one_profile() {
    const EC_PUBLIC_KEY: [u8; 7] = [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01];
    const DH_PUBLIC_NUMBER: [u8; 7] = [0x2A, 0x86, 0x48, 0xCE, 0x3E, 0x02, 0x01];
    const STANDARDIZED: [u8; 7] = [0x04, 0x00, 0x7F, 0x00, 0x07, 0x01, 0x02];
    let mut standardized = Vec::new();
    let mut explicit = 0;
    for info in list() {
        let p = Profile::named(info.name).unwrap();
        let Some(bytes) = p.files.get(ElementaryFile::Dg(DataGroup::new(14).unwrap())) else {
            continue;
        };
        for oid in key_algorithm_oids(bytes) {
            if oid == STANDARDIZED {
                standardized.push(info.name);
            } else {
                assert!(
                    oid == EC_PUBLIC_KEY || oid == DH_PUBLIC_NUMBER,
                    "{}: {oid:02X?}",
                    info.name
                );
                explicit += 1;
            }
        }
        // Either form parses to the key the chip holds, on a recognised standard curve or group.
        if let (Some(ca), Some(infos)) = (&p.ca, dg14(&p)) {
            let key = infos.chip_authentication_public_keys().next().unwrap();
            assert_eq!(key.public_key, ca.public, "{}", info.name);
            assert_eq!(
                key.domain.standardized_id(),
                ca.domain.standardized_id(),
                "{}",
                info.name
            );
        }
    }
    assert_eq!(standardized, [STANDARDIZED_CA_KEY_PROFILE]);
    assert!(explicit >= 15, "{explicit} explicit keys");
}

#[test]
fn ecdsa_active_authentication_info_names_id_aa_and_its_hash() {
    for name in ["aa-ecdsa-pace", "se-passport-pace", "se-passport-bac"] {
        let p = Profile::named(name).unwrap();
        let infos = dg14(&p).unwrap();
        let aa = infos.active_authentication().unwrap();
        assert_eq!(aa.version, 1);
        // ecdsa-plain-SHA256 (BSI TR-03111).
        assert_eq!(
            aa.signature_algorithm.to_string(),
            "0.4.0.127.0.7.1.1.4.1.3"
        );
        // id-icao-mrtd-security-aaProtocolObject, byte for byte.
        let raw = p
            .files
            .get(ElementaryFile::Dg(DataGroup::new(14).unwrap()))
            .unwrap();
        let id_aa = [0x06, 0x06, 0x67, 0x81, 0x08, 0x01, 0x01, 0x05];
        assert!(raw.windows(id_aa.len()).any(|w| w == id_aa), "{name}");
        assert!(
            !infos.infos().iter().any(
                |i| matches!(i, SecurityInfo::Unknown(u) if u.oid.to_string() == "2.23.136.1.1")
            ),
            "{name}"
        );
    }
}
