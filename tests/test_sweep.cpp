// Sweeps without running them: axes, expansion order, folder hashes, sweep files, the CSV.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "vmsim/models/core/config_document.h"
#include "vmsim/platforms/sweep.h"

namespace {

namespace fs = std::filesystem;
using vmsim::SweepSpec;

class Sweep : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    dir_ = fs::temp_directory_path() / (std::string("vmsim_sweep_") + name + "_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "platform.yaml") << "platform: {seed: 1}\ncomponents:\n  bus: {type: router}\n";
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(SweepAxis, CommasInsideListsMapsAndQuotesDoNotSplit) {
  const SweepSpec::Axis axis = SweepSpec::parse_axis("--grid", "a.b=1,[2, 3],{x: 4, y: 5},'6,7'");
  EXPECT_EQ(axis.key, "a.b");
  EXPECT_EQ(axis.values, (std::vector<std::string>{"1", "[2, 3]", "{x: 4, y: 5}", "'6,7'"}));
  for (const char* bad : {"a.b", "=1,2", "a.b=", "a.b=1,,2"}) {
    try {
      SweepSpec::parse_axis("--grid", bad);
      ADD_FAILURE() << bad;
    } catch (const vmsim::ConfigError& e) {
      EXPECT_EQ(std::string(e.what()).rfind(std::string("--grid ") + bad + ": ", 0), 0u) << e.what();
    }
  }
}

TEST(SweepHash, StableAndIndependentOfKeyOrder) {
  const YAML::Node a = YAML::Load("{platform: {seed: 1, quantum: 1us}, components: {bus: {type: router}}}");
  const YAML::Node b = YAML::Load("{components: {bus: {type: router}}, platform: {quantum: 1us, seed: 1}}");
  // Folders of earlier sweeps must keep their names: this value is part of the format.
  EXPECT_EQ(vmsim::configuration_hash(a), "ab403e4282fef5ef");
  EXPECT_EQ(vmsim::configuration_hash(b), vmsim::configuration_hash(a));
  EXPECT_NE(vmsim::configuration_hash(YAML::Load("{platform: {seed: 2, quantum: 1us}}")),
            vmsim::configuration_hash(YAML::Load("{platform: {seed: 1, quantum: 1us}}")));
  // A list is not a map of indices, nor a string its parsed value.
  EXPECT_NE(vmsim::configuration_hash(YAML::Load("{a: [1]}")), vmsim::configuration_hash(YAML::Load("{a: {0: 1}}")));
  EXPECT_NE(vmsim::configuration_hash(YAML::Load("{a: '[1]'}")), vmsim::configuration_hash(YAML::Load("{a: [1]}")));
}

TEST_F(Sweep, GridIsACartesianProductWithZippedListsFastest) {
  SweepSpec spec;
  spec.config = (dir_ / "platform.yaml").string();
  spec.sets = {"components.bus.hop_latency=2ns"};
  spec.grid = {SweepSpec::parse_axis("--grid", "platform.seed=1,2"),
               SweepSpec::parse_axis("--grid", "platform.quantum=1us,2us,3us")};
  spec.zip = {SweepSpec::parse_axis("--zip", "a=x,y"), SweepSpec::parse_axis("--zip", "b=u,v")};
  const vmsim::SweepManifest manifest = vmsim::SweepManifest::expand(spec);
  EXPECT_EQ(manifest.columns, (std::vector<std::string>{"platform.seed", "platform.quantum", "a", "b"}));
  ASSERT_EQ(manifest.runs.size(), 12u);
  EXPECT_EQ(manifest.runs[0].values, (std::vector<std::string>{"1", "1us", "x", "u"}));
  EXPECT_EQ(manifest.runs[1].values, (std::vector<std::string>{"1", "1us", "y", "v"}));
  EXPECT_EQ(manifest.runs[2].values, (std::vector<std::string>{"1", "2us", "x", "u"}));
  EXPECT_EQ(manifest.runs[11].values, (std::vector<std::string>{"2", "3us", "y", "v"}));
  EXPECT_EQ(manifest.runs[11].sets, (std::vector<std::string>{"components.bus.hop_latency=2ns", "platform.seed=2",
                                                              "platform.quantum=3us", "a=y", "b=v"}));
  // The folder is the hash of the file with the run's overrides.
  vmsim::ConfigDocument config = vmsim::ConfigDocument::from_file(spec.config);
  for (const std::string& set : manifest.runs[11].sets) config.set(set);
  EXPECT_EQ(manifest.runs[11].folder, "runs/" + vmsim::configuration_hash(config.root()));

  manifest.write(dir_.string());
  const vmsim::SweepManifest read = vmsim::SweepManifest::read(dir_.string());
  EXPECT_EQ(read.config, fs::absolute(spec.config).string());
  EXPECT_EQ(read.columns, manifest.columns);
  ASSERT_EQ(read.runs.size(), 12u);
  EXPECT_EQ(read.runs[11].folder, manifest.runs[11].folder);
  EXPECT_EQ(read.runs[11].sets, manifest.runs[11].sets);
}

TEST_F(Sweep, TheSameConfigurationTwiceIsAnError) {
  SweepSpec spec;
  spec.config = (dir_ / "platform.yaml").string();
  spec.grid = {SweepSpec::parse_axis("--grid", "platform.seed=1,2,1")};
  try {
    vmsim::SweepManifest::expand(spec);
    ADD_FAILURE();
  } catch (const vmsim::ConfigError& e) {
    EXPECT_STREQ(e.what(), "runs 0 and 2 of the sweep have the same configuration (1 and 1)");
  }
}

TEST_F(Sweep, SweepFileNamesItsConfigRelativeToItself) {
  fs::create_directories(dir_ / "sweeps");
  std::ofstream(dir_ / "sweeps" / "s.yaml") << "config: ../platform.yaml\n"
                                               "set: {components.bus.hop_latency: 2ns}\n"
                                               "grid: {platform.seed: [1, 2], workload.cpu0: [[], [{name: p}]],\n"
                                               "       speed: {slow: {a: 1, b: [2]}, fast: {a: 3}}}\n"
                                               "stats: [sim_*]\n"
                                               "out: somewhere\n";
  ASSERT_TRUE(SweepSpec::is_sweep_file((dir_ / "sweeps" / "s.yaml").string()));
  ASSERT_FALSE(SweepSpec::is_sweep_file((dir_ / "platform.yaml").string()));
  SweepSpec spec;
  spec.read_file((dir_ / "sweeps" / "s.yaml").string());
  EXPECT_EQ(spec.config, (dir_ / "platform.yaml").string());
  EXPECT_EQ(spec.sets, (std::vector<std::string>{"components.bus.hop_latency=2ns"}));
  ASSERT_EQ(spec.grid.size(), 3u);
  EXPECT_EQ(spec.grid[1].values, (std::vector<std::string>{"[]", "[{name: p}]"}));
  EXPECT_EQ(spec.grid[1].sets(1), (std::vector<std::string>{"workload.cpu0=[{name: p}]"}));
  // A labelled axis: its column shows the label, each label sets its keys.
  EXPECT_EQ(spec.grid[2].key, "speed");
  EXPECT_EQ(spec.grid[2].values, (std::vector<std::string>{"slow", "fast"}));
  EXPECT_EQ(spec.grid[2].sets(0), (std::vector<std::string>{"a=1", "b=[2]"}));
  EXPECT_EQ(spec.grid[2].sets(1), (std::vector<std::string>{"a=3"}));
  EXPECT_EQ(spec.stats, (std::vector<std::string>{"sim_*"}));
  EXPECT_EQ(spec.out, "somewhere");

  std::ofstream(dir_ / "list.yaml") << "config: [a, b]\n";
  try {
    SweepSpec().read_file((dir_ / "list.yaml").string());
    ADD_FAILURE();
  } catch (const vmsim::ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), (dir_ / "list.yaml").string() + ":1:9: config: expected one value");
  }
  std::ofstream(dir_ / "bad.yaml") << "config: platform.yaml\ngird: {a: [1]}\n";
  SweepSpec bad;
  try {
    bad.read_file((dir_ / "bad.yaml").string());
    ADD_FAILURE();
  } catch (const vmsim::ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), (dir_ / "bad.yaml").string() +
                                         ":2:1: gird: unknown sweep key (known: config, set, grid, zip, stats, out)");
  }
}

