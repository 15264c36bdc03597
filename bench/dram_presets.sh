#!/usr/bin/env bash
# Bandwidth and mean latency of the DRAM presets under each page policy, for a linear and a random
# stream of 64-byte accesses (70% reads), measured with vmsim. Prints a Markdown table.
# Usage: bench/dram_presets.sh [accesses per run (100000)] [dram mode: lt or at (lt)] [outstanding (1)]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-100000}
mode=${2:-lt}
outstanding=${3:-1}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

stat() { awk -v name="$1" '$1 == name {print $2}' "$2"; }

echo "| preset | policy | pattern | bandwidth (GB/s) | share of peak | mean latency (ns) | row hits |"
echo "| --- | --- | --- | ---: | ---: | ---: | ---: |"
for config in configs/dram-*.yaml; do
  preset=$(basename "$config" .yaml); preset=${preset#dram-}
  for policy in open closed open_adaptive; do
    for pattern in "linear 64MiB" "random 1GiB"; do
      set -- $pattern
      run="$out/$preset-$policy-$1"
      build/vmsim run "$config" --quiet --out "$run" --set components.dram.page_policy="$policy" \
        --set components.dram.mode="$mode" --set components.cpu0.outstanding="$outstanding" \
        --set "workload.cpu0.0.phases=[{pattern: $1, base: 0x80000000, size: $2, access_size: 64, count: $count, read_fraction: 0.7}]"
      stats="$run/stats.txt"
      bandwidth=$(stat system.dram.bandwidth_bytes_per_second "$stats")
      peak=$(stat system.dram.peak_bandwidth_bytes_per_second "$stats")
      bursts=$(( $(stat system.dram.row_hits "$stats") + $(stat system.dram.row_misses "$stats") + $(stat system.dram.row_conflicts "$stats") ))
      awk -v p="$preset" -v pol="$policy" -v pat="$1" -v bw="$bandwidth" -v peak="$peak" \
          -v lat="$(stat system.dram.avg_latency_ns "$stats")" -v hits="$(stat system.dram.row_hits "$stats")" -v n="$bursts" \
          'BEGIN { printf "| %s | %s | %s | %.2f | %.1f%% | %.1f | %.1f%% |\n", p, pol, pat, bw / 1e9, 100 * bw / peak, lat, 100 * hits / n }'
    done
  done
done
