//! What the identity service sustains, per storage backend, next to what its database can
//! commit at all:
//!
//! - **orders/s**: complete auth orders through the real APIs on loopback TLS with durable
//!   writes — the relying party starts, the app picks up by autostart token and approves with
//!   its device key, the relying party collects `complete` — by [`CLIENTS`] concurrent
//!   client pairs (one relying-party client and one enrolled app each), [`ORDERS`] in all;
//! - **commits/s**: single-row `INSERT` transactions through the store's own [`Storage`] (so its
//!   own settings: SQLite WAL with `synchronous = FULL`, PostgreSQL's default
//!   `synchronous_commit = on` and fsync), from one client and from [`CLIENTS`];
//! - **verifications/s**: the server's re-verification of an evidence bundle
//!   (`tapid_mrtd::reader::verify_evidence_read` of the emulated `se-passport-pace` read,
//!   against the emulator's test trust store, with the Active Authentication challenge bound),
//!   on one thread.
//!
//! SQLite runs on a file in a temporary directory; PostgreSQL when `TAPID_TEST_POSTGRES` is set
//! (`scripts/postgres.sh start`), on a fresh database of that server — otherwise it is reported
//! as skipped.
//!
//! `cargo bench -p tapid-service --bench service` (add `-- --json` for one JSON object a line)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tapid_emulator::pki::drbg::SeededRng;
use tapid_emulator::pki::test_trust_store;
use tapid_emulator::{Chip, ChipConfig, EmulatorTransport, Profile};
use tapid_identity::client::{AppClient, Https};
use tapid_identity::service_api::{Attestation, attestation};
use tapid_keystore::{
    CodePolicy, KdfParams, KeyAlias, KeyStore, ProtectionPolicy, SecurityCode, SoftwareKeyStore,
    StoreOptions,
};
use tapid_mrtd::mrz::AccessKey;
use tapid_mrtd::pa::Policy;
use tapid_mrtd::reader::{Evidence, ReadOptions, Verification, read, verify_evidence_read};
use tapid_service::api::AppState;
use tapid_service::api::wire::{IssueRequest, IssueResponse, StartRequest, StartResponse};
use tapid_service::clock::{Clock, SystemClock};
use tapid_service::config::Config;
use tapid_service::entropy::OsEntropy;
use tapid_service::keys::ServiceKeys;
use tapid_service::local::{self, LocalPki, PartyName};
use tapid_service::pki::role;
use tapid_service::store::{Param, Store};

/// Concurrent clients.
const CLIENTS: usize = 8;
/// Complete orders measured per backend (after [`WARMUP`] per client).
const ORDERS: usize = 400;
/// Orders each client completes before the measurement.
const WARMUP: usize = 2;
/// Commits measured per backend and client count.
const COMMITS: usize = 1_000;
/// Evidence re-verifications measured.
const VERIFICATIONS: usize = 200;
/// The verification time of the evidence: inside the test PKI's and the passport's validity.
const VERIFY_AT: i64 = 1_800_000_000;

fn main() {
    let json = std::env::args().any(|a| a == "--json");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let sqlite_dir = tempfile::tempdir().unwrap();
    let mut backends = vec![(
        "sqlite",
        Some(format!(
            "sqlite:{}",
            sqlite_dir.path().join("tapid.db").display()
        )),
    )];
    let postgres = std::env::var("TAPID_TEST_POSTGRES")
        .ok()
        .filter(|s| !s.is_empty())
        .map(|_| {
            rt.block_on(tapid_test_support::postgres::fresh_database())
                .unwrap()
        });
    backends.push(("postgres", postgres));
    for (backend, spec) in backends {
        let Some(spec) = spec else {
            emit(
                json,
                json!({"bench": "service", "backend": backend, "skipped": "TAPID_TEST_POSTGRES is not set"}),
                &format!("{backend:<9} skipped: TAPID_TEST_POSTGRES is not set"),
            );
            continue;
        };
        let store = rt.block_on(Store::open(&spec)).unwrap();
        // A first pass, not reported: SQLite's WAL file grows to its checkpoint size in it (a
        // growing file costs more per fsync than the steady state the service runs in).
        rt.block_on(commit_rate(&store, "warmup", 1));
        for clients in [1, CLIENTS] {
            let rate = rt.block_on(commit_rate(&store, &clients.to_string(), clients));
            emit(
                json,
                json!({"bench": "commit", "backend": backend, "clients": clients, "commits": COMMITS, "perSecond": rate}),
                &format!(
                    "{backend:<9} durable commits/s, {clients} client(s): {rate:>8.0}  ({COMMITS} single-row INSERT transactions)"
                ),
            );
        }
        let (rate, median_ms) = rt.block_on(order_rate(store));
        emit(
            json,
            json!({"bench": "orders", "backend": backend, "clients": CLIENTS, "orders": ORDERS, "perSecond": rate, "medianMs": median_ms}),
            &format!(
                "{backend:<9} complete auth orders/s, {CLIENTS} clients: {rate:>6.1}  ({ORDERS} orders, median {median_ms:.1} ms each)"
            ),
        );
    }
    let rate = verification_rate(&rt);
    emit(
        json,
        json!({"bench": "evidence", "profile": "se-passport-pace", "verifications": VERIFICATIONS, "perSecond": rate}),
        &format!(
            "evidence re-verifications/s (se-passport-pace, one thread): {rate:.1}  ({VERIFICATIONS} verifications)"
        ),
    );
}

