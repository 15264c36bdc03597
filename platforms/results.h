// What a run leaves in its output folder: stats.txt, stats.json and config.yaml.
#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "models/core/stats.h"

namespace vmsim {

// Creates `directory` (and its parents) if needed; throws std::runtime_error if it cannot.
void create_output_directory(const std::string& directory);
// Throws std::runtime_error naming the file that could not be written. config.yaml starts with the
// `header` lines as comments (the version and the command line of the run). With periodic dumps
// (`intervals`, each the statistics at the end of an interval), stats.txt holds one block per dump
// before the final one, as gem5's periodic dumps do, and stats-intervals.csv the counters' increase
// in each interval, one row per interval.
void write_results(const std::string& directory, const std::vector<StatEntry>& stats, const YAML::Node& config,
                   const std::vector<std::string>& header, const std::vector<std::vector<StatEntry>>& intervals = {});

// stats-intervals.csv: a column for the end of each interval (interval_end_seconds, from
// sim_seconds), then, for every counter, its increase during the interval.
std::string format_interval_csv(const std::vector<std::vector<StatEntry>>& intervals);

}  // namespace vmsim
