#!/usr/bin/env bash
# Property-based tests of the identity service's HTTP API against its own OpenAPI document:
# starts `tapid serve` (SQLite, a generated test PKI, a free port), runs schemathesis (a
# test-only Python tool, installed here into a venv under target/) against
# https://127.0.0.1:PORT/openapi.json with the relying party's client certificate — and the
# issuer API once more with the issuer's — and stops the server on exit. Fails on any 5xx, any
# undocumented status or content type, and any response that does not match its schema.
#
# TAPID_BIN: the `tapid` binary to serve (default: target/debug/tapid, built here when unset).
# SCHEMATHESIS_MAX_EXAMPLES (default 20) and SCHEMATHESIS_SEED (default 1) bound and fix the
# generated cases, so a run is reproducible.
set -euo pipefail
cd "$(dirname "$0")/.."

version=4.32.5
venv="${SCHEMATHESIS_VENV:-target/schemathesis-venv}"
if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -qF "version $version"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "schemathesis==$version"
fi

if [ -z "${TAPID_BIN:-}" ]; then
  cargo build -q -p tapid-cli --bin tapid
fi
tapid="${TAPID_BIN:-target/debug/tapid}"

run=$(mktemp -d)
pid=
stop_server() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" && wait "$pid" || true
  fi
  pid=
}
trap 'stop_server; rm -rf "$run"' EXIT

checks=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance
# schemathesis PARTY PHASES [ARGS…]: one run as PARTY (its client certificate) against $url.
schemathesis() {
  local party=$1 phases=$2
  shift 2
  "$venv/bin/schemathesis" run "${url%/}/openapi.json" \
    --tls-verify "$dir/tls/client-ca.crt" \
    --request-cert "$dir/tls/$party.crt" --request-cert-key "$dir/tls/$party.key" \
    --checks "$checks" \
    --phases "$phases" \
    --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-20}" --seed "${SCHEMATHESIS_SEED:-1}" \
    --workers 2 --generation-database none --no-color "$@"
}

# against DB NAME: serves DB (a `--db` spec) from a fresh directory and runs schemathesis
# against it; fails when schemathesis found anything.
against() {
  local db=$1 name=$2 status=0
  dir="$run/$name"
  mkdir -p "$dir"
  "$tapid" serve --db "$db" --listen 127.0.0.1:0 --tls-dir "$dir/tls" --key-dir "$dir/keys" \
    --json >"$dir/listening" 2>"$dir/serve.log" &
  pid=$!
  url=
  for _ in $(seq 1 100); do
    url=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["listening"])' \
      "$dir/listening" 2>/dev/null || true)
    [ -n "$url" ] && break
    if ! kill -0 "$pid" 2>/dev/null; then
      cat "$dir/serve.log" >&2
      echo "schemathesis: tapid serve ($name) did not start" >&2
      return 1
    fi
    sleep 0.1
  done
  if [ -z "$url" ]; then
    echo "schemathesis: tapid serve ($name) printed no listening line" >&2
    return 1
  fi
  echo "schemathesis: $name" >&2
  # Every operation as the relying party (the issuer API answers it 401, as documented) …
  schemathesis rp examples,coverage,fuzzing,stateful || status=$?
  # … and the issuer API as the issuer (it has no links: no stateful phase).
  schemathesis issuer examples,coverage,fuzzing --include-tag issuer || status=$?
  stop_server
  if [ "$status" -ne 0 ]; then
    echo "schemathesis: failures on $name; the server's log:" >&2
    tail -n 50 "$dir/serve.log" >&2
  fi
  return "$status"
}

status=0
against "sqlite:$run/tapid.db" sqlite || status=$?
# PostgreSQL too when a server is up (scripts/postgres.sh; scripts/test.sh starts one): a fresh
# database on it.
if [ -n "${TAPID_TEST_POSTGRES:-}" ]; then
  database="tapid_schemathesis_$$_$(date +%s)"
  psql -q "$TAPID_TEST_POSTGRES" -c "CREATE DATABASE $database"
  against "${TAPID_TEST_POSTGRES%/*}/$database" postgres || status=$?
  psql -q "$TAPID_TEST_POSTGRES" -c "DROP DATABASE $database" || true
fi
exit "$status"
