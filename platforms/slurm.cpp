#include "vmsim/platforms/slurm.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <stdexcept>

#include <fmt/format.h>

#include "vmsim/platforms/child_process.h"
#include "vmsim/platforms/results.h"
#include "vmsim/platforms/sweep.h"

namespace vmsim {
namespace fs = std::filesystem;

namespace {

// Slurm's default, for a cluster whose configuration cannot be read.
constexpr std::size_t default_max_array_size = 1001;

// Array indices run from 0 to MaxArraySize - 1, so at most MaxArraySize tasks.
std::size_t max_array_size() {
  const std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen("scontrol show config 2>/dev/null", "r"), pclose);
  if (!pipe) return default_max_array_size;
  char line[512];
  const std::regex setting(R"(^MaxArraySize\s*=\s*(\d+))");
  std::cmatch match;
  while (std::fgets(line, sizeof line, pipe.get()) != nullptr)
    if (std::regex_search(line, match, setting)) return std::stoul(match[1].str());
  return default_max_array_size;
}

std::string shell_quote(const std::string& word) {
  std::string quoted = "'";
  for (const char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  out.close();
  if (!out) throw std::runtime_error(fmt::format("{}: cannot write the file", path.string()));
}

}  // namespace

int submit_to_slurm(const std::string& directory, const std::string& executable, const SlurmOptions& options) {
  const std::string folder = fs::absolute(directory).lexically_normal().string();
  const SweepManifest manifest = SweepManifest::read(folder);
  std::string pending;
  std::size_t count = 0;
  for (std::size_t index = 0; index < manifest.runs.size(); ++index) {
    const auto status = read_run_status((fs::path(folder) / manifest.runs[index].folder).string());
    if (status && status->ok) continue;
    pending += fmt::format("{}\n", index);
    ++count;
  }
  if (count == 0) return 0;
  const std::size_t per_task =
      options.runs_per_task != 0 ? options.runs_per_task : (count + max_array_size() - 1) / max_array_size();
  const std::size_t tasks = (count + per_task - 1) / per_task;

  const fs::path slurm = fs::path(folder) / "slurm";
  create_output_directory(slurm.string());
  write_file(slurm / "runs.txt", pending);
  // Task t runs lines t*K+1 to (t+1)*K of runs.txt; it fails if one of its runs failed.
  write_file(slurm / "sweep.sbatch",
             fmt::format("#!/bin/sh\n"
                         "# vmsim sweep {folder}: {count} runs, {per_task} per array task\n"
                         "status=0\n"
                         "first=$((SLURM_ARRAY_TASK_ID * {per_task} + 1))\n"
                         "for index in $(sed -n \"${{first}},$((first + {per_task} - 1))p\" {runs}); do\n"
                         "  {vmsim} sweep run-one {dir} \"$index\" || status=1\n"
                         "done\n"
                         "exit $status\n",
                         fmt::arg("folder", folder), fmt::arg("count", count), fmt::arg("per_task", per_task),
                         fmt::arg("runs", shell_quote((slurm / "runs.txt").string())),
                         fmt::arg("vmsim", shell_quote(executable)), fmt::arg("dir", shell_quote(folder))));

  std::vector<std::string> words = {"sbatch",
                                    "--parsable",
                                    "--job-name=vmsim-sweep",
                                    fmt::format("--array=0-{}", tasks - 1),
                                    fmt::format("--output={}/task-%a.out", slurm.string()),
                                    fmt::format("--chdir={}", folder)};
  if (!options.partition.empty()) words.push_back("--partition=" + options.partition);
  if (!options.time.empty()) words.push_back("--time=" + options.time);
  if (options.wait) words.push_back("--wait");
  words.insert(words.end(), options.sbatch.begin(), options.sbatch.end());
  words.push_back((slurm / "sweep.sbatch").string());
  fmt::print("vmsim: submitting {} runs as {} array tasks of {}: {}\n", count, tasks, per_task, fmt::join(words, " "));
  std::fflush(stdout);
  return wait_for(start_process(words, "", "is Slurm's client installed?"));
}

}  // namespace vmsim
