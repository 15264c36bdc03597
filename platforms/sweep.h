// Parameter sweeps: the runs of a grid of configuration values, each in a folder of its own named by
// a hash of its configuration, listed in a manifest that any engine can drive one run at a time
// (`vmsim sweep run-one DIR INDEX`: this machine's processes, a Slurm job array, anything else),
// and collected into one CSV row per run.
//
// DIR/manifest.yaml   the runs: each one's folder, swept values and every --set it takes
// DIR/runs/<hash>/    a run's output folder (stats.txt, stats.json, config.yaml, log.txt) and its
//                     `status` file, written last: "ok", or "failed: <the error's line>"
// DIR/results.csv     one row per finished run
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace vmsim {

// What a sweep varies; from the command line, a sweep file, or both.
struct SweepSpec {
  // An axis sets one configuration path to each of its values, or, labelled (a sweep file's
  // `NAME: {LABEL: {KEY: VALUE, ...}, ...}`), several paths per label: the label is the value its
  // column shows.
  struct Axis {
    std::string key;                                 // the column: a configuration path, or the label's name
    std::vector<std::string> values;                 // each in YAML syntax, or the labels
    std::vector<std::vector<std::string>> labelled;  // per label its "key=value" overrides; empty: none
    std::vector<std::string> sets(std::size_t value) const {
      return labelled.empty() ? std::vector<std::string>{key + "=" + values[value]} : labelled[value];
    }
  };
  std::string config;              // the platform configuration
  std::vector<std::string> sets;   // overrides common to every run: "key=value"
  std::vector<Axis> grid;          // the cartesian product of these...
  std::vector<Axis> zip;           // ...times these, taken together (all of one length)
  std::vector<std::string> stats;  // globs of the statistics results.csv keeps (empty: all)
  std::string out;                 // the sweep's folder

  // "KEY=V1,V2,..." as --grid and --zip take it; commas inside [], {} or quotes do not split.
  // Throws ConfigError naming `option` and the text.
  static Axis parse_axis(const std::string& option, const std::string& text);
  // Reads a sweep file into this spec: {config, set, grid, zip, stats, out}, config relative to the
  // file's folder. Throws ConfigError naming the file, line and key of a mistake.
  void read_file(const std::string& file);
  // Whether `file` is a sweep file rather than a platform configuration: it has a `config` key.
  static bool is_sweep_file(const std::string& file);
};

struct SweepRun {
  std::string folder;               // relative to the sweep's folder: runs/<hash>
  std::vector<std::string> values;  // the swept values, in column order
  std::vector<std::string> sets;    // every override of the run: common ones, then swept ones
};

struct SweepManifest {
  std::string config;                // absolute
  std::vector<std::string> columns;  // the swept keys: grid axes, then zipped ones
  std::vector<std::string> stats;
  std::vector<SweepRun> runs;

  // The runs of `spec`, in order: the first grid axis varies slowest, the zipped lists fastest.
  // Throws ConfigError for a zip of unequal lengths or a configuration that does not load.
  static SweepManifest expand(const SweepSpec& spec);
  // Writes DIR/manifest.yaml; throws ConfigError if DIR cannot take it (before any run).
  void write(const std::string& directory) const;
  // Throws ConfigError if DIR holds no readable manifest.
  static SweepManifest read(const std::string& directory);
};

// A stable name for a configuration: 16 hex digits of FNV-1a over its canonical text (map keys
// sorted, so the order of --set options does not matter). The configuration is the file with the
// run's overrides applied; defaults the models fill in are not part of it.
std::string configuration_hash(const YAML::Node& config);

// A run's outcome as its status file records it; nullopt while it has not finished.
struct RunStatus {
  bool ok;
  std::string error;  // the error's line, when failed
};
std::optional<RunStatus> read_run_status(const std::string& run_folder);
void write_run_status(const std::string& run_folder, const RunStatus& status);

// Builds DIR/results.csv from the runs that have finished. Columns: run (the folder's hash), the
// swept keys, status, error, then every statistic (or those matching the manifest's globs) in the
// order of stats.json; a failed run leaves its statistics empty.
struct CollectSummary {
  std::size_t ok = 0;
  std::size_t failed = 0;
  std::size_t unfinished = 0;
};
CollectSummary collect_sweep(const std::string& directory);

// Runs every unfinished run of DIR's manifest as `executable sweep run-one DIR INDEX`, `jobs` at a
// time, each with its output in its folder's log.txt; a progress bar on standard error when it is
// a terminal. Returns the outcome as collect_sweep() has it.
CollectSummary run_sweep_locally(const std::string& directory, const std::string& executable, unsigned jobs);

}  // namespace vmsim
