//! `tapid serve`: the identity service (relying-party, issuer and app APIs over mutual TLS) on
//! SQLite or PostgreSQL, until SIGINT or SIGTERM stops it gracefully.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use tapid_service::api::AppState;
use tapid_service::clock::{Clock, SystemClock};
use tapid_service::config::{Config, DemoConfig};
use tapid_service::entropy::{self, OsEntropy};
use tapid_service::keys::ServiceKeys;
use tapid_service::local::{self, LocalPki, PartyName};
use tapid_service::pki::role;
use tapid_service::store::Store;
use tapid_service::tls::{self as service_tls, Party, Role, ServerTls};
use tapid_service::tls_dir;

use super::trust_args::AnchorArgs;
use crate::exit::{CliError, Exit};

/// How long open connections may take to finish after a stop signal.
const GRACE: Duration = Duration::from_secs(10);
/// How long a generated test PKI is valid.
const GENERATED_DAYS: i64 = 365;

/// Run the identity service.
#[derive(clap::Args)]
#[command(
    after_help = "Exit status: 0 stopped by SIGINT/SIGTERM; 1 the service could not \
                        start (storage, keys, address); 2 usage; 10 unusable trust or TLS files"
)]
pub struct Args {
    /// The database: `sqlite:FILE` (one file, WAL; the embedded default) or `postgres://…`
    /// (several instances on one database).
    #[arg(
        long,
        value_name = "SPEC",
        default_value = "sqlite:.tapid-run/serve/tapid.db"
    )]
    db: String,
    /// The address to listen on; port 0 picks a free one (the printed line says which).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8443")]
    listen: String,
    /// CSCA trust anchors of the passport step-up (the options of `tapid verify`). Without
    /// them every step-up is untrusted; `--trust fixtures/pki/csca` trusts the emulator's test
    /// CSCAs.
    #[command(flatten)]
    trust: AnchorArgs,
    /// The TLS directory: `server.crt` (chain, PEM or DER), `server.key` (PEM or PKCS #8 DER)
    /// and `client-ca.crt` (the CA of relying parties' and issuers' client certificates).
    /// Empty or missing: a test CA, the server certificate and the credentials of one relying
    /// party (`rp.crt`, `rp.key`) and one issuer (`issuer.crt`, `issuer.key`) are generated
    /// there, owner-only.
    #[arg(long, value_name = "DIR", default_value = ".tapid-run/serve/tls")]
    tls_dir: PathBuf,
    /// The service's own keys (completion signing key, data key), shared by every instance of
    /// one deployment; created owner-only on first start.
    #[arg(long, value_name = "DIR", default_value = ".tapid-run/serve/keys")]
    key_dir: PathBuf,
    /// Serve the demo relying-party page at `/demo`, its backend acting as the relying party
    /// this certificate names (PEM or DER; `CN` its id, `O` the name the app shows): e.g. the
    /// generated `rp.crt` of the TLS directory. Off without it.
    #[arg(long, value_name = "CERT")]
    demo_rp: Option<PathBuf>,
    /// Print the listening line as JSON and log JSON lines.
    #[arg(long)]
    json: bool,
}

/// Runs `tapid serve`.
pub fn run(args: Args) -> ExitCode {
    init_logs(args.json);
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return CliError::new(Exit::Internal, format!("runtime: {e}")).report(),
    };
    match rt.block_on(serve(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => e.report(),
    }
}

/// Structured logs on stderr (text, or JSON lines with `--json`): the service logs order
/// references, parties and outcomes, never personal data or secrets.
fn init_logs(json: bool) {
    let builder = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::INFO)
        .with_target(false);
    let _ = if json {
        builder.json().try_init()
    } else {
        builder
            .with_ansi(std::io::stderr().is_terminal())
            .try_init()
    };
}

fn internal(what: &str) -> impl Fn(String) -> CliError + '_ {
    move |e| CliError::new(Exit::Internal, format!("{what}: {e}"))
}

/// The TLS material: read from `dir`, or generated there when it is empty. `true` when
/// generated.
fn tls(dir: &Path) -> Result<(ServerTls, bool), CliError> {
    let unusable = |e: tls_dir::TlsDirError| {
        CliError::new(
            Exit::UnusableInput,
            format!("--tls-dir {}: {e}", dir.display()),
        )
    };
    if !tls_dir::is_empty(dir).map_err(unusable)? {
        return Ok((tls_dir::load(dir).map_err(unusable)?, false));
    }
    let now = SystemClock.now_secs();
    let seed = zeroize::Zeroizing::new(entropy::bytes::<32>(&OsEntropy));
    let pki = LocalPki::generate(
        seed.as_slice(),
        now - 3_600,
        now + GENERATED_DAYS * 86_400,
        &[
            PartyName {
                id: "rp",
                role: role::RELYING_PARTY,
                display: "Local relying party",
            },
            PartyName {
                id: "issuer",
                role: role::ISSUER,
                display: "Local issuer",
            },
        ],
    )
    .map_err(|e| internal("test PKI")(e.to_string()))?;
    tls_dir::generate(dir, &pki).map_err(unusable)?;
    tracing::info!(
        dir = %dir.display(),
        "generated a test PKI: clients trust client-ca.crt; the relying party's credentials \
         are rp.crt/rp.key, the issuer's issuer.crt/issuer.key"
    );
    Ok((
        pki.server_tls()
            .map_err(|e| internal("TLS")(e.to_string()))?,
        true,
    ))
}

