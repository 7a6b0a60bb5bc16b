//! `tapid read`: read a passport — the built-in emulator, a chip directory, or a PC/SC
//! reader — and print the verification report.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use tapid_card::CardTransport;
use tapid_card::transcript::Recorder;
use tapid_emulator::{Chip, ChipConfig, EmulatorTransport, Profile};
use tapid_mrtd::lds::DataGroup;
use tapid_mrtd::mrz::AccessKey;
use tapid_mrtd::reader::{Progress, ReadOptions, Verification};

use crate::exit::Exit;

use super::passport::{self, Trust, meta};
use super::trust_args::TrustArgs;

/// Read a passport chip.
#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["emulator", "emulator_dir", "reader"])))]
pub struct Args {
    /// Read the built-in emulator with this profile (see `tapid emulate --list-profiles`).
    #[arg(long, value_name = "PROFILE")]
    emulator: Option<String>,
    /// Make the emulated chip misbehave as the named fault (see `tapid emulate --list-faults`).
    #[arg(long, value_name = "NAME", conflicts_with = "reader")]
    fault: Option<tapid_emulator::Fault>,
    /// Read an emulated chip served from a directory of LDS files and chip keys (format in
    /// fixtures/README.md; the BSI TR-03105 reference set works as it is).
    #[arg(long, value_name = "DIR")]
    emulator_dir: Option<PathBuf>,
    /// Read the card in a PC/SC reader: its index in `tapid readers` or part of its name.
    #[arg(long, value_name = "NAME|INDEX")]
    reader: Option<String>,
    /// MRZ access key: DOCNUMBER,YYMMDD(birth),YYMMDD(expiry). Default for emulated chips:
    /// their own.
    #[arg(long, value_name = "DOC,YYMMDD,YYMMDD")]
    mrz: Option<String>,
    /// Card access number (PACE).
    #[arg(long, value_name = "NNNNNN")]
    can: Option<String>,
    /// Data groups to read besides DG1 (only those EF.SOD lists are read), comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "N,…",
        default_value = "2,11,12,14,15"
    )]
    dg: Vec<u8>,
    /// Never use extended-length APDUs (reader and emulated chip).
    #[arg(long)]
    no_extended_length: bool,
    /// Also read requested data groups that EF.SOD does not list (passive authentication then
    /// reports them as "not_in_sod").
    #[arg(long)]
    read_unlisted: bool,
    /// Try BAC when PACE fails, and accept a BAC read of a chip whose signed DG14 lists PACE
    /// (off by default: a failed PACE is an error and such a read a downgrade, exit 11).
    #[arg(long)]
    allow_bac_fallback: bool,
    /// Run PACE on explicit domain parameters from EF.CardAccess (unsigned there; checked
    /// for primality, cofactor, size and the base point before use). Off by default.
    #[arg(long)]
    allow_explicit_pace_parameters: bool,
    /// The 8-byte Active Authentication challenge in hex (e.g. issued by a server); random
    /// when absent.
    #[arg(long, value_name = "HEX16")]
    aa_challenge: Option<String>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Write every raw file, report.json and the face (face.jpg/face.jp2, face.png) here.
    /// The files are personal data (DG1 is the MRZ, the access key): written owner-only (0600).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Write the evidence bundle (raw EF.SOD and files, AA challenge and signature, CA and
    /// PACE-CAM records, options, trust anchors, the device's time) here, whatever the
    /// verdict, for `tapid verify --evidence`. It holds the access key and the face: written
    /// owner-only (0600).
    #[arg(long, value_name = "FILE")]
    evidence: Option<PathBuf>,
    /// Trust anchors and policy of passive authentication. With `--emulator` and no
    /// `--trust`, the emulator's test CSCAs are trusted.
    #[command(flatten)]
    trust: TrustArgs,
    /// Record the session (APDUs and the terminal's random bytes) as a JSONL transcript. It
    /// holds the access key and every ephemeral secret of the session: written owner-only
    /// (0600); treat it like the passport data it contains.
    #[arg(long, value_name = "FILE")]
    record: Option<PathBuf>,
}

