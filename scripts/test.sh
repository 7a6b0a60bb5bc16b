#!/usr/bin/env bash
# The whole test suite: formatting, lints, and every test, with the real components they
# need (pcscd with the vpcd virtual reader) started here and stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

run_start=$(date +%s)
./scripts/setup.sh
echo "test: setup took $(($(date +%s) - run_start)) s" >&2

export TAPID_CONFORMANCE_DIR="${TAPID_CONFORMANCE_DIR:-$(cd .. && pwd)/shared/conformance}"
if [ "${CI:-}" = "true" ]; then
  # In CI, missing conformance data or a missing PC/SC stack is a failure, not a skip.
  export TAPID_REQUIRE_CONFORMANCE=1 TAPID_REQUIRE_PCSC=1 TAPID_REQUIRE_POSTGRES=1
fi

# Each phase's wall time goes to stderr, so a slow phase shows in CI's log (the whole run stays
# well under 30 minutes on 2 cores).
phase() { echo "test: $1 took $(($(date +%s) - $2)) s" >&2; }
if [ "${CI:-}" = "true" ]; then
  # A clean checkout builds once: incremental caches would only be written, never read.
  export CARGO_INCREMENTAL=0
fi
# One feature set for every cargo step (the FFI crate's testing flavour, the software passport
# for app teams, included): one clippy pass covers both flavours, and the bindings' library is
# built from the same dependency builds as the tests.
features=(--features tapid-ffi/testing)

start=$(date +%s)
cargo fmt --all --check
# The testing flavour is a superset of the release one (no code is compiled only without it).
cargo clippy --workspace --all-targets "${features[@]}" -- -D warnings
phase "rustfmt and clippy" "$start"

# Dependencies declared but unused fail the run (cargo-machete; a dependency it cannot see used
# is listed, with its reason, under the crate's [package.metadata.cargo-machete] ignored), and so
# do a license, a duplicate crate version or a source outside deny.toml's policy (cargo deny;
# its advisories check needs the RustSec database from GitHub: see the README). setup.sh
# installed both.
start=$(date +%s)
cargo machete
cargo deny --locked check bans licenses sources
phase "cargo machete and cargo deny" "$start"

# The real components the tests talk to, stopped on exit: pcscd with the vpcd reader, and a
# throw-away PostgreSQL (the service's second storage backend) whose URL the tests read from
# TAPID_TEST_POSTGRES.
trap 'scripts/pcscd.sh stop; scripts/postgres.sh stop' EXIT
scripts/pcscd.sh start
scripts/postgres.sh start
TAPID_TEST_POSTGRES="$(scripts/postgres.sh url)"
export TAPID_TEST_POSTGRES

start=$(date +%s)
cargo test --workspace "${features[@]}" --no-fail-fast
phase "cargo test (workspace)" "$start"

# The library, bindgen and CLI of the phases below, built with the targets `cargo test` built
# (--lib --bins --tests --examples: the same dev-dependencies, so the same features, e.g.
# tokio's test-util; a plain `cargo build` would recompile everything above tokio): only the
# uniffi-bindgen binary is new. scripts/ffi-build.sh then skips its own cargo step.
start=$(date +%s)
cargo build --workspace "${features[@]}" --lib --bins --tests --examples --locked -q
export TAPID_SKIP_CARGO=1
phase "cargo build (workspace)" "$start"

# The service's HTTP API against its own OpenAPI document: schemathesis (installed into a venv
# under target/) against `tapid serve`, with a bounded, seeded number of examples.
start=$(date +%s)
TAPID_BIN=target/debug/tapid scripts/schemathesis.sh
phase "schemathesis" "$start"

# The /demo page end to end in headless Chromium against target/debug/tapid:
# scripts/browser-test.sh.
start=$(date +%s)
scripts/browser-test.sh
phase "browser" "$start"

# The bindings, while pcscd + vpcd are up (the JVM's javax.smartcardio test reads through them):
# the Kotlin tests on the host JVM, the Android module's Kotlin compiled against the Android
# API 34 jar, the Swift syntax check.
start=$(date +%s)
mvn -B -q -f android/jvm-tests/pom.xml test
phase "Kotlin JVM tests" "$start"
start=$(date +%s)
scripts/android-compile-check.sh
scripts/swift-check.sh
phase "Android compile check and Swift syntax check" "$start"
phase "the whole test command" "$run_start"
