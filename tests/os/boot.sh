#!/usr/bin/env bash
# Boots an operating system on a shipped platform with a scripted console, as the acceptance tests
# and scripts/xv6-usertests.sh do: vmsim's exit status is the test's (the script's last step is
# `exit: 0`; a step that times out, or a run that ends first, is exit 1 naming the step).
#   boot.sh VMSIM OUT CONFIG CONSOLE-SCRIPT [xv6] [vmsim run options...]
# With `xv6`, the file system image ../shared/riscv/xv6/fs.img.gz is unpacked into OUT (never
# beside its source, which stays as it is) and given as --drive, and the kernel is xv6's.
set -euo pipefail
vmsim=$1 out=$2 config=$3 script=$4
shift 4
arguments=()
if [[ ${1:-} == xv6 ]]; then
  shift
  xv6=../shared/riscv/xv6
  mkdir -p "$out"
  gzip -dc "$xv6/fs.img.gz" > "$out/fs.img"
  arguments+=(--kernel "$xv6/kernel" --drive "$out/fs.img")
fi
exec "$vmsim" run "$config" --console-script "$script" --out "$out/run" "${arguments[@]}" "$@"
