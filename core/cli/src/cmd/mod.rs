//! One module per command group. Each exposes a clap `Args`/`Subcommand` type and a `run`
//! function returning the process exit code.
pub mod masterlist;
pub mod verify;
