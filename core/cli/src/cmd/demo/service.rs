//! The demo's identity service: [`tapid_service::local`] on `127.0.0.1:0`, a SQLite database
//! in a temporary directory, a test PKI from a fresh random seed (valid for this run only),
//! fresh service keys, the system clock and the operating system's randomness. Its passport
//! trust store is the emulator's test CSCAs: the server's own anchors, not the phone's.

use std::sync::Arc;
use std::time::Duration;

use tapid_identity::client::Https;
use tapid_service::api::AppState;
use tapid_service::clock::{Clock, SystemClock};
use tapid_service::config::Config;
use tapid_service::entropy::{self, OsEntropy};
use tapid_service::keys::ServiceKeys;
use tapid_service::local::{self, LocalPki, PartyName};
use tapid_service::pki::role;
use tapid_service::server::Running;
use tapid_service::store::Store;

use super::error::DemoError;

/// The relying party's id (its certificate's `CN`).
pub const RP: &str = "shop";
/// The issuer's id.
pub const ISSUER: &str = "bank";

/// A running demo service.
pub struct DemoService {
    running: Running,
    pki: LocalPki,
    _dir: tempfile::TempDir,
}

fn service(what: &'static str) -> impl Fn(String) -> DemoError {
    move |e| DemoError::Service(format!("{what}: {e}"))
}

impl DemoService {
    /// Starts it.
    pub async fn start() -> Result<Self, DemoError> {
        let dir = tempfile::tempdir().map_err(|e| service("temporary directory")(e.to_string()))?;
        let db = format!("sqlite:{}", dir.path().join("tapid.db").display());
        let store = Store::open(&db)
            .await
            .map_err(|e| service("database")(e.to_string()))?;
        let now = SystemClock.now_secs();
        let seed = zeroize::Zeroizing::new(entropy::bytes::<32>(&OsEntropy));
        let pki = LocalPki::generate(
            seed.as_slice(),
            now - 3_600,
            now + 86_400,
            &[
                PartyName {
                    id: RP,
                    role: role::RELYING_PARTY,
                    display: "Webbshoppen AB",
                },
                PartyName {
                    id: ISSUER,
                    role: role::ISSUER,
                    display: "Testbanken AB",
                },
            ],
        )
        .map_err(|e| service("test PKI")(e.to_string()))?;
        let trust = tapid_emulator::pki::test_trust_store()
            .map_err(|e| service("trust store")(e.to_string()))?;
        let state = AppState {
            store,
            clock: Arc::new(SystemClock),
            entropy: Arc::new(OsEntropy),
            keys: Arc::new(ServiceKeys::generate(&OsEntropy)),
            config: Arc::new(Config::default()),
            trust: Arc::new(trust),
        };
        let tls = pki
            .server_tls()
            .map_err(|e| service("TLS")(e.to_string()))?;
        let running = local::start(state, tls, "127.0.0.1:0")
            .await
            .map_err(|e| service("listen")(e.to_string()))?;
        Ok(Self {
            running,
            pki,
            _dir: dir,
        })
    }

    /// `https://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.running.url()
    }

    /// A client of the service presenting party `id`'s certificate, or none (the app).
    pub fn client(&self, id: Option<&str>) -> Result<Https, DemoError> {
        let identity = match id {
            Some(id) => {
                let credential = self
                    .pki
                    .client(id)
                    .ok_or_else(|| DemoError::Unexpected(format!("no credential for {id}")))?;
                Some(
                    local::client_identity(credential)
                        .map_err(|e| service("TLS")(e.to_string()))?,
                )
            }
            None => None,
        };
        Https::new(&self.url(), &self.pki.roots(), identity)
            .map_err(|e| service("client")(e.to_string()))
    }

    /// Stops it gracefully; the database goes with the temporary directory.
    pub async fn stop(self) {
        let _ = self.running.shutdown(Duration::from_secs(5)).await;
    }
}
