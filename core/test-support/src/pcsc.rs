//! The vpcd virtual reader through a real pcscd (`scripts/pcscd.sh start`): whether it is
//! there, and waiting for its card to come or go.

use std::time::{Duration, Instant};

use tapid_pcsc::readers;

/// How long [`wait_until`] waits.
pub const WAIT: Duration = Duration::from_secs(20);

/// Whether pcscd lists `reader`. When it does not, prints why and returns `false`, so that the
/// test skips itself — unless `TAPID_REQUIRE_PCSC=1` (CI), which fails the test instead.
pub fn pcsc_ready(reader: &str) -> bool {
    let required = std::env::var("TAPID_REQUIRE_PCSC").is_ok_and(|v| v == "1");
    let why = match readers::list() {
        Ok(rs) if rs.iter().any(|r| r.name == reader) => return true,
        Ok(_) => format!("pcscd does not list {reader:?}"),
        Err(e) => e.to_string(),
    };
    assert!(
        !required,
        "TAPID_REQUIRE_PCSC=1 but PC/SC is not usable: {why}"
    );
    eprintln!("skipping: {why} (run scripts/pcscd.sh start)");
    false
}

/// Whether pcscd lists `reader` with a card in it (`present`) or empty (`!present`).
pub fn card_present(reader: &str, present: bool) -> bool {
    readers::list()
        .unwrap_or_else(|e| panic!("listing the PC/SC readers: {e}"))
        .iter()
        .any(|r| r.name == reader && r.card_present == present)
}

/// Polls `f` until it holds, failing the test after [`WAIT`].
pub fn wait_until(what: &str, f: impl Fn() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < WAIT, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// [`wait_until`] [`card_present`]`(reader, present)`, from async code: on tokio's blocking
/// pool, so that a test's in-process vpcd card keeps running meanwhile.
pub async fn wait_for_card(reader: &str, present: bool) {
    let reader = reader.to_owned();
    let waited = tokio::task::spawn_blocking(move || {
        let what = format!("{reader} to show card present = {present}");
        wait_until(&what, || card_present(&reader, present));
    })
    .await;
    if let Err(e) = waited {
        std::panic::resume_unwind(e.into_panic());
    }
}
