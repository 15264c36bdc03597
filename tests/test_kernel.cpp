// The kernel with demand paging, seen through whole platforms (exact counts) and through its system
// calls driven by hand.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_bench.h"

namespace vmsim::test {
namespace {

const std::string platform = R"(
platform: {quantum: 1us, seed: 5}
components:
  bus:    {type: router, hop_latency: 1ns}
  dram:   {type: dram, base: 0x80000000, size: 256MiB, read_latency: 50ns, write_latency: 50ns}
  clint:  {type: clint, base: 0x02000000}
  plic:   {type: plic, base: 0x0c000000}
  mmu0:   {type: mmu, base: 0x10002000, format: sv39, dtlb: {entries: 64, ways: 4}}
  kernel: {type: kernel, memory: dram, reserved: 1MiB, time_slice: 5us, timer: clint, interrupt_controller: plic}
  cpu0:   {type: traffic_gen, port: mmu0, kernel: kernel, interrupt_controller: plic, timer: clint}
)";

double stat(const std::vector<StatEntry>& stats, const std::string& name) { return find_stat(stats, name); }

TEST(Kernel, EachPageFaultsOnceOnFirstTouch) {
  const auto stats = run_platform(platform + R"(
workload:
  cpu0:
    - name: p
      regions: [{name: heap, size: 256KiB}]
      phases:
        - {pattern: linear, region: heap, stride: 4KiB, count: 64, read_fraction: 0}
        - {pattern: linear, region: heap, stride: 64, count: 4096, read_fraction: 0.5}
)");
  EXPECT_EQ(stat(stats, "system.kernel.faults.minor"), 64);
  EXPECT_EQ(stat(stats, "system.cpu0.faults"), 64);
  EXPECT_EQ(stat(stats, "system.cpu0.accesses"), 64 + 4096);
  // 64 data frames, plus the process's root, one second-level and one leaf table, plus the kernel's
  // own three tables.
  EXPECT_EQ(stat(stats, "system.kernel.frames_high_water"), 64 + 3 + 3);
  EXPECT_EQ(stat(stats, "system.kernel.page_table_pages"), 6);
  EXPECT_EQ(stat(stats, "system.kernel.frames_used"), 3);  // after exit only the kernel's tables remain
  EXPECT_EQ(stat(stats, "system.kernel.faults.segfaults"), 0);
}

TEST(Kernel, AStoreAfterMprotectToReadOnlyKillsOnlyThatProcess) {
  const auto stats = run_platform(platform + R"(
workload:
  cpu0:
    - name: victim
      regions: [{name: data, size: 16KiB}]
      phases:
        - {pattern: linear, region: data, stride: 4KiB, count: 4, read_fraction: 0}
        - {syscall: mprotect, region: data, prot: r}
        - {pattern: linear, region: data, count: 10, read_fraction: 1}
        - {pattern: linear, region: data, count: 10, read_fraction: 0}
    - name: bystander
      regions: [{name: data, size: 16KiB}]
      phases: [{pattern: random, region: data, count: 3000, read_fraction: 0.5}]
)");
  EXPECT_EQ(stat(stats, "system.kernel.faults.segfaults"), 1);
  EXPECT_EQ(stat(stats, "system.cpu0.killed_processes"), 1);
  // The victim's 4 stores and 10 loads completed, then its first store died; the bystander ran on.
  EXPECT_EQ(stat(stats, "system.cpu0.accesses"), 4 + 10 + 3000);
  EXPECT_EQ(stat(stats, "system.kernel.shootdowns"), 1);
  EXPECT_GT(stat(stats, "system.kernel.context_switches"), 2);
}

TEST(Kernel, SharedMemoryIsSharedAndPrivateMemoryPrivate) {
  // Both processes start their regions at the same virtual address: their private pages must stay
  // apart, while the shared object's stores by one are the other's loads. The self-check compares
  // every load with the value this CPU last stored to the same memory object.
  const auto stats = run_platform(platform + R"(
workload:
  cpu0:
    - name: writer
      regions: [{name: mine, size: 64KiB}, {name: shm, size: 16KiB, shared: board}]
      phases:
        - {pattern: random, region: mine, count: 2000, read_fraction: 0.5}
        - {pattern: linear, region: shm, count: 2048, read_fraction: 0}
        - {pattern: random, region: mine, count: 2000, read_fraction: 0.5}
    - name: reader
      regions: [{name: mine, size: 64KiB}, {name: shm, size: 16KiB, prot: r, shared: board}]
      phases:
        - {pattern: random, region: mine, count: 2000, read_fraction: 0.5}
        - {pattern: random, region: shm, count: 4000, read_fraction: 1}
)");
  EXPECT_EQ(stat(stats, "system.cpu0.accesses"), 2000 + 2048 + 2000 + 2000 + 4000);
  EXPECT_EQ(stat(stats, "system.cpu0.checked_reads"), stat(stats, "system.cpu0.reads"));
  // 16 private pages each, and the 4 shared pages faulted in by each process but backed once.
  EXPECT_EQ(stat(stats, "system.kernel.faults.minor"), 16 + 16 + 4 + 4);
  EXPECT_EQ(stat(stats, "system.kernel.faults.segfaults"), 0);
  EXPECT_EQ(stat(stats, "system.kernel.frames_used"), 3 + 4);  // the kernel's tables and the shared object
}

TEST(Kernel, AfterMunmapTheAddressFaultsThoughItWasInTheTlb) {
  const auto stats = run_platform(platform + R"(
workload:
  cpu0:
    - name: p
      regions: [{name: data, size: 8KiB}]
      phases:
        - {pattern: linear, region: data, count: 100, read_fraction: 0.5}
        - {syscall: munmap, region: data}
        - {pattern: linear, region: data, count: 1, read_fraction: 1}
)");
  EXPECT_EQ(stat(stats, "system.cpu0.accesses"), 100);
  EXPECT_EQ(stat(stats, "system.kernel.faults.segfaults"), 1);
  EXPECT_EQ(stat(stats, "system.mmu0.dtlb.flushed_entries"), 1);
}

const std::string two_small_processes = R"(
workload:
  cpu0:
    - name: a
      regions: [{name: data, size: 8KiB}]
      phases: [{pattern: linear, region: data, count: 4000, read_fraction: 1}]
    - name: b
      regions: [{name: data, size: 8KiB}]
      phases: [{pattern: linear, region: data, count: 4000, read_fraction: 1}]
)";

