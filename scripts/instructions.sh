#!/usr/bin/env bash
# Instruction counts of an emulated passport read, per profile: the terminal's side (what a
# phone runs) and the chip's, counted by valgrind's callgrind. Counts, unlike CPU time, repeat
# exactly for the same binary and inputs whatever else the machine is doing.
#
#   scripts/instructions.sh [PROFILE…]       default: every profile of `tapid emulate --list-profiles`
#
# Runs `tapid bench --runs 1 --profile P` (a release build: `cargo build --release -p tapid-cli`,
# or the binary in TAPID_BIN) under callgrind. In that run `read_cost::measure` is one read per
# extended-length setting; the terminal's count is its inclusive count minus what belongs to the
# chip (`Chip::process`, the emulator's answers; `Chip::new`) and to setting the profile up
# (`Profile::named`: the emulator's test PKI and keys). Printed per read (the mean of the
# settings measured). Not part of the test command (a release build and about 10 s per profile).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
command -v valgrind >/dev/null || { echo "instructions.sh: valgrind is required (apt-get install valgrind)" >&2; exit 1; }
bin="${TAPID_BIN:-$ROOT/target/release/tapid}"
if [ -z "${TAPID_BIN:-}" ]; then
  cargo build --release --locked -q -p tapid-cli
fi
profiles=("$@")
if ((${#profiles[@]} == 0)); then
  mapfile -t profiles < <("$bin" emulate --list-profiles --json | python3 -c \
    'import json,sys; [print(p["name"]) for p in json.load(sys.stdin)]')
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
printf '%-24s %6s %16s %16s\n' profile reads "terminal instr" "chip instr"
for p in "${profiles[@]}"; do
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" "$bin" bench --runs 1 --profile "$p" --json \
    >"$tmp/bench.json" 2>"$tmp/valgrind.log"
  callgrind_annotate --inclusive=yes --threshold=100 "$tmp/cg" >"$tmp/annotate.txt"
  python3 - "$p" "$tmp/bench.json" "$tmp/annotate.txt" <<'EOF'
import json, re, sys
profile, bench, annotate = sys.argv[1:4]
reads = len(json.load(open(bench))["reads"])
want = {
    "measure": "tapid_emulator::read_cost::measure ",
    "process": "tapid_emulator::chip::Chip::process ",
    "chip_new": "tapid_emulator::chip::Chip::new ",
    "profile": "tapid_emulator::profile::Profile::named ",
}
got = {}
for line in open(annotate):
    m = re.match(r"\s*([\d,]+) \([^)]*\)\s+\S*?:(.*)$", line)
    if not m:
        continue
    name = m.group(2) + " "
    for key, prefix in want.items():
        if key not in got and name.startswith(prefix):
            got[key] = int(m.group(1).replace(",", ""))
missing = [k for k in want if k not in got]
if missing or reads == 0:
    sys.exit(f"instructions.sh: {profile}: no count for {missing or 'reads'}")
terminal = got["measure"] - got["process"] - got["chip_new"] - got["profile"]
print(f"{profile:<24} {reads:>6} {terminal // reads:>16,} {(got['process'] + got['chip_new']) // reads:>16,}")
EOF
done
