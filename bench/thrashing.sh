#!/usr/bin/env bash
# The thrashing curve: throughput (accesses per simulated second) against the number of processes
# sharing 600 frames, each with a 1 MiB working set (256 pages) accessed at random, swapping to an
# SSD or HDD. Prints a Markdown table. Usage: bench/thrashing.sh [ssd|hdd] [accesses per process]
set -euo pipefail
cd "$(dirname "$0")/.."
timing=${1:-ssd}
count=${2:-20000}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

cat > "$out/platform.yaml" <<YAML
platform: {quantum: 1us, seed: 1}
components:
  bus:    {type: router, hop_latency: 1ns}
  dram:   {type: dram, base: 0x80000000, size: 256MiB}
  clint:  {type: clint, base: 0x02000000, interrupt_controller: plic}
  plic:   {type: plic, base: 0x0c000000}
  disk:   {type: disk, base: 0x10001000, image: swap.img, capacity: 64MiB, interrupt_controller: plic, timing: $timing}
  mmu0:   {type: mmu, base: 0x10002000, format: sv39}
  kernel: {type: kernel, memory: dram, frame_limit: 600, swap: {disk: disk, size: 32MiB, policy: clock},
           time_slice: 100us, timer: clint, interrupt_controller: plic}
  cpu0:   {type: traffic_gen, port: mmu0, kernel: kernel, interrupt_controller: plic}
workload:
  cpu0: []
YAML

stat() { awk -v name="$1" '$1 == name {print $2}' "$2"; }
echo "| processes | working set (pages) | accesses per simulated second | major faults | disk busy |"
echo "| ---: | ---: | ---: | ---: | ---: |"
for n in 1 2 3 4 5 6; do
  sets=()
  for ((p = 0; p < n; ++p)); do
    sets+=(--set "workload.cpu0.$p={name: p$p, regions: [{name: data, size: 1MiB}], phases: [{pattern: random, region: data, count: $count, read_fraction: 0.7}]}")
  done
  build/vmsim run "$out/platform.yaml" --quiet --out "$out/run$n" "${sets[@]}"
  stats="$out/run$n/stats.txt"
  awk -v n="$n" -v accesses="$(stat system.cpu0.accesses "$stats")" -v seconds="$(stat sim_seconds "$stats")" \
      -v major="$(stat system.kernel.faults.major "$stats")" -v busy="$(stat system.disk.busy_fraction "$stats")" \
      'BEGIN { printf "| %d | %d | %.0f | %d | %.0f%% |\n", n, n * 256, accesses / seconds, major, 100 * busy }'
done
