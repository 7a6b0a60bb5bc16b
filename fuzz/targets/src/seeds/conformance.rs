//! Real public passport data (`../shared/conformance`, see its README): master lists, real
//! EF.SODs and an EF.CardSecurity, the BSI TR-03105-5 reference chip's files, a Dutch
//! specimen's files, face containers. Read in place from the directory given, never copied
//! into the repository.

use std::path::{Path, PathBuf};

use super::{Kind, Seed, SeedError};

/// Each file for its target (every file also goes to `tlv`, all being BER-TLV); a folder
/// name ending in `/` stands for its `.cer` files.
const FILES: &[(&str, &str)] = &[
    ("master_list", "masterlists/DE_ML_2026-05-28-08-28-45.ml"),
    ("master_list", "masterlists/NL_ML_2026-07-22.ml"),
    ("certificate", "masterlists/DE_ROOT_CA_CSCA07.cer"),
    ("certificate", "masterlists/NL_ROOT_CA.cer"),
    ("certificate", "masterlists/IDN-csca/"),
    ("sod", "real-sod/DE.sod"),
    ("sod", "real-sod/FR.sod"),
    ("sod", "real-sod/ID.sod"),
    ("sod", "real-sod/NZ.sod"),
    ("sod", "real-sod/US.sod"),
    ("sod", "bsi-tr03105-reference/EF_SOD.bin"),
    ("sod", "nl-specimen-2006/ef011D.bin"),
    ("card_security", "real-sod/DE.cardsecurity"),
    ("security_infos", "bsi-tr03105-reference/Datagroup14.bin"),
    ("com", "bsi-tr03105-reference/EF_COM.bin"),
    ("com", "nl-specimen-2006/ef011E.bin"),
    ("dg1", "bsi-tr03105-reference/Datagroup1.bin"),
    ("dg1", "nl-specimen-2006/ef0101.bin"),
    ("dg2", "bsi-tr03105-reference/Datagroup2.bin"),
    ("dg2", "nl-specimen-2006/ef0102.bin"),
    ("dg2", "face-containers/ISO19794_Test1_Data.bin"),
    ("dg2", "face-containers/ICAO_39794_5_AP_DG2_AllFields.dat"),
    ("dg15", "bsi-tr03105-reference/Datagroup15.bin"),
    ("dg15", "bsi-tr03105-reference/DG15_pk.bin"),
    ("dg15", "nl-specimen-2006/ef010F.bin"),
    ("tlv", "bsi-tr03105-reference/Datagroup3.bin"),
    ("tlv", "bsi-tr03105-reference/Datagroup4.bin"),
    ("tlv", "bsi-tr03105-reference/DG14_pk.bin"),
];

/// Where the conformance data is when nothing says otherwise: `TAPID_CONFORMANCE_DIR`, else
/// `../shared/conformance` next to the workspace (as tapid-test-support finds it).
pub fn default_dir() -> PathBuf {
    std::env::var_os("TAPID_CONFORMANCE_DIR").map_or_else(
        || {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../shared/conformance"
            ))
        },
        PathBuf::from,
    )
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> SeedError + '_ {
    move |e| SeedError::Io {
        path: path.display().to_string(),
        detail: e.to_string(),
    }
}

/// The files `rel` names below `dir`: the file, or a folder's `.cer` files sorted by name.
fn expand(dir: &Path, rel: &str) -> Result<Vec<(String, Vec<u8>)>, SeedError> {
    let path = dir.join(rel);
    if !rel.ends_with('/') {
        return Ok(vec![(
            rel.to_owned(),
            std::fs::read(&path).map_err(io(&path))?,
        )]);
    }
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&path).map_err(io(&path))? {
        let file = entry.map_err(io(&path))?.path();
        if file.extension().is_some_and(|e| e == "cer") {
            names.push(file);
        }
    }
    names.sort();
    names
        .into_iter()
        .map(|file| {
            let name = file
                .file_name()
                .map(|n| format!("{rel}{}", n.to_string_lossy()))
                .unwrap_or_default();
            Ok((name, std::fs::read(&file).map_err(io(&file))?))
        })
        .collect()
}

/// Every conformance input below `dir`, for its target and for `tlv`, labelled by its path.
///
/// # Errors
/// When a file the table names cannot be read.
pub fn seeds(dir: &Path) -> Result<Vec<Seed>, SeedError> {
    let mut out = Vec::new();
    for (target, rel) in FILES {
        for (name, bytes) in expand(dir, rel)? {
            let label = format!("conformance {name}");
            if *target != "tlv" {
                out.push(Seed {
                    target: "tlv",
                    label: label.clone(),
                    kind: Kind::Conformance,
                    bytes: bytes.clone(),
                });
            }
            out.push(Seed {
                target,
                label,
                kind: Kind::Conformance,
                bytes,
            });
        }
    }
    Ok(out)
}
