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
  clint:  {{type: clint, base: 0x02000000}}
  plic:   {{type: plic, base: 0x0c000000}}
  disk:   {{type: disk, base: 0x10001000, image: {}, capacity: 16MiB, interrupt_controller: plic, timing: {}}}
  mmu0:   {{type: mmu, base: 0x10002000}}
  kernel: {{type: kernel, memory: dram, frame_limit: {}, swap: {{disk: disk, size: {}, policy: {}}},
           timer: clint, interrupt_controller: plic}}
  cpu0:   {{type: traffic_gen, port: mmu0, kernel: kernel, interrupt_controller: plic, timer: clint}}
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

TEST_F(Swap, AVictimIsFoundWheneverOnePageCanGo) {
  // The fewest frames Sv39 allows with watermarks 0/0: 10, the kernel's 3 tables, the process's
  // root, and for a store across the 1 GiB boundary (high starts 0x1ff000 below it, after low and a
  // guard page) a table of each level below the root on either side, and the 2 pages. Each round
  // stores across the boundary, then to the four pages around it: every fault evicts, and while
  // the crossing store retries, one of the two resident pages is pinned. random once gave up after
  // 2n + 1 draws that all landed on the pinned page, and the kernel killed the process "memory and
  // swap are full" with its swap area nearly empty: after 15 of its 70 stores with this seed.
  const auto stats = run_platform(platform(10, "random") + R"(
workload:
  cpu0:
    - name: p
      regions: [{name: low, size: 766MiB}, {name: high, size: 4MiB}]
      repeat: 14
      phases:
        - {pattern: linear, region: high, offset: 0x1feff8, size: 16, access_size: 16, count: 1, read_fraction: 0}
        - {pattern: linear, region: high, offset: 0x1fd000, stride: 4KiB, size: 16KiB, count: 4, read_fraction: 0}
)",
                                  {"platform.seed=1"});
  EXPECT_EQ(find_stat(stats, "system.cpu0.accesses"), 70);
  EXPECT_EQ(find_stat(stats, "system.kernel.swap.oom_kills"), 0);
  EXPECT_EQ(find_stat(stats, "system.kernel.page_table_pages"), 3 + 1 + 4);
  EXPECT_EQ(find_stat(stats, "system.kernel.frames_high_water"), 10);
  // 4 pages, stored to: each eviction writes, and each page written out comes back but the two
  // left out at the end.
  EXPECT_EQ(find_stat(stats, "system.kernel.faults.minor"), 4);
  EXPECT_EQ(find_stat(stats, "system.kernel.swap.outs"), 60);
  EXPECT_EQ(find_stat(stats, "system.kernel.swap.clean_drops"), 0);
  EXPECT_EQ(find_stat(stats, "system.kernel.faults.major"), 60 - 2);
}

TEST_F(Swap, WithSwapFullAPageWhoseCopyIsThereGoesInsteadOfAProcess) {
  // 4 frames for data and 4 slots; fifo; pages p0 to p5 loaded in turn, then p0 to p3 again. p0 to
  // p3 go out as p4, p5, p0 and p1 come in, and the 4 slots are taken. Then p2's fault finds p4 and
  // p5, first in line, with nowhere to go, and p0, back from its slot unchanged, is dropped; p3's
  // drops p1. The kernel once took p4, found no slot for it and killed the process "memory and swap
  // are full", after 8 loads.
  const auto stats = run_platform(platform(table_frames + 4, "fifo", "ssd", "16KiB") + R"(
workload:
  cpu0: [{name: p, regions: [{name: data, size: 24KiB}],
          phases: [{pattern: linear, region: data, stride: 4KiB, count: 10, read_fraction: 1}]}]
)");
  EXPECT_EQ(find_stat(stats, "system.cpu0.accesses"), 10);
  EXPECT_EQ(find_stat(stats, "system.kernel.swap.oom_kills"), 0);
  EXPECT_EQ(find_stat(stats, "system.kernel.faults.minor"), 6);
  EXPECT_EQ(find_stat(stats, "system.kernel.faults.major"), 4);
  EXPECT_EQ(find_stat(stats, "system.kernel.swap.outs"), 4);
  EXPECT_EQ(find_stat(stats, "system.kernel.swap.clean_drops"), 2);
  EXPECT_EQ(find_stat(stats, "system.kernel.swap.used_slots"), 0);
}

