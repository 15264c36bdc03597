#!/usr/bin/env bash
# Runs the example sweeps of configs/sweeps/ and draws the plots docs/exploration.md shows, into
# docs/images/. The sweeps' folders (out/sweeps/) are emptied first: a finished run is reused by
# configuration alone, and these plots must come from this build.
# Usage: scripts/exploration-plots.sh [jobs (all cores)]
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${1:-$(nproc)}
vmsim=build/vmsim
images=docs/images
mkdir -p "$images"

for sweep in tlb-size page-size thrashing dram; do
  rm -rf "out/sweeps/$sweep"
  "$vmsim" sweep "configs/sweeps/$sweep.yaml" --jobs "$jobs"
done

"$vmsim" plot out/sweeps/tlb-size/results.csv --x components.mmu.dtlb.entries --y system.mmu1.dtlb.miss_rate \
  --series l2tlb --logx --title "Hash join (cpu1): L1 data TLB size" --out "$images/tlb-size-miss-rate.png"
"$vmsim" plot out/sweeps/tlb-size/results.csv --x components.mmu.dtlb.entries --y system.mmu1.walker.walks \
  --series l2tlb --logx --title "Hash join (cpu1): page walks" --out "$images/tlb-size-walks.png"
"$vmsim" plot out/sweeps/page-size/results.csv --x components.mmu0.dtlb.entries --y system.mmu0.walker.walks \
  --series components.boot.mappings.0.page_size --kind bar --logy --title "4 KiB and 2 MiB pages: walks" \
  --out "$images/page-size-walks.png"
"$vmsim" plot out/sweeps/thrashing/results.csv --x processes --y sim_seconds --series components.disk.timing \
  --logy --title "Thrashing: 20,000 accesses per process, 600 frames" --out "$images/thrashing.png"
for pattern in linear random; do
  "$vmsim" plot out/sweeps/dram/results.csv --x components.dram.preset --y system.dram.bandwidth_bytes_per_second \
    --series components.dram.page_policy --where workload.cpu0.0.phases.0.pattern=$pattern \
    --where components.cpu0.outstanding=8 --kind bar --title "DRAM bandwidth, $pattern stream, 8 outstanding" \
    --out "$images/dram-bandwidth-$pattern.png"
done
"$vmsim" plot out/sweeps/dram/results.csv --x components.dram.preset --y system.dram.avg_latency_ns \
  --series components.cpu0.outstanding --where workload.cpu0.0.phases.0.pattern=random \
  --where components.dram.page_policy=open --kind bar --title "DRAM latency, random stream, open pages" \
  --out "$images/dram-latency.png"
echo "exploration-plots: $(ls "$images"/*.png | wc -l) plots in $images"
