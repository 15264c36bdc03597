#!/usr/bin/env bash
# Usage: direct-paths.sh VMSIM CONFIG PROGRAM [ARGUMENTS...]
# Runs PROGRAM on CONFIG twice, the rv64 harts' direct paths to memory on (their default) and off
# (`direct: false`: every load, store, AMO and fetch block through b_transport), and requires the
# same statistics, simulated time included (host figures aside), and the same outcome.
set -euo pipefail
vmsim=$1
config=$2
program=$3
shift 3
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Every rv64 component of the configuration (a replicated group's --set reaches its copies).
harts=$(sed -n 's/^  \([a-z0-9_]*\): *{type: rv64.*/\1/p' "$config")
off=()
for hart in $harts; do off+=(--set "components.$hart.direct=false"); done
[ ${#off[@]} -gt 0 ] || { echo "$config has no rv64 hart" >&2; exit 1; }
"$vmsim" run "$config" --kernel "$program" --quiet --out "$out/direct" "$@" >/dev/null
"$vmsim" run "$config" --kernel "$program" --quiet --out "$out/transport" "${off[@]}" "$@" >/dev/null
model_stats() { sed -e 's/ *#.*//' "$1" | grep -v -E '^[^ ]*host_'; }
if ! diff <(model_stats "$out/direct/stats.txt") <(model_stats "$out/transport/stats.txt"); then
  echo "the direct paths change the statistics of $program on $config" >&2
  exit 1
fi
echo "same statistics with the direct paths on and off: $(grep -c . "$out/direct/stats.txt") lines"
