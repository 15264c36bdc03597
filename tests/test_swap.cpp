// Swapping: exact fault counts on small cases, and a self-checked soak under every policy and both
// disk timings, with a working set several times the memory.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "test_bench.h"

namespace vmsim::test {
namespace {

// The kernel's own tables (3) and one process's (root, one second-level, one leaf table: 3).
constexpr unsigned table_frames = 6;

class Swap : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(test.begin(), test.end(), '/', '_');  // parameterised tests have a / in their name
    image_ = (std::filesystem::temp_directory_path() / fmt::format("vmsim_swap_{}_{}.img", test, getpid())).string();
    std::filesystem::remove(image_);
  }
  void TearDown() override { std::filesystem::remove(image_); }
  std::string platform(unsigned frames, const std::string& policy, const std::string& timing = "ssd",
                       const std::string& swap_size = "8MiB") {
    return fmt::format(R"(
platform: {{quantum: 1us, seed: 3}}
components:
  bus:    {{type: router, hop_latency: 1ns}}
  dram:   {{type: dram, base: 0x80000000, size: 64MiB}}
  clint:  {{type: clint, base: 0x02000000, interrupt_controller: plic}}
  plic:   {{type: plic, base: 0x0c000000}}
  disk:   {{type: disk, base: 0x10001000, image: {}, capacity: 16MiB, interrupt_controller: plic, timing: {}}}
  mmu0:   {{type: mmu, base: 0x10002000}}
  kernel: {{type: kernel, memory: dram, frame_limit: {}, swap: {{disk: disk, size: {}, policy: {}}},
           timer: clint, interrupt_controller: plic}}
  cpu0:   {{type: traffic_gen, port: mmu0, kernel: kernel, interrupt_controller: plic}}
)",
                       image_, timing, frames, swap_size, policy);
  }
  std::string image_;
};

class CyclicSweep : public Swap, public ::testing::WithParamInterface<const char*> {};
// two_list too: every eviction finds the page swept longest ago on the inactive list, its bit
// clear, or (once the pages come back) promotes the used ones and moves the oldest active ones
// over, in sweep order.
INSTANTIATE_TEST_SUITE_P(Policies, CyclicSweep, ::testing::Values("lru", "fifo", "two_list"));

TEST_P(CyclicSweep, OnePageMoreThanFitsFaultsOnEveryAccess) {
  // Eight frames for data, nine pages swept in turn five times, loads only.
  const auto stats = run_platform(platform(table_frames + 8, GetParam()) + R"(
workload:
  cpu0: [{name: p, regions: [{name: data, size: 36KiB}],
          phases: [{pattern: linear, region: data, stride: 4KiB, count: 45, read_fraction: 1}]}]
)");
  EXPECT_EQ(find_stat(stats, "system.kernel.faults.minor"), 9);
  EXPECT_EQ(find_stat(stats, "system.kernel.faults.major"), 36);
  // 37 evictions: each page's first goes to the disk, later ones find the copy there current.
  EXPECT_EQ(find_stat(stats, "system.kernel.swap.outs"), 9);
  EXPECT_EQ(find_stat(stats, "system.kernel.swap.clean_drops"), 28);
  EXPECT_EQ(find_stat(stats, "system.kernel.swap.ins"), 36);
  EXPECT_EQ(find_stat(stats, "system.disk.writes"), 9);
  EXPECT_EQ(find_stat(stats, "system.disk.reads"), 36);
}

TEST_F(Swap, AWorkingSetThatFitsFaultsOncePerPage) {
  const auto stats = run_platform(platform(table_frames + 8, "clock") + R"(
workload:
  cpu0: [{name: p, regions: [{name: data, size: 32KiB}],
          phases: [{pattern: random, region: data, count: 5000, read_fraction: 0.5}]}]
)");
  EXPECT_EQ(find_stat(stats, "system.kernel.faults.minor"), 8);
  EXPECT_EQ(find_stat(stats, "system.kernel.faults.major"), 0);
  EXPECT_EQ(find_stat(stats, "system.kernel.swap.outs"), 0);
}

// The disk's geometry is known before anything runs, so the kernel's boot never finds this.
TEST_F(Swap, ASwapAreaBeyondItsDiskIsAConfigurationError) {
  EXPECT_EQ(config_error(platform(table_frames + 8, "clock", "ssd", "32MiB") + R"(
workload:
  cpu0: [{name: p, regions: [{name: data, size: 4KiB}], phases: [{pattern: linear, region: data, count: 1}]}]
)"),
            "test.yaml:10:82: components.kernel.swap.size: the swap area ends at byte 33554432 of 'disk', which holds "
            "16777216 bytes");
}

TEST_F(Swap, OutOfMemoryAndSwapKillsTheLargestProcess) {
  // Room for 8 data pages in memory and 4 in swap; the big process wants 32, the small one 2.
  const auto stats = run_platform(platform(table_frames + 3 + 8, "fifo", "ssd", "16KiB") + R"(
workload:
  cpu0:
    - name: big
      regions: [{name: data, size: 128KiB}]
      phases: [{pattern: linear, region: data, stride: 4KiB, count: 32, read_fraction: 0}]
    - name: small
      regions: [{name: data, size: 8KiB}]
      phases: [{pattern: random, region: data, count: 2000, read_fraction: 0.5}]
)");
  EXPECT_EQ(find_stat(stats, "system.kernel.swap.oom_kills"), 1);
  EXPECT_EQ(find_stat(stats, "system.cpu0.killed_processes"), 1);
  EXPECT_EQ(find_stat(stats, "system.cpu0.processes.small.loads") + find_stat(stats, "system.cpu0.processes.small.stores"),
            2000);
}

