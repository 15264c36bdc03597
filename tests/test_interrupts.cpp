// The interrupt controller (PLIC-like) and the timer (CLINT-like): their registers, and levels that
// reach a hart by direct call the moment a line or a register write changes them.
#include <unistd.h>

#include <filesystem>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "test_bench.h"
#include "vmsim/models/core/payload.h"
#include "vmsim/models/devices/clint_registers.h"
#include "vmsim/models/devices/disk.h"
#include "vmsim/models/devices/gpio.h"
#include "vmsim/models/devices/plic.h"
#include "vmsim/models/devices/plic_registers.h"

namespace vmsim::test {
namespace {

using sc_core::SC_NS;
using sc_core::sc_time;
using sc_core::SC_US;

constexpr std::uint64_t plic = 0x0c000000;
constexpr std::uint64_t clint = 0x02000000;
constexpr std::uint64_t gpio = 0x10000000;
constexpr std::uint64_t disk = 0x10001000;

// Three sources, a, b and c (numbers 1, 2, 3), and two harts.
const std::string three_sources = R"(
components:
  bus:    {type: router, hop_latency: 0ns}
  plic:   {type: plic, base: 0x0c000000, harts: 2}
  a:      {type: test_interrupt_source, interrupt_controller: plic, pulses: 0}
  b:      {type: test_interrupt_source, interrupt_controller: plic, pulses: 0}
  c:      {type: test_interrupt_source, interrupt_controller: plic, pulses: 0}
  tester: {type: test_initiator}
)";

// The timer ticks every 10 ns; its sources are numbered timer0 1, software0 2, timer1 3, software1 4.
const std::string timer = R"(
components:
  bus:    {type: router, hop_latency: 0ns}
  plic:   {type: plic, base: 0x0c000000, harts: 2}
  clint:  {type: clint, base: 0x02000000, harts: 2, frequency: 100MHz, interrupt_controller: plic}
  tester: {type: test_initiator}
)";

// A hart's external-interrupt input: every level it is given, with the simulated time.
class TestHartInput final : public InterruptSink {
 public:
  void set_interrupt(unsigned input, bool level) override {
    EXPECT_EQ(input, 0u);
    changes.emplace_back(sc_core::sc_time_stamp(), level);
  }
  bool level() const { return !changes.empty() && changes.back().second; }

  std::vector<std::pair<sc_time, bool>> changes;
};

std::uint64_t bit(unsigned source) { return plic_regs::source_bit(source); }

class InterruptTest : public ::testing::Test {
 protected:
  void build(const std::string& yaml) {
    bench_ = std::make_unique<TestBench>(yaml);
    plic_ = dynamic_cast<Plic*>(sc_core::sc_find_object("system.plic"));
    plic_->connect_hart(0, hart0_);
    plic_->connect_hart(1, hart1_);
    bench_->elaborate();
  }
  std::uint64_t read(std::uint64_t address) {
    std::uint64_t value = 0;
    EXPECT_EQ(bench_->tester->read64(address, value).status, tlm::TLM_OK_RESPONSE) << std::hex << address;
    return value;
  }
  void write(std::uint64_t address, std::uint64_t value) {
    EXPECT_EQ(bench_->tester->write64(address, value).status, tlm::TLM_OK_RESPONSE) << std::hex << address;
  }
  std::uint64_t claim(unsigned hart) { return read(plic + plic_regs::claim_complete(hart)); }
  void complete(unsigned hart, std::uint64_t source) { write(plic + plic_regs::claim_complete(hart), source); }
  void drive(const std::string& source, bool level) {
    dynamic_cast<TestInterruptSource&>(*sc_core::sc_find_object(("system." + source).c_str())).drive(level);
  }
  // Runs the simulation for `time`; what is due at its very end has happened when this returns.
  void advance(sc_time time) {
    sc_core::sc_start(time);
    while (sc_core::sc_pending_activity_at_current_time()) sc_core::sc_start(sc_core::SC_ZERO_TIME);
  }
  double stat(const std::string& name) const { return bench_->stat("system." + name); }

  std::unique_ptr<TestBench> bench_;
  Plic* plic_ = nullptr;
  TestHartInput hart0_;
  TestHartInput hart1_;
};

