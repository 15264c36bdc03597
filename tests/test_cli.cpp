// The vmsim command as a user runs it: files written, errors reported, runs reproducible.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

namespace fs = std::filesystem;

struct Outcome {
  int status;
  std::string out;
  std::string err;
};

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    dir_ = fs::temp_directory_path() / (std::string("vmsim_cli_") + name + "_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  Outcome vmsim(const std::string& arguments) {
    const std::string command = std::string(VMSIM_BINARY) + " " + arguments + " >" + (dir_ / "stdout").string() +
                                " 2>" + (dir_ / "stderr").string();
    const int raw = std::system(command.c_str());
    return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(dir_ / "stdout"), slurp(dir_ / "stderr")};
  }

  // stats.json without the host_ entries, which measure the host rather than the model.
  std::string simulated_stats(const fs::path& out) {
    std::istringstream in(slurp(out / "stats.json"));
    std::string line;
    std::string kept;
    while (std::getline(in, line))
      if (line.find("host_") == std::string::npos) kept += line + "\n";
    return kept;
  }

  fs::path dir_;
};

const std::string small_run = "configs/default.yaml --set workload.cpu0.0.phases.0.count=5000 "
                              "--set workload.cpu0.0.phases.1.count=5000";

TEST_F(Cli, RunWritesStatsJsonAndResolvedConfig) {
  const Outcome outcome = vmsim("run " + small_run + " --out " + (dir_ / "out").string());
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_EQ(outcome.err, "");
  EXPECT_NE(outcome.out.find("system.cpu0.accesses"), std::string::npos);
  const std::string stats = slurp(dir_ / "out" / "stats.txt");
  // "name value # description", the value alone between the name and the '#'.
  const auto line = stats.find("\nsystem.cpu0.accesses ");
  ASSERT_NE(line, std::string::npos) << stats;
  std::istringstream fields(stats.substr(line + 1, stats.find('\n', line + 1) - line - 1));
  std::string stat_name, value, hash;
  fields >> stat_name >> value >> hash;
  EXPECT_EQ(value, "10000");
  EXPECT_EQ(hash, "#");
  for (const char* name : {"sim_seconds", "host_seconds", "host_accesses_per_second"})
    EXPECT_NE(stats.find(std::string("\n") + name + " "), std::string::npos) << name;
  EXPECT_NE(slurp(dir_ / "out" / "stats.json").find("\"system.dram.reads\": "), std::string::npos);
  const std::string config = slurp(dir_ / "out" / "config.yaml");
  EXPECT_NE(config.find("count: 5000"), std::string::npos);
  EXPECT_NE(config.find("hop_latency: 1ns"), std::string::npos);
}

TEST_F(Cli, SameSeedSameStatisticsAndTheResolvedConfigReplays) {
  ASSERT_EQ(vmsim("run " + small_run + " --quiet --out " + (dir_ / "a").string()).status, 0);
  ASSERT_EQ(vmsim("run " + small_run + " --quiet --out " + (dir_ / "b").string()).status, 0);
  ASSERT_EQ(vmsim("run " + (dir_ / "a" / "config.yaml").string() + " --quiet --out " + (dir_ / "c").string()).status, 0);
  const std::string first = simulated_stats(dir_ / "a");
  EXPECT_GT(first.size(), 1000u);
  EXPECT_EQ(first, simulated_stats(dir_ / "b"));
  EXPECT_EQ(first, simulated_stats(dir_ / "c"));
  ASSERT_EQ(vmsim("run " + small_run + " --set platform.seed=2 --quiet --out " + (dir_ / "d").string()).status, 0);
  EXPECT_NE(first, simulated_stats(dir_ / "d"));
}

