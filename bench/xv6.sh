#!/usr/bin/env bash
# Host seconds from start to xv6's shell prompt on vmsim (configs/virt.yaml, full TLB, walker and
# DRAM statistics) beside Debian's qemu-system-riscv64 on the same kernel and file system in the
# same run (`scripts/setup.sh bench` installs QEMU), with the instructions vmsim's harts executed.
# With --usertests, also to the end of `usertests -q` (many minutes). Prints a Markdown table.
#   bench/xv6.sh [--smp N] [--usertests]
set -euo pipefail
cd "$(dirname "$0")/.."
harts=1
usertests=0
while [ $# -gt 0 ]; do
  case "$1" in
    --smp) harts=$2; shift ;;
    --usertests) usertests=1 ;;
    *) echo "xv6.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
vmsim=build/vmsim
xv6=../shared/riscv/xv6
[ -x "$vmsim" ] || { echo "xv6.sh: build first ($vmsim is missing): scripts/build.sh" >&2; exit 2; }
command -v qemu-system-riscv64 >/dev/null ||
  { echo "xv6.sh: qemu-system-riscv64 is missing: scripts/setup.sh bench" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# vmsim: to the prompt, then (optionally) through usertests; host seconds as vmsim measures them.
vmsim_run() {  # NAME STEPS...
  local name=$1
  shift
  printf '%s\n' "$@" > "$work/$name.yaml"
  gzip -dc "$xv6/fs.img.gz" > "$work/fs.img"
  "$vmsim" run configs/virt.yaml --kernel "$xv6/kernel" --drive "$work/fs.img" --smp "$harts" \
    --console-script "$work/$name.yaml" --out "$work/$name" --quiet > /dev/null
  awk '$1 == "host_seconds" { s = $2 } $1 ~ /^system\.cpu[0-9]+\.instructions$/ { n += $2 }
       END { printf "%.2f %.3f\n", s, n / 1e9 }' "$work/$name/stats.txt"
}
# QEMU: wall time until its console prints TEXT.
qemu_run() {  # TEXT SEND
  gzip -dc "$xv6/fs.img.gz" > "$work/fs.img"
  python3 - "$1" "$2" "$harts" "$xv6/kernel" "$work/fs.img" <<'PY'
import subprocess, sys, time
text, send, harts, kernel, image = sys.argv[1].encode(), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
start = time.monotonic()
qemu = subprocess.Popen(["qemu-system-riscv64", "-machine", "virt", "-bios", "none", "-kernel", kernel, "-m", "128M",
                         "-smp", harts, "-nographic", "-global", "virtio-mmio.force-legacy=false", "-drive",
                         f"file={image},if=none,format=raw,id=x0", "-device", "virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0"],
                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
seen = b""
sent = not send
while True:
    byte = qemu.stdout.read(1)
    if not byte:
        sys.exit("qemu ended first")
    seen += byte
    if not sent and seen.endswith(b"$ "):
        qemu.stdin.write(send.encode() + b"\n"); qemu.stdin.flush(); sent = True; seen = b""
    elif sent and seen.endswith(text):
        break
print(f"{time.monotonic() - start:.2f}")
qemu.kill()
PY
}

read -r prompt_s prompt_g < <(vmsim_run prompt '- {wait: "$ ", exit: 0}')
qemu_prompt=$(qemu_run '$ ' '')
echo "| xv6, $harts hart(s) | vmsim host s | vmsim G instructions | QEMU host s | vmsim / QEMU |"
echo "|---|---|---|---|---|"
echo "| to the shell prompt | $prompt_s | $prompt_g | $qemu_prompt | $(awk -v a="$prompt_s" -v b="$qemu_prompt" 'BEGIN { printf "%.1fx", a / b }') |"
if [ "$usertests" = 1 ]; then
  read -r tests_s tests_g < <(vmsim_run usertests '- {wait: "$ ", send: "usertests -q"}' '- {wait: "ALL TESTS PASSED", exit: 0}')
  qemu_tests=$(qemu_run 'ALL TESTS PASSED' 'usertests -q')
  echo "| to the end of usertests -q | $tests_s | $tests_g | $qemu_tests | $(awk -v a="$tests_s" -v b="$qemu_tests" 'BEGIN { printf "%.1fx", a / b }') |"
fi
