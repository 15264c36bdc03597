#!/usr/bin/env bash
# Usage: check.sh VMSIM   (from the source folder)
# Runs every case of tests/bad-inputs/cases.tsv and checks its exit status, that standard error is
# exactly its one line, and, for a mistake in the command or configuration (status 2), that nothing
# was created. Prints each case that differs; fails if any does.
set -uo pipefail
vmsim=$1
source_dir=$(pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# Output folders that cannot take a run, shared by the cases (see cases.tsv).
full=$scratch/full
mkdir "$full"
ln -s /dev/full "$full/config.yaml"
read_only=$scratch/read-only
mkdir -m 555 "$read_only"
taken=$scratch/taken
mkdir -p "$taken/swap.img" "$taken/gpio.vcd"
# Root may write anywhere: a case that names the read-only folder runs without the capabilities
# that let it, as a user would.
as_user=()
[ "$(id -u)" != 0 ] || as_user=(setpriv --inh-caps=-dac_override,-dac_read_search
  --bounding-set=-dac_override,-dac_read_search --)
failures=0
number=0
while IFS=$'\t' read -r status arguments line; do
  case "$status" in "#"* | "") continue ;; esac
  number=$((number + 1))
  tmp="$scratch/$number"
  mkdir "$tmp"
  expand() {
    local text=${1//@SRC@/$source_dir}
    text=${text//@OUT@/$tmp/out}
    text=${text//@FULL@/$full}
    text=${text//@READONLY@/$read_only}
    text=${text//@TAKEN@/$taken}
    printf '%s' "${text//@TMP@/$tmp}"
  }
  runner=()
  [[ "$arguments" != *@READONLY@* ]] || runner=("${as_user[@]}")
  eval "\"\${runner[@]}\" \"\$vmsim\" $(expand "$arguments")" >/dev/null 2>"$scratch/stderr"
  actual=$?
  expected_line="$(expand "$line")"
  problem=""
  [ "$actual" = "$status" ] || problem="exit status $actual, not $status"
  [ "$(cat "$scratch/stderr")" = "$expected_line" ] && [ "$(wc -l <"$scratch/stderr")" = 1 ] ||
    problem="$problem${problem:+; }standard error differs"
  [ "$status" != 2 ] || [ -z "$(ls -A "$tmp")" ] || problem="$problem${problem:+; }created $(ls -A "$tmp")"
  if [ -n "$problem" ]; then
    failures=$((failures + 1))
    printf 'case %d: vmsim %s\n  %s\n  expected: %s\n  actual:   %s\n' "$number" "$arguments" "$problem" \
      "$expected_line" "$(head -c 2000 "$scratch/stderr")"
  fi
done <tests/bad-inputs/cases.tsv
echo "bad inputs: $number cases, $failures failed"
[ "$failures" = 0 ]