TEST(Kernel, WithAsidsTranslationsSurviveContextSwitches) {
  const auto stats = run_platform(platform + two_small_processes);
  EXPECT_GT(stat(stats, "system.kernel.context_switches"), 10);
  // Two pages per process, each missed twice (the faulting access, then its retry) and never again:
  // the ASID-tagged TLB keeps them across switches.
  EXPECT_EQ(stat(stats, "system.mmu0.dtlb.misses"), 8);
  EXPECT_EQ(stat(stats, "system.kernel.faults.minor"), 4);
}

TEST(Kernel, WithoutAsidsEverySwitchFlushesTheTlb) {
  const auto stats = run_platform(platform + two_small_processes, {"components.kernel.asids=false"});
  // Each slice after a switch misses its pages again.
  EXPECT_GT(stat(stats, "system.mmu0.dtlb.misses"), stat(stats, "system.kernel.context_switches"));
  EXPECT_EQ(stat(stats, "system.kernel.faults.minor"), 4);
}

TEST(Kernel, ConfigurationMistakes) {
  const std::string one = platform + R"(
workload:
  cpu0: [{name: p, regions: [{name: heap, size: 4KiB}], phases: [{pattern: linear, region: heap, count: 1}]}]
)";
  EXPECT_EQ(config_error(one, {"workload.cpu0.0.phases.0.region=stack"}),
            "--set workload.cpu0.0.phases.0.region=stack: workload.cpu0.0.phases.0.region: the process has no "
            "region 'stack'");
  EXPECT_EQ(config_error(one, {"components.cpu0.port=bus"}),
            "--set components.cpu0.port=bus: components.cpu0.port: under a kernel a CPU's port must be its MMU, not "
            "'bus'");
  EXPECT_EQ(config_error(one, {"components.cpu0.kernel=dram"}),
            "--set components.cpu0.kernel=dram: components.cpu0.kernel: 'dram' is not a kernel");
  EXPECT_EQ(config_error(one, {"workload.cpu0.0.regions.0.prot=rq"}),
            "--set workload.cpu0.0.regions.0.prot=rq: workload.cpu0.0.regions.0.prot: use the letters r, w and x");
  EXPECT_EQ(config_error(one, {"workload.cpu0.0.phases.0.size=8KiB"}),
            "--set workload.cpu0.0.phases.0.size=8KiB: workload.cpu0.0.phases.0.size: the range leaves the region");
}

