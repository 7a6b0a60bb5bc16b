//! `tapid demo` and `tapid serve` as a user runs them: the demo completes every flow (the
//! passport step-up in relay and evidence mode, a push approved offline, a renewal, a push on
//! the new phone); the service generates its test PKI in an empty TLS directory, answers over
//! TLS with it, keeps its orders across a restart on the same database, and stops on SIGTERM.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use tapid_identity::client::Https;
use tapid_service::tls;
use tapid_test_support::cli::{ChildGuard, run};

const TAPID: &str = env!("CARGO_BIN_EXE_tapid");

#[test]
fn the_demo_completes_every_flow() {
    let (code, out, err) = run(TAPID, &["demo", "--json"]);
    assert_eq!(code, 0, "{out}\n{err}");
    let flows: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let names: Vec<&str> = flows.iter().map(|f| f["flow"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "qr-auth",
            "autostart-auth",
            "sign",
            "push-offline",
            "renewal",
            "push-auth"
        ]
    );
    for f in &flows {
        assert_eq!(f["status"], "complete", "{f}");
    }
    let pno = tapid_emulator::profile::SWEDISH_PERSONAL_NUMBER;
    // The orders with the passport step-up: relay mode for the QR login, evidence otherwise.
    for (f, mode, chip) in [
        (&flows[0], "relay", "CA"),
        (&flows[1], "evidence", "AA"),
        (&flows[2], "evidence", "AA"),
    ] {
        assert_eq!(f["stepUp"]["mrtd"], true, "{f}");
        assert_eq!(f["stepUpMode"], mode, "{f}");
        assert_eq!(f["signatureVerified"], true, "{f}");
        assert_eq!(f["user"]["personalNumber"], pno);
        assert_eq!(f["user"]["name"], "Åsa Märta Öberg");
        assert_eq!(f["approval"]["method"], "deviceKey", "{f}");
        let v = &f["verdicts"];
        assert_eq!(v["mode"], mode, "{f}");
        assert_eq!(v["passiveAuthentication"], "valid", "{f}");
        assert_eq!(v["chipAuthenticity"], "valid", "{f}");
        assert_eq!(v["chipMethod"], chip, "{f}");
        assert_eq!(v["holderMatch"], true, "{f}");
    }
    // The pushed login approved offline: no step-up, the offline code.
    let offline = &flows[3];
    assert_eq!(offline["approval"]["method"], "offlineCode", "{offline}");
    assert_eq!(offline["user"]["personalNumber"], pno);
    assert_eq!(offline["signatureVerified"], true, "{offline}");
    assert!(offline.get("stepUpMode").is_none(), "{offline}");
    // The renewal: the passport in evidence mode, the old identity revoked.
    let renewal = &flows[4];
    assert_eq!(renewal["stepUp"]["mrtd"], true, "{renewal}");
    assert_eq!(renewal["stepUpMode"], "evidence", "{renewal}");
    assert_eq!(renewal["oldDevicePoll"], "identityRevoked", "{renewal}");
    let (old, new) = (
        renewal["revokedIdentity"].as_str().unwrap(),
        renewal["newIdentity"].as_str().unwrap(),
    );
    assert_ne!(old, new);
    // The new phone approves a push with its new key.
    let pushed = &flows[5];
    assert_eq!(pushed["approval"]["method"], "deviceKey", "{pushed}");
    assert_eq!(pushed["approval"]["via"], "push", "{pushed}");
    assert_eq!(pushed["user"]["personalNumber"], pno);
    assert_eq!(pushed["signatureVerified"], true, "{pushed}");
}

