#!/usr/bin/env bash
# The whole test suite: formatting, lints, and every test, with the real components they
# need (pcscd with the vpcd virtual reader) started here and stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh

export TAPID_CONFORMANCE_DIR="${TAPID_CONFORMANCE_DIR:-$(cd .. && pwd)/shared/conformance}"
if [ "${CI:-}" = "true" ]; then
  # In CI, missing conformance data or a missing PC/SC stack is a failure, not a skip.
  export TAPID_REQUIRE_CONFORMANCE=1 TAPID_REQUIRE_PCSC=1
fi

cargo fmt --all --check
cargo clippy --workspace --all-targets -- -D warnings

if [ -x scripts/pcscd.sh ]; then
  scripts/pcscd.sh start
  trap 'scripts/pcscd.sh stop' EXIT
fi

cargo test --workspace --no-fail-fast
