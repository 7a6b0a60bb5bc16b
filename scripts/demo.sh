#!/usr/bin/env bash
# The main job, end to end on the built-in emulator: a server issues an Active Authentication
# challenge; the phone side reads a Swedish passport (PACE, secure messaging, CA, AA, passive
# authentication against the test CSCAs) and writes its verified report, files, face and the
# evidence bundle to .tapid-run/demo; the server side re-verifies the bundle offline with its
# own clock and its own challenge, never taking the phone's verdict.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cargo build -q -p tapid-cli
tapid=./target/debug/tapid
out=.tapid-run/demo
mkdir -p "$out"
challenge=$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')
echo "== phone: tap the passport (server challenge $challenge)"
"$tapid" read --emulator se-passport-pace --aa-challenge "$challenge" --out "$out" \
  --evidence "$out/evidence.json" "$@"
echo
echo "== server: re-verify the evidence offline"
"$tapid" verify --evidence "$out/evidence.json" --trust fixtures/pki/csca --aa-challenge "$challenge"
