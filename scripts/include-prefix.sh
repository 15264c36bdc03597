#!/usr/bin/env bash
# Rewrites the project's own #include lines to the installed form, vmsim/ + the file's path in the
# source tree: "models/core/params.h" becomes "vmsim/models/core/params.h" (as a library user
# writes <vmsim/models/core/params.h>), and a test's "tests/test_bench.h" becomes "test_bench.h".
# The build puts only the vmsim/ prefix on the include path, so a line in the old form no longer
# compiles. Re-runnable: it changes only lines still in the old form, in every C++ file of the
# source folders (a branch started before the prefix existed is brought up to date by running it),
# then lets clang-format put the changed include blocks back in order.
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t files < <(git ls-files -co --exclude-standard -- models platforms firmware tests bench examples \
                       | grep -E '\.(h|cpp|in)$' || true)
changed=()
for file in "${files[@]}"; do
  [ -f "$file" ] || continue
  if grep -qE '^#include "(models|platforms|firmware|tests)/' "$file"; then
    sed -i -E \
      -e 's@^#include "(models|platforms|firmware)/@#include "vmsim/\1/@' \
      -e 's@^#include "tests/fuzz/@#include "@' \
      -e 's@^#include "tests/@#include "@' \
      "$file"
    changed+=("$file")
  fi
done
echo "include-prefix: ${#changed[@]} files rewritten"
if [ "${#changed[@]}" -gt 0 ] && command -v git-clang-format >/dev/null; then
  # Formats the lines changed since the last commit, here the include lines: their blocks are re-sorted.
  git clang-format --force --quiet -- "${changed[@]}" >/dev/null || true
fi
