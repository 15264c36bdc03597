// Structure-aware mutation of the shipped configurations: each variant changes one value of a
// configuration's YAML tree (to a boundary value, another type, another component's name) or
// removes one key, and vmsim must end with exit 0, 1 or 2 and, on an error, exactly one line of its
// own: never a signal, never SystemC's report. Variants are drawn from a fixed seed, so a failure
// names a variant that reproduces.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "test_bench.h"

namespace {

namespace fs = std::filesystem;

constexpr int variants_per_config = 25;
// A variant that is merely long (a count made huge) is stopped with SIGTERM after this long; it
// must then end as an interrupted run does (exit 143), which is an outcome of vmsim's own.
constexpr std::chrono::seconds patience{3};

// Every scalar of the tree, by its path of keys and indices.
void scalars(const YAML::Node& node, std::vector<std::string>& path, std::vector<std::vector<std::string>>& found) {
  if (node.IsScalar()) found.push_back(path);
  if (node.IsMap())
    for (const auto& entry : node) {
      path.push_back(entry.first.Scalar());
      scalars(entry.second, path, found);
      path.pop_back();
    }
  if (node.IsSequence())
    for (std::size_t i = 0; i < node.size(); ++i) {
      path.push_back(std::to_string(i));
      scalars(node[i], path, found);
      path.pop_back();
    }
}

YAML::Node child(YAML::Node node, const std::string& key) {
  return node.IsSequence() ? node[std::stoul(key)] : node[key];
}

struct Outcome {
  int status;  // exit status, or -signal
  std::string err;
};

Outcome run_vmsim(const fs::path& config, const fs::path& out) {
  const fs::path err = out.parent_path() / "stderr";
  const pid_t child_pid = fork();
  if (child_pid == 0) {
    std::freopen("/dev/null", "w", stdout);
    std::freopen(err.c_str(), "w", stderr);
    execl(VMSIM_BINARY, VMSIM_BINARY, "run", config.c_str(), "--quiet", "--out", out.c_str(), nullptr);
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + patience;
  int raw = 0;
  while (waitpid(child_pid, &raw, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(child_pid, SIGTERM);
      waitpid(child_pid, &raw, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::ifstream in(err);
  std::stringstream text;
  text << in.rdbuf();
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -WTERMSIG(raw), text.str()};
}

class Mutation : public ::testing::TestWithParam<std::string> {};

TEST_P(Mutation, EveryVariantEndsWithItsOwnOutcome) {
  const fs::path source = fs::path("configs") / (GetParam() + ".yaml");
  YAML::Node original = YAML::LoadFile(source.string());
  // An rv64 platform's program (its reference's --kernel) is written into its loader, where it
  // is mutated as any value.
  const std::string arguments = vmsim::test::reference_arguments(GetParam(), VMSIM_BINARY);
  if (const auto kernel = arguments.find("--kernel "); kernel != std::string::npos)
    original["components"]["loader"]["kernel"] = arguments.substr(kernel + 9);
  std::vector<std::string> path;
  std::vector<std::vector<std::string>> paths;
  scalars(original, path, paths);
  std::vector<std::string> names;
  for (const auto& entry : original["components"]) names.push_back(entry.first.Scalar());
  const std::vector<std::string> values = {"0",
                                           "1",
                                           "-1",
                                           "18446744073709551615",
                                           "0x7fffffffffffffff",
                                           "1e308",
                                           ".nan",
                                           "''",
                                           "[]",
                                           "{}",
                                           "abc",
                                           "4097",
                                           "0.5",
                                           "1TiB",
                                           "1ps",
                                           "true",
                                           "100GHz",
                                           "1fs",
                                           "3",
                                           "0x80000800",
                                           "64KiB",
                                           "99999999999999999999"};
  const fs::path dir = fs::temp_directory_path() / fmt::format("vmsim_mutation_{}_{}", GetParam(), getpid());
  std::mt19937_64 random(std::hash<std::string>{}(GetParam()));
  for (int variant = 0; variant < variants_per_config; ++variant) {
    YAML::Node mutated = YAML::Clone(original);
    const auto& target = paths[random() % paths.size()];
    YAML::Node parent = mutated;
    // reset(), not =: assigning a yaml-cpp node overwrites the node it refers to.
    for (std::size_t i = 0; i + 1 < target.size(); ++i) parent.reset(child(parent, target[i]));
    std::string change;
    const auto choice = random() % (values.size() + 2);
    if (choice == values.size() && parent.IsMap()) {
      parent.remove(target.back());
      change = "removed";
    } else {
      const std::string value = choice >= values.size() ? names[random() % names.size()] : values[choice];
      child(parent, target.back()) = YAML::Load(value);
      change = "= " + value;
    }
    fs::remove_all(dir);
    fs::create_directories(dir);
    // The files the configurations name relatively (traces, stimulus, presets) are linked beside
    // it, so that they resolve as they do for the original, and configs/ is left alone.
    for (const auto& entry : fs::directory_iterator("configs"))
      if (entry.path().extension() != ".yaml")
        fs::create_symlink(fs::absolute(entry.path()), dir / entry.path().filename());
    const fs::path config = dir / "variant.yaml";
    {
      YAML::Emitter emitter;
      emitter << mutated;
      std::ofstream(config) << emitter.c_str() << "\n";
    }
    const Outcome outcome = run_vmsim(config, dir / "out");
    std::string where;
    for (const auto& key : target) where += (where.empty() ? "" : ".") + key;
    const std::string description = fmt::format("variant {}: {} {}", variant, where, change);
    EXPECT_TRUE(outcome.status == 0 || outcome.status == 1 || outcome.status == 2 || outcome.status == 143)
        << description << ": status " << outcome.status << "\n"
        << outcome.err;
    EXPECT_EQ(outcome.err.find("In file:"), std::string::npos) << description << ": SystemC's report\n" << outcome.err;
    if (outcome.status == 1 || outcome.status == 2) {
      EXPECT_EQ(outcome.err.rfind("vmsim: error: ", 0), 0u) << description << "\n" << outcome.err;
      EXPECT_EQ(std::count(outcome.err.begin(), outcome.err.end(), '\n'), 1) << description << "\n" << outcome.err;
    }
  }
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(ShippedConfigs, Mutation,
                         ::testing::Values("default", "demand-paging", "dram-ddr4-2400", "dram-ddr4-3200",
                                           "dram-ddr5-4800", "dram-lpddr4-3200", "gpio-blink", "multi-cpu", "rv64-bare",
                                           "rv64-smp", "swap", "trace-sort", "translated"),
                         [](const ::testing::TestParamInfo<std::string>& config) {
                           std::string name = config.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
