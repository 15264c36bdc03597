#!/usr/bin/env bash
# Tests `vmsim sweep --launcher slurm` end to end on a single-node Slurm cluster on 127.0.0.1, made
# from Debian's packages (installed if missing; as root or with sudo). The daemons run with a
# configuration, key and state of their own in a temporary folder (SLURM_CONF points there; /etc is
# not touched) and are stopped by their pids whatever happens. The sweep has a failing point and
# several runs per array task; its results.csv, waited for or collected after --no-wait, must equal
# the one a local sweep of the same grid writes.
# Usage: scripts/slurm-local.sh [build folder (build)]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
vmsim=$(realpath "$build/vmsim")

bash scripts/setup.sh slurm

tmp=$(mktemp -d)
pids=()
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done; done
  rm -rf "$tmp"
}
trap stop EXIT

host=$(hostname -s)
cores=$(nproc)
mkdir -p "$tmp/state" "$tmp/spool"
dd if=/dev/urandom of="$tmp/munge.key" bs=1024 count=1 status=none
chmod 600 "$tmp/munge.key"
cat > "$tmp/slurm.conf" <<CONF
ClusterName=vmsim-test
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$tmp/munge.socket
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cores State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$tmp/slurm.conf

munged --force --foreground --socket="$tmp/munge.socket" --key-file="$tmp/munge.key" \
  --pid-file="$tmp/munged.pid" --log-file="$tmp/munged.log" --seed-file="$tmp/munged.seed" >"$tmp/munged.out" 2>&1 &
pids+=($!)
slurmctld -D -i >"$tmp/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -N "$host" >"$tmp/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  sinfo -h -o %T 2>/dev/null | grep -qx idle && break
  sleep 0.2
done
if ! sinfo -h -o %T 2>/dev/null | grep -qx idle; then
  echo "slurm-local: the node did not come up" >&2
  tail -n 20 "$tmp"/*.log "$tmp"/*.out >&2 || true
  exit 1
fi

# Five points, one failing (3 entries do not divide into 4 ways), two runs per array task.
grid=(--grid components.mmu0.dtlb.entries=16,3,64 --grid platform.seed=1,2
      --set workload.cpu0.0.phases.0.count=2000 --set workload.cpu0.0.phases.1.count=2000
      --stat 'system.mmu0.dtlb.*' --stat sim_seconds)
status=0
"$vmsim" sweep configs/translated.yaml "${grid[@]}" --launcher slurm --runs-per-task 2 --time 5 \
  --sbatch=--quiet --out "$tmp/slurm-sweep" || status=$?
if [ "$status" -ne 1 ]; then
  echo "slurm-local: the sweep with a failing point exited with $status, not 1" >&2
  cat "$tmp"/slurm-sweep/slurm/task-*.out >&2 || true
  exit 1
fi
"$vmsim" sweep configs/translated.yaml "${grid[@]}" --out "$tmp/local-sweep" >/dev/null || true
if ! diff "$tmp/local-sweep/results.csv" "$tmp/slurm-sweep/results.csv"; then
  echo "slurm-local: results.csv of the Slurm sweep differs from the local one" >&2
  exit 1
fi
rows=$(grep -c ',ok,' "$tmp/slurm-sweep/results.csv" || true)
failed=$(grep -c ',failed,.*cannot be divided into sets of 4 ways' "$tmp/slurm-sweep/results.csv" || true)
tasks=$(ls "$tmp"/slurm-sweep/slurm/task-*.out | wc -l)
if [ "$rows" -ne 4 ] || [ "$failed" -ne 2 ] || [ "$tasks" -ne 3 ]; then
  echo "slurm-local: expected 4 ok and 2 failed rows from 3 array tasks, got $rows, $failed, $tasks" >&2
  cat "$tmp/slurm-sweep/results.csv" >&2
  exit 1
fi

# Without waiting: submitted, then collected once the queue is empty.
"$vmsim" sweep configs/translated.yaml "${grid[@]}" --launcher slurm --no-wait --sbatch=--quiet \
  --out "$tmp/later" >/dev/null
for _ in $(seq 300); do
  [ -z "$(squeue -h -o %i)" ] && break
  sleep 0.2
done
"$vmsim" sweep collect "$tmp/later" >/dev/null || true
if ! diff "$tmp/local-sweep/results.csv" "$tmp/later/results.csv"; then
  echo "slurm-local: results.csv collected after --no-wait differs from the local one" >&2
  exit 1
fi
echo "slurm-local: ok (6 runs in 3 array tasks: 4 ok, 2 failed as expected; results.csv equals a local sweep's," \
  "waited for or collected later)"
