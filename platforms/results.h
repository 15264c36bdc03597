// What a run leaves in its output folder: stats.txt, stats.json, stats-intervals.csv and config.yaml.
#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "vmsim/models/core/export.h"
#include "vmsim/models/core/stats.h"

namespace vmsim {

// Creates `directory` (and its parents) if needed. Throws ConfigError (a mistake in the command,
// found before anything runs) if it cannot, naming a file that stands in the way.
VMSIM_API void create_output_directory(const std::string& directory);
// Before a run: the same; then removes the results and waveforms a previous run left there
// (stats.txt, stats.json, stats-intervals.csv, config.yaml, device-tree.dtb and .dts, *.vcd), so
// that the folder never mixes two runs' files: a run that fails or is interrupted cannot leave another run's statistics
// looking like its own. The run's own disk images are made afresh by the disks; other files are left alone. Then writes
// the run's first file, config.yaml: the resolved `config`, after the `header` lines as comments (the version and the
// command line of the run). Throws ConfigError naming the folder or file if any of it fails, so that a folder that
// cannot take the results is found before the simulation starts.
VMSIM_API void prepare_output_directory(const std::string& directory, const YAML::Node& config,
                                        const std::vector<std::string>& header);
// After a run, into the folder prepared for it. Throws std::runtime_error naming the file that could
// not be written, and why. With periodic dumps (`intervals`, each the statistics at the end of an
// interval), stats.txt holds one block per dump before the final one, as gem5's periodic dumps do,
// and stats-intervals.csv the counters' increase in each interval, one row per interval. A run that
// stopped early gives why as `partial`: its final block then starts with a `partial 1 # <why>` line
// and stats.json with "partial": true, so that no one takes its statistics for a whole run's.
VMSIM_API void write_results(const std::string& directory, const std::vector<StatEntry>& stats,
                             const std::vector<std::vector<StatEntry>>& intervals = {},
                             const std::string& partial = "");

// stats-intervals.csv: a column for the end of each interval (interval_end_seconds, from
// sim_seconds), then, for every counter, its increase during the interval.
VMSIM_API std::string format_interval_csv(const std::vector<std::vector<StatEntry>>& intervals);

}  // namespace vmsim
