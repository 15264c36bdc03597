// The Slurm launcher of a sweep: the unfinished runs of a sweep's manifest as one job array, each
// array task running several of them (`vmsim sweep run-one`), so that thousands of runs fit the
// cluster's MaxArraySize.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace vmsim {

struct SlurmOptions {
  std::string partition;            // --partition, if given
  std::string time;                 // --time of each array task, if given
  std::vector<std::string> sbatch;  // further sbatch options, passed through as they are
  std::size_t runs_per_task = 0;    // 0: as few as fit MaxArraySize
  bool wait = true;                 // sbatch --wait: return when the array has ended
};

// Writes DIR/slurm/{runs.txt,sweep.sbatch} and submits the script with sbatch, with `executable`
// (vmsim, by absolute path: the nodes see the same file system) running each run. Returns sbatch's
// exit status: with `wait`, non-zero when a task failed. Returns 0 without calling sbatch when no
// run is left. Throws std::runtime_error if sbatch cannot be started.
int submit_to_slurm(const std::string& directory, const std::string& executable, const SlurmOptions& options);

}  // namespace vmsim