/// Runs `tapid read`.
pub fn run(args: Args) -> ExitCode {
    passport::block_on(run_async(args))
}

fn options(args: &Args) -> Result<ReadOptions, String> {
    let mut data_groups: Vec<DataGroup> = Vec::new();
    for n in &args.dg {
        let dg = DataGroup::new(*n).ok_or_else(|| format!("--dg {n}: data groups are 1..16"))?;
        if data_groups.contains(&dg) {
            return Err(format!("--dg {n} is given twice"));
        }
        data_groups.push(dg);
    }
    let aa_challenge = match &args.aa_challenge {
        None => None,
        Some(h) => Some(
            hex::decode(h)
                .ok()
                .and_then(|b| <[u8; 8]>::try_from(b).ok())
                .ok_or("--aa-challenge: 8 bytes in hex (16 digits)")?,
        ),
    };
    Ok(ReadOptions {
        data_groups,
        extended_length: !args.no_extended_length,
        allow_bac_fallback: args.allow_bac_fallback,
        allow_explicit_pace_parameters: args.allow_explicit_pace_parameters,
        read_unlisted: args.read_unlisted,
        aa_challenge,
        ..ReadOptions::default()
    })
}

/// The card to read, and the key it opens with by default.
struct Source {
    transport: Box<dyn CardTransport>,
    default_key: Option<(AccessKey, String)>,
    label: String,
    builtin_trust: bool,
}

async fn source(args: &Args) -> Result<Source, String> {
    let config = ChipConfig {
        extended_length: !args.no_extended_length,
    };
    let emulated = |profile: Profile, builtin_trust: bool| -> Result<Source, String> {
        let mut seed = [0u8; 16];
        rand_core::Rng::fill_bytes(&mut passport::system_rng(), &mut seed);
        let key = profile.mrz_key().map_err(|e| e.to_string())?;
        let value = passport::mrz_triple(&key);
        let chip = match args.fault {
            Some(fault) => tapid_emulator::faults::chip(&profile, config, &seed, fault),
            None => Chip::new(&profile, config, &seed),
        }
        .map_err(|e| e.to_string())?;
        Ok(Source {
            transport: Box::new(EmulatorTransport::new(chip)),
            default_key: Some((AccessKey::Mrz(key), value)),
            label: profile.name.clone(),
            builtin_trust,
        })
    };
    if let Some(name) = &args.emulator {
        return emulated(Profile::named(name).map_err(|e| e.to_string())?, true);
    }
    if let Some(dir) = &args.emulator_dir {
        return emulated(
            tapid_emulator::chip_dir::load(dir).map_err(|e| e.to_string())?,
            false,
        );
    }
    let selector = args.reader.as_deref().unwrap_or("0");
    let transport = tapid_pcsc::PcscTransport::open(selector, pcsc_options(args))
        .await
        .map_err(|e| e.to_string())?;
    Ok(Source {
        transport: Box::new(transport),
        default_key: None,
        label: format!("reader:{selector}"),
        builtin_trust: false,
    })
}

/// How often `tapid read --reader` waits for a lost card and resumes.
const RESUME_ATTEMPTS: usize = 3;

fn pcsc_options(args: &Args) -> tapid_pcsc::OpenOptions {
    tapid_pcsc::OpenOptions {
        extended_length: if args.no_extended_length {
            tapid_pcsc::ExtendedLength::Off
        } else {
            tapid_pcsc::ExtendedLength::Auto
        },
        ..tapid_pcsc::OpenOptions::default()
    }
}

