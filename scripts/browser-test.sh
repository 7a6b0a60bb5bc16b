#!/usr/bin/env bash
# The browser test of the /demo page (tests/browser/demo.test.mjs): installs its pinned npm
# packages from the lockfile (npm ci), then runs it with node's test runner against
# target/debug/tapid (TAPID_BIN to name another) in Debian's Chromium (/usr/bin/chromium,
# CHROMIUM to name another). Screenshots go to tests/browser/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${TAPID_BIN:-$PWD/target/debug/tapid}"
if [ ! -x "$bin" ]; then
  echo "browser-test: $bin is missing: cargo build -p tapid-cli first" >&2
  exit 1
fi
cd tests/browser
npm ci --no-audit --no-fund --loglevel=error
TAPID_BIN="$bin" node --test demo.test.mjs
