#include "vmsim/platforms/sweep.h"

#include <fnmatch.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "vmsim/models/core/config_document.h"
#include "vmsim/platforms/child_process.h"
#include "vmsim/platforms/results.h"

namespace vmsim {
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A node as a --set value: scalars as written, lists and maps in YAML's flow style.
std::string yaml_text(const YAML::Node& node) {
  if (node.IsScalar()) return node.Scalar();
  YAML::Emitter emitter;
  emitter << YAML::Flow << node;
  return emitter.c_str();
}

std::string where(const std::string& file, const YAML::Node& node) {
  return fmt::format("{}:{}:{}", file, node.Mark().line + 1, node.Mark().column + 1);
}

// The canonical text of a node: maps with their keys sorted, every scalar quoted, so that two
// configurations that differ only in the order of their keys have the same text.
void canonical(const YAML::Node& node, std::string& out) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      std::map<std::string, YAML::Node> sorted;
      for (const auto& entry : node) sorted.emplace(entry.first.Scalar(), entry.second);
      out += '{';
      for (const auto& [key, value] : sorted) {
        out += fmt::format("{:?}:", key);
        canonical(value, out);
        out += ',';
      }
      out += '}';
      break;
    }
    case YAML::NodeType::Sequence:
      out += '[';
      for (const auto& element : node) {
        canonical(element, out);
        out += ',';
      }
      out += ']';
      break;
    case YAML::NodeType::Scalar: out += fmt::format("{:?}", node.Scalar()); break;
    default: out += '~';
  }
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

bool wanted(const std::string& stat, const std::vector<std::string>& globs) {
  if (globs.empty()) return true;
  return std::any_of(globs.begin(), globs.end(),
                     [&](const std::string& glob) { return fnmatch(glob.c_str(), stat.c_str(), 0) == 0; });
}

}  // namespace

SweepSpec::Axis SweepSpec::parse_axis(const std::string& option, const std::string& text) {
  const auto equals = text.find('=');
  if (equals == std::string::npos || equals == 0 || equals + 1 == text.size())
    throw ConfigError(fmt::format("{} {}: expected KEY=V1,V2,...", option, text));
  Axis axis{text.substr(0, equals), {}, {}};
  int depth = 0;
  char quote = 0;
  std::string value;
  for (const char c : text.substr(equals + 1)) {
    if (quote != 0) {
      quote = c == quote ? 0 : quote;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      --depth;
    } else if (c == ',' && depth == 0) {
      axis.values.push_back(value);
      value.clear();
      continue;
    }
    value += c;
  }
  axis.values.push_back(value);
  for (const std::string& v : axis.values)
    if (v.empty()) throw ConfigError(fmt::format("{} {}: an empty value", option, text));
  return axis;
}

bool SweepSpec::is_sweep_file(const std::string& file) {
  try {
    const YAML::Node root = YAML::LoadFile(file);
    return root.IsMap() && root["config"];
  } catch (const YAML::Exception&) {
    return false;  // not ours to report: loading it as a platform names the mistake
  }
}

