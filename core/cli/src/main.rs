//! The `tapid` command line: passport reading, the emulator, verification and the identity flows.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;

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
    /// Passive authentication offline: EF.SOD, data groups, EF.CardSecurity against CSCAs.
    Verify(cmd::verify::Args),
    /// Inspect and verify a CSCA master list.
    Masterlist(cmd::masterlist::Args),
}

fn run(command: Command) -> ExitCode {
    match command {
        Command::Verify(args) => cmd::verify::run(args),
        Command::Masterlist(args) => cmd::masterlist::run(args),
    }
}

fn main() -> ExitCode {
    run(Cli::parse().command)
}
