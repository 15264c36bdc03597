#!/usr/bin/env bash
# Usage: output-check.sh VMSIM CONFIG PROGRAM FILE EXPECTED [ARGUMENTS...]
# Runs PROGRAM on CONFIG with ARGUMENTS and requires FILE of the output folder to be EXPECTED
# exactly: the instruction trace and the profile of a known program.
set -euo pipefail
vmsim=$1
config=$2
program=$3
file=$4
expected=$5
shift 5
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$vmsim" run "$config" --kernel "$program" --quiet --out "$out" "$@" >/dev/null
if ! diff "$expected" "$out/$file"; then
  echo "$file differs from $expected (above: < expected, > this run)" >&2
  exit 1
fi
echo "$file as expected: $(grep -c . "$expected") lines"
