// The kernel as firmware, alone: no SystemC platform, only a fake machine behind its HAL (memory,
// and the registers of an MMU per hart, the CLINT, the PLIC, a disk and a GPIO). The
// tests play the harts: they raise traps and check the kernel's answers, the page tables it writes
// in memory, and the registers it programs.
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <deque>
#include <map>
#include <unordered_map>

#include "test_bench.h"
#include "vmsim/firmware/kernel.h"
#include "vmsim/firmware/swap/fifo.h"
#include "vmsim/models/devices/clint_registers.h"
#include "vmsim/models/devices/disk_registers.h"
#include "vmsim/models/devices/gpio_registers.h"
#include "vmsim/models/devices/plic_registers.h"
#include "vmsim/models/mmu/mmu_registers.h"

namespace vmsim::test {
namespace {

using Action = TrapReturn::Action;
using sc_core::sc_time;

constexpr std::uint64_t memory_base = 0x80000000;
constexpr std::uint64_t timer_base = 0x02000000;
constexpr std::uint64_t controller_base = 0x0c000000;
constexpr std::uint64_t gpio_base = 0x10060000;
constexpr std::uint64_t disk_base = 0x10001000;
constexpr std::uint64_t mmu_base = 0x10002000;  // hart h's at mmu_base + h * 0x1000
constexpr unsigned disk_source = 5;
constexpr unsigned gpio_source = 36;                       // pin 0's; pin p's is gpio_source + p, for four pins
constexpr std::uint64_t ticks_per_second = 1'000'000'000;  // one tick a nanosecond

constexpr std::uint64_t timer = hart_irq::bit(hart_irq::machine_timer);
constexpr std::uint64_t software = hart_irq::bit(hart_irq::machine_software);
constexpr std::uint64_t external = hart_irq::bit(hart_irq::machine_external);

// Memory and registers. Every access costs 1 ns of the caller's time; the tests set what the
// devices report (time, claims, disk status, pin levels) and read what the kernel wrote.
class FakeMachine final : public Hal {
 public:
  bool read(std::uint64_t address, void* data, unsigned length, sc_time& delay) override {
    delay += sc_time(1, sc_core::SC_NS);
    if (address >= memory_base) {
      for (unsigned i = 0; i < length; ++i) static_cast<std::uint8_t*>(data)[i] = byte(address + i);
      return true;
    }
    std::uint64_t value = registers[address];
    register_reads.push_back(address);
    if (address == timer_base + clint_regs::mtime) value = ticks;
    for (unsigned hart = 0; hart < 2; ++hart) {
      if (address != controller_base + plic_regs::claim_complete(plic_regs::machine_context(hart))) continue;
      value = 0;
      if (!claims[hart].empty()) {
        value = claims[hart].front();
        claims[hart].pop_front();
      }
    }
    std::memcpy(data, &value, length);
    return true;
  }
  bool write(std::uint64_t address, const void* data, unsigned length, sc_time& delay) override {
    delay += sc_time(1, sc_core::SC_NS);
    if (address >= memory_base) {
      for (unsigned i = 0; i < length; ++i) byte(address + i) = static_cast<const std::uint8_t*>(data)[i];
      return true;
    }
    std::uint64_t value = 0;
    std::memcpy(&value, data, length);
    registers[address] = value;
    writes.emplace_back(address, value);
    return true;
  }

  std::uint8_t& byte(std::uint64_t address) { return pages[address / 4096][address % 4096]; }
  std::uint64_t word(std::uint64_t address) {
    std::uint64_t value = 0;
    for (unsigned i = 0; i < 8; ++i) value |= std::uint64_t{byte(address + i)} << (8 * i);
    return value;
  }
  // How often `value` was written to register `address`.
  int written(std::uint64_t address, std::uint64_t value) const {
    int times = 0;
    for (const auto& [where, what] : writes) times += where == address && what == value;
    return times;
  }

