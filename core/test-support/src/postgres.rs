//! A fresh, empty database per test on the PostgreSQL that `scripts/postgres.sh start` runs
//! (its URL in `TAPID_TEST_POSTGRES`), so that tests never see each other's rows and can run in
//! any order and in parallel.

use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// The URL of a new database created for the calling test, or `None` with a printed note when
/// `TAPID_TEST_POSTGRES` is unset, so that the test skips itself — unless
/// `TAPID_REQUIRE_POSTGRES=1` (CI), which fails the test instead.
pub async fn fresh_database() -> Option<String> {
    let Some(server) = std::env::var("TAPID_TEST_POSTGRES")
        .ok()
        .filter(|s| !s.is_empty())
    else {
        assert!(
            std::env::var("TAPID_REQUIRE_POSTGRES").as_deref() != Ok("1"),
            "TAPID_REQUIRE_POSTGRES=1 but TAPID_TEST_POSTGRES is not set (scripts/postgres.sh start)"
        );
        eprintln!("skipping: TAPID_TEST_POSTGRES is not set (run scripts/postgres.sh start)");
        return None;
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let name = format!(
        "tapid_test_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let (client, connection) = tokio_postgres::connect(&server, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| panic!("connecting to the test PostgreSQL: {e}"));
    let driver = tokio::spawn(connection);
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap_or_else(|e| panic!("CREATE DATABASE {name}: {e}"));
    drop(client);
    let _ = driver.await;
    let base = server
        .rsplit_once('/')
        .map(|(base, _)| base.to_owned())
        .unwrap_or(server);
    Some(format!("{base}/{name}"))
}