TEST_F(Cli, MisspelledKeyFailsWithOneLineNamingKeyAndLine) {
  std::string config = slurp("configs/default.yaml");
  const auto at = config.find("read_latency");
  ASSERT_NE(at, std::string::npos);
  config.replace(at, 12, "read_latncy");
  const fs::path copy = dir_ / "typo.yaml";
  std::ofstream(copy) << config;
  const auto line = std::count(config.begin(), config.begin() + static_cast<long>(at), '\n') + 1;
  const Outcome outcome = vmsim("run " + copy.string() + " --out " + (dir_ / "out").string());
  EXPECT_EQ(outcome.status, 2);
  EXPECT_EQ(outcome.out, "");
  const std::string where = copy.string() + ":" + std::to_string(line) + ":";
  EXPECT_EQ(outcome.err.rfind("vmsim: error: " + where, 0), 0u) << outcome.err;
  EXPECT_NE(outcome.err.find(": components.dram.read_latncy: unknown parameter (did you mean 'read_latency'?)\n"),
            std::string::npos) << outcome.err;
  EXPECT_EQ(std::count(outcome.err.begin(), outcome.err.end(), '\n'), 1);
  EXPECT_FALSE(fs::exists(dir_ / "out"));
}

TEST_F(Cli, FailedSimulationExitsOneWithTheReason) {
  const Outcome outcome = vmsim("run " + small_run + " --set workload.cpu0.0.phases.0.base=0x10 --out " +
                                (dir_ / "out").string());
  EXPECT_EQ(outcome.status, 1);
  EXPECT_EQ(outcome.err, "vmsim: error: system.cpu0: load of 8 bytes at 0x10 failed: TLM_ADDRESS_ERROR_RESPONSE\n");
}

TEST_F(Cli, ParamsListsEveryModelsParameters) {
  const Outcome all = vmsim("params");
  ASSERT_EQ(all.status, 0) << all.err;
  for (const char* expected : {"platform: ", "  quantum ", "type: router", "  hop_latency ", "type: dram",
                               "type: traffic_gen", "  workload.<name>[].phases[].read_fraction ",
                               "component: ", "  count ", "  workload.<name>[].trace.file ",
                               "[applies: pattern: idle]"})
    EXPECT_NE(all.out.find(expected), std::string::npos) << expected;
  const Outcome one = vmsim("params dram");
  EXPECT_EQ(one.status, 0);
  EXPECT_EQ(one.out.find("type: router"), std::string::npos);
  EXPECT_NE(one.out.find("  read_latency                 time             50ns"), std::string::npos) << one.out;
  const Outcome bad = vmsim("params dramm");
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(bad.err.rfind("vmsim: error: unknown component type 'dramm'", 0), 0u);
}

TEST_F(Cli, EveryShippedConfigurationRuns) {
  int configurations = 0;
  for (const auto& file : fs::directory_iterator("configs")) {
    if (file.path().extension() != ".yaml") continue;
    ++configurations;
    // A few accesses show that an example builds and runs: the first process of cpu0 (or of the
    // replicated cpu group) replays 100 accesses of its trace, or runs 100 of each of its first two
    // phases.
    const std::string text = slurp(file.path());
    const std::string process = text.find("\n  cpu:") != std::string::npos ? "workload.cpu.0" : "workload.cpu0.0";
    const std::string shorter =
        text.find("trace: {") != std::string::npos
            ? " --set " + process + ".trace.limit=100"
            : " --set " + process + ".phases.0.count=100 --set " + process + ".phases.1.count=100";
    const Outcome outcome =
        vmsim("run " + file.path().string() + " --quiet --out " + (dir_ / "out").string() + shorter);
    EXPECT_EQ(outcome.status, 0) << file.path() << ": " << outcome.err;
    EXPECT_NE(slurp(dir_ / "out" / "stats.txt").find("system.cpu0.accesses"), std::string::npos);
  }
  EXPECT_GE(configurations, 6);
}

TEST_F(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(vmsim("").status, 2);
  EXPECT_EQ(vmsim("frobnicate").status, 2);
  EXPECT_EQ(vmsim("run").status, 2);
  const Outcome missing = vmsim("run /nonexistent.yaml");
  EXPECT_EQ(missing.status, 2);
  EXPECT_EQ(missing.err, "vmsim: error: /nonexistent.yaml: cannot open the configuration file\n");
}

}  // namespace
