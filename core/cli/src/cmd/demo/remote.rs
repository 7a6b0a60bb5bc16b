//! `tapid demo app`: the issuer and the app against a running `tapid serve` (its TLS
//! directory generated, so it holds the issuer's credentials): issues the holder's identity,
//! enrols a fresh device key, scans a QR frame (or is launched with a launch URL) and approves
//! the order it picks up. What a person does with the demo page at `/demo` and a phone; the
//! browser test (`tests/browser`) drives it with the frame it decoded from a screenshot.
//!
//! Prints one JSON line per step on stdout: `{"step":"enrolled"}`, `{"step":"pickedUp",…}`,
//! then `{"step":"approved",…}`. Without `--qr` and `--launch-url` it reads what it scans as
//! one line on stdin once enrolled (a QR frame is valid for a few seconds only: the page's
//! current frame is given when the app is ready for it).

use std::path::{Path, PathBuf};

use tapid_identity::client::Https;
use tapid_service::tls;
use tapid_service::tls_dir;

use super::app::Device;
use super::error::DemoError;
use super::issuer;
use super::say::Say;

/// Play the issuer and the app against a running service.
#[derive(clap::Args)]
#[command(
    after_help = "Exit status: 0 the order was picked up and approved; 1 otherwise (the \
                        failing step on stderr)"
)]
pub struct AppArgs {
    /// The service, `https://HOST:PORT`.
    #[arg(long, value_name = "URL")]
    url: String,
    /// The service's generated TLS directory: `client-ca.crt` (trusted for the server) and
    /// the issuer's `issuer.crt`/`issuer.key`.
    #[arg(long, value_name = "DIR")]
    tls_dir: PathBuf,
    /// The scanned QR content, `bankid.<token>.<time>.<code>` (without it and `--launch-url`:
    /// one line on stdin, read once enrolled).
    #[arg(long, value_name = "PAYLOAD", conflicts_with = "launch_url")]
    qr: Option<String>,
    /// The same-device launch URL instead (`bankid:///?autostarttoken=…`).
    #[arg(long, value_name = "URL")]
    launch_url: Option<String>,
    /// After the pickup, wait for a line on stdin before approving (so the page can be looked
    /// at while the app has the order).
    #[arg(long)]
    hold: bool,
}

fn unusable(what: &Path) -> impl Fn(String) -> DemoError + '_ {
    move |e| DemoError::Service(format!("{}: {e}", what.display()))
}

/// The issuer's id in a generated TLS directory (`tapid serve`'s test PKI).
const ISSUER: &str = "issuer";

fn read_file(path: &Path) -> Result<Vec<u8>, DemoError> {
    std::fs::read(path).map_err(|e| unusable(path)(e.to_string()))
}

/// A client of the service, presenting the issuer's certificate when `issuer`.
fn client(args: &AppArgs, issuer: bool) -> Result<Https, DemoError> {
    let ca = args.tls_dir.join(tls_dir::CLIENT_CA);
    let roots =
        tls::certificates(&read_file(&ca)?, "the CA").map_err(|e| unusable(&ca)(e.to_string()))?;
    let identity = if issuer {
        let (cert, key) = tls_dir::client_files(&args.tls_dir, ISSUER);
        let chain = tls::certificates(&read_file(&cert)?, "the issuer certificate")
            .map_err(|e| unusable(&cert)(e.to_string()))?;
        let key_bytes = zeroize::Zeroizing::new(read_file(&key)?);
        let key = tls::private_key(&key_bytes, "the issuer key")
            .map_err(|e| unusable(&key)(e.to_string()))?;
        Some((chain, key))
    } else {
        None
    };
    Https::new(&args.url, &roots, identity).map_err(|e| DemoError::Service(format!("client: {e}")))
}

/// One line of stdin.
async fn read_line() -> Result<String, DemoError> {
    tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map(|_| line)
    })
    .await
    .map_err(|e| DemoError::Unexpected(format!("stdin task: {e}")))?
    .map_err(|e| DemoError::Unexpected(format!("stdin: {e}")))
}

fn step(value: serde_json::Value) {
    outln!("{value}");
}

/// Runs `tapid demo app`.
pub async fn run(args: &AppArgs) -> Result<(), DemoError> {
    let say = Say::new(true);
    let issued = issuer::issue(&client(args, true)?, &say).await?;
    let mut device = Device::create(client(args, false)?, &say).await?;
    device.enrol(&issued.activation_code, &say).await?;
    step(serde_json::json!({ "step": "enrolled" }));
    let picked = match (&args.qr, &args.launch_url) {
        (Some(qr), _) => device.pickup_qr(qr, &say).await?,
        (None, Some(url)) => device.pickup_autostart(url, &say).await?,
        (None, None) => {
            let scanned = read_line().await?;
            let scanned = scanned.trim();
            if scanned.starts_with("bankid:") && !scanned.starts_with("bankid.") {
                device.pickup_autostart(scanned, &say).await?
            } else {
                device.pickup_qr(scanned, &say).await?
            }
        }
    };
    step(serde_json::json!({
        "step": "pickedUp",
        "relyingParty": picked.order.relying_party,
        "kind": picked.order.kind,
    }));
    if args.hold {
        read_line().await?;
    }
    device.approve(&picked, &say).await?;
    step(serde_json::json!({
        "step": "approved",
        "name": format!("{} {}", issuer::GIVEN_NAME, issuer::SURNAME),
    }));
    Ok(())
}
