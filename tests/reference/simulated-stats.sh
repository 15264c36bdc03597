#!/usr/bin/env bash
# Usage: simulated-stats.sh VMSIM CONFIG [vmsim run OPTION...]
# Runs CONFIG and prints its statistics as `name value` lines, the form tests/reference/ keeps:
# descriptions are left out (rewording one is no regression), and so are the host_* figures, which
# measure the host rather than the model. Everything else is bit-identical from run to run.
set -euo pipefail
vmsim=$1
config=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$vmsim" run "$config" --out "$out" --quiet "${@:3}"
sed -n -e '/^-/d' -e 's/ *#.*//' -e 's/  */ /g' -e '/^\([^ ]*\.\)\{0,1\}host_[^ .]* /d' -e p "$out/stats.txt"