// A process that computes beside one that swaps: the computing one keeps its CPU while the other
// waits for the disk.
// A disk image in the temporary folder, for this test process alone.
std::string scratch_image(const std::string& name) {
  return (std::filesystem::temp_directory_path() / (name + "_" + std::to_string(getpid()) + ".img")).string();
}

std::string overlap_platform(const std::string& timing) {
  return R"(
platform: {quantum: 1us, seed: 1}
components:
  bus:    {type: router, hop_latency: 1ns}
  dram:   {type: dram, base: 0x80000000, size: 256MiB}
  clint:  {type: clint, base: 0x02000000}
  plic:   {type: plic, base: 0x0c000000}
  disk:   {type: disk, base: 0x10001000, capacity: 64MiB, interrupt_controller: plic, timing: )" +
         timing + ", image: " + scratch_image("vmsim_overlap") + R"(}
  mmu0:   {type: mmu, base: 0x10002000, format: sv39}
  kernel: {type: kernel, memory: dram, frame_limit: 300, time_slice: 10us, timer: clint, interrupt_controller: plic,
           swap: {disk: disk, size: 32MiB}}
  cpu0:   {type: traffic_gen, port: mmu0, kernel: kernel, interrupt_controller: plic, timer: clint}
workload:
  cpu0:
    - name: a
      regions: [{name: data, size: 4MiB}]
      phases: [{pattern: random, region: data, count: 3000, read_fraction: 0.5}]
    - name: b
      regions: [{name: data, size: 4KiB}]
      phases: [{pattern: linear, region: data, duration: 20ms, think_cycles: 100}]
)";
}
// What b completes alone in 20 ms: 100 think cycles (50 ns) and a TLB-hit access of about 52.6 ns
// a turn, and its time slices' timer interrupts (which the CLINT brings straight to the hart: the
// kernel claims nothing at the PLIC for them).
constexpr double solo_accesses = 195'082;

class Overlap : public ::testing::TestWithParam<const char*> {};
INSTANTIATE_TEST_SUITE_P(Disks, Overlap, ::testing::Values("ssd", "hdd"));

TEST_P(Overlap, AloneTheComputingProcessRunsAtFullSpeed) {
  const auto stats = run_platform(overlap_platform(GetParam()), {"workload.cpu0.0.phases.0.count=1"});
  EXPECT_EQ(find_stat(stats, "system.cpu0.processes.b.loads") + find_stat(stats, "system.cpu0.processes.b.stores"),
            solo_accesses);
}

TEST_P(Overlap, BesideASwappingProcessTheComputingOneKeepsNinetyPercent) {
  const auto stats = run_platform(overlap_platform(GetParam()));
  const double computed =
      find_stat(stats, "system.cpu0.processes.b.loads") + find_stat(stats, "system.cpu0.processes.b.stores");
  EXPECT_GE(computed, 0.9 * solo_accesses);
  EXPECT_EQ(find_stat(stats, "system.cpu0.processes.a.loads") + find_stat(stats, "system.cpu0.processes.a.stores"),
            3000);
  EXPECT_GT(find_stat(stats, "system.kernel.faults.major"), 0);
}