TEST_F(InterruptTest, SourcesAreNumberedByNameInTheOrderTheyConnect) {
  build(three_sources);
  EXPECT_EQ(plic_->source_number("a"), 1u);
  EXPECT_EQ(plic_->source_number("b"), 2u);
  EXPECT_EQ(plic_->source_number("c"), 3u);
  EXPECT_EQ(plic_->source_number("d"), std::nullopt);
  EXPECT_EQ(read(plic + plic_regs::sources), 3u);
  try {
    plic_->connect_source("b");
    ADD_FAILURE() << "a second source named b";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "system.plic: two interrupt sources are named 'b'");
  }
  TestHartInput third;
  try {
    plic_->connect_hart(2, third);
    ADD_FAILURE() << "hart 2 of 2";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "system.plic: no hart 2 (harts: 2)");
  }
}

TEST_F(InterruptTest, ClaimsTakeTheLowestNumberedPendingEnabledSourceFirst) {
  build(three_sources);
  drive("c", true);
  drive("b", true);
  EXPECT_EQ(read(plic + plic_regs::pending), bit(2) | bit(3));
  EXPECT_TRUE(hart0_.changes.empty());  // nothing enabled
  write(plic + plic_regs::enable(0), ~std::uint64_t{0});
  EXPECT_EQ(read(plic + plic_regs::enable(0)), bit(1) | bit(2) | bit(3));  // the connected sources only
  EXPECT_TRUE(hart0_.level());
  EXPECT_EQ(claim(0), 2u);
  EXPECT_EQ(read(plic + plic_regs::pending), bit(3));
  EXPECT_TRUE(hart0_.level());  // c still waits
  EXPECT_EQ(claim(0), 3u);
  EXPECT_EQ(read(plic + plic_regs::pending), 0u);
  EXPECT_FALSE(hart0_.level());
  EXPECT_EQ(claim(0), 0u);  // nothing pending
  const std::vector<std::pair<sc_time, bool>> expected = {{sc_core::SC_ZERO_TIME, true},
                                                          {sc_core::SC_ZERO_TIME, false}};
  EXPECT_EQ(hart0_.changes, expected);
  EXPECT_TRUE(hart1_.changes.empty());
  EXPECT_EQ(stat("plic.claims"), 3);
  EXPECT_EQ(stat("plic.spurious_claims"), 1);
  EXPECT_EQ(stat("plic.sources.b.raised"), 1);
  EXPECT_EQ(stat("plic.sources.b.claimed"), 1);
  EXPECT_EQ(stat("plic.sources.c.claimed"), 1);
  EXPECT_EQ(stat("plic.sources.a.raised"), 0);
}

TEST_F(InterruptTest, ASourceInServiceIsPendingAgainAtCompleteOnlyIfItsLineIsStillHigh) {
  build(three_sources);
  write(plic + plic_regs::enable(0), bit(1));
  drive("a", true);
  EXPECT_TRUE(hart0_.level());
  EXPECT_EQ(claim(0), 1u);
  EXPECT_FALSE(hart0_.level());
  EXPECT_EQ(read(plic + plic_regs::pending), 0u);  // in service, though its line is high
  complete(0, 1);                                  // not acknowledged at the device: at once again
  EXPECT_EQ(read(plic + plic_regs::pending), bit(1));
  EXPECT_TRUE(hart0_.level());
  EXPECT_EQ(claim(0), 1u);
  drive("a", false);  // the handler acknowledges the device
  complete(0, 1);
  EXPECT_EQ(read(plic + plic_regs::pending), 0u);
  EXPECT_FALSE(hart0_.level());
  complete(0, 1);  // not in service: nothing happens
  complete(0, 7);  // no such source
  EXPECT_EQ(read(plic + plic_regs::pending), 0u);
  drive("a", true);  // a line that drops before its claim takes its request back
  drive("a", false);
  EXPECT_EQ(claim(0), 0u);
  EXPECT_EQ(hart0_.changes.size(), 6u);
  EXPECT_EQ(stat("plic.sources.a.raised"), 2);
  EXPECT_EQ(stat("plic.sources.a.claimed"), 2);
}

TEST_F(InterruptTest, EachHartSeesOnlyTheSourcesEnabledForIt) {
  build(three_sources);
  write(plic + plic_regs::enable(0), bit(1));
  write(plic + plic_regs::enable(1), bit(2) | bit(3));
  drive("b", true);
  EXPECT_FALSE(hart0_.level());
  EXPECT_TRUE(hart1_.level());
  EXPECT_EQ(claim(0), 0u);
  EXPECT_EQ(claim(1), 2u);
  EXPECT_FALSE(hart1_.level());
  drive("a", true);
  EXPECT_TRUE(hart0_.level());
  write(plic + plic_regs::enable(0), 0);  // disabling takes the request away from the hart at once
  EXPECT_FALSE(hart0_.level());
  EXPECT_EQ(hart0_.changes.size(), 2u);
  EXPECT_EQ(hart1_.changes.size(), 2u);
}