  std::unordered_map<std::uint64_t, std::array<std::uint8_t, 4096>> pages;
  std::map<std::uint64_t, std::uint64_t> registers;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> writes;
  std::vector<std::uint64_t> register_reads;
  std::array<std::deque<unsigned>, 2> claims;
  std::uint64_t ticks = 0;
};

class Firmware : public ::testing::Test {
 protected:
  // A 64 MiB machine, Sv39, with `harts` harts, a GPIO and (with a frame limit) a swap disk.
  void boot(unsigned harts = 1, std::uint64_t frame_limit = 0) {
    Kernel::Config config;
    config.format = PageTableFormat::find("sv39");
    config.memory_base = memory_base;
    config.memory_size = 64 << 20;
    config.reserved = 1 << 20;
    config.syscall_cost = sc_time(100, sc_core::SC_NS);
    config.fault_cost = sc_time(250, sc_core::SC_NS);
    config.interrupt_cost = sc_time(100, sc_core::SC_NS);
    config.frame_limit = frame_limit;
    config.time_slice = sc_time(10, sc_core::SC_US);
    config.timer = timer_base;
    config.timebase_frequency = ticks_per_second;
    config.interrupt_controller = controller_base;
    for (unsigned hart = 0; hart < harts; ++hart)
      config.harts.push_back({"cpu" + std::to_string(hart), mmu_base + hart * 0x1000});
    config.devices["gpio"] = {gpio_base, 0x44, {"p"}, {gpio_source, gpio_source + 1, gpio_source + 2, gpio_source + 3}};
    if (frame_limit != 0) {
      config.swap.enabled = true;
      config.swap.disk = disk_base;
      config.swap.source = disk_source;
      config.swap.size = 1 << 20;
      config.swap.policy = swap_policy_of<FifoSwapPolicy>();
      machine_.registers[disk_base + disk_regs::sector_size] = 512;
      machine_.registers[disk_base + disk_regs::capacity] = 8192;
    }
    kernel_ = std::make_unique<Kernel>(machine_, config, stats_);
    ASSERT_EQ(kernel_->boot(delay_), "");
  }
  TrapReturn trap(unsigned hart, Trap trap) { return kernel_->trap(hart, trap, delay_); }
  TrapReturn call(unsigned hart, SystemCall call, std::uint64_t a = 0, std::uint64_t b = 0,
                  std::string_view text = {}) {
    Trap t;
    t.cause = TrapCause::system_call;
    t.call = call;
    t.args = {a, b};
    t.text = text;
    return trap(hart, t);
  }
  TrapReturn fault(unsigned hart, std::uint64_t address, AccessKind kind = AccessKind::load, unsigned length = 8) {
    Trap t;
    t.cause = TrapCause::page_fault;
    t.fault = FaultCause::not_present;
    t.fault_address = address;
    t.kind = kind;
    t.access_address = address;
    t.access_length = length;
    return trap(hart, t);
  }
  // The hart's inputs `pending` are high; its PLIC context has `sources` to claim.
  TrapReturn interrupt(unsigned hart, std::uint64_t pending, std::initializer_list<unsigned> sources = {}) {
    for (const unsigned source : sources) machine_.claims[hart].push_back(source);
    Trap t;
    t.cause = TrapCause::interrupt;
    t.pending = pending;
    return trap(hart, t);
  }
  TrapReturn reset(unsigned hart) {
    Trap t;
    t.cause = TrapCause::reset;
    return trap(hart, t);
  }
  // The leaf entry of `address` in the address space whose root the MMU of `hart` holds.
  std::uint64_t leaf(unsigned hart, std::uint64_t address) {
    std::uint64_t table = machine_.registers[mmu_base + hart * 0x1000 + mmu_regs::root];
    const PageTableFormat& sv39 = *PageTableFormat::find("sv39");
    for (unsigned level = 2; level > 0; --level) {
      const Pte pte = sv39.decode(machine_.word(table + PageTableFormat::index(address, level) * 8), level);
      if (!pte.present) return 0;
      table = pte.address;
    }
    return machine_.word(table + PageTableFormat::index(address, 0) * 8);
  }
  double stat(const std::string& name) { return find_stat(stats_.collect(), name); }