/// The relying party the `/demo` page's backend acts as: the one certificate `path` names.
fn demo_party(path: &Path) -> Result<Party, CliError> {
    let unusable = |e: String| {
        CliError::new(
            Exit::UnusableInput,
            format!("--demo-rp {}: {e}", path.display()),
        )
    };
    let bytes = std::fs::read(path).map_err(|e| unusable(e.to_string()))?;
    let certs = service_tls::certificates(&bytes, "the demo certificate")
        .map_err(|e| unusable(e.to_string()))?;
    certs
        .first()
        .and_then(|c| service_tls::party(c))
        .filter(|p| p.role == Role::RelyingParty)
        .ok_or_else(|| unusable("the certificate names no relying party".into()))
}

/// Creates `dir` owner-only (0700) when missing.
fn private_dir(dir: &Path, what: &str) -> Result<(), CliError> {
    if dir.as_os_str().is_empty() || dir.exists() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .map_err(|e| internal(what)(format!("{}: {e}", dir.display())))
}

async fn serve(args: Args) -> Result<(), CliError> {
    let schemes = ["sqlite:", "postgres://", "postgresql://"];
    if !schemes.iter().any(|s| args.db.starts_with(s)) {
        return Err(CliError::new(
            Exit::Usage,
            "--db: the database is sqlite:FILE or postgres://…",
        ));
    }
    let trust = match args.trust.store()? {
        Some(t) => t,
        None => {
            tracing::warn!(
                "no --trust: every passport step-up is untrusted (--trust fixtures/pki/csca \
                 trusts the emulator's test CSCAs)"
            );
            Default::default()
        }
    };
    if let Some(parent) = args
        .db
        .strip_prefix("sqlite:")
        .and_then(|f| Path::new(f).parent())
    {
        private_dir(parent, "--db")?;
    }
    let store = Store::open(&args.db)
        .await
        .map_err(|e| internal("--db")(e.to_string()))?;
    let (tls, generated) = tls(&args.tls_dir)?;
    let demo = match &args.demo_rp {
        Some(path) => Some(DemoConfig::new(demo_party(path)?)),
        None => None,
    };
    let demo_name = demo.as_ref().map(|d| d.party.id.clone());
    private_dir(&args.key_dir, "--key-dir")?;
    let keys = ServiceKeys::load_or_create(&args.key_dir, &OsEntropy)
        .map_err(|e| internal("--key-dir")(e.to_string()))?;
    let state = AppState {
        store,
        clock: Arc::new(SystemClock),
        entropy: Arc::new(OsEntropy),
        keys: Arc::new(keys),
        config: Arc::new(Config {
            demo,
            ..Config::default()
        }),
        trust: Arc::new(trust),
    };
    let running = local::start(state, tls, &args.listen)
        .await
        .map_err(|e| internal("listen")(e.to_string()))?;
    let demo_page = demo_name
        .as_ref()
        .map(|_| format!("{}{}", running.url(), tapid_service::demo::PAGE));
    if args.json {
        outln!(
            "{}",
            serde_json::json!({
                "listening": running.url(),
                "tlsDir": args.tls_dir.display().to_string(),
                "generatedTls": generated,
                "demoPage": demo_page,
            })
        );
    } else {
        outln!("listening on {}", running.url());
        if let Some(page) = &demo_page {
            outln!("demo page on {page}");
        }
    }
    if let (Some(rp), Some(page)) = (&demo_name, &demo_page) {
        tracing::info!(rp = %rp, page = %page, "the demo page is on");
    }
    tracing::info!(addr = %running.addr(), "listening");
    let signal = stop_signal().await;
    tracing::info!(signal, "stopping");
    if running.shutdown(GRACE).await {
        tracing::info!("stopped");
    } else {
        tracing::warn!("stopped with connections still open after the grace period");
    }
    Ok(())
}

/// Waits for SIGINT or SIGTERM and names it.
async fn stop_signal() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            return tokio::select! {
                _ = term.recv() => "SIGTERM",
                _ = tokio::signal::ctrl_c() => "SIGINT",
            };
        }
    }
    let _ = tokio::signal::ctrl_c().await;
    "SIGINT"
}