std::string shipped(const std::string& config) {
  std::ifstream file("configs/" + config);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

TEST(KernelCompleteness, EveryProcessOfTheSwapExampleFinishesItsWork) {
  // Short phases once lost a wake-up: a process stopped at 804 of its 2000 accesses and the run
  // still ended with success.
  const auto stats =
      run_platform(shipped("swap.yaml"), {"components.disk.image=" + scratch_image("vmsim_complete"),
                                          "workload.cpu0.0.phases.0.count=1000", "workload.cpu0.0.phases.1.count=1000",
                                          "workload.cpu0.1.phases.0.count=1000", "workload.cpu0.1.phases.1.count=1000",
                                          "workload.cpu0.2.phases.0.count=1000", "workload.cpu0.2.phases.1.count=1"});
  const auto completed = [&](const std::string& process) {
    return find_stat(stats, "system.cpu0.processes." + process + ".loads") +
           find_stat(stats, "system.cpu0.processes." + process + ".stores");
  };
  EXPECT_EQ(completed("a"), 2000);
  EXPECT_EQ(completed("b"), 2000);
  EXPECT_EQ(completed("c"), 1001);
  EXPECT_EQ(find_stat(stats, "system.cpu0.checked_reads"), find_stat(stats, "system.cpu0.reads"));
}

class FourCpusSwapping : public ::testing::TestWithParam<int> {};
INSTANTIATE_TEST_SUITE_P(Seeds, FourCpusSwapping, ::testing::Values(1, 2, 3));

TEST_P(FourCpusSwapping, EveryWorkerFinishes) {
  const std::string image = scratch_image("vmsim_four");
  const auto stats = run_platform(
      shipped("multi-cpu.yaml"),
      {"platform.seed=" + std::to_string(GetParam()), "components.dram={type: dram, base: 0x80000000, size: 1GiB}",
       "components.disk={type: disk, base: 0x10001000, image: " + image +
           ", capacity: 64MiB, interrupt_controller: plic, timing: ssd}",
       "components.kernel.frame_limit=600", "components.kernel.swap={disk: disk, size: 32MiB}"});
  for (int cpu = 0; cpu < 4; ++cpu)
    EXPECT_EQ(find_stat(stats, "system.cpu" + std::to_string(cpu) + ".accesses"), 25000) << "cpu" << cpu;
  EXPECT_GT(find_stat(stats, "system.kernel.faults.major"), 0);
  std::filesystem::remove(image);
}

const std::string tight = R"(
platform: {quantum: 1us, seed: 1}
components:
  bus:    {type: router, hop_latency: 1ns}
  dram:   {type: dram, base: 0x80000000, size: 64MiB}
  clint:  {type: clint, base: 0x02000000}
  plic:   {type: plic, base: 0x0c000000}
  disk:   {type: disk, base: 0x10001000, capacity: 16MiB, interrupt_controller: plic}
  mmu0:   {type: mmu, base: 0x10002000, format: sv39}
  kernel: {type: kernel, memory: dram, frame_limit: 10, timer: clint, interrupt_controller: plic,
           swap: {disk: disk, size: 1MiB, policy: lru}}
  cpu0:   {type: traffic_gen, port: mmu0, kernel: kernel, interrupt_controller: plic, timer: clint}
)";

TEST(KernelPageCrossing, AnAccessAcrossTwoPagesFinishesWithTheFewestFramesAllowed) {
  // The kernel's 3 tables, the process's root and 2 tables, and two pages for one 16-byte load
  // across their boundary: each fault of the access keeps the other page resident.
  const auto stats = run_platform(tight + R"(
workload:
  cpu0: [{name: p, regions: [{name: data, size: 64KiB}],
          phases: [{pattern: linear, region: data, offset: 4088, size: 16, access_size: 16, count: 1, read_fraction: 1},
                   {pattern: linear, region: data, stride: 4KiB, count: 16, read_fraction: 0},
                   {pattern: linear, region: data, offset: 8184, size: 16, access_size: 16, count: 1, read_fraction: 1}]}]
)",
                                  {"components.disk.image=" + scratch_image("vmsim_tight")});
  EXPECT_EQ(find_stat(stats, "system.cpu0.accesses"), 18);
  EXPECT_EQ(find_stat(stats, "system.cpu0.processes.p.loads"), 2);  // both loads across a boundary
  EXPECT_GT(find_stat(stats, "system.kernel.faults.major"), 0);
}

