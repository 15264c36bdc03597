#include "vmsim/platforms/results.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "vmsim/models/core/config_document.h"

namespace vmsim {
namespace {

namespace fs = std::filesystem;

// Writes `text` to the file at `path`; returns why it could not (the system's reason), or "".
std::string write_file(const fs::path& path, const std::string& text) {
  std::FILE* file = std::fopen(path.c_str(), "w");
  if (file == nullptr) return std::strerror(errno);
  // A full disk shows when the buffer goes out, here or in fclose.
  const bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size() && std::fflush(file) == 0;
  const int error = errno;
  if (std::fclose(file) != 0 && written) return std::strerror(errno);
  return written ? "" : std::strerror(error);
}

void write_result(const fs::path& path, const std::string& text) {
  if (const std::string why = write_file(path, text); !why.empty())
    throw std::runtime_error(fmt::format("{}: cannot write the file: {}", path.string(), why));
}

}  // namespace

void create_output_directory(const std::string& directory) {
  std::error_code error;
  fs::create_directories(directory, error);
  if (!error) return;
  // A file where the folder or one of its parents should be is named.
  fs::path existing = directory;
  std::error_code ignored;
  while (!existing.empty() && !fs::exists(existing, ignored)) existing = existing.parent_path();
  if (!existing.empty() && !fs::is_directory(existing, ignored)) {
    if (existing == fs::path(directory))
      throw ConfigError(fmt::format("{}: is a file, not an output folder", directory));
    throw ConfigError(fmt::format("{}: cannot create the output folder: {} is a file", directory, existing.string()));
  }
  throw ConfigError(fmt::format("{}: cannot create the output folder: {}", directory, error.message()));
}

void prepare_output_directory(const std::string& directory, const YAML::Node& config,
                              const std::vector<std::string>& header) {
  create_output_directory(directory);
  std::error_code error;
  for (fs::directory_iterator entry(directory, error), end; !error && entry != end; entry.increment(error)) {
    const fs::path& path = entry->path();
    const std::string name = path.filename().string();
    const bool result = name == "stats.txt" || name == "stats.json" || name == "stats-intervals.csv" ||
                        name == "config.yaml" || name == "device-tree.dtb" || name == "device-tree.dts" ||
                        path.extension() == ".vcd";
    std::error_code removal;
    if (result && entry->is_regular_file(removal) && !fs::remove(path, removal) && removal)
      throw ConfigError(fmt::format("{}: cannot remove the previous run's file: {}", path.string(), removal.message()));
  }
  if (error) throw ConfigError(fmt::format("{}: cannot read the output folder: {}", directory, error.message()));
  // The run's first file, written now: a folder that cannot take the results (no permission, a
  // full disk) is found before the simulation starts, not after it.
  YAML::Emitter emitter;
  emitter << config;
  std::string comments;
  for (const std::string& line : header) comments += fmt::format("# {}\n", line);
  const fs::path file = fs::path(directory) / "config.yaml";
  const std::string why = write_file(
      file,
      fmt::format("# The fully resolved configuration of this run; `vmsim run` replays it from any folder.\n{}{}\n",
                  comments, emitter.c_str()));
  if (!why.empty()) throw ConfigError(fmt::format("{}: cannot write the file: {}", file.string(), why));
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

void write_results(const std::string& directory, const std::vector<StatEntry>& stats,
                   const std::vector<std::vector<StatEntry>>& intervals, const std::string& partial) {
  const fs::path folder(directory);
  std::string text;
  for (const std::vector<StatEntry>& dump : intervals) text += format_stats_text(dump) + "\n";
  std::string last = format_stats_text(stats);
  std::string json = format_stats_json(stats);
  if (!partial.empty()) {
    last.insert(last.find('\n') + 1, fmt::format("partial 1 # Statistics so far: {}\n", partial));
    json.insert(json.find('\n') + 1, "  \"partial\": true,\n");
  }
  write_result(folder / "stats.txt", text + last);
  if (!intervals.empty()) {
    // The last row is the part of an interval between the last dump and the end of the run.
    std::vector<std::vector<StatEntry>> rows = intervals;
    rows.push_back(stats);
    write_result(folder / "stats-intervals.csv", format_interval_csv(rows));
  }
  write_result(folder / "stats.json", json);
}

}  // namespace vmsim
