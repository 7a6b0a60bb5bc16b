#!/usr/bin/env bash
# Installs what tapid needs on a Debian machine, idempotently: nothing is installed twice and
# `apt-get update` runs only when a package is missing.
set -euo pipefail

packages=(pkg-config libpcsclite-dev pcscd vsmartcard-vpcd pcsc-tools postgresql)
# The bindings' checks: the JVM tests and the Android compile check (JDK 17, Maven), the Swift
# syntax check (python3-venv for tree-sitter from PyPI), the header check (a C compiler).
packages+=(openjdk-17-jdk-headless maven python3-venv gcc)
# The browser test of the /demo page (tests/browser): Debian's Chromium, driven by playwright-core
# from npm. Node and npm are checked as commands, not packages: a machine's own Node (e.g.
# NodeSource's, which bundles npm and conflicts with Debian's npm) is kept.
packages+=(chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: a Rust toolchain (cargo, rustc >= 1.92) is required" >&2
  exit 1
fi

# The supply-chain and dependency checks of the test command, from crates.io at these versions,
# each built once with `cargo install --locked` only when missing (about two and four minutes on
# two cores).
install_tool() { # crate version command
  local have
  have="$(cargo "$3" --version 2>/dev/null || true)"
  case "$have" in
    "$2" | *" $2") ;;
    *)
      echo "setup: installing $1 $2" >&2
      cargo install "$1" --version "$2" --locked --quiet ;;
  esac
}
install_tool cargo-machete 0.9.2 machete
install_tool cargo-deny 0.20.2 deny