TEST_F(Swap, TwoListUnderTheSelfCheck) {
  // The soak's machine and workload, a tenth as long: every load is checked against the last store.
  const auto stats = run_platform(platform(table_frames + 3 + 32, "two_list") + R"(
workload:
  cpu0:
    - name: a
      regions: [{name: data, size: 256KiB}]
      phases: [{pattern: random, region: data, count: 50000, read_fraction: 0.5}]
    - name: b
      regions: [{name: data, size: 256KiB}]
      phases: [{pattern: random, region: data, count: 50000, read_fraction: 0.5}]
)");
  EXPECT_EQ(find_stat(stats, "system.cpu0.accesses"), 100'000);
  EXPECT_EQ(find_stat(stats, "system.cpu0.checked_reads"), find_stat(stats, "system.cpu0.reads"));
  EXPECT_GT(find_stat(stats, "system.kernel.faults.major"), 10'000);
  EXPECT_EQ(find_stat(stats, "system.kernel.faults.segfaults"), 0);
  EXPECT_EQ(find_stat(stats, "system.kernel.swap.io_waits"), find_stat(stats, "system.kernel.faults.major"));
}

TEST_F(Swap, PolicyMistakesAreConfigurationErrors) {
  const std::string machine = platform(table_frames + 8, "clock") + R"(
workload:
  cpu0: [{name: p, regions: [{name: data, size: 4KiB}], phases: [{pattern: linear, region: data, count: 1}]}]
)";
  EXPECT_EQ(config_error(machine, {"components.kernel.swap.inactive_ratio=2"}),
            "--set components.kernel.swap.inactive_ratio=2: components.kernel.swap.inactive_ratio: applies to policy "
            "two_list, not to clock");
  EXPECT_EQ(
      config_error(machine, {"components.kernel.swap.policy=two_list", "components.kernel.swap.inactive_ratio=0"}),
      "--set components.kernel.swap.inactive_ratio=0: components.kernel.swap.inactive_ratio: must be at least 1");
  EXPECT_EQ(config_error(machine, {"components.kernel.swap.policy=lfu"}),
            "--set components.kernel.swap.policy=lfu: components.kernel.swap.policy: 'lfu' is not one of "
            "lru|clock|fifo|random|two_list");
}

#ifdef VMSIM_SHORT_SOAK
constexpr std::uint64_t soak_accesses_per_process = 50'000;
#else
constexpr std::uint64_t soak_accesses_per_process = 500'000;
#endif

using SoakCase = std::tuple<const char*, const char*>;
class Soak : public Swap, public ::testing::WithParamInterface<SoakCase> {};
INSTANTIATE_TEST_SUITE_P(PoliciesAndDisks, Soak,
                         ::testing::Combine(::testing::Values("lru", "clock", "fifo", "random", "two_list"),
                                            ::testing::Values("ssd", "hdd")),
                         [](const ::testing::TestParamInfo<SoakCase>& soak) {
                           return std::string(std::get<0>(soak.param)) + "_" + std::get<1>(soak.param);
                         });

TEST_P(Soak, EveryLoadReturnsTheLastValueStored) {
  // Two processes, 64 pages each, in 32 frames: four times the memory, a million accesses (a tenth
  // under the sanitizers). The self-check compares every load with the last store to the same
  // bytes, so a page lost or mixed up (a store landing in a frame while its copy goes out, say)
  // fails the run.
  const auto [policy, timing] = GetParam();
  const std::string phases =
      "      phases: [{pattern: random, region: data, count: " + std::to_string(soak_accesses_per_process) +
      ", read_fraction: 0.5}]\n";
  const auto stats = run_platform(platform(table_frames + 3 + 32, policy, timing) +
                                  "workload:\n"
                                  "  cpu0:\n"
                                  "    - name: a\n"
                                  "      regions: [{name: data, size: 256KiB}]\n" +
                                  phases +
                                  "    - name: b\n"
                                  "      regions: [{name: data, size: 256KiB}]\n" +
                                  phases);
  const std::uint64_t accesses = 2 * soak_accesses_per_process;
  EXPECT_EQ(find_stat(stats, "system.cpu0.accesses"), accesses);
  EXPECT_EQ(find_stat(stats, "system.cpu0.checked_reads"), find_stat(stats, "system.cpu0.reads"));
  EXPECT_GT(find_stat(stats, "system.kernel.faults.major"), accesses / 10);
  EXPECT_GT(find_stat(stats, "system.kernel.swap.outs"), accesses / 100);
  EXPECT_EQ(find_stat(stats, "system.kernel.faults.segfaults"), 0);
  // Every swap-in blocked only its process: the other one ran meanwhile.
  EXPECT_EQ(find_stat(stats, "system.kernel.swap.io_waits"), find_stat(stats, "system.kernel.faults.major"));
}

}  // namespace
}  // namespace vmsim::test
