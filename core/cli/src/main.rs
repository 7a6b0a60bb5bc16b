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
enum Command {}

fn run(command: Command) -> ExitCode {
    match command {}
}

fn main() -> ExitCode {
    run(Cli::parse().command)
}