async fn run_async(args: Args) -> ExitCode {
    let usage = |msg: String| {
        eprintln!("tapid: {msg}");
        ExitCode::from(Exit::Usage)
    };
    let options = match options(&args) {
        Ok(o) => o,
        Err(e) => return usage(e),
    };
    let src = match source(&args).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("tapid: {e}");
            // A profile or fault name is typed on the command line; a chip directory is an
            // input file; a reader without its card is the link.
            return if args.emulator.is_some() {
                Exit::Usage
            } else if args.emulator_dir.is_some() {
                Exit::UnusableInput
            } else {
                Exit::LinkLost
            }
            .into();
        }
    };
    let (key, kind, value) = match passport::access_key(args.mrz.as_deref(), args.can.as_deref()) {
        Ok(Some(k)) => k,
        Ok(None) => match src.default_key {
            Some((k, v)) => (k, "mrz".to_owned(), v),
            None => {
                return usage(
                    "give the access key: --mrz DOC,YYMMDD,YYMMDD or --can NNNNNN".into(),
                );
            }
        },
        Err(e) => return usage(e),
    };
    let trust = Trust {
        builtin: src.builtin_trust,
        args: args.trust.clone(),
    };
    let (store, policy) = match trust.load() {
        Ok(t) => t,
        Err(e) => return e.report(),
    };
    let now = policy.at;
    let verification = Verification::with_policy(&store, policy);
    let request = passport::ReadRequest::new(&key, &options, &verification, args.json);

    let outcome = if let Some(path) = &args.record {
        let mut m = BTreeMap::new();
        m.insert(meta::KEY_KIND.to_owned(), kind);
        m.insert(meta::KEY_VALUE.to_owned(), value);
        m.insert(
            meta::DATA_GROUPS.to_owned(),
            options
                .data_groups
                .iter()
                .map(|d| d.number().to_string())
                .collect::<Vec<_>>()
                .join(","),
        );
        m.insert(
            meta::EXTENDED.to_owned(),
            options.extended_length.to_string(),
        );
        m.insert(
            meta::FALLBACK.to_owned(),
            options.allow_bac_fallback.to_string(),
        );
        m.insert(
            meta::EXPLICIT_PACE.to_owned(),
            options.allow_explicit_pace_parameters.to_string(),
        );
        m.insert(meta::UNLISTED.to_owned(), options.read_unlisted.to_string());
        m.insert(meta::SOURCE.to_owned(), src.label.clone());
        trust.to_meta(now, &mut m);
        if let Some(c) = options.aa_challenge {
            m.insert(meta::AA_CHALLENGE.to_owned(), hex::encode_upper(c));
        }
        let rec = Recorder::new(src.transport.capabilities(), m);
        let mut t = rec.transport(src.transport);
        let mut rng = rec.rng(passport::system_rng());
        let result = passport::run_read(&mut t, &request, &mut rng, Progress::default()).await;
        if let Err(e) = passport::write_private(path, rec.to_jsonl().as_bytes()) {
            eprintln!("tapid: {e}");
            return ExitCode::from(Exit::Internal);
        }
        result
    } else {
        let mut t = src.transport;
        passport::run_read(
            &mut t,
            &request,
            &mut passport::system_rng(),
            Progress::default(),
        )
        .await
    };
    let mut outcome = outcome;
    // A card taken away too early from a real reader: wait for it and continue where the read
    // stopped, a few times, before giving up.
    if let (Some(selector), None) = (&args.reader, &args.record) {
        for _ in 0..RESUME_ATTEMPTS {
            let Err(tapid_mrtd::reader::ReadError::LinkLost { progress }) = outcome else {
                break;
            };
            eprintln!("tapid: the card left the reader; hold it there again to continue");
            let mut transport =
                match tapid_pcsc::PcscTransport::open(selector, pcsc_options(&args)).await {
                    Ok(t) => t,
                    Err(e) => {
                        eprintln!("tapid: {e}");
                        return ExitCode::from(Exit::LinkLost);
                    }
                };
            let mut rng = passport::system_rng();
            outcome = passport::run_read(&mut transport, &request, &mut rng, progress).await;
        }
    }
    let read = match outcome {
        Ok(o) => o,
        Err(e) => return passport::read_failed(&e),
    };
    if let Some(path) = &args.evidence
        && let Err(e) = passport::write_private(path, &read.evidence().to_canonical_bytes())
    {
        eprintln!("tapid: {e}");
        return ExitCode::from(Exit::Internal);
    }
    if let Some(Err(e)) = args
        .out
        .as_deref()
        .map(|dir| passport::write_out(dir, &read))
    {
        eprintln!("tapid: {e}");
        return ExitCode::from(Exit::Internal);
    }
    passport::print_report(read.report(), args.json);
    passport::completed(read.report())
}
