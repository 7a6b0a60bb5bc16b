#!/usr/bin/env bash
# macOS only (Xcode and the Rust iOS targets): builds the static library for devices and the
# simulator, generates the Swift bindings and the C header, and packs TapidFFIC.xcframework.
#
#   ios/build-xcframework.sh            release, without the software passport
#   ios/build-xcframework.sh --testing  with the emulator (feature testing), for the XCTests
#
# Then: `swift test` (macOS) or open the package in Xcode and run the tests on a simulator.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
features=()
if [ "${1:-}" = "--testing" ]; then features=(--features testing); fi
if [ "$(uname)" != "Darwin" ]; then
  echo "build-xcframework.sh: needs macOS with Xcode (xcodebuild, lipo)" >&2
  exit 1
fi
export IPHONEOS_DEPLOYMENT_TARGET=15.0
targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin)
rustup target add "${targets[@]}"
for t in "${targets[@]}"; do
  cargo build --locked -p tapid-ffi "${features[@]}" --profile mobile --target "$t"
done
# Bindings from the host library of the same features (the metadata is platform-neutral).
cargo build --locked -p tapid-ffi "${features[@]}" -p uniffi-bindgen
gen="$ROOT/target/ios-bindings"
rm -rf "$gen" && mkdir -p "$gen"
./target/debug/uniffi-bindgen generate target/debug/libtapid_ffi.dylib --language swift \
  --out-dir "$gen" --no-format
cp "$gen/TapidFFI.swift" ios/Sources/TapidFFI/
headers="$ROOT/target/ios-headers"
rm -rf "$headers" && mkdir -p "$headers"
cp "$gen/TapidFFIC.h" "$headers/"
# An XCFramework wants the module map under this name.
cp "$gen/TapidFFIC.modulemap" "$headers/module.modulemap"
sim="$ROOT/target/ios-sim-universal"
mkdir -p "$sim"
lipo -create \
  target/aarch64-apple-ios-sim/mobile/libtapid_ffi.a \
  target/x86_64-apple-ios/mobile/libtapid_ffi.a \
  -output "$sim/libtapid_ffi.a"
rm -rf ios/TapidFFIC.xcframework
xcodebuild -create-xcframework \
  -library target/aarch64-apple-ios/mobile/libtapid_ffi.a -headers "$headers" \
  -library "$sim/libtapid_ffi.a" -headers "$headers" \
  -library target/aarch64-apple-darwin/mobile/libtapid_ffi.a -headers "$headers" \
  -output ios/TapidFFIC.xcframework
echo "ios/TapidFFIC.xcframework ready"
