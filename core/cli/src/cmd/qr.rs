//! `tapid qr`: generate animated-QR payloads (relying-party side) and parse scanned ones.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use tapid_identity::qr::{self, QrPayload, QrStartSecret};

/// Animated QR code payloads.
#[derive(Args)]
pub struct QrArgs {
    #[command(subcommand)]
    command: QrCommand,
}

#[derive(Subcommand)]
enum QrCommand {
    /// Print the payload for a frame: bankid.<token>.<time>.<HMAC-SHA256(secret, time)>.
    Generate {
        /// The order's qrStartToken.
        #[arg(long)]
        token: String,
        /// The order's qrStartSecret (keep it on the server).
        #[arg(long)]
        secret: String,
        /// Whole seconds since the order started.
        #[arg(long)]
        time: u64,
    },
    /// Parse scanned QR content strictly and print its parts.
    Parse {
        /// The scanned text.
        payload: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Runs `tapid qr …`.
pub fn run(args: QrArgs) -> ExitCode {
    let result = match args.command {
        QrCommand::Generate {
            token,
            secret,
            time,
        } => QrStartSecret::new(&secret)
            .and_then(|s| qr::generate(&token, &s, time))
            .map(|p| p.to_string()),
        QrCommand::Parse { payload, json } => QrPayload::parse(&payload).and_then(|p| {
            if json {
                serde_json::to_string(&p).map_err(|_| tapid_identity::Error::QrStructure)
            } else {
                Ok(format!(
                    "qrStartToken: {}\ntime: {}\nqrAuthCode: {}",
                    p.qr_start_token, p.time, p.qr_auth_code
                ))
            }
        }),
    };
    super::print_result(result)
}
