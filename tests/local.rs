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
use tapid_service::server::Running;
use tapid_service::store::Store;
use tapid_test_support::backend::TestDb;

/// One instance on `db` serving `pki`'s server certificate, its entropy seeded with `seed`.
async fn start(db: &TestDb, pki: &LocalPki, seed: &[u8]) -> Running {
    let state = AppState {
        store: Store::open(db.spec()).await.unwrap(),
        clock: Arc::new(ManualClock::new(START_MS)),
        entropy: Arc::new(SeededEntropy::new(seed)),
        keys: Arc::new(ServiceKeys::generate(&SeededEntropy::new(b"keys"))),
        config: Arc::new(Config::default()),
        trust: Arc::new(TrustStore::new()),
    };
    local::start(state, pki.server_tls().unwrap(), "127.0.0.1:0")
        .await
        .unwrap()
}

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
    let running = start(&db, &pki, b"local").await;
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

/// Reads one HTTP/1.1 answer (headers and a `Content-Length` body) from `tls`: its status
/// line and headers, lower-cased, then its body.
async fn answer<S: tokio::io::AsyncRead + Unpin>(tls: &mut S) -> String {
    use tokio::io::AsyncReadExt;
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut byte = [0u8; 1];
        let n = tls.read(&mut byte).await.unwrap();
        assert_eq!(n, 1, "the connection closed after {} bytes", head.len());
        head.push(byte[0]);
    }
    let head = String::from_utf8(head).unwrap().to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map_or(0, |v| v.trim().parse().unwrap());
    let mut body = vec![0u8; length];
    tls.read_exact(&mut body).await.unwrap();
    head + &String::from_utf8(body).unwrap()
}

/// A request the service refuses before reading its body (here a wrong `Content-Type`, whose
/// body arrives after the service could have answered) leaves the connection usable for the
/// next request: the service reads the body first. Before, hyper closed the connection after
/// such an answer and a client's next request on it (keep-alive) failed.
async fn a_refused_body_leaves_the_keep_alive_connection_usable(db: TestDb) {
    use tokio::io::AsyncWriteExt;
    let pki = LocalPki::generate(b"keep-alive test", 1_767_225_600, 2_082_758_400, &[]).unwrap();
    let running = start(&db, &pki, b"keep-alive").await;
    let mut roots = rustls::RootCertStore::empty();
    for r in pki.roots() {
        roots.add(r).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let tcp = tokio::net::TcpStream::connect(running.addr())
        .await
        .unwrap();
    let name = rustls::pki_types::ServerName::try_from("127.0.0.1").unwrap();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let mut tls = connector.connect(name.clone(), tcp).await.unwrap();
    let body = vec![b'x'; 4096];
    tls.write_all(
        format!(
            "POST /app/v1/decline HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n\
             Content-Length: {}\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    tls.flush().await.unwrap();
    // Room for the service to answer before the body comes, as it did.
    tokio::time::sleep(Duration::from_millis(100)).await;
    tls.write_all(&body).await.unwrap();
    tls.flush().await.unwrap();
    let refused = answer(&mut tls).await;
    assert!(refused.starts_with("http/1.1 415"), "{refused}");
    assert!(!refused.contains("connection: close"), "{refused}");
    tls.write_all(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    let health = answer(&mut tls).await;
    assert!(health.starts_with("http/1.1 200"), "{health}");
    // A body over the limit (1 MiB and a byte) is refused, with or without a length, and the
    // answer says the connection ends.
    let over = (1usize << 20) + 1;
    let tcp = tokio::net::TcpStream::connect(running.addr())
        .await
        .unwrap();
    let mut tls = connector.connect(name.clone(), tcp).await.unwrap();
    tls.write_all(
        format!(
            "POST /app/v1/decline HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
             Content-Length: {over}\r\n\r\n"
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    tls.write_all(&vec![b' '; over]).await.unwrap();
    tls.flush().await.unwrap();
    let too_large = answer(&mut tls).await;
    assert!(too_large.starts_with("http/1.1 400"), "{too_large}");
    assert!(too_large.contains("connection: close"), "{too_large}");
    assert!(
        too_large
            .ends_with(r#"{"details":"Request body too large","errorCode":"invalidParameters"}"#),
        "{too_large}"
    );
    let tcp = tokio::net::TcpStream::connect(running.addr())
        .await
        .unwrap();
    let mut tls = connector.connect(name, tcp).await.unwrap();
    tls.write_all(
        format!(
            "POST /app/v1/decline HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
             Transfer-Encoding: chunked\r\n\r\n{over:x}\r\n"
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    tls.write_all(&vec![b' '; over]).await.unwrap();
    tls.write_all(b"\r\n0\r\n\r\n").await.unwrap();
    tls.flush().await.unwrap();
    let chunked = answer(&mut tls).await;
    assert!(chunked.starts_with("http/1.1 400"), "{chunked}");
    assert!(chunked.contains("connection: close"), "{chunked}");
    assert!(chunked.contains("Request body too large"), "{chunked}");
}

tapid_test_support::on_both_backends!(
    a_local_service_answers_over_its_pki_and_stops_gracefully,
    a_refused_body_leaves_the_keep_alive_connection_usable,
);
