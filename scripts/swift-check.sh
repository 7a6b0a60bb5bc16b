#!/usr/bin/env bash
# The iOS side as far as this machine can take it (no Swift toolchain, no Xcode): generates the
# Swift bindings from the host library, syntax-checks every Swift file — generated and
# hand-written (ios/) — with tree-sitter-swift from PyPI, and compiles the generated C header
# with the C compiler. The real build and the XCTests run on macOS (ios/build-xcframework.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$ROOT/target/swift-bindings"
"$ROOT/scripts/ffi-build.sh" swift "$out"
venv="$ROOT/.tapid-run/swift-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import tree_sitter, tree_sitter_swift' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check tree-sitter==0.26.1 tree-sitter-swift==0.7.4
fi
"$venv/bin/python" "$ROOT/scripts/check_swift_syntax.py" "$out" "$ROOT/ios"
# The header uses clang's nullability qualifiers; gcc knows them not.
cc -fsyntax-only -std=c11 -D_Nonnull= -D_Nullable= -D_Null_unspecified= -x c "$out/TapidFFIC.h"
echo "swift-check: header TapidFFIC.h compiles"
