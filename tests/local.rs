//! `tapid_service::local` as `tapid demo` and `tapid serve` use it, on SQLite and PostgreSQL: a
//! generated PKI whose server certificate a client verifies and whose client certificate names
//! the relying party; a graceful shutdown that finishes the open connections and then accepts
//! none.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::harness::START_MS;
use serde_json::{Value, json};
use tapid_identity::client::Https;
use tapid_mrtd::pa::TrustStore;
use tapid_service::api::AppState;
use tapid_service::clock::ManualClock;
use tapid_service::config::Config;
use tapid_service::entropy::SeededEntropy;
use tapid_service::keys::ServiceKeys;
use tapid_service::local::{self, LocalPki, PartyName};
use tapid_service::pki::role;
use tapid_service::store::Store;
use tapid_test_support::backend::TestDb;

async fn a_local_service_answers_over_its_pki_and_stops_gracefully(db: TestDb) {
    let pki = LocalPki::generate(
        b"local service test",
        1_767_225_600,
        2_082_758_400,
        &[PartyName {
            id: "shop",
            role: role::RELYING_PARTY,
            display: "Webbshoppen AB",
        }],
    )
    .unwrap();
    let state = AppState {
        store: Store::open(db.spec()).await.unwrap(),
        clock: Arc::new(ManualClock::new(START_MS)),
        entropy: Arc::new(SeededEntropy::new(b"local")),
        keys: Arc::new(ServiceKeys::generate(&SeededEntropy::new(b"keys"))),
        config: Arc::new(Config::default()),
        trust: Arc::new(TrustStore::new()),
    };
    let running = local::start(state, pki.server_tls().unwrap(), "127.0.0.1:0")
        .await
        .unwrap();
    let url = running.url();
    let anonymous = Https::new(&url, &pki.roots(), None).unwrap();
    let health: Value = anonymous.get("/health").await.unwrap();
    assert_eq!(health["status"], "ok");
    let shop = Https::new(
        &url,
        &pki.roots(),
        Some(local::client_identity(pki.client("shop").unwrap()).unwrap()),
    )
    .unwrap();
    let order: Value = shop
        .post("/rp/v6.0/auth", &json!({"endUserIp": "192.0.2.10"}))
        .await
        .unwrap();
    assert!(order["orderRef"].is_string(), "{order}");
    // Without the client certificate the RP API is closed.
    let r: Result<Value, _> = anonymous
        .post("/rp/v6.0/auth", &json!({"endUserIp": "192.0.2.10"}))
        .await;
    assert_eq!(r.unwrap_err().error_code(), Some("unauthorized"));
    assert!(pki.client("other").is_none());

    // Every connection has finished: the shutdown ends well within its grace period, and the
    // listener is gone.
    assert!(running.shutdown(Duration::from_secs(60)).await);
    assert!(anonymous.get::<Value>("/health").await.is_err());
}

tapid_test_support::on_both_backends!(a_local_service_answers_over_its_pki_and_stops_gracefully);
