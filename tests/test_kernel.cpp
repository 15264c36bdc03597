// The kernel with demand paging, seen through whole platforms (exact counts) and through its system
// calls driven by hand.
#include <gtest/gtest.h>

#include "firmware/kernel_model.h"
#include "models/devices/gpio.h"
#include "models/mmu/mmu.h"
#include "tests/test_bench.h"

namespace vmsim::test {
namespace {

const std::string platform = R"(
platform: {quantum: 1us, seed: 5}
components:
  bus:    {type: router, hop_latency: 1ns}
  dram:   {type: dram, base: 0x80000000, size: 256MiB, read_latency: 50ns, write_latency: 50ns}
  mmu0:   {type: mmu, base: 0x10002000, format: sv39, dtlb: {entries: 64, ways: 4}}
  kernel: {type: kernel, memory: dram, reserved: 1MiB}
  cpu0:   {type: traffic_gen, port: mmu0, kernel: kernel, time_slice: 5us}
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

// The kernel's system calls by hand: a test CPU behind the MMU, the kernel booted on the platform.
class KernelCalls : public ::testing::Test {
 protected:
  void SetUp() override {
    bench_ = std::make_unique<TestBench>(R"(
components:
  bus:    {type: router, hop_latency: 1ns}
  dram:   {type: dram, base: 0x80000000, size: 256MiB}
  mmu0:   {type: mmu, base: 0x10002000, format: sv39}
  kernel: {type: kernel, memory: dram}
  tester: {type: test_initiator, port: mmu0}
)");
    KernelModel& model = bench_->kernel_with();
    sc_core::sc_start(sc_core::sc_time(1, sc_core::SC_US));  // boot
    kernel_ = &model.kernel();
  }
  // A user load through the MMU, with the kernel's fault handling; false if the process was killed.
  bool load(unsigned pid, std::uint64_t address, std::uint64_t& value) {
    while (true) {
      const auto result = bench_->tester->read64(address, value);
      if (result.fault == FaultCause::none) return result.status == tlm::TLM_OK_RESPONSE;
      sc_core::sc_time delay;
      if (kernel_->page_fault(pid, result.fault_address, AccessKind::load, result.fault, delay) ==
          Kernel::FaultOutcome::killed)
        return false;
    }
  }
  bool store(unsigned pid, std::uint64_t address, std::uint64_t value) {
    while (true) {
      const auto result = bench_->tester->write64(address, value);
      if (result.fault == FaultCause::none) return result.status == tlm::TLM_OK_RESPONSE;
      sc_core::sc_time delay;
      if (kernel_->page_fault(pid, result.fault_address, AccessKind::store, result.fault, delay) ==
          Kernel::FaultOutcome::killed)
        return false;
    }
  }

