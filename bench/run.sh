#!/usr/bin/env bash
# vmsim's speed against a bare TLM-2.0 chain on the same address stream, scenario by scenario
# (build/bench/vmsim_bench --list): accesses per host second of each, measured in runs that
# alternate between the two, their ratio, instructions per access under callgrind (when valgrind is
# installed; start-up excluded) and peak host memory against the simulated memory touched.
# Prints a Markdown table. See bench/README.md.
#
# Usage: bench/run.sh [--quick] [--rounds R] [--no-callgrind] [SCENARIO...]
#   --quick         few accesses, one round, callgrind on a tenth of them: a check that it runs (CI)
#   --rounds R      timed runs of each engine, alternating (default 3); the median counts
#   --no-callgrind  skip the instruction counts
set -euo pipefail
cd "$(dirname "$0")/.."
bench=build/bench/vmsim_bench
rounds=3
quick=0
callgrind=1
scenarios=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; rounds=1 ;;
    --rounds) rounds=$2; shift ;;
    --no-callgrind) callgrind=0 ;;
    -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *) scenarios+=("$1") ;;
  esac
  shift
done
[ -x "$bench" ] || { echo "run.sh: build first ($bench is missing): scripts/build.sh" >&2; exit 2; }
command -v valgrind >/dev/null || callgrind=0
[ ${#scenarios[@]} -gt 0 ] || mapfile -t scenarios < <("$bench" --list | awk '{print $1}')

# The default count of a scenario, scaled down for --quick and for callgrind (about 50 times slower).
default_count() { "$bench" --list | awk -v s="$1" '$1 == s {print $2}'; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
mib() { awk -v b="$1" 'BEGIN {printf "%.0f", b / 1048576}'; }

# Instructions of the measured part of one run (callgrind's "Collected" line), then its accesses.
instructions() {
  local out
  out=$(valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/dev/null "$bench" "$@" 2>&1)
  echo "$(echo "$out" | awk '/Collected :/ {print $4}') $(echo "$out" | grep '^scenario=' | field accesses)"
}

echo "| scenario | vmsim accesses/s | bare accesses/s | time ratio | vmsim instr/access | bare instr/access | instr ratio | peak MiB | touched MiB |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for scenario in "${scenarios[@]}"; do
  count=$(default_count "$scenario")
  [ -n "$count" ] || { echo "run.sh: no scenario '$scenario' (see $bench --list)" >&2; exit 2; }
  [ "$quick" -eq 0 ] || [ "$count" -le 1 ] || count=$((count / 20))
  vmsim_times=(); bare_times=(); line=""
  for ((round = 0; round < rounds; ++round)); do
    line=$("$bench" "$scenario" vmsim --accesses "$count")
    vmsim_times+=("$(echo "$line" | field seconds)")
    bare=$("$bench" "$scenario" bare --accesses "$count")
    [ -z "$bare" ] || bare_times+=("$(echo "$bare" | field seconds)")
  done
  accesses=$(echo "$line" | field accesses)
  vmsim_seconds=$(printf '%s\n' "${vmsim_times[@]}" | median)
  vmsim_rate=$(awk -v a="$accesses" -v s="$vmsim_seconds" 'BEGIN {printf "%.0f", a / s}')
  [ "$scenario" != startup ] || vmsim_rate="boot: $vmsim_seconds s"
  bare_rate="-"; time_ratio="-"
  if [ ${#bare_times[@]} -gt 0 ]; then
    bare_seconds=$(printf '%s\n' "${bare_times[@]}" | median)
    bare_rate=$(awk -v a="$count" -v s="$bare_seconds" 'BEGIN {printf "%.0f", a / s}')
    time_ratio=$(awk -v v="$vmsim_rate" -v b="$bare_rate" 'BEGIN {printf "%.2fx", b / v}')
  fi
  vmsim_ipa="-"; bare_ipa="-"; instr_ratio="-"
  if [ "$callgrind" -eq 1 ]; then
    cg_count=$count
    [ "$cg_count" -le 1 ] || cg_count=$((count / 10))
    read -r vmsim_instr vmsim_n < <(instructions "$scenario" vmsim --accesses "$cg_count")
    if [ "$scenario" = startup ]; then
      vmsim_ipa=$(awk -v i="$vmsim_instr" 'BEGIN {printf "%.3f G (boot)", i / 1e9}')
    else
      vmsim_ipa=$(awk -v i="$vmsim_instr" -v n="$vmsim_n" 'BEGIN {printf "%.0f", i / n}')
    fi
    if [ ${#bare_times[@]} -gt 0 ]; then
      read -r bare_instr bare_n < <(instructions "$scenario" bare --accesses "$cg_count")
      bare_ipa=$(awk -v i="$bare_instr" -v n="$bare_n" 'BEGIN {printf "%.0f", i / n}')
      instr_ratio=$(awk -v v="$vmsim_instr" -v vn="$vmsim_n" -v b="$bare_instr" -v bn="$bare_n" \
        'BEGIN {printf "%.2fx", (v / vn) / (b / bn)}')
    fi
  fi
  echo "| $scenario | $vmsim_rate | $bare_rate | $time_ratio | $vmsim_ipa | $bare_ipa | $instr_ratio |" \
       "$(mib "$(echo "$line" | field peak_bytes)") | $(mib "$(echo "$line" | field touched_bytes)") |"
done
