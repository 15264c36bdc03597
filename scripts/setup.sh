#!/usr/bin/env bash
# Installs the Debian packages vmsim needs, when any is missing. Idempotent and quiet when all are
# present; must run as root (or through sudo) on a Debian bookworm machine.
#   scripts/setup.sh        what building and testing need
#   scripts/setup.sh fuzz   and clang with libFuzzer's runtime, for scripts/fuzz.sh
#   scripts/setup.sh slurm  and a single-node Slurm's daemons, for scripts/slurm-local.sh
#   scripts/setup.sh format and clang-format, for scripts/check-format.sh
#   scripts/setup.sh tests  and what the tests of real RISC-V software need: Debian's bare-metal
#                           cross compiler (the RV64 tests and benchmark programs, built with vmsim
#                           when it is there: install it before scripts/build.sh), gdb-multiarch
#                           (the GDB server's tests), Debian's OpenSBI and U-Boot (the boot tests)
#   scripts/setup.sh bench  and QEMU (qemu-system-misc), which bench/xv6.sh times beside vmsim
set -euo pipefail

packages=(
  g++ cmake make pkg-config
  libsystemc-dev
  libyaml-cpp-dev
  libboost-dev libboost-iostreams-dev
  libcli11-dev
  libfmt-dev
  libfdt-dev device-tree-compiler
  zlib1g-dev
  libgtest-dev libgmock-dev
  libbenchmark-dev
  python3-matplotlib
)
case "${1:-}" in
  "") ;;
  fuzz) packages+=(clang libclang-rt-dev) ;;
  slurm) packages+=(slurmctld slurmd slurm-client munge) ;;
  format) packages+=(clang-format) ;;
  tests) packages+=(gcc-riscv64-unknown-elf gdb-multiarch opensbi u-boot-qemu) ;;
  bench) packages+=(qemu-system-misc) ;;
  *) echo "setup.sh: unknown package set '$1' (expected fuzz, slurm, format, tests, bench, or nothing)" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
