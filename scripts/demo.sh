#!/usr/bin/env bash
# The main job: read the emulated passport (ICAO specimen: PACE, CA, AA) end to end with the tapid CLI,
# verify it against the test CSCAs, and write its files and face to .tapid-run/demo.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cargo build -q -p tapid-cli
exec ./target/debug/tapid read --emulator pace-ca-aa --out .tapid-run/demo "$@"
