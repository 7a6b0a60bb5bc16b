//! One module per command group. Each exposes a clap `Args`/`Subcommand` type and a `run`
//! function returning the process exit code.
pub mod autostart;
pub mod bench;
pub mod code;
pub mod demo;
pub mod emulate;
pub mod evidence;
pub mod masterlist;
pub mod message;
pub mod passport;
pub mod qr;
pub mod read;
pub mod readers;
pub mod replay;
pub mod serve;
pub mod trust_args;
pub mod verify;

/// Prints a command's text result to stdout, or its error to stderr, and gives the exit code.
pub fn print_result<E: std::fmt::Display>(result: Result<String, E>) -> std::process::ExitCode {
    match result {
        Ok(out) => {
            outln!("{out}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
