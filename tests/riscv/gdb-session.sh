#!/usr/bin/env bash
# Usage: gdb-session.sh VMSIM CONFIG PROGRAM SESSION [--same-statistics]
# Runs PROGRAM on CONFIG with a GDB server (--gdb 0) and Debian's gdb-multiarch in batch mode
# connected to it, with PROGRAM's symbols, running the commands of SESSION.gdb; requires gdb's
# standard output to be SESSION.expected exactly (the server's port aside), both to succeed, and
# with --same-statistics the run's statistics to be those of a run without a debugger (host
# figures aside): breakpoints and steps change nothing the model counts.
set -euo pipefail
vmsim=$1
config=$2
program=$3
session=$4
same_statistics=${5:-}
command -v gdb-multiarch >/dev/null ||
  { echo "gdb-multiarch is not installed: scripts/setup.sh gdb installs it" >&2; exit 1; }
out=$(mktemp -d)
vmsim_pid=
cleanup() {
  [ -n "$vmsim_pid" ] && kill "$vmsim_pid" 2>/dev/null
  rm -rf "$out"
}
trap cleanup EXIT
"$vmsim" run "$config" --kernel "$program" --quiet --out "$out/debugged" --gdb 0 >"$out/vmsim.log" 2>&1 &
vmsim_pid=$!
for _ in $(seq 300); do [ -s "$out/debugged/gdb-port" ] && break; sleep 0.1; done
port=$(cat "$out/debugged/gdb-port")
status=0
timeout 120 gdb-multiarch -nx -batch -ex "target remote 127.0.0.1:$port" -x "$session.gdb" "$program" \
  >"$out/gdb.out" 2>"$out/gdb.err" || status=$?
vmsim_status=0
wait "$vmsim_pid" || vmsim_status=$?
vmsim_pid=
if [ "$status" -ne 0 ]; then
  echo "gdb-multiarch failed (status $status):" >&2
  cat "$out/gdb.err" >&2
  exit 1
fi
if [ "$vmsim_status" -ne 0 ]; then
  echo "vmsim failed (status $vmsim_status):" >&2
  cat "$out/vmsim.log" >&2
  exit 1
fi
if ! diff "$session.expected" <(sed -e "s/:$port\b/:PORT/g" "$out/gdb.out"); then
  echo "gdb's transcript differs from $session.expected (above: < expected, > this run)" >&2
  exit 1
fi
if [ "$same_statistics" = --same-statistics ]; then
  "$vmsim" run "$config" --kernel "$program" --quiet --out "$out/plain" >/dev/null
  model_stats() { sed -e 's/ *#.*//' "$1" | grep -v -E '^[^ ]*host_'; }
  if ! diff <(model_stats "$out/plain/stats.txt") <(model_stats "$out/debugged/stats.txt"); then
    echo "the debugger changed the statistics of $program (above: < without, > with)" >&2
    exit 1
  fi
fi
echo "gdb session $(basename "$session") as expected: $(grep -c . "$session.expected") lines"