// As the firmware does: claim, acknowledge the device, complete, and go on without yielding, far
// ahead of simulated time. Each step is seen by the very next one.
TEST_F(InterruptTest, AHandlerAheadOfSimulatedTimeSeesEachOfItsWritesAtOnce) {
  build(three_sources);
  write(plic + plic_regs::enable(0), bit(3));
  advance(sc_time(1, SC_US));
  std::vector<bool> seen;
  sc_core::sc_spawn([&] {
    TestInitiator& cpu = *bench_->tester;
    cpu.at = sc_time(500, SC_NS);  // the hart's local time offset
    drive("c", true);
    seen.push_back(hart0_.level());
    std::uint64_t source = 0;
    cpu.read64(plic + plic_regs::claim_complete(0), source);
    seen.push_back(hart0_.level());
    drive("c", false);
    cpu.write64(plic + plic_regs::claim_complete(0), source);
    seen.push_back(hart0_.level());
    cpu.read64(plic + plic_regs::claim_complete(0), source);
    seen.push_back(source != 0);
  });
  advance(sc_core::SC_ZERO_TIME);
  EXPECT_EQ(seen, (std::vector<bool>{true, false, false, false}));
  const std::vector<std::pair<sc_time, bool>> expected = {{sc_time(1, SC_US), true}, {sc_time(1, SC_US), false}};
  EXPECT_EQ(hart0_.changes, expected);
}

TEST_F(InterruptTest, DebugReadsLeaveNoTraceAndDebugWritesAreRefused) {
  build(three_sources);
  write(plic + plic_regs::enable(0), bit(2));
  drive("b", true);
  EXPECT_EQ(bench_->tester->peek64(plic + plic_regs::claim_complete(0)), 2u);  // what a claim would return
  EXPECT_EQ(bench_->tester->peek64(plic + plic_regs::pending), bit(2));
  EXPECT_EQ(bench_->tester->peek64(plic + plic_regs::enable(0)), bit(2));
  EXPECT_TRUE(hart0_.level());
  EXPECT_EQ(stat("plic.claims"), 0);
  std::uint64_t value = 0;
  EXPECT_EQ(bench_->tester->debug(tlm::TLM_WRITE_COMMAND, plic + plic_regs::enable(0),
                                  reinterpret_cast<std::uint8_t*>(&value), 8),
            0u);
  EXPECT_EQ(read(plic + plic_regs::enable(0)), bit(2));
}

