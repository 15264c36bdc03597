#!/usr/bin/env bash
# Usage: simulated-stats.sh VMSIM CONFIG [vmsim run OPTION...]
# Runs CONFIG and prints its statistics as `name value` lines, the form tests/reference/ keeps:
# descriptions are left out (rewording one is no regression), and so are the host_* figures, which
# measure the host rather than the model. Everything else is bit-identical from run to run.
# A configuration that runs a program of the build (an rv64 platform) has its arguments in
# tests/reference/<config>.args, one line, where {build} stands for the folder VMSIM is in.
set -euo pipefail
vmsim=$1
config=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
arguments=()
args_file="$(dirname "$0")/$(basename "$config" .yaml).args"
if [ -f "$args_file" ]; then
  read -r -a arguments <"$args_file"
  build=$(cd "$(dirname "$vmsim")" && pwd)
  for i in "${!arguments[@]}"; do
    arguments[$i]=${arguments[$i]//\{build\}/$build}
    if [ "${arguments[$i]#"$build"/}" != "${arguments[$i]}" ] && [ ! -e "${arguments[$i]}" ]; then
      echo "$config runs ${arguments[$i]}, which the build makes with the RISC-V cross compiler:" \
        "install it with scripts/setup.sh tests, then configure the build again" >&2
      exit 1
    fi
  done
fi
"$vmsim" run "$config" --out "$out" --quiet "${arguments[@]}" "${@:3}" >/dev/null
sed -n -e '/^-/d' -e 's/ *#.*//' -e 's/  */ /g' -e '/^\([^ ]*\.\)\{0,1\}host_[^ .]* /d' -e p "$out/stats.txt"
