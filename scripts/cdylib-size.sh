#!/usr/bin/env bash
# Size guard for the mobile library: builds tapid-ffi's cdylib as an app ships it (profile
# `mobile`, without the `testing` feature, so no software passport), strips a copy to a temp
# file, prints its size in bytes and fails if it is at or above the limit.
#
#   scripts/cdylib-size.sh                   limit 3,000,000 bytes (issue #16)
#   TAPID_CDYLIB_LIMIT=2500000 scripts/cdylib-size.sh
#   CARGO_TARGET_DIR=target/size scripts/cdylib-size.sh   a target dir of its own
#
# A release build with fat LTO (minutes on 2 cores), so not part of scripts/test.sh. The
# figure is the host's (x86_64 Linux here); an Android or iOS build differs somewhat.
# BENCHMARKS.md ("cdylib size") records what was measured and how it was brought down.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
limit="${TAPID_CDYLIB_LIMIT:-3000000}"
target_dir="${CARGO_TARGET_DIR:-$ROOT/target}"
cargo build --locked -q --profile mobile -p tapid-ffi --lib --target-dir "$target_dir"
lib="$target_dir/mobile/libtapid_ffi.so"
stripped="$(mktemp)"
trap 'rm -f "$stripped"' EXIT
strip -o "$stripped" "$lib"
bytes="$(stat -c %s "$stripped")"
echo "$bytes"
if [ "$bytes" -ge "$limit" ]; then
  echo "cdylib-size.sh: the stripped library is $bytes bytes, not under the limit of $limit" >&2
  exit 1
fi