TEST_F(Sweep, CollectWritesOneRowPerFinishedRun) {
  SweepSpec spec;
  spec.config = (dir_ / "platform.yaml").string();
  spec.grid = {SweepSpec::parse_axis("--grid", "platform.seed=1,2,3")};
  spec.stats = {"a.*"};
  const vmsim::SweepManifest manifest = vmsim::SweepManifest::expand(spec);
  manifest.write(dir_.string());
  const fs::path first = dir_ / manifest.runs[0].folder;
  vmsim::write_run_status(first.string(), {true, ""});
  std::ofstream(first / "stats.json") << "{\n  \"a.x\": 1,\n  \"b\": 2,\n  \"a.y\": null\n}\n";
  vmsim::write_run_status((dir_ / manifest.runs[1].folder).string(), {false, "oops, \"quoted\""});
  const vmsim::CollectSummary summary = vmsim::collect_sweep(dir_.string());
  EXPECT_EQ(summary.ok, 1u);
  EXPECT_EQ(summary.failed, 1u);
  EXPECT_EQ(summary.unfinished, 1u);
  const std::string hash0 = fs::path(manifest.runs[0].folder).filename().string();
  const std::string hash1 = fs::path(manifest.runs[1].folder).filename().string();
  EXPECT_EQ(slurp(dir_ / "results.csv"), "run,platform.seed,status,error,a.x,a.y\n" + hash0 + ",1,ok,,1,\n" + hash1 +
                                             ",2,failed,\"oops, \"\"quoted\"\"\",,\n");
}

}  // namespace
