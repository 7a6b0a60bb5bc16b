//! `tapid readers`: the PC/SC readers, one per line with its index, and what is on each.

use std::process::ExitCode;

use serde::Serialize;
use tapid_pcsc::ReaderInfo;
use tapid_pcsc::atr::Atr;

/// List PC/SC readers.
#[derive(clap::Args)]
pub struct Args {
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// One reader as `--json` prints it.
#[derive(Serialize)]
struct ReaderJson<'a> {
    index: usize,
    name: &'a str,
    card_present: bool,
    card_mute: bool,
    exclusive: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    atr: Option<String>,
    /// What the ATR says about extended length (absent: nothing).
    #[serde(skip_serializing_if = "Option::is_none")]
    extended_length: Option<bool>,
}

fn advertised_extended_length(r: &ReaderInfo) -> Option<bool> {
    r.atr
        .as_deref()
        .and_then(|a| Atr::parse(a).ok())
        .and_then(|a| a.extended_length())
}

fn line(r: &ReaderInfo) -> String {
    let card = match (&r.atr, r.card_present, r.card_mute) {
        (_, false, _) => "no card".to_owned(),
        (_, true, true) => "card present (mute)".to_owned(),
        (Some(atr), true, false) => {
            let ext = match advertised_extended_length(r) {
                Some(true) => ", extended length",
                Some(false) => ", short APDUs",
                None => "",
            };
            format!("card present, ATR {}{ext}", hex::encode_upper(atr))
        }
        (None, true, false) => "card present".to_owned(),
    };
    let exclusive = if r.exclusive {
        ", in exclusive use"
    } else {
        ""
    };
    format!("{}: {} [{card}{exclusive}]", r.index, r.name)
}

/// Runs `tapid readers`.
pub fn run(args: Args) -> ExitCode {
    let readers = match tapid_pcsc::readers::list() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("tapid: {e}");
            if matches!(e, tapid_pcsc::PcscError::NoService) {
                eprintln!("tapid: start it with `scripts/pcscd.sh start` (or your system's pcscd)");
            }
            return ExitCode::from(2);
        }
    };
    if args.json {
        let rows: Vec<ReaderJson<'_>> = readers
            .iter()
            .map(|r| ReaderJson {
                index: r.index,
                name: &r.name,
                card_present: r.card_present,
                card_mute: r.card_mute,
                exclusive: r.exclusive,
                atr: r.atr.as_deref().map(hex::encode_upper),
                extended_length: advertised_extended_length(r),
            })
            .collect();
        match serde_json::to_string_pretty(&rows) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("tapid: {e}");
                return ExitCode::FAILURE;
            }
        }
        return ExitCode::SUCCESS;
    }
    if readers.is_empty() {
        eprintln!("tapid: no PC/SC readers attached");
    }
    for r in &readers {
        println!("{}", line(r));
    }
    ExitCode::SUCCESS
}