TEST(KernelPageCrossing, TooFewFramesToMakeProgressIsAConfigurationError) {
  const std::string image = "components.disk.image=" + scratch_image("vmsim_tight");
  EXPECT_EQ(config_error(tight, {image, "components.kernel.frame_limit=9"}),
            "--set components.kernel.frame_limit=9: components.kernel.frame_limit: 9 frames leave the kernel unable "
            "to make progress: it needs 10 (10 for its own tables and one process's access across two pages, plus "
            "high_watermark 0)");
  EXPECT_EQ(config_error(tight, {image, "components.kernel.swap.high_watermark=4"}),
            "test.yaml:10:53: components.kernel.frame_limit: 10 frames leave the kernel unable to make progress: it "
            "needs 14 (10 for its own tables and one process's access across two pages, plus high_watermark 4)");
}

TEST(KernelPageCrossing, TheSortTraceFinishesInSixteenFrames) {
  std::string config = shipped("trace-sort.yaml");
  const auto stats =
      run_platform(config, {"workload.cpu0.0.trace.file=configs/traces/sort.lackey.gz",
                            "components.dram.preset=configs/dram/DDR4-2400.yaml",
                            "components.disk={type: disk, base: 0x10001000, image: " + scratch_image("vmsim_sort") +
                                ", capacity: 16MiB, interrupt_controller: plic}",
                            "components.kernel.frame_limit=16",
                            "components.kernel.swap={disk: disk, size: 1MiB, low_watermark: 2, high_watermark: 6}"});
  EXPECT_EQ(find_stat(stats, "system.cpu0.processes.sort.fetches"), 172680);
  EXPECT_GT(find_stat(stats, "system.kernel.faults.major"), 0);
}

TEST(KernelConfiguration, TimeSlicesBelongToTheKernel) {
  EXPECT_EQ(config_error(platform, {"components.cpu0.time_slice=5us"}),
            "--set components.cpu0.time_slice=5us: components.cpu0.time_slice: time slices are the kernel's now: set "
            "components.kernel.time_slice instead");
}

TEST(KernelCpus, TwoCpusShareAnObjectAndReadEachOthersValues) {
  // cpu0 writes the shared board, then both read and write it at random; cpu1 starts by reading
  // what cpu0 wrote. Each load is checked against the one copy of the board both CPUs update.
  const auto stats = run_platform(R"(
platform: {quantum: 1us, seed: 9}
components:
  bus:    {type: router, hop_latency: 1ns}
  dram:   {type: dram, base: 0x80000000, size: 256MiB}
  clint:  {type: clint, base: 0x02000000}
  plic:   {type: plic, base: 0x0c000000}
  mmu0:   {type: mmu, base: 0x10002000}
  mmu1:   {type: mmu, base: 0x10003000}
  kernel: {type: kernel, memory: dram, timer: clint, interrupt_controller: plic}
  cpu0:   {type: traffic_gen, port: mmu0, kernel: kernel, interrupt_controller: plic, timer: clint}
  cpu1:   {type: traffic_gen, port: mmu1, kernel: kernel, interrupt_controller: plic, timer: clint}
workload:
  cpu0:
    - name: writer
      regions: [{name: board, size: 16KiB, shared: board}]
      phases:
        - {pattern: linear, region: board, count: 2048, read_fraction: 0}
        - {pattern: random, region: board, count: 4000, read_fraction: 0.5}
  cpu1:
    - name: reader
      regions: [{name: board, size: 16KiB, prot: rw, shared: board}]
      phases:
        - {pattern: idle, time: 150us}
        - {pattern: linear, region: board, count: 2048, read_fraction: 1}
        - {pattern: random, region: board, count: 4000, read_fraction: 0.5}
)");
  EXPECT_EQ(find_stat(stats, "system.cpu0.accesses"), 2048 + 4000);
  EXPECT_EQ(find_stat(stats, "system.cpu1.accesses"), 2048 + 4000);
  EXPECT_EQ(find_stat(stats, "system.cpu1.checked_reads"), find_stat(stats, "system.cpu1.reads"));
  EXPECT_EQ(find_stat(stats, "system.cpu0.checked_reads"), find_stat(stats, "system.cpu0.reads"));
  // Four pages, faulted in once per process, backed once.
  EXPECT_EQ(find_stat(stats, "system.kernel.faults.minor"), 8);
  EXPECT_EQ(find_stat(stats, "system.kernel.faults.segfaults"), 0);
}

}  // namespace
}  // namespace vmsim::test
