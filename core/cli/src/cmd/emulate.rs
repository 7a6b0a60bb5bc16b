//! `tapid emulate`: serve an emulated chip (optionally a hostile one) on pcscd's vpcd virtual
//! reader until stopped, or list the emulator's profiles and faults.

use std::process::ExitCode;

use tapid_emulator::vpcd::{self, Control, VirtualCard, VpcdEvent};
use tapid_emulator::{Chip, ChipConfig, Fault, Profile, faults, profile};

use super::passport;

/// Run the emulated chip on a virtual PC/SC reader.
#[derive(clap::Args)]
pub struct Args {
    /// Print the emulator's profiles (name, protocol, parameters, cipher, CAN, description).
    #[arg(long)]
    list_profiles: bool,
    /// Print the hostile and faulty chip scenarios (name, layer, profile, description,
    /// expected verdict).
    #[arg(long, conflicts_with = "list_profiles")]
    list_faults: bool,
    /// With --list-profiles or --list-faults: print JSON.
    #[arg(long)]
    json: bool,
    /// The profile to serve.
    #[arg(long, value_name = "PROFILE", default_value = "bac")]
    profile: String,
    /// Serve a chip from a directory of LDS files and chip keys instead of a profile (format in
    /// fixtures/README.md; the BSI TR-03105 reference set works as it is).
    #[arg(long, value_name = "DIR", conflicts_with = "profile")]
    chip_dir: Option<std::path::PathBuf>,
    /// Insert the chip in pcscd's vpcd reader at HOST:PORT (default 127.0.0.1:35963, the
    /// reader "Virtual PCD 00 00"; 35964 is "… 00 01"). Runs until Ctrl-C or SIGTERM.
    #[arg(
        long,
        value_name = "HOST:PORT",
        num_args = 0..=1,
        default_missing_value = vpcd::DEFAULT_ADDR,
        conflicts_with = "list_profiles"
    )]
    vpcd: Option<String>,
    /// Make the chip misbehave as the named fault (see --list-faults).
    #[arg(long, value_name = "NAME")]
    fault: Option<Fault>,
    /// The chip refuses extended-length APDUs (and its ATR does not advertise them).
    #[arg(long)]
    no_extended_length: bool,
}

/// Runs `tapid emulate`.
pub fn run(args: Args) -> ExitCode {
    if args.list_profiles {
        return list_profiles(args.json);
    }
    if args.list_faults {
        return list_faults(args.json);
    }
    if args.json {
        eprintln!("tapid: --json goes with --list-profiles or --list-faults");
        return ExitCode::from(2);
    }
    let Some(addr) = args.vpcd.clone() else {
        eprintln!(
            "tapid: nothing to do: give --vpcd [HOST:PORT], --list-profiles or --list-faults"
        );
        return ExitCode::from(2);
    };
    passport::block_on(serve(args, addr))
}

fn list_profiles(json: bool) -> ExitCode {
    let profiles = profile::list();
    if json {
        return print_json(&profiles);
    }
    let rows: Vec<[String; 6]> = profiles
        .iter()
        .map(|p| {
            [
                p.name.to_owned(),
                p.protocol.to_owned(),
                p.parameters.to_owned(),
                p.cipher.to_owned(),
                p.can.unwrap_or("-").to_owned(),
                p.description.to_owned(),
            ]
        })
        .collect();
    print_table(
        [
            "NAME",
            "PROTOCOL",
            "PARAMETERS",
            "CIPHER",
            "CAN",
            "DESCRIPTION",
        ],
        &rows,
    );
    ExitCode::SUCCESS
}

fn print_json<T: serde::Serialize>(value: &T) -> ExitCode {
    match serde_json::to_string_pretty(value) {
        Ok(s) => {
            println!("{s}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("tapid: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Prints rows under a header, each column as wide as its widest cell.
fn print_table<const N: usize>(header: [&str; N], rows: &[[String; N]]) {
    let header = header.map(String::from);
    let mut widths = header.clone().map(|h| h.len());
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        println!("{}", cells.join("  ").trim_end());
    }
}

fn list_faults(json: bool) -> ExitCode {
    let faults = faults::list();
    if json {
        return print_json(&faults);
    }
    let rows: Vec<[String; 4]> = faults
        .iter()
        .map(|f| {
            [
                f.name.to_owned(),
                f.profile.to_owned(),
                f.description.to_owned(),
                f.expected.to_owned(),
            ]
        })
        .collect();
    print_table(
        ["NAME", "PROFILE", "WHAT THE CHIP DOES", "EXPECTED VERDICT"],
        &rows,
    );
    ExitCode::SUCCESS
}

async fn serve(args: Args, addr: String) -> ExitCode {
    let loaded = match &args.chip_dir {
        Some(dir) => tapid_emulator::chip_dir::load(dir),
        None => Profile::named(&args.profile),
    };
    let profile = match loaded {
        Ok(p) => p,
        Err(e) => {
            eprintln!("tapid: {e}");
            return ExitCode::from(2);
        }
    };
    let config = ChipConfig {
        extended_length: !args.no_extended_length,
    };
    let mut seed = [0u8; 16];
    rand_core::Rng::fill_bytes(&mut passport::system_rng(), &mut seed);
    let chip = match args.fault {
        Some(fault) => faults::chip(&profile, config, &seed, fault),
        None => Chip::new(&profile, config, &seed),
    };
    let chip = match chip {
        Ok(c) => c,
        Err(e) => {
            eprintln!("tapid: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut card = VirtualCard::new(chip);
    eprintln!(
        "tapid: emulating profile {:?}{} on vpcd {addr} (ATR {}); Ctrl-C to stop",
        profile.name,
        args.fault
            .map(|f| format!(" with fault {f}"))
            .unwrap_or_default(),
        hex::encode_upper(card.atr())
    );
    let shutdown = async {
        match shutdown_signal().await {
            Ok(name) => eprintln!("tapid: {name}: removing the card"),
            Err(e) => eprintln!("tapid: cannot wait for signals: {e}"),
        }
    };
    vpcd::run(&mut card, &addr, vpcd::DEFAULT_RETRY, shutdown, &mut report).await;
    ExitCode::SUCCESS
}

fn report(event: VpcdEvent) {
    match event {
        VpcdEvent::Connected(addr) => eprintln!("tapid: card inserted (connected to {addr})"),
        VpcdEvent::Waiting(why) => {
            eprintln!("tapid: waiting for pcscd's vpcd reader ({why}); retrying")
        }
        VpcdEvent::Disconnected => eprintln!("tapid: the reader closed the link; reconnecting"),
        VpcdEvent::LinkError(why) => eprintln!("tapid: link error ({why}); reconnecting"),
        VpcdEvent::Control(Control::PowerOn) => eprintln!("tapid: power on"),
        VpcdEvent::Control(Control::PowerOff) => eprintln!("tapid: power off"),
        VpcdEvent::Control(Control::Reset) => eprintln!("tapid: reset"),
        VpcdEvent::Control(_) | _ => {}
    }
}

/// Resolves on Ctrl-C or SIGTERM with the signal's name.
async fn shutdown_signal() -> std::io::Result<&'static str> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r.map(|()| "interrupted"),
            _ = term.recv() => Ok("terminated"),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await.map(|()| "interrupted")
    }
}
