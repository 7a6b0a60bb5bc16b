#!/usr/bin/env bash
# Builds the FFI library and generates its bindings (build output, never committed).
#
#   scripts/ffi-build.sh kotlin-jvm  OUT   host library with the software passport (feature
#                                          testing) + tapid CLI, JVM-flavour Kotlin into OUT
#   scripts/ffi-build.sh kotlin-android OUT  Android-flavour Kotlin (android/uniffi-android.toml)
#   scripts/ffi-build.sh swift OUT         Swift sources, C header and modulemap
#
# TAPID_FFI_FEATURES (default `testing`) sets the library's features; bindings must be generated
# from the features the app ships (a release app: empty, no emulator), as the API checksums differ.
#
# Library mode: the bindgen reads the UniFFI metadata from the built library (the debug build:
# a stripped release library has none left). It must run inside the workspace (it reads
# bindings/ffi/uniffi.toml through cargo metadata). TAPID_SKIP_CARGO=1 reuses what is built.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
what="${1:?usage: ffi-build.sh kotlin-jvm|kotlin-android|swift OUT}"
out="${2:?output directory}"
lib="$ROOT/target/debug/libtapid_ffi.so"
if [ "${TAPID_SKIP_CARGO:-0}" != "1" ]; then
  # One cargo invocation: the library with the testing feature (the JVM tests read emulated
  # chips), the bindgen, and the CLI (the PC/SC test serves a chip with `tapid emulate --vpcd`).
  features="${TAPID_FFI_FEATURES-testing}"
  cargo build --locked -q -p tapid-ffi --features "$features" -p uniffi-bindgen -p tapid-cli
fi
bindgen="$ROOT/target/debug/uniffi-bindgen"
rm -rf "$out"
mkdir -p "$out"
case "$what" in
  kotlin-jvm)
    "$bindgen" generate "$lib" --language kotlin --out-dir "$out" --no-format >/dev/null ;;
  kotlin-android)
    "$bindgen" generate "$lib" --language kotlin --out-dir "$out" --no-format \
      --config "$ROOT/android/uniffi-android.toml" >/dev/null ;;
  swift)
    "$bindgen" generate "$lib" --language swift --out-dir "$out" --no-format >/dev/null ;;
  *) echo "ffi-build.sh: unknown target $what" >&2; exit 2 ;;
esac
