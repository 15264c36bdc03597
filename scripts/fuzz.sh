#!/usr/bin/env bash
# Fuzzes vmsim's parsers (tests/fuzz): builds the libFuzzer targets with clang, coverage, ASan and
# UBSan into build-fuzz/, runs each once over its seed corpus and regression cases, then fuzzes each
# for SECONDS (default 30) from them. The inputs it finds go to a scratch folder, never into the
# checkout. A crash, hang, leak or sanitizer report fails the run (exit 1) and leaves the input in
# build-fuzz/findings/; once fixed, it belongs in tests/fuzz/regressions/<target>/.
#   scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
targets=(config units trace stimulus)

bash scripts/setup.sh fuzz
cmake -S . -B build-fuzz -Wno-dev -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVMSIM_FUZZ=ON \
  >/dev/null
cmake --build build-fuzz -j "$(nproc)" --target "${targets[@]/#/fuzz_}" -- --no-print-directory

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p build-fuzz/findings
export UBSAN_OPTIONS=print_stacktrace=1
failed=()
for target in "${targets[@]}"; do
  fuzzer=build-fuzz/tests/fuzz/fuzz_$target
  seeds=(tests/fuzz/corpus/"$target")
  [ -d tests/fuzz/regressions/"$target" ] && seeds+=(tests/fuzz/regressions/"$target")
  # Every platform the configuration target builds leaves its processes registered with SystemC
  # (fuzz_config.cpp), so that each input would look like a leak to the check after each input, which
  # then scans the whole heap: 12 inputs a second instead of 800. Its leaks are found at exit.
  leaks_per_input=1
  [ "$target" = config ] && leaks_per_input=0
  mkdir "$scratch/$target"
  echo "fuzz: $target, its corpus and regressions once, then ${seconds}s"
  limits=(-timeout=10 -rss_limit_mb=2048 -artifact_prefix="build-fuzz/findings/$target-")
  # The first folder receives what the fuzzer finds; the seeds are only read.
  if ! "$fuzzer" "${limits[@]}" -runs=0 "${seeds[@]}" >"$scratch/$target.log" 2>&1 ||
     ! "$fuzzer" "${limits[@]}" -max_total_time="$seconds" -detect_leaks=$leaks_per_input -print_final_stats=1 \
        "$scratch/$target" "${seeds[@]}" >>"$scratch/$target.log" 2>&1; then
    tail -n 40 "$scratch/$target.log"
    failed+=("$target")
  fi
  grep -h '^stat::number_of_executed_units' "$scratch/$target.log" | sed "s/^/fuzz: $target: /" || true
done
if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz: findings in ${failed[*]} (the inputs are in build-fuzz/findings/)" >&2
  exit 1
fi
echo "fuzz: ok"