  std::unique_ptr<TestBench> bench_;
  Kernel* kernel_ = nullptr;
  sc_core::sc_time delay_;
};

TEST_F(KernelCalls, NoProcessReachesAnotherProcessOrTheKernel) {
  const unsigned a = *kernel_->create_process("a", delay_);
  const unsigned b = *kernel_->create_process("b", delay_);
  const std::uint64_t data_a = *kernel_->mmap(a, 8192, prot_read | prot_write, "", delay_);
  const std::uint64_t data_b = *kernel_->mmap(b, 8192, prot_read | prot_write, "", delay_);
  EXPECT_EQ(data_a, data_b);  // the same virtual address in both
  kernel_->switch_to(0, b, delay_);
  ASSERT_TRUE(store(b, data_b, 0xbbbb));
  kernel_->switch_to(0, a, delay_);
  std::uint64_t value = 1;
  ASSERT_TRUE(load(a, data_a, value));
  EXPECT_EQ(value, 0u);  // a's own zero-filled page, not b's
  ASSERT_TRUE(store(a, data_a, 0xaaaa));
  // The kernel's memory is mapped in every address space, but for the supervisor only.
  const auto kernel_load = bench_->tester->read64(0xffffffc000000000ull, value);
  EXPECT_EQ(kernel_load.fault, FaultCause::supervisor_page);
  EXPECT_FALSE(load(a, data_a + 0x10000, value));  // beyond every region: killed
  EXPECT_FALSE(kernel_->alive(a));
  EXPECT_EQ(kernel_->kill_reason(a), "load at 0x10010000 outside every region");
  kernel_->switch_to(0, b, delay_);
  ASSERT_TRUE(load(b, data_b, value));
  EXPECT_EQ(value, 0xbbbbu);
  // Every access and fault the kernel made above cost simulated time on the caller's timeline.
  EXPECT_GT(delay_, sc_core::SC_ZERO_TIME);
}

TEST_F(KernelCalls, MprotectUpgradeAndSharedObjectsOfDifferentSizes) {
  const unsigned p = *kernel_->create_process("p", delay_);
  const std::uint64_t ro = *kernel_->mmap(p, 4096, prot_read, "", delay_);
  kernel_->switch_to(0, p, delay_);
  std::uint64_t value = 0;
  ASSERT_TRUE(load(p, ro, value));
  EXPECT_TRUE(kernel_->mprotect(p, ro, prot_read | prot_write, delay_));
  ASSERT_TRUE(store(p, ro, 5));
  ASSERT_TRUE(load(p, ro, value));
  EXPECT_EQ(value, 5u);
  EXPECT_TRUE(kernel_->mmap(p, 8192, prot_read, "obj", delay_).has_value());
  EXPECT_FALSE(kernel_->mmap(p, 16384, prot_read, "obj", delay_).has_value());  // larger than the object
  EXPECT_FALSE(kernel_->munmap(p, ro + 4096, delay_));                          // not a region's start
  EXPECT_EQ(bench_->stat("system.kernel.shootdowns"), 1);
}

TEST(KernelInterrupts, AKernelThreadSleepsUntilItsDeviceRaisesTheLine) {
  TestBench bench(R"(
components:
  bus:    {type: router}
  dram:   {type: dram, base: 0x80000000, size: 256MiB}
  mmu0:   {type: mmu, base: 0x10002000}
  kernel: {type: kernel, memory: dram}
  device: {type: test_interrupt_source, controller: kernel, period: 10us, pulses: 3}
  tester: {type: test_initiator, port: mmu0}
)");
  KernelModel& model = bench.kernel_with();
  Hal& hal = model;
  std::vector<sc_core::sc_time> woken;
  sc_core::sc_spawn([&] {
    for (int i = 0; i < 2; ++i) {
      hal.wait_for_interrupt(0);
      woken.push_back(sc_core::sc_time_stamp());
      sc_core::wait(2, sc_core::SC_US);  // the pulse is over by then
    }
  });
  sc_core::sc_start(sc_core::sc_time(35, sc_core::SC_US));
  EXPECT_EQ(woken, (std::vector<sc_core::sc_time>{sc_core::sc_time(9, sc_core::SC_US), sc_core::sc_time(19, sc_core::SC_US)}));
  EXPECT_FALSE(hal.interrupt_pending(0));
  EXPECT_EQ(bench.stat("system.kernel.interrupts.device_raised"), 3);
  EXPECT_EQ(bench.stat("system.kernel.interrupts.device_handled"), 2);
}


TEST(KernelDevices, UserStoresMovePinsAndUserLoadsSeeThem) {
  TestBench bench(R"(
components:
  bus:    {type: router, hop_latency: 1ns}
  dram:   {type: dram, base: 0x80000000, size: 256MiB}
  gpio:   {type: gpio, base: 0x10000000, pins: 8}
  mmu0:   {type: mmu, base: 0x10002000, format: sv39}
  kernel: {type: kernel, memory: dram, devices: {gpio: "p"}}
  tester: {type: test_initiator, port: mmu0}
)");
  KernelModel& model = bench.kernel_with();
  sc_core::sc_start(sc_core::sc_time(1, sc_core::SC_US));
  Kernel& kernel = model.kernel();
  sc_core::sc_time delay;
  const unsigned p = *kernel.create_process("p", delay);
  const unsigned q = *kernel.create_process("q", delay);
  EXPECT_FALSE(kernel.mmap_device(q, "gpio", prot_read | prot_write, delay).has_value());  // q may not
  const std::uint64_t pins = *kernel.mmap_device(p, "gpio", prot_read | prot_write | prot_exec, delay);
  kernel.switch_to(0, p, delay);
  auto& gpio = dynamic_cast<Gpio&>(*sc_core::sc_find_object("system.gpio"));
  TestInitiator& cpu = *bench.tester;
  const auto access = [&](auto&& attempt) {
    auto result = attempt();
    if (result.fault != FaultCause::none) {
      sc_core::sc_time fault_delay;
      EXPECT_EQ(kernel.page_fault(p, result.fault_address, AccessKind::store, result.fault, fault_delay),
                Kernel::FaultOutcome::retry);
      result = attempt();
    }
    return result;
  };
  EXPECT_EQ(access([&] { return cpu.write64(pins + Gpio::reg_direction, 0x0f); }).status, tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(cpu.write64(pins + Gpio::reg_data_out, 0x05).status, tlm::TLM_OK_RESPONSE);
  sc_core::sc_start(sc_core::sc_time(1, sc_core::SC_US));
  EXPECT_TRUE(gpio.pin(0).read());
  EXPECT_FALSE(gpio.pin(1).read());
  EXPECT_TRUE(gpio.pin(2).read());
  gpio.pin(6).write(true);  // an input pin driven from outside
  sc_core::sc_start(sc_core::sc_time(1, sc_core::SC_US));
  std::uint64_t value = 0;
  EXPECT_EQ(cpu.read64(pins + Gpio::reg_data_in, value).status, tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(value, 0x45u);
  // The device page is never executable, whatever the process asked for.
  EXPECT_EQ(cpu.fetch64(pins, value).fault, FaultCause::permission);
  EXPECT_EQ(bench.stat("system.kernel.faults.minor"), 1);
}


TEST(KernelCpus, TwoCpusShareAnObjectAndReadEachOthersValues) {
  // cpu0 writes the shared board, then both read and write it at random; cpu1 starts by reading
  // what cpu0 wrote. Each load is checked against the one copy of the board both CPUs update.
  const auto stats = run_platform(R"(
platform: {quantum: 1us, seed: 9}
components:
  bus:    {type: router, hop_latency: 1ns}
  dram:   {type: dram, base: 0x80000000, size: 256MiB}
  mmu0:   {type: mmu, base: 0x10002000}
  mmu1:   {type: mmu, base: 0x10003000}
  kernel: {type: kernel, memory: dram}
  cpu0:   {type: traffic_gen, port: mmu0, kernel: kernel}
  cpu1:   {type: traffic_gen, port: mmu1, kernel: kernel}
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
