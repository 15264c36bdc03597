#!/usr/bin/env bash
# The RV64 hart's speed (README "Run your own RISC-V code"; bench/README.md): a compute loop with a
# load and a store per element (bench/rv64/compute.c) (a) in M mode without translation and (b) in S
# mode under Sv39 with 4 KiB pages over its data, every fetch, load and store translated and counted
# by the TLBs, on configs/rv64-bare.yaml. For each: host instructions per simulated instruction under
# callgrind (the runs of 5 and 50 rounds, subtracted: start-up drops out), simulated instructions
# per host second (the run of 500 rounds, about 50 million instructions), and the same ELF's wall
# time on Debian's qemu-system-riscv64 (its spike machine, which has the HTIF) in the same run, for
# reference. Prints a Markdown table.
#
# Usage: bench/rv64.sh [--quick] [--no-callgrind]
#   --quick         the run of 50 rounds for the wall times (CI: that it all runs)
#   --no-callgrind  skip the instruction counts
set -euo pipefail
cd "$(dirname "$0")/.."
vmsim=build/vmsim
programs=build/bench/rv64
long=500
callgrind=1
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) long=50 ;;
    --no-callgrind) callgrind=0 ;;
    *) echo "rv64.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ -x "$vmsim" ] || { echo "rv64.sh: build first ($vmsim is missing): scripts/build.sh" >&2; exit 2; }
[ -f "$programs/compute-m-5" ] ||
  { echo "rv64.sh: $programs/compute-m-5 is missing: install the RISC-V cross compiler (scripts/setup.sh tests) and build again" >&2; exit 2; }
command -v valgrind >/dev/null || callgrind=0
qemu=$(command -v qemu-system-riscv64 || true)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

statistic() { awk -v name="$2" '$1 == name {print $2}' "$1/stats.txt"; }
# Host instructions of a whole vmsim run under callgrind, and its simulated instructions.
counted() {
  local log
  log=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$vmsim" run configs/rv64-bare.yaml \
    --kernel "$1" --quiet --out "$out/callgrind" 2>&1)
  echo "$(echo "$log" | awk '/Collected :/ {print $4}') $(statistic "$out/callgrind" system.cpu.instructions)"
}

echo "| scenario | instructions | host instr / instr | vmsim MIPS | vmsim s | QEMU s | QEMU MIPS | vmsim / QEMU time |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for mode in m sv39; do
  case "$mode" in
    m) scenario="M mode, untranslated" ;;
    sv39) scenario="S mode, Sv39, 4 KiB pages" ;;
  esac
  per_instruction="-"
  if [ "$callgrind" -eq 1 ]; then
    read -r short_ir short_instructions < <(counted "$programs/compute-$mode-5")
    read -r long_ir long_instructions < <(counted "$programs/compute-$mode-50")
    per_instruction=$(( (long_ir - short_ir) / (long_instructions - short_instructions) ))
  fi
  "$vmsim" run configs/rv64-bare.yaml --kernel "$programs/compute-$mode-$long" --quiet --out "$out/run"
  instructions=$(statistic "$out/run" system.cpu.instructions)
  seconds=$(statistic "$out/run" host_seconds)
  qemu_seconds="-"; qemu_mips="-"; ratio="-"
  if [ -n "$qemu" ]; then
    start=$(date +%s.%N)
    "$qemu" -M spike -bios none -nographic -kernel "$programs/compute-$mode-$long" </dev/null >/dev/null
    qemu_seconds=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.3f", e - s}')
    qemu_mips=$(awk -v i="$instructions" -v s="$qemu_seconds" 'BEGIN {printf "%.0f", i / s / 1e6}')
    ratio=$(awk -v a="$seconds" -v b="$qemu_seconds" 'BEGIN {printf "%.1fx", a / b}')
  fi
  mips=$(awk -v i="$instructions" -v s="$seconds" 'BEGIN {printf "%.1f", i / s / 1e6}')
  printf '| %s | %s | %s | %s | %.3f | %s | %s | %s |\n' "$scenario" "$instructions" "$per_instruction" "$mips" \
    "$seconds" "$qemu_seconds" "$qemu_mips" "$ratio"
done
