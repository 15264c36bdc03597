// The kernel on the four-level formats: it builds, walks and swaps with whatever layout the MMU's
// format has, through the same page-table engine, so a workload faults exactly as often on each.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include <fmt/format.h>

#include "test_bench.h"

namespace vmsim::test {
namespace {

class FourLevelFormats : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    image_ = (std::filesystem::temp_directory_path() / fmt::format("vmsim_formats_{}_{}.img", GetParam(), getpid()))
                 .string();
    std::filesystem::remove(image_);
  }
  void TearDown() override { std::filesystem::remove(image_); }
  std::string image_;
};
INSTANTIATE_TEST_SUITE_P(Formats, FourLevelFormats, ::testing::Values("sv48", "armv8a_4k"));

TEST_P(FourLevelFormats, DemandPagingAndSwapFaultAsOftenAsSv48) {
  // Frames: the kernel's tables (four levels: root, two on the way, one leaf table), the process's
  // (root and three below it), and eight for data; nine pages are swept with fifo eviction.
  // - 9 stores, one per page: 9 minor faults; the ninth evicts page 0 (written out: 1).
  // - 4 sweeps of loads: each access faults and evicts the page needed next: 36 major faults, the
  //   first eviction of pages 1-8 writes them out (8), the 28 others drop a clean copy.
  // - 9 stores: 9 major faults; pages 1-8 are evicted clean (8 drops), page 0, now dirty, is written
  //   out (1).
  // - mprotect to read-only keeps each page's dirty state (on Arm in a software bit).
  // - 9 loads: 9 major faults; pages 1-8, dirty, are written out (8), page 0 is dropped clean (1).
  //   Each load sees the value the third phase stored: the dirty state was not lost.
  const auto stats = run_platform(fmt::format(R"(
platform: {{quantum: 1us, seed: 3}}
components:
  bus:    {{type: router, hop_latency: 1ns}}
  dram:   {{type: dram, base: 0x80000000, size: 64MiB}}
  clint:  {{type: clint, base: 0x02000000}}
  plic:   {{type: plic, base: 0x0c000000}}
  disk:   {{type: disk, base: 0x10001000, image: {}, capacity: 16MiB, interrupt_controller: plic}}
  mmu0:   {{type: mmu, base: 0x10002000, format: {}}}
  kernel: {{type: kernel, memory: dram, frame_limit: 16, swap: {{disk: disk, size: 8MiB, policy: fifo}},
           timer: clint, interrupt_controller: plic}}
  cpu0:   {{type: traffic_gen, port: mmu0, kernel: kernel, interrupt_controller: plic, timer: clint}}
workload:
  cpu0:
    - name: p
      regions: [{{name: data, size: 36KiB}}]
      phases:
        - {{pattern: linear, region: data, stride: 4KiB, count: 9, read_fraction: 0}}
        - {{pattern: linear, region: data, stride: 4KiB, count: 36, read_fraction: 1}}
        - {{pattern: linear, region: data, stride: 4KiB, count: 9, read_fraction: 0}}
        - {{syscall: mprotect, region: data, prot: r}}
        - {{pattern: linear, region: data, stride: 4KiB, count: 9, read_fraction: 1}}
)",
                                              image_, GetParam()));
  EXPECT_EQ(find_stat(stats, "system.kernel.faults.minor"), 9);
  EXPECT_EQ(find_stat(stats, "system.kernel.faults.major"), 36 + 9 + 9);
  EXPECT_EQ(find_stat(stats, "system.kernel.swap.outs"), 1 + 8 + 1 + 8);
  EXPECT_EQ(find_stat(stats, "system.kernel.swap.clean_drops"), 28 + 8 + 1);
  EXPECT_EQ(find_stat(stats, "system.kernel.swap.ins"), 36 + 9 + 9);
  EXPECT_EQ(find_stat(stats, "system.kernel.faults.segfaults"), 0);
  EXPECT_EQ(find_stat(stats, "system.cpu0.checked_reads"), 36 + 9);
  EXPECT_EQ(find_stat(stats, "system.kernel.page_table_pages"), 4 + 4);
}

}  // namespace
}  // namespace vmsim::test
