// vmsim in a program of one's own: platforms side by side in one process, models built from C++
// (ModelSet), and the socket a platform exports for the program's initiator. The examples in
// examples/ run the whole of each way, built against the libraries (tests/install/check.sh).
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "test_bench.h"
#include "vmsim/models/core/model_set.h"
#include "vmsim/models/interconnect/router.h"
#include "vmsim/models/memory/dram.h"
#include "vmsim/models/mmu/mmu.h"
#include "vmsim/platforms/builtin_models.h"
#include "vmsim/platforms/system.h"

namespace vmsim::test {
namespace {

// A platform whose CPU makes `count` random accesses to memory of a fixed latency, one at a time,
// then the phases `more` gives.
std::string platform(unsigned count, const std::string& quantum, unsigned seed, const std::string& more = "") {
  return fmt::format(R"(
platform: {{quantum: {}, seed: {}}}
components:
  bus:  {{type: router, hop_latency: 1ns}}
  dram: {{type: dram, base: 0x80000000, size: 1MiB, read_latency: 49ns, write_latency: 49ns}}
  cpu0: {{type: traffic_gen, port: bus}}
workload:
  cpu0:
    - name: p
      phases: [{{pattern: random, base: 0x80000000, size: 1MiB, count: {}, read_fraction: 0.5}}{}]
)",
                     quantum, seed, count, more);
}

// The statistics of `system`, without its name and the host's figures, to compare platforms by.
std::vector<std::string> simulated(const System& system) {
  std::vector<std::string> lines;
  for (const StatEntry& entry : system.statistics()) {
    if (entry.name.rfind("host_", 0) == 0) continue;
    std::string name = entry.name;
    if (name.rfind(system.basename(), 0) == 0) name = name.substr(std::string(system.basename()).size());
    lines.push_back(format_stats_text({{name, entry.value, "", entry.shares}}));
  }
  return lines;
}

struct Platforms {
  ModelRegistry registry;
  std::vector<std::unique_ptr<ConfigDocument>> configs;
  std::vector<std::unique_ptr<System>> systems;
  std::filesystem::path output = std::filesystem::temp_directory_path() / fmt::format("vmsim_embedding_{}", getpid());

  Platforms() {
    register_builtin_models(registry);
    std::filesystem::create_directories(output);
  }
  ~Platforms() { std::filesystem::remove_all(output); }
  System& add(const std::string& name, const std::string& yaml) {
    configs.push_back(std::make_unique<ConfigDocument>(ConfigDocument::from_string(yaml, name + ".yaml")));
    systems.push_back(std::make_unique<System>(name.c_str(), *configs.back(), registry, (output / name).string()));
    std::filesystem::create_directories(output / name);
    return *systems.back();
  }
};

// Two platforms in one process share SystemC's one simulation: they run together, over one
// simulated time, each with its own quantum, seed, statistics and end. One that is the other's
// configuration gives the other's statistics: nothing of a platform is global.
TEST(Embedding, PlatformsInOneProcessRunTogetherEachWithItsOwnResults) {
  Platforms platforms;
  System& alpha = platforms.add("alpha", platform(1000, "1us", 1));
  System& beta = platforms.add("beta", platform(3000, "100ns", 2));
  System& twin = platforms.add("twin", platform(1000, "1us", 1));
  ASSERT_TRUE(System::run_together({&alpha, &beta, &twin})) << alpha.failure() << beta.failure() << twin.failure();

  EXPECT_EQ(find_stat(alpha.statistics(), "alpha.cpu0.accesses"), 1000);
  EXPECT_EQ(find_stat(beta.statistics(), "beta.cpu0.accesses"), 3000);
  // One access at a time, each a bus hop and the memory's 49 ns: each platform ends with its own
  // last access, beta after alpha.
  EXPECT_EQ(find_stat(alpha.statistics(), "sim_seconds"), 50e-6);
  EXPECT_EQ(find_stat(beta.statistics(), "sim_seconds"), 150e-6);
  EXPECT_EQ(simulated(twin), simulated(alpha));
  EXPECT_NE(simulated(beta), simulated(alpha));
}

TEST(Embedding, AFailureInOnePlatformStopsBothAndLeavesTheOtherPartial) {
  Platforms platforms;
  System& alpha = platforms.add("alpha", platform(1000, "1us", 1));
  // beta's CPU goes past its memory: its run fails at the first access beyond.
  System& beta =
      platforms.add("beta", platform(100, "1us", 1, ", {pattern: linear, base: 0x90000000, size: 8, count: 1}"));
  EXPECT_FALSE(System::run_together({&alpha, &beta}));
  EXPECT_EQ(beta.failure(), "at 5us: beta.cpu0: store of 8 bytes at 0x90000000 failed: TLM_ADDRESS_ERROR_RESPONSE");
  EXPECT_EQ(alpha.failure(), "");
  EXPECT_EQ(alpha.partial(), "stopped at 5us by the failure of beta");
}

TEST(Embedding, ModelsFromCppGetTheirParametersCheckedAsAConfigurationsAre) {
  ModelSet models;
  EXPECT_THROW(
      {
        try {
          models.add<Mmu>("mmu", {{"base", Address{0x1000'0000}}, {"dtlb.entires", 16u}});
        } catch (const ConfigError& e) {
          EXPECT_STREQ(e.what(), "C++ parameters: mmu.dtlb.entires: unknown parameter (did you mean 'entries'?)");
          throw;
        }
      },
      ConfigError);
  EXPECT_THROW(
      {
        try {
          models.add<Dram>("dram", {{"base", Address{0x8000'0000}}, {"read_latency", "fast"}});
        } catch (const ConfigError& e) {
          EXPECT_STREQ(
              e.what(),
              "C++ parameters: dram.read_latency: 'fast' is not a time (a number with fs, ps, ns, us, ms or s)");
          throw;
        }
      },
      ConfigError);
}

TEST(Embedding, ModelsFromCppAreBoundByTheNamesTheirParametersGive) {
  ModelSet models({"board", 7, sc_core::sc_time(1, sc_core::SC_US), "."});
  models.add<Router>("bus", {});
  models.add<Dram>("memory", {{"base", Address{0x8000'0000}}, {"size", Bytes{1 << 20}}, {"bus", "bus"}});
  auto& mmu = models.add<Mmu>("mmu", {{"base", Address{0x1000'0000}}, {"port", "bus"}, {"walker_port", "elsewhere"}});
  try {
    models.bind();
    FAIL() << "bound a port to a model the set does not have";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "C++ parameters: mmu.walker_port: the set has no model named 'elsewhere'");
  }
  (void)mmu;
}

TEST(Embedding, APlatformExportsTheSocketsOfItsExternalPortsOnly) {
  TestBench bench(R"(
components:
  bus:  {type: router}
  dram: {type: dram, base: 0x80000000, size: 1MiB}
  host: {type: external_port, port: bus}
)");
  EXPECT_NO_THROW(bench.system->external_socket("host"));
  try {
    bench.system->external_socket("dram");
    FAIL() << "a memory exported";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "system: the platform has no external_port named 'dram'");
  }
}

}  // namespace
}  // namespace vmsim::test