TEST_F(InterruptTest, BadControllerAccessesAnswerErrors) {
  build(three_sources);
  TestInitiator& cpu = *bench_->tester;
  std::uint32_t narrow = 0;
  EXPECT_EQ(cpu.transport(AccessKind::load, plic, reinterpret_cast<std::uint8_t*>(&narrow), 4).status,
            tlm::TLM_BURST_ERROR_RESPONSE);
  std::uint64_t value = 0;
  EXPECT_EQ(cpu.read64(plic + 0x10, value).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);  // between the blocks
  EXPECT_EQ(cpu.read64(plic + 0x0c, value).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);  // misaligned
  EXPECT_EQ(cpu.read64(plic + plic_regs::enable(2), value).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);  // no hart 2
  EXPECT_EQ(cpu.write64(plic + plic_regs::pending, 1).status, tlm::TLM_COMMAND_ERROR_RESPONSE);
  EXPECT_EQ(cpu.write64(plic + plic_regs::sources, 1).status, tlm::TLM_COMMAND_ERROR_RESPONSE);
  EXPECT_EQ(cpu.write64(plic + 0x10, 1).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
  tlm::tlm_generic_payload ignore;
  prepare_payload(ignore, tlm::TLM_IGNORE_COMMAND, plic + plic_regs::enable(0), &value, 8);
  sc_time delay;
  cpu.initiator->b_transport(ignore, delay);
  EXPECT_EQ(ignore.get_response_status(), tlm::TLM_COMMAND_ERROR_RESPONSE);
  EXPECT_EQ(stat("plic.errors"), 8);
  EXPECT_EQ(cpu.read64(plic + plic_regs::pending, value).delay, sc_time(2, SC_NS));  // register_latency
}

TEST(InterruptConfig, MistakesNameTheirPlace) {
  EXPECT_EQ(config_error(three_sources, {"components.plic.harts=33"}),
            "--set components.plic.harts=33: components.plic.harts: must be from 1 to 32");
  EXPECT_EQ(config_error(three_sources, {"components.a.interrupt_controller=tester"}),
            "--set components.a.interrupt_controller=tester: components.a.interrupt_controller: 'tester' takes no "
            "interrupts");
  EXPECT_EQ(config_error(timer, {"components.clint.harts=0"}),
            "--set components.clint.harts=0: components.clint.harts: must be from 1 to 32");
}

TEST_F(InterruptTest, MtimeCountsTicksAtTheAccessAnnotatedTime) {
  build(timer);
  TestInitiator& cpu = *bench_->tester;
  EXPECT_EQ(read(clint + clint_regs::mtime), 0u);
  cpu.at = sc_time(25, SC_NS);
  EXPECT_EQ(read(clint + clint_regs::mtime), 2u);
  advance(sc_time(1, SC_US));
  EXPECT_EQ(read(clint + clint_regs::mtime), 102u);
  cpu.at = sc_time(30, SC_NS);
  EXPECT_EQ(read(clint + clint_regs::mtime), 103u);
  cpu.at = sc_core::SC_ZERO_TIME;
  EXPECT_EQ(read(clint + clint_regs::mtime), 100u);
  EXPECT_EQ(cpu.peek64(clint + clint_regs::mtime), 100u);
  EXPECT_EQ(cpu.write64(clint + clint_regs::mtime, 0).status, tlm::TLM_COMMAND_ERROR_RESPONSE);
  // TIMEBASE tells software the tick rate; like MTIME it is read-only.
  EXPECT_EQ(read(clint + clint_regs::timebase), 100'000'000u);
  EXPECT_EQ(cpu.write64(clint + clint_regs::timebase, 1).status, tlm::TLM_COMMAND_ERROR_RESPONSE);
  std::uint64_t value = 0;
  EXPECT_EQ(cpu.read64(clint + 0x10, value).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(cpu.read64(clint + clint_regs::msip(2), value).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(stat("clint.errors"), 4);
  EXPECT_EQ(cpu.read64(clint + clint_regs::mtime, value).delay, sc_time(2, SC_NS));
}

TEST_F(InterruptTest, TheTimerLineRisesExactlyWhenMtimeReachesTheCompare) {
  build(timer);
  EXPECT_EQ(plic_->source_number("clint.timer0"), 1u);
  EXPECT_EQ(plic_->source_number("clint.software1"), 4u);
  EXPECT_EQ(read(clint + clint_regs::mtimecmp(0)), clint_regs::mtimecmp_reset);
  write(plic + plic_regs::enable(0), bit(1));
  write(clint + clint_regs::mtimecmp(0), 50);  // 500 ns
  EXPECT_EQ(read(clint + clint_regs::mtimecmp(0)), 50u);
  advance(sc_time(499, SC_NS));
  EXPECT_FALSE(hart0_.level());
  advance(sc_time(1, SC_NS));
  const std::vector<std::pair<sc_time, bool>> expected = {{sc_time(500, SC_NS), true}};
  EXPECT_EQ(hart0_.changes, expected);
  EXPECT_EQ(claim(0), 1u);
  EXPECT_EQ(stat("clint.timer_interrupts"), 1);
  EXPECT_TRUE(hart1_.changes.empty());
}

TEST_F(InterruptTest, ACompareRewriteMovesTheTimerLineAtOnceAndReschedulesIt) {
  build(timer);
  write(plic + plic_regs::enable(0), bit(1));
  TestInitiator& cpu = *bench_->tester;
  cpu.at = sc_time(200, SC_NS);
  write(clint + clint_regs::mtimecmp(0), 20);  // due at the write's annotated time: high at once
  EXPECT_TRUE(hart0_.level());
  write(clint + clint_regs::mtimecmp(0), 30);  // later than the write: low at once, high at 300 ns
  EXPECT_FALSE(hart0_.level());
  cpu.at = sc_core::SC_ZERO_TIME;
  write(clint + clint_regs::mtimecmp(0), 60);  // replaces 300 ns by 600 ns
  advance(sc_time(1, SC_US));
  write(clint + clint_regs::mtimecmp(0), clint_regs::mtimecmp_reset);  // never
  advance(sc_time(1, SC_US));
  const std::vector<std::pair<sc_time, bool>> expected = {{sc_core::SC_ZERO_TIME, true},
                                                          {sc_core::SC_ZERO_TIME, false},
                                                          {sc_time(600, SC_NS), true},
                                                          {sc_time(1, SC_US), false}};
  EXPECT_EQ(hart0_.changes, expected);
  EXPECT_EQ(stat("clint.timer_interrupts"), 2);
}

TEST_F(InterruptTest, MsipRaisesAndLowersTheSoftwareLine) {
  build(timer);
  write(plic + plic_regs::enable(1), bit(4));
  write(clint + clint_regs::msip(1), 3);
  EXPECT_EQ(read(clint + clint_regs::msip(1)), 1u);  // bit 0 only
  EXPECT_TRUE(hart1_.level());
  EXPECT_EQ(claim(1), 4u);
  write(clint + clint_regs::msip(1), 0);
  complete(1, 4);
  EXPECT_EQ(read(plic + plic_regs::pending), 0u);
  EXPECT_EQ(read(clint + clint_regs::msip(0)), 0u);
  EXPECT_EQ(hart1_.changes.size(), 2u);
  EXPECT_TRUE(hart0_.changes.empty());
  EXPECT_EQ(stat("clint.software_interrupts"), 1);
  EXPECT_EQ(stat("plic.sources.clint.software1.raised"), 1);
}

TEST_F(InterruptTest, AGpioEdgeReachesTheHartAndItsAcknowledgeWithdrawsItAtOnce) {
  build(R"(
components:
  bus:    {type: router, hop_latency: 0ns}
  plic:   {type: plic, base: 0x0c000000, harts: 2}
  gpio:   {type: gpio, base: 0x10000000, pins: 8, interrupt_controller: plic}
  tester: {type: test_initiator}
)");
  const unsigned source = *plic_->source_number("gpio");
  write(plic + plic_regs::enable(0), bit(source));
  write(gpio + gpio_regs::irq_rise, 0b1);
  write(gpio + gpio_regs::irq_enable, 0b1);
  dynamic_cast<Gpio&>(*sc_core::sc_find_object("system.gpio")).pin(0).write(true);
  advance(sc_time(1, SC_US));
  EXPECT_EQ(claim(0), source);
  write(gpio + gpio_regs::irq_status, 0b1);
  complete(0, source);
  EXPECT_EQ(read(plic + plic_regs::pending), 0u);
  write(gpio + gpio_regs::irq_status, 0b1);
  const std::vector<std::pair<sc_time, bool>> expected = {{sc_core::SC_ZERO_TIME, true}, {sc_time(1, SC_US), false}};
  EXPECT_EQ(hart0_.changes, expected);
  EXPECT_EQ(stat("gpio.interrupts"), 1);
  EXPECT_EQ(stat("plic.sources.gpio.raised"), 1);
}

TEST_F(InterruptTest, ADiskCompletionReachesTheHartAndItsAcknowledgeWithdrawsItAtOnce) {
  const auto image = std::filesystem::temp_directory_path() / fmt::format("vmsim_disk_interrupt_{}.img", getpid());
  std::filesystem::remove(image);
  build(fmt::format(R"(
components:
  bus:    {{type: router, hop_latency: 0ns}}
  plic:   {{type: plic, base: 0x0c000000, harts: 2}}
  disk:   {{type: disk, base: 0x10001000, image: {}, capacity: 1MiB, command_latency: 10us, interrupt_controller: plic}}
  tester: {{type: test_initiator}}
)",
                    image.string()));
  const unsigned source = *plic_->source_number("disk");
  write(plic + plic_regs::enable(0), bit(source));
  write(disk + disk_regs::irq_enable, disk_regs::irq_complete);
  write(disk + disk_regs::command, disk_regs::command_flush);
  advance(sc_time(20, SC_US));
  EXPECT_EQ(claim(0), source);
  write(disk + disk_regs::irq_status, disk_regs::irq_complete);
  complete(0, source);
  EXPECT_EQ(read(plic + plic_regs::pending), 0u);
  const std::vector<std::pair<sc_time, bool>> expected = {{sc_time(10, SC_US), true}, {sc_time(20, SC_US), false}};
  EXPECT_EQ(hart0_.changes, expected);
  bench_.reset();
  std::filesystem::remove(image);
}

}  // namespace
}  // namespace vmsim::test
