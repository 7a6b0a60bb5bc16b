#!/usr/bin/env bash
# The main job, end to end in one process: `tapid demo` starts the identity service on loopback
# (a temporary SQLite database, a test PKI made for this run, mutual TLS) and plays every party
# around it through the real APIs: the issuer issues an identity for the Swedish passport's
# holder, the app enrols its device key (software key store) with the activation code, and a
# relying party runs an auth order by animated QR, the same-device autostart flow and a sign
# order, each with the passport step-up (the emulated passport, re-verified by the service).
# Arguments go to `tapid demo` (`--json`: one JSON object per flow on stdout).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cargo build -q -p tapid-cli
exec target/debug/tapid demo "$@"
