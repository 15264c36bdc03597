#!/usr/bin/env bash
# Whether two vmsim binaries give the same statistics: runs every shipped configuration (and a few
# variants that reach the paths a speed change touches: mode: at, a walk cache, self-check, the rv64
# hart's translated programs and its b_transport path) with each and compares stats.txt, host
# figures (host_*) aside. Prints the differing lines of each case that differs; exits 1 if any does.
# Usage: scripts/compare-stats.sh OLD_VMSIM NEW_VMSIM
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 2 ] || { echo "usage: scripts/compare-stats.sh OLD_VMSIM NEW_VMSIM" >&2; exit 2; }
old=$(realpath "$1")
new=$(realpath "$2")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# A configuration that runs a program of the build has its arguments beside its reference
# statistics (tests/reference/<config>.args, {build} the folder of NEW_VMSIM).
build=$(dirname "$new")
cases=()
for config in configs/*.yaml; do
  args_file="tests/reference/$(basename "$config" .yaml).args"
  if [ -f "$args_file" ]; then cases+=("$config $(sed "s|{build}|$build|g" "$args_file")"); else cases+=("$config"); fi
done
programs="$build/tests/riscv"
cases+=(
  "configs/rv64-bare.yaml --kernel $programs/sv39"
  "configs/rv64-bare.yaml --kernel $programs/vm-status --set components.cpu.direct=false"
  "configs/rv64-smp.yaml --kernel $programs/smp-counter --set components.mmu.walk_cache.entries=16"
)
cases+=(
  "configs/dram-ddr4-2400.yaml --set components.dram.mode=at --set components.cpu0.outstanding=4"
  "configs/dram-ddr4-2400.yaml --set components.dram.mode=at"
  "configs/translated.yaml --set components.mmu0.walk_cache.entries=64 --set components.mmu0.dtlb.policy=plru"
  "configs/translated.yaml --set components.mmu0.l2tlb.entries=0 --set components.mmu0.dtlb.ways=64"
  "configs/swap.yaml --set components.kernel.swap.policy=lru --set components.mmu0.walk_cache.entries=8"
  "configs/multi-cpu.yaml --set platform.seed=3"
)

# Statistics without the host's figures.
model_stats() { grep -v -E '^[^ ]*host_' "$1"; }

status=0
for index in "${!cases[@]}"; do
  read -r -a words <<<"${cases[$index]}"
  for binary in old new; do
    mkdir -p "$out/$index/$binary"
    "${!binary}" run "${words[@]}" --quiet --out "$out/$index/$binary" >/dev/null
  done
  if diff <(model_stats "$out/$index/old/stats.txt") <(model_stats "$out/$index/new/stats.txt") >"$out/diff"; then
    echo "same: ${cases[$index]}"
  else
    echo "DIFFERENT: ${cases[$index]}"
    head -20 "$out/diff"
    status=1
  fi
done
exit $status
