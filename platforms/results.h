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
// `header` lines as comments (the version and the command line of the run).
void write_results(const std::string& directory, const std::vector<StatEntry>& stats, const YAML::Node& config,
                   const std::vector<std::string>& header);

}  // namespace vmsim
