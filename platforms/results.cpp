#include "vmsim/platforms/results.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

namespace vmsim {
namespace {

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  out.close();
  if (!out) throw std::runtime_error(fmt::format("{}: cannot write the file", path.string()));
}

}  // namespace

void create_output_directory(const std::string& directory) {
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) throw std::runtime_error(fmt::format("{}: cannot create the folder: {}", directory, error.message()));
}

void prepare_output_directory(const std::string& directory) {
  create_output_directory(directory);
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    const std::filesystem::path& path = entry.path();
    const std::string name = path.filename().string();
    const bool result = name == "stats.txt" || name == "stats.json" || name == "stats-intervals.csv" ||
                        name == "config.yaml" || path.extension() == ".vcd";
    std::error_code error;
    if (result && entry.is_regular_file() && !std::filesystem::remove(path, error) && error)
      throw std::runtime_error(
          fmt::format("{}: cannot remove the previous run's file: {}", path.string(), error.message()));
  }
}

std::string format_interval_csv(const std::vector<std::vector<StatEntry>>& intervals) {
  std::vector<std::string> names;
  for (const StatEntry& entry : intervals.front())
    if (std::holds_alternative<std::uint64_t>(entry.value)) names.push_back(entry.name);
  std::string csv = fmt::format("interval_end_seconds,{}\n", fmt::join(names, ","));
  std::map<std::string, std::uint64_t> previous;
  for (const std::vector<StatEntry>& dump : intervals) {
    std::map<std::string, std::uint64_t> counters;
    double end = 0;
    for (const StatEntry& entry : dump) {
      if (const auto* count = std::get_if<std::uint64_t>(&entry.value)) counters[entry.name] = *count;
      if (entry.name == "sim_seconds") end = std::get<double>(entry.value);
    }
    csv += fmt::format("{}", end);
    for (const std::string& name : names) csv += fmt::format(",{}", counters[name] - previous[name]);
    csv += "\n";
    previous = std::move(counters);
  }
  return csv;
}

void write_results(const std::string& directory, const std::vector<StatEntry>& stats, const YAML::Node& config,
                   const std::vector<std::string>& header, const std::vector<std::vector<StatEntry>>& intervals,
                   const std::string& partial) {
  create_output_directory(directory);
  const std::filesystem::path folder(directory);
  std::string text;
  for (const std::vector<StatEntry>& dump : intervals) text += format_stats_text(dump) + "\n";
  std::string last = format_stats_text(stats);
  std::string json = format_stats_json(stats);
  if (!partial.empty()) {
    last.insert(last.find('\n') + 1, fmt::format("partial 1 # Statistics so far: {}\n", partial));
    json.insert(json.find('\n') + 1, "  \"partial\": true,\n");
  }
  write_file(folder / "stats.txt", text + last);
  if (!intervals.empty()) {
    // The last row is the part of an interval between the last dump and the end of the run.
    std::vector<std::vector<StatEntry>> rows = intervals;
    rows.push_back(stats);
    write_file(folder / "stats-intervals.csv", format_interval_csv(rows));
  }
  write_file(folder / "stats.json", json);
  YAML::Emitter emitter;
  emitter << config;
  std::string comments;
  for (const std::string& line : header) comments += fmt::format("# {}\n", line);
  write_file(
      folder / "config.yaml",
      fmt::format("# The fully resolved configuration of this run; `vmsim run` replays it from any folder.\n{}{}\n",
                  comments, emitter.c_str()));
}

}  // namespace vmsim