TEST_F(Swap, AProcessKilledForMemoryIsToldWhatFilledIt) {
  // A shared object has no place in swap: with 4 frames for data, the fifth of its pages finds
  // memory full of what cannot go, while swap is empty.
  ::testing::internal::CaptureStderr();
  const auto stats = run_platform(platform(table_frames + 4, "clock") + R"(
workload:
  cpu0: [{name: p, regions: [{name: board, size: 24KiB, shared: board}],
          phases: [{pattern: linear, region: board, stride: 4KiB, count: 6, read_fraction: 1}]}]
)");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(),
            "vmsim: kernel: process p on cpu0 killed: killed for memory: memory is full of pages that cannot go to "
            "swap (page tables, shared memory, the pages of accesses in progress)\n");
  EXPECT_EQ(find_stat(stats, "system.kernel.swap.oom_kills"), 1);
  EXPECT_EQ(find_stat(stats, "system.cpu0.accesses"), 4);
}

// The pages the kernel writes out to swap, in order: (pid, virtual address) from its "swap out" spans.
class SwapOuts final : public Timeline {
 public:
  Track track(const std::string& /*group*/, const std::string& /*name*/) override { return 0; }
  void span(Track /*track*/, const char* name, const sc_core::sc_time& /*start*/, const sc_core::sc_time& /*end*/,
            Arg first, Arg second, bool /*overlapping*/) override {
    if (std::string_view(name) == "swap out") pages.emplace_back(second.value, first.value);
  }
  void instant(Track /*track*/, const char* /*name*/, const sc_core::sc_time& /*at*/, Arg /*first*/,
               Arg /*second*/) override {}

  std::vector<std::pair<std::uint64_t, std::uint64_t>> pages;
};

TEST_F(Swap, LruEvictsThePageUsedLeastRecentlyWhenSeveralProcessesRun) {
  // a touches its page at 0 and its page at 4 KiB once each, then the page at 0 for 200,000 loads,
  // across several time slices; b sweeps 40 pages through the 20 frames left meanwhile. The page at 4 KiB, used
  // once and long ago, is the least recently used of all and must go first; the page at 0 goes
  // only once b's sweep has used every page of its own since a last ran. (The page at 4 KiB once
  // stayed pinned by the fault that brought it in until a faulted again, and the page at 0 went
  // first.)
  SwapOuts swap_outs;
  const auto stats = run_platform(platform(30, "lru") + R"(
workload:
  cpu0:
    - name: a
      regions: [{name: data, size: 8KiB}]
      phases:
        - {pattern: linear, region: data, offset: 0, size: 8, count: 1, read_fraction: 1}
        - {pattern: linear, region: data, offset: 4KiB, size: 8, count: 1, read_fraction: 1}
        - {pattern: linear, region: data, offset: 0, size: 8, count: 200000, read_fraction: 1}
        - {pattern: linear, region: data, offset: 4KiB, size: 8, count: 1, read_fraction: 1}
    - name: b
      regions: [{name: data, size: 160KiB}]
      phases: [{pattern: linear, region: data, stride: 4KiB, count: 400, read_fraction: 1}]
)",
                                  {"components.kernel.time_slice=20us"}, &swap_outs);
  constexpr std::uint64_t a = 0;
  constexpr std::uint64_t data = 0x10000000;  // where the kernel maps a process's first region
  ASSERT_EQ(swap_outs.pages.size(), 41u);
  EXPECT_EQ(swap_outs.pages[0], std::make_pair(a, data + 4096));
  EXPECT_EQ(std::count(swap_outs.pages.begin(), swap_outs.pages.end(), std::make_pair(a, data)), 0);
  EXPECT_EQ(find_stat(stats, "system.kernel.swap.outs"), 41);
  EXPECT_EQ(find_stat(stats, "system.kernel.swap.clean_drops"), 336);
  // a faults on each page's first touch, and once more for the page at 4 KiB at the end; b misses
  // on every load after its first sweep, and waits 41 times for a page being written out.
  EXPECT_EQ(find_stat(stats, "system.kernel.faults.minor"), 2 + 40);
  EXPECT_EQ(find_stat(stats, "system.kernel.faults.major"), 1 + 360);
  EXPECT_EQ(find_stat(stats, "system.kernel.memory_waits"), 41);
  EXPECT_EQ(find_stat(stats, "system.cpu0.processes.a.faults"), 3);
  EXPECT_EQ(find_stat(stats, "system.cpu0.processes.b.faults"), 40 + 360 + 41);
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
