#!/usr/bin/env bash
# The main job: read the emulated passport (ICAO specimen) end to end with the tapid CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cargo build -q -p tapid-cli
exec ./target/debug/tapid read --emulator bac --trust fixtures/pki/csca "$@"