  FakeMachine machine_;
  StatGroup stats_{"kernel"};
  std::unique_ptr<Kernel> kernel_;
  sc_time delay_;
};

TEST_F(Firmware, BootMapsTheKernelAndTurnsEveryMmuOnInItsSpace) {
  boot(2);
  for (unsigned hart = 0; hart < 2; ++hart) {
    const std::uint64_t mmu = mmu_base + hart * 0x1000;
    EXPECT_EQ(machine_.registers[mmu + mmu_regs::control], mmu_regs::control_translate);
    EXPECT_EQ(machine_.registers[mmu + mmu_regs::root], memory_base + (1 << 20));  // the first frame
    EXPECT_EQ(machine_.registers[timer_base + clint_regs::mtimecmp(hart)], ~std::uint64_t{0});
    // Every hart's machine context takes every priority; device interrupts go to hart 0's.
    const unsigned context = plic_regs::machine_context(hart);
    EXPECT_EQ(machine_.written(controller_base + plic_regs::threshold(context), 0), 1);
    EXPECT_EQ(machine_.written(controller_base + plic_regs::enable(context, 0), 0), 1);
    EXPECT_EQ(machine_.written(controller_base + plic_regs::enable(context, 1), hart == 0 ? 0xf0 : 0), 1);
  }
  for (unsigned source = gpio_source; source < gpio_source + 4; ++source)
    EXPECT_EQ(machine_.registers[controller_base + plic_regs::priority(source)], 1u);
  EXPECT_EQ(machine_.register_reads, std::vector<std::uint64_t>{});  // a device tree told it all
  // The kernel's 256 pages: a root, a second-level and a leaf table; the first page's entry maps
  // memory_base, supervisor-only, global, accessed and dirty (Sv39: V R W X G A D).
  EXPECT_EQ(stat("kernel.page_table_pages"), 3);
  EXPECT_EQ(leaf(0, 0xffffffc000000000ull), (memory_base >> 12 << 10) | 0xef);
}

TEST_F(Firmware, AFirstTouchMapsAZeroedPageAndTheAccessRunsAgain) {
  boot();
  EXPECT_EQ(call(0, SystemCall::spawn, 0, 0, "p").value, 0u);
  const TrapReturn first = reset(0);
  EXPECT_EQ(first.action, Action::run);
  EXPECT_EQ(first.context, 0u);
  EXPECT_EQ(machine_.registers[mmu_base + mmu_regs::asid], 1u);
  EXPECT_EQ(machine_.registers[timer_base + clint_regs::mtimecmp(0)], 10'000u);  // a slice from tick 0
  const std::uint64_t heap = call(0, SystemCall::mmap, 8192, prot_read | prot_write).value;
  EXPECT_EQ(heap, 0x10000000u);
  EXPECT_EQ(leaf(0, heap), 0u);  // nothing until touched
  // The kernel's 3 tables, the process's root and its two tables: the page is the seventh frame,
  // which holds stale data until the kernel zeroes it.
  const std::uint64_t frame = memory_base + (1 << 20) + 6 * 4096;
  machine_.byte(frame) = 0xaa;
  EXPECT_EQ(fault(0, heap + 8, AccessKind::store).action, Action::retry);
  EXPECT_EQ(leaf(0, heap), (frame >> 12 << 10) | 0x17);  // V R W U
  EXPECT_EQ(machine_.word(frame), 0u);
  EXPECT_EQ(stat("kernel.faults.minor"), 1);
  // A fault costs its cycles on the hart's timeline, beside every bus access it made.
  EXPECT_GT(delay_, sc_time(250, sc_core::SC_NS));
}

TEST_F(Firmware, ProcessesAreIsolatedAndABadAccessEndsOnlyItsProcess) {
  boot();
  call(0, SystemCall::spawn, 0, 0, "a");
  call(0, SystemCall::spawn, 1, 0, "b");
  EXPECT_EQ(reset(0).context, 0u);
  const std::uint64_t a_heap = call(0, SystemCall::mmap, 4096, prot_read | prot_write).value;
  fault(0, a_heap);
  const std::uint64_t a_entry = leaf(0, a_heap);
  // a's slice ends: b runs, in its own space.
  const TrapReturn switched = interrupt(0, timer);
  EXPECT_EQ(switched.action, Action::run);
  EXPECT_EQ(switched.context, 1u);
  EXPECT_EQ(machine_.registers[mmu_base + mmu_regs::asid], 2u);
  const std::uint64_t b_heap = call(0, SystemCall::mmap, 4096, prot_read | prot_write).value;
  EXPECT_EQ(b_heap, a_heap);  // the same address, another page
  fault(0, b_heap);
  EXPECT_NE(leaf(0, b_heap), a_entry);
  // b loads beyond its regions: it ends, and a runs again with its page still mapped.
  const TrapReturn killed = fault(0, b_heap + 0x10000);
  EXPECT_TRUE(killed.ended);
  EXPECT_EQ(killed.action, Action::run);
  EXPECT_EQ(killed.context, 0u);
  EXPECT_EQ(leaf(0, a_heap), a_entry);
  EXPECT_EQ(stat("kernel.faults.segfaults"), 1);
  EXPECT_EQ(stat("kernel.context_switches"), 3);
  // a exits: nothing is left for the hart.
  const TrapReturn done = call(0, SystemCall::exit);
  EXPECT_TRUE(done.ended);
  EXPECT_EQ(done.action, Action::halt);
  EXPECT_TRUE(kernel_->unfinished().empty());
  EXPECT_EQ(stat("kernel.frames_used"), 3);  // only the kernel's tables
}

TEST_F(Firmware, AProcessAloneKeepsItsHartWhenItsSliceEnds) {
  boot();
  call(0, SystemCall::spawn, 0, 0, "p");
  reset(0);
  machine_.ticks = 12'345;
  machine_.register_reads.clear();
  EXPECT_EQ(interrupt(0, timer).action, Action::resume);
  EXPECT_EQ(machine_.registers[timer_base + clint_regs::mtimecmp(0)], 22'345u);
  // The timer comes straight from the CLINT: nothing to claim, only the time to read.
  EXPECT_EQ(machine_.register_reads, std::vector<std::uint64_t>{timer_base + clint_regs::mtime});
  EXPECT_EQ(stat("kernel.interrupts.timer"), 1);
}

TEST_F(Firmware, ASwappedPageBlocksItsProcessWhileTheDiskWorksAndItsInterruptWakesIt) {
  // 10 frames: the kernel's 3, the process's 3 tables, and 4 for data.
  boot(1, 10);
  call(0, SystemCall::spawn, 0, 0, "p");
  reset(0);
  const std::uint64_t heap = call(0, SystemCall::mmap, 5 * 4096, prot_read | prot_write).value;
  for (std::uint64_t page = 0; page < 4; ++page) EXPECT_EQ(fault(0, heap + page * 4096).action, Action::retry);
  const std::uint64_t first_entry = leaf(0, heap);
  // The fifth page needs a frame: the oldest page goes out (first to its swap slot 0) and the
  // process waits for the write; the hart has nothing else to run.
  EXPECT_EQ(fault(0, heap + 4 * 4096).action, Action::idle);
  EXPECT_EQ(leaf(0, heap), 0x2u);  // not valid: slot 0 recorded
  EXPECT_EQ(machine_.registers[disk_base + disk_regs::command], disk_regs::command_write);
  EXPECT_EQ(machine_.registers[disk_base + disk_regs::dma_address], first_entry >> 10 << 12);
  EXPECT_EQ(kernel_->unfinished(),
            (std::vector<std::string>{"p on cpu0 waits for a free frame (dirty pages are being written to swap)"}));
  // The write completes: the process runs again and its access maps the page.
  machine_.registers[disk_base + disk_regs::status] = disk_regs::status_done;
  const TrapReturn woken = interrupt(0, external, {disk_source});
  EXPECT_EQ(woken.action, Action::run);
  EXPECT_EQ(machine_.written(controller_base + plic_regs::claim_complete(0), disk_source), 1);
  EXPECT_EQ(fault(0, heap + 4 * 4096).action, Action::retry);
  EXPECT_EQ(stat("kernel.swap.outs"), 1);
  // The first page again: a major fault. Its frame comes from the second page's eviction.
  EXPECT_EQ(fault(0, heap).action, Action::idle);  // waits for the second page's write
  interrupt(0, external, {disk_source});           // written; the retry reads page 0 back
  EXPECT_EQ(fault(0, heap).action, Action::idle);
  EXPECT_EQ(machine_.registers[disk_base + disk_regs::command], disk_regs::command_read);
  EXPECT_EQ(machine_.registers[disk_base + disk_regs::lba], 0u);  // slot 0
  EXPECT_EQ(kernel_->unfinished(), (std::vector<std::string>{"p on cpu0 waits for its page 0x10000000 to come back "
                                                             "from swap"}));
  machine_.ticks = 50'000;
  EXPECT_EQ(interrupt(0, external, {disk_source}).action, Action::run);
  EXPECT_EQ(leaf(0, heap) & 0x3ff, 0x17u);  // mapped again
  EXPECT_EQ(stat("kernel.faults.major"), 1);
  EXPECT_EQ(stat("kernel.swap.ins"), 1);
  EXPECT_EQ(stat("kernel.swap.io_waits"), 1);
  EXPECT_EQ(stat("kernel.memory_waits"), 2);
}

TEST_F(Firmware, WaitPinSleepsUntilTheGpioInterruptBringsThePinToItsLevel) {
  boot();
  call(0, SystemCall::spawn, 0, 0, "p");
  reset(0);
  EXPECT_EQ(call(0, SystemCall::wait_pin, 3, 1, "gpio").action, Action::idle);
  // The pin's input is enabled, an old rising edge cleared, then rising edges enabled.
  EXPECT_EQ(machine_.registers[gpio_base + gpio_regs::input_en], 0b1000u);
  EXPECT_EQ(machine_.written(gpio_base + gpio_regs::rise_ip, 0b1000), 1);
  EXPECT_EQ(machine_.registers[gpio_base + gpio_regs::rise_ie], 0b1000u);
  EXPECT_EQ(machine_.registers[gpio_base + gpio_regs::fall_ie], 0u);
  EXPECT_EQ(kernel_->unfinished(), (std::vector<std::string>{"p on cpu0 waits for pin 3 of gpio to be 1"}));
  // Pin 3's line: the kernel claims its source, acknowledges both edges and wakes the process.
  machine_.registers[gpio_base + gpio_regs::input_val] = 0b1000;
  EXPECT_EQ(interrupt(0, external, {gpio_source + 3}).action, Action::run);
  EXPECT_EQ(machine_.written(gpio_base + gpio_regs::rise_ip, 0b1000), 2);
  EXPECT_EQ(machine_.written(gpio_base + gpio_regs::fall_ip, 0b1000), 1);
  EXPECT_EQ(machine_.written(controller_base + plic_regs::claim_complete(0), gpio_source + 3), 1);
  EXPECT_EQ(machine_.registers[gpio_base + gpio_regs::rise_ie], 0u);
  // A pin already at its level does not sleep; an unknown device, or a pin without a line, is an error.
  EXPECT_EQ(call(0, SystemCall::wait_pin, 3, 1, "gpio").action, Action::resume);
  EXPECT_FALSE(call(0, SystemCall::wait_pin, 3, 1, "uart").ok);
  EXPECT_FALSE(call(0, SystemCall::wait_pin, 4, 1, "gpio").ok);
  EXPECT_EQ(machine_.registers[gpio_base + gpio_regs::input_en], 0b11000u);
  EXPECT_EQ(stat("kernel.pin_waits"), 1);
  EXPECT_EQ(stat("kernel.interrupts.devices"), 1);
}

TEST_F(Firmware, AProcessWokenForAnIdleHartReachesItByAnInterProcessorInterrupt) {
  boot(2);
  call(1, SystemCall::spawn, 0, 0, "sleeper");
  reset(1);
  EXPECT_EQ(call(1, SystemCall::wait_pin, 0, 1, "gpio").action, Action::idle);
  // The GPIO interrupts hart 0, which wakes the sleeper and sends hart 1 an IPI.
  machine_.registers[gpio_base + gpio_regs::input_val] = 1;
  EXPECT_EQ(reset(0).action, Action::halt);  // hart 0 has no process of its own
  EXPECT_EQ(interrupt(0, external, {gpio_source}).action, Action::halt);
  EXPECT_EQ(machine_.registers[timer_base + clint_regs::msip(1)], 1u);
  const TrapReturn woken = interrupt(1, software);
  EXPECT_EQ(woken.action, Action::run);
  EXPECT_EQ(machine_.registers[timer_base + clint_regs::msip(1)], 0u);
  EXPECT_EQ(stat("kernel.interrupts.ipis"), 1);
  EXPECT_EQ(stat("kernel.interrupts.timer"), 0);
}

TEST_F(Firmware, OneTrapTakesEveryInterruptPending) {
  boot();
  call(0, SystemCall::spawn, 0, 0, "a");
  call(0, SystemCall::spawn, 1, 0, "b");
  reset(0);
  machine_.ticks = 1000;
  // The slice is over, an IPI came, and the GPIO's pin 1 and 2 lines are up (nobody waits).
  const TrapReturn answer = interrupt(0, timer | software | external, {gpio_source + 1, gpio_source + 2});
  EXPECT_EQ(answer.action, Action::run);
  EXPECT_EQ(answer.context, 1u);
  EXPECT_EQ(machine_.registers[timer_base + clint_regs::mtimecmp(0)], 11'000u);  // b's slice
  EXPECT_EQ(machine_.written(timer_base + clint_regs::msip(0), 0), 1);
  EXPECT_EQ(machine_.written(controller_base + plic_regs::claim_complete(0), gpio_source + 1), 1);
  EXPECT_EQ(machine_.written(controller_base + plic_regs::claim_complete(0), gpio_source + 2), 1);
  EXPECT_EQ(stat("kernel.interrupts.timer"), 1);
  EXPECT_EQ(stat("kernel.interrupts.devices"), 2);
}

TEST_F(Firmware, TheFramesNeededToMakeProgressFollowTheFormat) {
  // Sv39: 3 kernel tables; a root and two tables per page for two pages, and the pages.
  EXPECT_EQ(Kernel::minimum_frames(*PageTableFormat::find("sv39"), 1 << 20), 3u + 7u);
  EXPECT_EQ(Kernel::minimum_frames(*PageTableFormat::find("sv48"), 1 << 20), 4u + 9u);
  // 4 MiB of kernel memory needs two leaf tables.
  EXPECT_EQ(Kernel::minimum_frames(*PageTableFormat::find("sv39"), 4 << 20), 4u + 7u);
}

}  // namespace
}  // namespace vmsim::test
