#!/usr/bin/env bash
# Records a program's memory accesses with valgrind's lackey tool, gzip-compressed, for trace replay.
#   scripts/record-trace.sh [--cflags "FLAGS"] PROGRAM.c OUTPUT.lackey.gz [ARGUMENT...]
# The program is compiled with FLAGS (default -O1) and statically, so that the trace holds no
# dynamic loader, then run with the ARGUMENTs.
set -euo pipefail
usage="usage: $0 [--cflags \"FLAGS\"] PROGRAM.c OUTPUT.lackey.gz [ARGUMENT...]"
cflags="-O1"
if [ "${1:-}" = "--cflags" ]; then
  [ $# -ge 2 ] || { echo "$usage" >&2; exit 2; }
  cflags="$2"
  shift 2
fi
[ $# -ge 2 ] || { echo "$usage" >&2; exit 2; }
source_file="$1"
output="$2"
shift 2
command -v valgrind >/dev/null || { echo "record-trace: needs valgrind (apt-get install valgrind)" >&2; exit 1; }
binary=$(mktemp)
trap 'rm -f "$binary"' EXIT
# shellcheck disable=SC2086  # the flags are words
gcc $cflags -static -o "$binary" "$source_file"
valgrind --tool=lackey --trace-mem=yes --log-fd=3 "$binary" "$@" 3>&1 >/dev/null | gzip -9n > "$output"
echo "record-trace: $(zcat "$output" | grep -cE '^(I| [LSM]) ') accesses in $output"
