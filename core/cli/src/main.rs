//! The `tapid` command line: passport reading, the emulator, verification, the identity flows,
//! the identity service and the demo.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Prints a line to stdout. A closed pipe (`tapid … | head`) ends the output quietly instead of
/// panicking the way `println!` does.
macro_rules! outln {
    () => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock());
    }};
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

mod cmd;
mod exit;

/// tapid: tap your passport, confirm your identity.
#[derive(Parser)]
#[command(name = "tapid", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Every command group registers here with one variant and one arm in [`run`].
#[derive(Subcommand)]
enum Command {
    /// Read a passport chip (the built-in emulator) and print the verification report.
    Read(cmd::read::Args),
    /// List the PC/SC readers and whether a card is on each.
    Readers(cmd::readers::Args),
    /// Serve an emulated chip on pcscd's virtual reader (vpcd), or list the profiles.
    Emulate(cmd::emulate::Args),
    /// Re-run a recorded read from its JSONL transcript and print the same report.
    Replay(cmd::replay::Args),
    /// Passive authentication offline: EF.SOD, data groups, EF.CardSecurity against CSCAs.
    Verify(cmd::verify::Args),
    /// Inspect and verify a CSCA master list.
    Masterlist(cmd::masterlist::Args),
    /// Animated QR payloads: generate (relying party) and parse (app).
    Qr(cmd::qr::QrArgs),
    /// Same-device autostart launch URLs: build and parse.
    Autostart(cmd::autostart::AutostartArgs),
    /// Offline 8-digit challenge/response codes (OCRA): respond and verify.
    Code(cmd::code::CodeArgs),
    /// The recommended user message (RFA) for an order status and hint code.
    Message(cmd::message::MessageArgs),
    /// Run the identity service (RP API v6.0, issuer and app APIs over mutual TLS).
    Serve(cmd::serve::Args),
    /// The whole system in one process: service, issuer, relying party, app and passport.
    Demo(cmd::demo::Args),
    /// Measure emulated passport reads: APDUs, bytes, terminal CPU, the modelled NFC link.
    Bench(cmd::bench::Args),
}

fn run(command: Command) -> ExitCode {
    match command {
        Command::Read(args) => cmd::read::run(args),
        Command::Readers(args) => cmd::readers::run(args),
        Command::Emulate(args) => cmd::emulate::run(args),
        Command::Replay(args) => cmd::replay::run(args),
        Command::Verify(args) => cmd::verify::run(args),
        Command::Masterlist(args) => cmd::masterlist::run(args),
        Command::Qr(args) => cmd::qr::run(args),
        Command::Autostart(args) => cmd::autostart::run(args),
        Command::Code(args) => cmd::code::run(args),
        Command::Message(args) => cmd::message::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Demo(args) => cmd::demo::run(args),
        Command::Bench(args) => cmd::bench::run(args),
    }
}

fn main() -> ExitCode {
    run(Cli::parse().command)
}
