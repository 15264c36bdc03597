#!/usr/bin/env bash
# Checks that every C++ line changed since the project adopted .clang-format (commit c2e32ef) is
# formatted as clang-format would; prints the difference and fails otherwise. Installs clang-format
# if it is missing. To fix: git clang-format c2e32ef
set -euo pipefail
cd "$(dirname "$0")/.."
base=c2e32ef
bash scripts/setup.sh format
difference=$(git clang-format --diff --extensions cpp,h "$base" -- . || true)
case "$difference" in
  "" | "no modified files to format" | "clang-format did not modify any files") echo "format: ok" ;;
  *) printf '%s\n' "$difference"; echo "format: the lines above differ from .clang-format (fix: git clang-format $base)" >&2; exit 1 ;;
esac