/// A `tapid serve` child on `db` and the line it printed.
fn serve(dir: &Path, db: &str) -> (ChildGuard, Value) {
    let mut child = Command::new(TAPID)
        .args(["serve", "--listen", "127.0.0.1:0", "--json", "--db", db])
        .arg("--tls-dir")
        .arg(dir.join("tls"))
        .arg("--key-dir")
        .arg(dir.join("keys"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let guard = ChildGuard::new(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let printed: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
    (guard, printed)
}

fn client(url: &str, tls_dir: &Path, party: Option<&str>) -> Https {
    let read = |name: &str| std::fs::read(tls_dir.join(name)).unwrap();
    let roots = tls::certificates(&read("client-ca.crt"), "ca").unwrap();
    let identity = party.map(|p| {
        (
            tls::certificates(&read(&format!("{p}.crt")), "cert").unwrap(),
            tls::private_key(&read(&format!("{p}.key")), "key").unwrap(),
        )
    });
    Https::new(url, &roots, identity).unwrap()
}

/// `/health`, asked until it answers (at most 50 times).
async fn health(http: &Https) -> Value {
    let mut last = None;
    for _ in 0..50 {
        match http.get::<Value>("/health").await {
            Ok(v) => return v,
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no /health answer: {last:?}");
}

fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_on_sqlite_generates_its_pki_answers_over_tls_and_stops_on_sigterm() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", tmp.path().join("db/tapid.db").display());
    serve_answers_and_stops(tmp.path(), &db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_on_postgres_generates_its_pki_answers_over_tls_and_stops_on_sigterm() {
    // Skips when the test PostgreSQL (scripts/postgres.sh) is not running; CI runs it.
    let Some(db) = tapid_test_support::postgres::fresh_database().await else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    serve_answers_and_stops(tmp.path(), &db).await;
}

/// Starts `tapid serve` on an empty TLS directory under `dir`, talks to it with the generated
/// credentials, stops it with SIGTERM, and starts it again on the same database and files.
async fn serve_answers_and_stops(dir: &Path, db: &str) {
    let tls_dir = dir.join("tls");
    let (guard, printed) = serve(dir, db);
    assert_eq!(printed["generatedTls"], true, "{printed}");
    let url = printed["listening"].as_str().unwrap().to_owned();
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    assert_eq!(mode(&tls_dir), 0o700);
    for f in std::fs::read_dir(&tls_dir).unwrap() {
        assert_eq!(mode(&f.unwrap().path()), 0o600);
    }
    assert_eq!(health(&client(&url, &tls_dir, None)).await["status"], "ok");
    // The generated credentials are the relying party's and the issuer's.
    let rp = client(&url, &tls_dir, Some("rp"));
    let order: Value = rp
        .post(
            "/rp/v6.0/auth",
            &serde_json::json!({"endUserIp": "127.0.0.1"}),
        )
        .await
        .unwrap();
    let order_ref = order["orderRef"].as_str().unwrap().to_owned();
    let issued: Value = client(&url, &tls_dir, Some("issuer"))
        .post(
            "/issuer/v1/identities",
            &serde_json::json!({
                "personalNumber": tapid_emulator::profile::SWEDISH_PERSONAL_NUMBER,
                "givenName": "Åsa Märta",
                "surname": "Öberg",
            }),
        )
        .await
        .unwrap();
    assert!(issued["activationCode"].is_string(), "{issued}");
    let stopped = guard.terminate();
    assert!(stopped.status.success(), "{stopped:?}");
    let log = String::from_utf8(stopped.stderr).unwrap();
    // The graceful stop finished every connection within its grace period.
    assert!(
        log.contains("SIGTERM") && log.contains(r#""message":"stopped""#),
        "{log}"
    );

    // Again on the same directories: the TLS files are loaded, the order is still there.
    let (guard, printed) = serve(dir, db);
    assert_eq!(printed["generatedTls"], false, "{printed}");
    let url = printed["listening"].as_str().unwrap().to_owned();
    health(&client(&url, &tls_dir, None)).await;
    let rp = client(&url, &tls_dir, Some("rp"));
    let collected: Value = rp
        .post(
            "/rp/v6.0/collect",
            &serde_json::json!({"orderRef": order_ref}),
        )
        .await
        .unwrap();
    assert_eq!(collected["orderRef"], order_ref.as_str());
    assert!(guard.terminate().status.success());
}
