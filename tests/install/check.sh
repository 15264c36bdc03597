#!/usr/bin/env bash
# Usage: check.sh BUILD_DIR SOURCE_DIR
# Installs the build into a temporary prefix and builds the two embedding examples and the example
# plugin out of tree against it, as a user would: with find_package(vmsim) (CMake), then again with
# pkg-config alone; runs each, and the installed vmsim with the plugin. Also checks the package's
# version rule (0.1 accepts 0.1, not 0.2) and that the installation finds its own DRAM presets.
set -euo pipefail
build=$(realpath "$1")
source=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
step() { echo "install: $*"; }

cmake --install "$build" --prefix "$prefix" >/dev/null
libdir=$(dirname "$(find "$prefix" -name 'libvmsim-models.so' -print -quit)")
step "installed into a temporary prefix; libraries in ${libdir#"$prefix"/}"

launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
for example in mmu platform plugin; do
  cmake -S "$source/examples/$example" -B "$work/cmake/$example" -DCMAKE_PREFIX_PATH="$prefix" "${launcher[@]}" \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$work/cmake/$example" -j "$(nproc)" >/dev/null
done
step "the examples and the plugin built with find_package(vmsim)"

# The examples, and the plugin in the installed vmsim, from a folder of their own.
run_all() {
  local built=$1 out=$work/run-${1##*/}
  mkdir -p "$out"
  "$built/embed_mmu" >"$out/mmu.txt" || { cat "$out/mmu.txt"; exit 1; }
  (cd "$out" && "$built/embed_platform" "$source/examples/platform/platform.yaml" >platform.txt) ||
    { cat "$out/platform.txt"; exit 1; }
  cp "$source/tests/plugins/countdown.yaml" "$built/"
  "$prefix/bin/vmsim" run "$built/countdown.yaml" --quiet --out "$out/countdown"
  grep -q '^system.timer.expirations  *3 ' "$out/countdown/stats.txt" ||
    { echo "install: the plugin's timer did not expire three times" >&2; exit 1; }
}
mkdir -p "$work/cmake/all"
cp "$work/cmake/mmu/embed_mmu" "$work/cmake/platform/embed_platform" "$work/cmake/plugin/libcountdown_timer.so" \
   "$work/cmake/all/"
run_all "$work/cmake/all"
step "they ran: a translation and its latency, a platform with the program's initiator, the plugin's timer"

# The static library: the package brings its private dependencies (libfdt, zlib, threads) along.
mkdir -p "$work/static"
printf 'cmake_minimum_required(VERSION 3.25)\nproject(s LANGUAGES CXX)\nfind_package(vmsim 0.1 REQUIRED)\nadd_executable(embed_mmu %s)\ntarget_link_libraries(embed_mmu PRIVATE vmsim::models_static)\n' \
  "$source/examples/mmu/embed_mmu.cpp" >"$work/static/CMakeLists.txt"
cmake -S "$work/static" -B "$work/static/build" -DCMAKE_PREFIX_PATH="$prefix" "${launcher[@]}" >/dev/null
cmake --build "$work/static/build" -j "$(nproc)" >/dev/null
"$work/static/build/embed_mmu" >"$work/static/mmu.txt" || { cat "$work/static/mmu.txt"; exit 1; }
step "embed_mmu built with vmsim::models_static and ran"

# The same with pkg-config, the way a Makefile would.
export PKG_CONFIG_PATH=$libdir/pkgconfig
flags=(-std=c++17 -O1 -Wl,-rpath,"$libdir")
mkdir -p "$work/pkg-config"
c++ "$source/examples/mmu/embed_mmu.cpp" -o "$work/pkg-config/embed_mmu" $(pkg-config --cflags --libs vmsim-models) "${flags[@]}"
c++ "$source/examples/platform/embed_platform.cpp" -o "$work/pkg-config/embed_platform" \
    $(pkg-config --cflags --libs vmsim-platform) "${flags[@]}"
c++ -shared -fPIC -fvisibility=hidden "$source/examples/plugin/countdown_timer.cpp" "$source/examples/plugin/plugin.cpp" \
    -o "$work/pkg-config/libcountdown_timer.so" $(pkg-config --cflags --libs vmsim-models) "${flags[@]}"
step "the examples and the plugin built with pkg-config"
run_all "$work/pkg-config"
step "they ran"

# The version rule: a package of 0.1 satisfies a request for 0.1, not one for 0.2.
version_check() {
  mkdir -p "$work/version-$1"
  printf 'cmake_minimum_required(VERSION 3.25)\nproject(v LANGUAGES CXX)\nfind_package(vmsim %s REQUIRED)\n' "$1" \
    >"$work/version-$1/CMakeLists.txt"
  cmake -S "$work/version-$1" -B "$work/version-$1/build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null 2>&1
}
version_check 0.1 || { echo "install: find_package(vmsim 0.1) failed" >&2; exit 1; }
if version_check 0.2; then echo "install: find_package(vmsim 0.2) accepted version 0.1" >&2; exit 1; fi
step "find_package(vmsim 0.1) finds it, find_package(vmsim 0.2) does not"

# The installed vmsim finds its presets beside itself, wherever the prefix is.
cp "$source/configs/dram-ddr4-2400.yaml" "$work/dram.yaml"
"$prefix/bin/vmsim" run "$work/dram.yaml" --set workload.cpu0.0.phases.0.count=100 --quiet --out "$work/presets"
grep -q "preset: $prefix/share/vmsim/dram/DDR4-2400.yaml" "$work/presets/config.yaml" ||
  { echo "install: the installed vmsim did not take its own preset:" >&2; grep preset "$work/presets/config.yaml" >&2; exit 1; }
step "the installed vmsim takes its own DRAM presets"