fn emit(json: bool, object: Value, line: &str) {
    if json {
        println!("{object}");
    } else {
        println!("{line}");
    }
}

fn per_second(n: usize, elapsed: Duration) -> f64 {
    n as f64 / elapsed.as_secs_f64()
}

/// Single-row INSERT transactions per second into a new table `bench_commit_{name}` on the
/// store's own connection(s), `clients` at a time.
async fn commit_rate(store: &Store, name: &str, clients: usize) -> f64 {
    let db = Arc::clone(store.storage());
    let table = format!("bench_commit_{name}");
    db.execute(
        &format!("CREATE TABLE {table} (id BIGINT PRIMARY KEY, payload TEXT NOT NULL)"),
        vec![],
    )
    .await
    .unwrap();
    let sql = Arc::new(format!("INSERT INTO {table} (id, payload) VALUES ($1, $2)"));
    let per_client = COMMITS / clients;
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|c| {
            let db = Arc::clone(&db);
            let sql = Arc::clone(&sql);
            tokio::spawn(async move {
                for i in 0..per_client {
                    let id = (c * per_client + i) as i64;
                    db.execute(
                        &sql,
                        vec![
                            Param::Int(Some(id)),
                            Param::Text(Some(format!("order {id}"))),
                        ],
                    )
                    .await
                    .unwrap();
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    per_second(per_client * clients, started.elapsed())
}

/// A service on loopback over `store`, and complete auth orders per second through it by
/// [`CLIENTS`] concurrent relying-party/app pairs; with the median order's time.
async fn order_rate(store: Store) -> (f64, f64) {
    let now = SystemClock.now_secs();
    let pki = LocalPki::generate(
        b"tapid-service bench",
        now - 3_600,
        now + 86_400,
        &[
            PartyName {
                id: "shop",
                role: role::RELYING_PARTY,
                display: "Webbshoppen AB",
            },
            PartyName {
                id: "bank",
                role: role::ISSUER,
                display: "Testbanken AB",
            },
        ],
    )
    .unwrap();
    let config = Config {
        // The bench is one relying party starting orders as fast as it can.
        rp_orders_per_minute: i64::MAX,
        ..Config::default()
    };
    let state = AppState {
        store,
        clock: Arc::new(SystemClock),
        entropy: Arc::new(OsEntropy),
        keys: Arc::new(ServiceKeys::generate(&OsEntropy)),
        config: Arc::new(config),
        trust: Arc::new(test_trust_store().unwrap()),
    };
    let running = local::start(state, pki.server_tls().unwrap(), "127.0.0.1:0")
        .await
        .unwrap();
    let client = |id: Option<&str>| {
        let identity = id.map(|id| local::client_identity(pki.client(id).unwrap()).unwrap());
        Https::new(&running.url(), &pki.roots(), identity).unwrap()
    };
    let bank = client(Some("bank"));
    let mut pairs = Vec::new();
    for _ in 0..CLIENTS {
        let app = App::enrolled(&bank, client(None)).await;
        pairs.push((client(Some("shop")), app));
    }
    for (rp, app) in &pairs {
        for _ in 0..WARMUP {
            complete_order(rp, &app.client).await;
        }
    }
    let per_client = ORDERS / CLIENTS;
    let started = Instant::now();
    let tasks: Vec<_> = pairs
        .into_iter()
        .map(|(rp, app)| {
            tokio::spawn(async move {
                // The whole app (its key store's directory too) lives in the task.
                let app = app;
                let mut times = Vec::with_capacity(per_client);
                for _ in 0..per_client {
                    let t = Instant::now();
                    complete_order(&rp, &app.client).await;
                    times.push(t.elapsed());
                }
                times
            })
        })
        .collect();
    let mut times = Vec::with_capacity(ORDERS);
    for t in tasks {
        times.extend(t.await.unwrap());
    }
    let elapsed = started.elapsed();
    times.sort();
    let median = times[times.len() / 2].as_secs_f64() * 1_000.0;
    let _ = running.shutdown(Duration::from_secs(5)).await;
    (per_second(per_client * CLIENTS, elapsed), median)
}

/// One auth order from start to a `complete` collect.
async fn complete_order(rp: &Https, app: &AppClient) {
    let order: StartResponse = rp
        .post(
            "/rp/v6.0/auth",
            &StartRequest {
                end_user_ip: "127.0.0.1".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let picked = app.pickup_autostart(&order.auto_start_token).await.unwrap();
    app.approve(&picked).await.unwrap();
    let collected: Value = rp
        .post("/rp/v6.0/collect", &json!({"orderRef": order.order_ref}))
        .await
        .unwrap();
    assert_eq!(collected["status"], "complete", "{collected}");
}

/// An enrolled app: a software key store (cheap Argon2id costs: the bench measures the
/// service, not the phone's key derivation) and its client.
struct App {
    client: AppClient,
    _dir: tempfile::TempDir,
}

impl App {
    async fn enrolled(bank: &Https, http: Https) -> Self {
        let issued: IssueResponse = bank
            .post(
                "/issuer/v1/identities",
                &IssueRequest {
                    personal_number: tapid_emulator::profile::SWEDISH_PERSONAL_NUMBER.into(),
                    given_name: "Åsa Märta".into(),
                    surname: "Öberg".into(),
                },
            )
            .await
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let code = SecurityCode::new("731904".into()).unwrap();
        let options = StoreOptions {
            kdf: KdfParams {
                memory_kib: 8,
                iterations: 1,
                parallelism: 1,
            },
            max_attempts: 5,
            code_policy: CodePolicy::PHONE,
        };
        let keys = Arc::new(SoftwareKeyStore::create_in_dir(dir.path(), &code, options).unwrap());
        let alias = KeyAlias::new("identity").unwrap();
        keys.generate(&alias, ProtectionPolicy::SECURITY_CODE, Some(&code))
            .await
            .unwrap();
        let keys: Arc<dyn KeyStore> = keys;
        let mut client = AppClient::new(http, keys, alias, Some(code));
        client
            .enrol(
                &issued.activation_code,
                Attestation {
                    kind: attestation::SOFTWARE.into(),
                    data: String::new(),
                },
            )
            .await
            .unwrap();
        Self { client, _dir: dir }
    }
}

/// Re-verifications per second of one evidence bundle, as the server runs them.
fn verification_rate(rt: &tokio::runtime::Runtime) -> f64 {
    let trust = test_trust_store().unwrap();
    let aa = *b"benchAA!";
    let evidence = rt.block_on(evidence(&trust, aa));
    let mut verification = Verification::with_policy(&trust, Policy::new(VERIFY_AT));
    verification.aa_challenge = Some(aa);
    let check = verify_evidence_read(&evidence, &verification).unwrap();
    assert_eq!(
        check.report().passive_authentication.status,
        tapid_mrtd::pa::PaStatus::Valid
    );
    let started = Instant::now();
    for _ in 0..VERIFICATIONS {
        std::hint::black_box(verify_evidence_read(&evidence, &verification).unwrap());
    }
    per_second(VERIFICATIONS, started.elapsed())
}

/// The evidence of an emulated read of the Swedish passport answering `aa`.
async fn evidence(trust: &tapid_mrtd::pa::TrustStore, aa: [u8; 8]) -> Evidence {
    let profile = Profile::named("se-passport-pace").unwrap();
    let key = AccessKey::Mrz(profile.mrz_key().unwrap());
    let chip = Chip::new(&profile, ChipConfig::default(), b"chip").unwrap();
    let mut transport = EmulatorTransport::new(chip);
    let options = ReadOptions {
        aa_challenge: Some(aa),
        ..ReadOptions::default()
    };
    let read = read(
        &mut transport,
        &key,
        &options,
        &Verification::new(trust, VERIFY_AT),
        &mut SeededRng::new(b"terminal"),
        &mut |_| {},
    )
    .await
    .unwrap();
    read.evidence().clone()
}
