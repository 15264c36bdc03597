#!/usr/bin/env bash
# Records a program's memory accesses with valgrind's lackey tool, gzip-compressed, for trace replay.
#   scripts/record-trace.sh PROGRAM.c OUTPUT.lackey.gz
# The program is compiled statically, so that the trace holds no dynamic loader.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 PROGRAM.c OUTPUT.lackey.gz" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "record-trace: needs valgrind (apt-get install valgrind)" >&2; exit 1; }
binary=$(mktemp)
trap 'rm -f "$binary"' EXIT
gcc -O1 -static -o "$binary" "$1"
valgrind --tool=lackey --trace-mem=yes --log-fd=3 "$binary" 3>&1 >/dev/null | gzip -9 > "$2"
echo "record-trace: $(zcat "$2" | grep -cE '^(I| [LSM]) ') accesses in $2"
