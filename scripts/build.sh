#!/usr/bin/env bash
# Installs what is missing, then configures and builds vmsim.
#   scripts/build.sh          -> build/       (optimised, with debug info)
#   scripts/build.sh asan     -> build-asan/  (AddressSanitizer + UndefinedBehaviorSanitizer, with
#                                             assertions, without debug information: the same
#                                             checks, built in less time)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

case "${1:-release}" in
  release) dir=build;      flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
  asan)    dir=build-asan; flags=(-DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-O0 -DVMSIM_SANITIZE=ON) ;;
  *) echo "build.sh: unknown variant '$1' (expected release or asan)" >&2; exit 2 ;;
esac

cmake -S . -B "$dir" -Wno-dev "${flags[@]}" >/dev/null
cmake --build "$dir" -j "$(nproc)" -- --no-print-directory