void SweepSpec::read_file(const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(file);
  } catch (const YAML::BadFile&) {
    throw ConfigError(fmt::format("{}: cannot open the sweep file", file));
  } catch (const YAML::ParserException& e) {
    throw ConfigError(fmt::format("{}:{}:{}: {}", file, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  const auto fail = [&](const YAML::Node& node, const std::string& key, const std::string& message) {
    throw ConfigError(fmt::format("{}: {}: {}", where(file, node), key, message));
  };
  const auto axes = [&](const YAML::Node& map, const std::string& section) {
    if (!map.IsMap()) fail(map, section, "expected a map of KEY: [V1, V2, ...]");
    std::vector<Axis> list;
    for (const auto& entry : map) {
      const std::string key = entry.first.Scalar();
      const std::string path = section + "." + key;
      Axis axis{key, {}, {}};
      if (entry.second.IsMap() && entry.second.size() != 0) {
        for (const auto& label : entry.second) {
          if (!label.second.IsMap() || label.second.size() == 0)
            fail(label.second, path + "." + label.first.Scalar(), "expected a map of KEY: VALUE for this label");
          axis.values.push_back(label.first.Scalar());
          std::vector<std::string> overrides;
          for (const auto& set : label.second) overrides.push_back(set.first.Scalar() + "=" + yaml_text(set.second));
          axis.labelled.push_back(std::move(overrides));
        }
      } else if (entry.second.IsSequence() && entry.second.size() != 0) {
        for (const auto& value : entry.second) axis.values.push_back(yaml_text(value));
      } else {
        fail(entry.second, path, "expected a non-empty list of values, or a map of labels to overrides");
      }
      list.push_back(std::move(axis));
    }
    return list;
  };
  for (const auto& entry : root) {
    const std::string key = entry.first.Scalar();
    const YAML::Node& value = entry.second;
    const auto scalar = [&] {
      if (!value.IsScalar()) fail(value, key, "expected one value");
      return value.Scalar();
    };
    if (key == "config") {
      config = (fs::path(file).parent_path() / scalar()).lexically_normal().string();
    } else if (key == "set") {
      if (!value.IsMap()) fail(value, key, "expected a map of KEY: VALUE");
      for (const auto& set : value) sets.push_back(set.first.Scalar() + "=" + yaml_text(set.second));
    } else if (key == "grid") {
      for (Axis& axis : axes(value, key)) grid.push_back(std::move(axis));
    } else if (key == "zip") {
      for (Axis& axis : axes(value, key)) zip.push_back(std::move(axis));
    } else if (key == "stats") {
      if (!value.IsSequence()) fail(value, key, "expected a list of globs");
      for (const auto& glob : value) stats.push_back(glob.Scalar());
    } else if (key == "out") {
      out = scalar();
    } else {
      fail(entry.first, key, "unknown sweep key (known: config, set, grid, zip, stats, out)");
    }
  }
}

std::string configuration_hash(const YAML::Node& config) {
  std::string text;
  canonical(config, text);
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const unsigned char c : text) hash = (hash ^ c) * 0x100000001b3ULL;
  return fmt::format("{:016x}", hash);
}

SweepManifest SweepManifest::expand(const SweepSpec& spec) {
  if (!fs::is_regular_file(spec.config))
    throw ConfigError(fmt::format("{}: cannot open the configuration file", spec.config));
  const std::string text = slurp(spec.config);
  SweepManifest manifest;
  manifest.config = fs::absolute(spec.config).lexically_normal().string();
  manifest.stats = spec.stats;
  for (const auto* axes : {&spec.grid, &spec.zip})
    for (const SweepSpec::Axis& axis : *axes) manifest.columns.push_back(axis.key);
  const std::size_t zipped = spec.zip.empty() ? 1 : spec.zip.front().values.size();
  for (const SweepSpec::Axis& axis : spec.zip)
    if (axis.values.size() != zipped)
      throw ConfigError(fmt::format("--zip {}: {} values, but --zip {} has {}: zipped lists go together", axis.key,
                                    axis.values.size(), spec.zip.front().key, zipped));

  std::size_t count = zipped;
  for (const SweepSpec::Axis& axis : spec.grid) count *= axis.values.size();
  std::map<std::string, std::size_t> seen;  // folder -> index
  for (std::size_t index = 0; index < count; ++index) {
    SweepRun run;
    run.sets = spec.sets;
    // Mixed-radix digits of the index, the zipped lists as the fastest digit.
    std::size_t rest = index;
    std::vector<std::size_t> digits(spec.grid.size());
    const std::size_t zip_index = rest % zipped;
    rest /= zipped;
    for (std::size_t a = spec.grid.size(); a-- > 0;) {
      digits[a] = rest % spec.grid[a].values.size();
      rest /= spec.grid[a].values.size();
    }
    const auto take = [&run](const SweepSpec::Axis& axis, std::size_t value) {
      run.values.push_back(axis.values[value]);
      for (std::string& set : axis.sets(value)) run.sets.push_back(std::move(set));
    };
    for (std::size_t a = 0; a < spec.grid.size(); ++a) take(spec.grid[a], digits[a]);
    for (const SweepSpec::Axis& axis : spec.zip) take(axis, zip_index);
    ConfigDocument config = ConfigDocument::from_string(text, spec.config);
    for (const std::string& set : run.sets) config.set(set);
    run.folder = "runs/" + configuration_hash(config.root());
    if (const auto [it, fresh] = seen.emplace(run.folder, index); !fresh)
      throw ConfigError(fmt::format("runs {} and {} of the sweep have the same configuration ({} and {})", it->second,
                                    index, fmt::join(manifest.runs[it->second].values, ","),
                                    fmt::join(run.values, ",")));
    manifest.runs.push_back(std::move(run));
  }
  return manifest;
}

void SweepManifest::write(const std::string& directory) const {
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "config" << YAML::Value << config;
  out << YAML::Key << "columns" << YAML::Value << YAML::Flow << columns;
  out << YAML::Key << "stats" << YAML::Value << YAML::Flow << stats;
  out << YAML::Key << "runs" << YAML::Value << YAML::BeginSeq;
  for (const SweepRun& run : runs) {
    out << YAML::Flow << YAML::BeginMap << YAML::Key << "folder" << YAML::Value << run.folder;
    out << YAML::Key << "values" << YAML::Value << YAML::Flow << run.values;
    out << YAML::Key << "set" << YAML::Value << YAML::Flow << run.sets << YAML::EndMap;
  }
  out << YAML::EndSeq << YAML::EndMap;
  create_output_directory(directory);
  const fs::path file = fs::path(directory) / "manifest.yaml";
  std::ofstream stream(file);
  stream << "# vmsim sweep: run i (from 0) is `vmsim sweep run-one " << directory
         << " i`; `vmsim sweep collect` gathers results.csv\n"
         << out.c_str() << "\n";
  stream.close();
  // Before any run, as a run's config.yaml is: a folder that cannot take the sweep is a mistake.
  if (!stream) throw ConfigError(fmt::format("{}: cannot write the file", file.string()));
}

SweepManifest SweepManifest::read(const std::string& directory) {
  const std::string file = (fs::path(directory) / "manifest.yaml").string();
  try {
    const YAML::Node root = YAML::LoadFile(file);
    SweepManifest manifest;
    manifest.config = root["config"].as<std::string>();
    manifest.columns = root["columns"].as<std::vector<std::string>>();
    manifest.stats = root["stats"].as<std::vector<std::string>>();
    for (const auto& run : root["runs"])
      manifest.runs.push_back({run["folder"].as<std::string>(), run["values"].as<std::vector<std::string>>(),
                               run["set"].as<std::vector<std::string>>()});
    return manifest;
  } catch (const YAML::BadFile&) {
    throw ConfigError(fmt::format("{}: no sweep manifest (is {} a sweep's folder?)", file, directory));
  } catch (const YAML::Exception& e) {
    throw ConfigError(fmt::format("{}: not a sweep manifest: {}", file, e.what()));
  }
}

std::optional<RunStatus> read_run_status(const std::string& run_folder) {
  std::ifstream in(fs::path(run_folder) / "status");
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  if (line == "ok") return RunStatus{true, ""};
  const std::string prefix = "failed: ";
  return RunStatus{false, line.rfind(prefix, 0) == 0 ? line.substr(prefix.size()) : line};
}

void write_run_status(const std::string& run_folder, const RunStatus& status) {
  create_output_directory(run_folder);
  // Written aside and renamed, so that a status file is never seen half written.
  const fs::path folder(run_folder);
  {
    std::ofstream out(folder / "status.tmp");
    out << (status.ok ? std::string("ok") : "failed: " + status.error) << "\n";
    out.close();
    if (!out) throw std::runtime_error(fmt::format("{}: cannot write the file", (folder / "status.tmp").string()));
  }
  fs::rename(folder / "status.tmp", folder / "status");
}

CollectSummary collect_sweep(const std::string& directory) {
  const SweepManifest manifest = SweepManifest::read(directory);
  CollectSummary summary;
  struct Row {
    const SweepRun* run;
    RunStatus status;
    std::map<std::string, std::string> stats;
  };
  std::vector<Row> rows;
  std::vector<std::string> stat_columns;
  std::set<std::string> known;
  for (const SweepRun& run : manifest.runs) {
    const fs::path folder = fs::path(directory) / run.folder;
    const std::optional<RunStatus> status = read_run_status(folder.string());
    if (!status) {
      ++summary.unfinished;
      continue;
    }
    Row row{&run, *status, {}};
    if (status->ok) {
      ++summary.ok;
      // stats.json is one flat map, which yaml-cpp reads keeping its order and the numbers' text.
      const YAML::Node stats = YAML::LoadFile((folder / "stats.json").string());
      for (const auto& entry : stats) {
        const std::string name = entry.first.Scalar();
        if (!wanted(name, manifest.stats)) continue;
        if (known.insert(name).second) stat_columns.push_back(name);
        row.stats[name] = entry.second.IsNull() ? "" : entry.second.Scalar();
      }
    } else {
      ++summary.failed;
    }
    rows.push_back(std::move(row));
  }

  std::string csv = "run";
  for (const std::string& column : manifest.columns) csv += "," + csv_field(column);
  csv += ",status,error";
  for (const std::string& column : stat_columns) csv += "," + csv_field(column);
  csv += "\n";
  for (const Row& row : rows) {
    csv += fs::path(row.run->folder).filename().string();
    for (const std::string& value : row.run->values) csv += "," + csv_field(value);
    csv += fmt::format(",{},{}", row.status.ok ? "ok" : "failed", csv_field(row.status.error));
    for (const std::string& column : stat_columns) {
      const auto it = row.stats.find(column);
      csv += "," + (it == row.stats.end() ? std::string() : csv_field(it->second));
    }
    csv += "\n";
  }
  const fs::path file = fs::path(directory) / "results.csv";
  std::ofstream out(file);
  out << csv;
  out.close();
  if (!out) throw std::runtime_error(fmt::format("{}: cannot write the file", file.string()));
  return summary;
}

namespace {

// The bar redrawn in place on a terminal: done, failed, running, and the time left as the mean
// host time of the runs so far predicts it.
class ProgressBar {
 public:
  explicit ProgressBar(std::size_t total) : total_(total), shown_(isatty(fileno(stderr)) != 0) {}
  // `finished` counts the runs this invocation finished, which alone tell its pace.
  void draw(std::size_t done, std::size_t finished, std::size_t failed, std::size_t running,
            std::size_t waiting) const {
    if (!shown_) return;
    constexpr std::size_t width = 30;
    const std::size_t filled = total_ == 0 ? width : width * done / total_;
    std::string left = "--:--";
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (finished > 0) {
      const auto seconds =
          static_cast<long>(elapsed / static_cast<double>(finished) * static_cast<double>(waiting + running));
      left = fmt::format("{}:{:02}", seconds / 60, seconds % 60);
    }
    fmt::print(stderr, "\r\033[K[{}{}] {}/{} done, {} failed, {} running, {} left", std::string(filled, '#'),
               std::string(width - filled, '.'), done, total_, failed, running, left);
    std::fflush(stderr);
  }
  void finish() const {
    if (shown_) fmt::print(stderr, "\r\033[K");
  }

 private:
  std::size_t total_;
  bool shown_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace

CollectSummary run_sweep_locally(const std::string& directory, const std::string& executable, unsigned jobs) {
  const SweepManifest manifest = SweepManifest::read(directory);
  std::vector<std::size_t> waiting;
  std::size_t done = 0;
  std::size_t finished = 0;
  std::size_t failed = 0;
  for (std::size_t index = manifest.runs.size(); index-- > 0;) {
    const auto status = read_run_status((fs::path(directory) / manifest.runs[index].folder).string());
    if (status && status->ok)
      ++done;
    else
      waiting.push_back(index);  // in reverse, so that the first runs start first
  }
  std::map<pid_t, std::size_t> running;
  const ProgressBar bar(manifest.runs.size());
  bar.draw(done, finished, failed, 0, waiting.size());
  while (!waiting.empty() || !running.empty()) {
    while (!waiting.empty() && running.size() < std::max(jobs, 1u)) {
      const std::size_t index = waiting.back();
      waiting.pop_back();
      const fs::path folder = fs::path(directory) / manifest.runs[index].folder;
      create_output_directory(folder.string());
      running[start_process({executable, "sweep", "run-one", directory, std::to_string(index)},
                            (folder / "log.txt").string())] = index;
    }
    bar.draw(done, finished, failed, running.size(), waiting.size());
    int raw = 0;
    const pid_t pid = waitpid(-1, &raw, 0);
    if (pid < 0) throw std::runtime_error(fmt::format("waiting for a run: {}", std::strerror(errno)));
    const auto it = running.find(pid);
    if (it == running.end()) continue;
    const std::string folder = (fs::path(directory) / manifest.runs[it->second].folder).string();
    running.erase(it);
    // A run that died before writing its status (a signal, an abort) gets one saying how.
    std::optional<RunStatus> status = read_run_status(folder);
    if (!status) {
      status = RunStatus{false, fmt::format("exited with status {} (see log.txt)", exit_status(raw))};
      write_run_status(folder, *status);
    }
    ++done;
    ++finished;
    failed += status->ok ? 0 : 1;
  }
  bar.finish();
  return collect_sweep(directory);
}

}  // namespace vmsim
