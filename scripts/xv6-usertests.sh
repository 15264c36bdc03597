#!/usr/bin/env bash
# Runs xv6's whole `usertests -q` on configs/virt.yaml (one hart unless --smp N follows) and
# passes when it prints ALL TESTS PASSED. It is ~33 G instructions: many minutes, too long for
# every CI run. The file system is unpacked into the output folder (default out/xv6-usertests).
#   scripts/xv6-usertests.sh [BUILD-DIR] [OUT] [vmsim run options...]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=${2:-out/xv6-usertests}
shift $(($# < 2 ? $# : 2))
mkdir -p "$out"
cat > "$out/usertests.console.yaml" <<'STEPS'
- {wait: "$ ", send: "usertests -q"}
- {wait: "ALL TESTS PASSED", exit: 0}
STEPS
exec bash tests/os/boot.sh "$build/vmsim" "$out" configs/virt.yaml "$out/usertests.console.yaml" xv6 "$@"
