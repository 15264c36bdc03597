#!/usr/bin/env bash
# Usage: scripts/refresh-reference.sh [VMSIM]   (default build/vmsim)
# Rewrites tests/reference/<config>.txt, the statistics each shipped configuration must reproduce
# exactly (the `reference.<config>` tests), from a run of VMSIM. Run it only when a change of the
# statistics is intended, and commit the references with that change: `git diff tests/reference`
# then shows what the change did to every platform.
set -euo pipefail
cd "$(dirname "$0")/.."
vmsim=${1:-build/vmsim}
for config in configs/*.yaml; do
  name=$(basename "$config" .yaml)
  bash tests/reference/simulated-stats.sh "$vmsim" "$config" >"tests/reference/$name.txt"
  echo "tests/reference/$name.txt"
done
