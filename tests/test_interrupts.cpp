// The PLIC and the CLINT: their registers at the offsets of the PLIC specification and of SiFive's
// CLINT, and levels that reach a hart's inputs by direct call the moment a line or a register write
// changes them.
#include <unistd.h>

#include <filesystem>
#include <map>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "test_bench.h"
#include "vmsim/models/core/payload.h"
#include "vmsim/models/devices/clint.h"
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
constexpr std::uint64_t gpio = 0x10060000;
constexpr std::uint64_t disk = 0x10001000;

constexpr unsigned machine_external = hart_irq::machine_external;
constexpr unsigned supervisor_external = hart_irq::supervisor_external;
constexpr unsigned machine_timer = hart_irq::machine_timer;
constexpr unsigned machine_software = hart_irq::machine_software;

// Three lines: a and b numbered automatically (1 and 2), c numbered 33 by the configuration, so that
// its bits are in the second word of each bit array.
const std::string three_sources = R"(
components:
  bus:    {type: router, hop_latency: 0ns}
  plic:   {type: plic, base: 0x0c000000, sources: 40}
  a:      {type: test_interrupt_source, interrupt_controller: plic, pulses: 0}
  b:      {type: test_interrupt_source, interrupt_controller: plic, pulses: 0}
  c:      {type: test_interrupt_source, interrupt_controller: plic, interrupt: 33, pulses: 0}
  tester: {type: test_initiator}
)";

// MTIME ticks every 10 ns.
const std::string timer = R"(
components:
  bus:    {type: router, hop_latency: 0ns}
  clint:  {type: clint, base: 0x02000000, frequency: 100MHz}
  tester: {type: test_initiator}
)";

// A hart's interrupt inputs: every level each input is given, with the simulated time.
class TestHart final : public InterruptSink {
 public:
  using Changes = std::vector<std::pair<sc_time, bool>>;

  void set_interrupt(unsigned input, bool level) override {
    EXPECT_NE(changes[input].empty() ? !level : changes[input].back().second, level) << "input " << input;
    changes[input].emplace_back(sc_core::sc_time_stamp(), level);
  }
  bool level(unsigned input) const {
    const auto found = changes.find(input);
    return found != changes.end() && !found->second.empty() && found->second.back().second;
  }
  const Changes& of(unsigned input) { return changes[input]; }
  bool untouched() const {
    for (const auto& [input, list] : changes)
      if (!list.empty()) return false;
    return true;
  }

  std::map<unsigned, Changes> changes;
};

class InterruptTest : public ::testing::Test {
 protected:
  // Builds `yaml` with two harts on its PLIC and CLINT, whichever it has.
  void build(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
    bench_ = std::make_unique<TestBench>(yaml, overrides);
    plic_ = dynamic_cast<Plic*>(sc_core::sc_find_object("system.plic"));
    clint_ = dynamic_cast<Clint*>(sc_core::sc_find_object("system.clint"));
    for (HartInterruptSource* source :
         {static_cast<HartInterruptSource*>(plic_), static_cast<HartInterruptSource*>(clint_)})
      if (source != nullptr) {
        source->connect_hart(0, hart0_);
        source->connect_hart(1, hart1_);
      }
    bench_->elaborate();
  }
  std::uint32_t read32(std::uint64_t address) {
    std::uint32_t value = 0;
    EXPECT_EQ(bench_->tester->read32(address, value).status, tlm::TLM_OK_RESPONSE) << std::hex << address;
    return value;
  }
  void write32(std::uint64_t address, std::uint32_t value) {
    EXPECT_EQ(bench_->tester->write32(address, value).status, tlm::TLM_OK_RESPONSE) << std::hex << address;
  }
  std::uint64_t read64(std::uint64_t address) {
    std::uint64_t value = 0;
    EXPECT_EQ(bench_->tester->read64(address, value).status, tlm::TLM_OK_RESPONSE) << std::hex << address;
    return value;
  }
  void write64(std::uint64_t address, std::uint64_t value) {
    EXPECT_EQ(bench_->tester->write64(address, value).status, tlm::TLM_OK_RESPONSE) << std::hex << address;
  }
  unsigned claim(unsigned context) { return read32(plic + plic_regs::claim_complete(context)); }
  void complete(unsigned context, unsigned source) { write32(plic + plic_regs::claim_complete(context), source); }
  void set_priority(unsigned source, std::uint32_t priority) { write32(plic + plic_regs::priority(source), priority); }
  // Enables exactly `sources` for `context`.
  void enable(unsigned context, std::initializer_list<unsigned> sources) {
    std::vector<std::uint32_t> words(2, 0);
    for (const unsigned source : sources) words[plic_regs::word_of(source)] |= plic_regs::bit_of(source);
    for (unsigned word = 0; word < 2; ++word) write32(plic + plic_regs::enable(context, word), words[word]);
  }
  std::vector<std::uint32_t> pending() {
    return {read32(plic + plic_regs::pending(0)), read32(plic + plic_regs::pending(1))};
  }
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
  Clint* clint_ = nullptr;
  TestHart hart0_;
  TestHart hart1_;
};

using Changes = TestHart::Changes;
const sc_time zero = sc_core::SC_ZERO_TIME;

// ---- PLIC ----

TEST_F(InterruptTest, LinesTakeTheNumbersConfiguredAndTheOthersTheFreeOnesInConnectionOrder) {
  // d connects after a but asks for 1: a gets the first number nobody asks for.
  build(three_sources +
        "  d:      {type: test_interrupt_source, interrupt_controller: plic, interrupt: 1, pulses: 0}\n");
  EXPECT_EQ(plic_->source_number("a"), 2u);
  EXPECT_EQ(plic_->source_number("b"), 3u);
  EXPECT_EQ(plic_->source_number("c"), 33u);
  EXPECT_EQ(plic_->source_number("d"), 1u);
  EXPECT_EQ(plic_->source_number("e"), std::nullopt);
  EXPECT_EQ(plic_->sources(), 40u);
  EXPECT_EQ(plic_->contexts(), 4u);  // two harts, two contexts each
  try {
    plic_->connect_source("b", 0);
    ADD_FAILURE() << "a second source named b";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "'plic' has a source named 'b' already");
  }
  TestHart far;
  try {
    plic_->connect_hart(512, far);
    ADD_FAILURE() << "hart 512 in 0x600000 bytes";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "system.plic: no contexts for hart 512: a PLIC of size 0x600000 has them for harts 0 to 511");
  }
}

TEST(InterruptConfig, SourceNumbersTakenTwiceOrBeyondTheSourcesAreRefusedWhereTheyAreGiven) {
  // b asks for 33 first (components resolve in the order they are configured): c's is refused.
  EXPECT_EQ(config_error(three_sources, {"components.b.interrupt=33"}),
            "test.yaml:7:80: components.c.interrupt: source 33 of 'plic' is 'b' already");
  EXPECT_EQ(config_error(three_sources, {"components.a.interrupt=41"}),
            "--set components.a.interrupt=41: components.a.interrupt: 'plic' has sources 1 to 40, not 41");
  EXPECT_EQ(config_error(three_sources, {"components.plic.sources=2"}),
            "test.yaml:7:80: components.c.interrupt: 'plic' has sources 1 to 2, not 33");
  EXPECT_EQ(config_error(three_sources, {"components.plic.sources=33"}), "no error");
  EXPECT_EQ(config_error(three_sources, {"components.plic.sources=2", "components.c.interrupt=0"}),
            "test.yaml:7:63: components.c.interrupt_controller: 'plic' has no source number left for 'c' (sources: 2)");
  EXPECT_EQ(config_error(three_sources, {"components.a.interrupt_controller=''", "components.a.interrupt=3"}),
            "--set components.a.interrupt=3: components.a.interrupt: a source number needs an interrupt_controller");
  EXPECT_EQ(config_error(three_sources, {"components.a.interrupt_controller=tester"}),
            "--set components.a.interrupt_controller=tester: components.a.interrupt_controller: 'tester' takes no "
            "interrupts");
  EXPECT_EQ(config_error(three_sources, {"components.plic.sources=1024"}),
            "--set components.plic.sources=1024: components.plic.sources: must be from 1 to 1023");
  EXPECT_EQ(config_error(three_sources, {"components.plic.priority_bits=0"}),
            "--set components.plic.priority_bits=0: components.plic.priority_bits: must be from 1 to 32");
  EXPECT_EQ(
      config_error(three_sources, {"components.plic.size=0x1000"}),
      "--set components.plic.size=0x1000: components.plic.size: must hold one hart's contexts: at least 0x202000");
  // The PLIC's contexts follow the harts that name it.
  EXPECT_EQ(config_error(three_sources, {"components.plic.harts=2"}),
            "--set components.plic.harts=2: components.plic.harts: a PLIC has two contexts for every hart whose "
            "interrupt_controller names it: remove this key");
}

TEST_F(InterruptTest, PrioritiesChooseTheClaimAndEqualOnesGoToTheLowestSource) {
  build(three_sources);
  // Bit 0 (source 0) and the bits beyond source 40 do not exist.
  write32(plic + plic_regs::enable(0, 0), ~std::uint32_t{0});
  write32(plic + plic_regs::enable(0, 1), ~std::uint32_t{0});
  EXPECT_EQ(read32(plic + plic_regs::enable(0, 0)), 0xfffffffeu);
  EXPECT_EQ(read32(plic + plic_regs::enable(0, 1)), 0x1ffu);
  drive("c", true);
  drive("b", true);
  drive("a", true);
  EXPECT_EQ(pending(), (std::vector<std::uint32_t>{0b110, 0b10}));
  // Every priority is 0 after reset: never an interrupt, and nothing to claim.
  EXPECT_TRUE(hart0_.untouched());
  EXPECT_EQ(claim(0), 0u);
  EXPECT_EQ(pending(), (std::vector<std::uint32_t>{0b110, 0b10}));
  set_priority(2, 1);
  set_priority(33, 1);
  EXPECT_TRUE(hart0_.level(machine_external));
  EXPECT_EQ(claim(0), 2u);  // b and c tie: the lower number goes first
  set_priority(1, 3);
  EXPECT_EQ(claim(0), 1u);  // a, now above c
  EXPECT_EQ(claim(0), 33u);
  EXPECT_FALSE(hart0_.level(machine_external));
  EXPECT_EQ(claim(0), 0u);
  EXPECT_EQ(pending(), (std::vector<std::uint32_t>{0, 0}));
  // Priorities have 3 bits (priority_bits); the other bits read 0.
  set_priority(1, 0xffffffff);
  EXPECT_EQ(read32(plic + plic_regs::priority(1)), 7u);
  EXPECT_EQ(hart0_.of(machine_external), (Changes{{zero, true}, {zero, false}}));
  EXPECT_TRUE(hart1_.untouched());
  EXPECT_EQ(stat("plic.claims"), 5);
  EXPECT_EQ(stat("plic.spurious_claims"), 2);
  EXPECT_EQ(stat("plic.sources.b.raised"), 1);
  EXPECT_EQ(stat("plic.sources.b.claimed"), 1);
  EXPECT_EQ(stat("plic.sources.c.claimed"), 1);
}

TEST_F(InterruptTest, AThresholdHoldsBackNotificationsAtOrBelowItButNotClaims) {
  build(three_sources);
  enable(0, {1, 2});
  set_priority(1, 2);
  set_priority(2, 5);
  write32(plic + plic_regs::threshold(0), 5);
  drive("a", true);
  drive("b", true);
  EXPECT_FALSE(hart0_.level(machine_external));  // 5 is not above 5
  write32(plic + plic_regs::threshold(0), 4);
  EXPECT_TRUE(hart0_.level(machine_external));
  write32(plic + plic_regs::threshold(0), 0xff);
  EXPECT_EQ(read32(plic + plic_regs::threshold(0)), 7u);
  EXPECT_FALSE(hart0_.level(machine_external));
  // "The claim operation is not affected by the setting of the priority threshold register."
  EXPECT_EQ(claim(0), 2u);
  EXPECT_EQ(claim(0), 1u);
  write32(plic + plic_regs::threshold(0), 0);
  EXPECT_EQ(hart0_.of(machine_external), (Changes{{zero, true}, {zero, false}}));
}

TEST_F(InterruptTest, EachHartHasAMachineAndASupervisorContext) {
  build(three_sources);
  set_priority(1, 1);
  set_priority(2, 1);
  enable(plic_regs::supervisor_context(1), {1});
  drive("a", true);
  EXPECT_TRUE(hart1_.level(supervisor_external));
  EXPECT_FALSE(hart1_.level(machine_external));
  EXPECT_EQ(claim(plic_regs::machine_context(1)), 0u);  // not enabled there
  EXPECT_EQ(claim(plic_regs::supervisor_context(1)), 1u);
  EXPECT_FALSE(hart1_.level(supervisor_external));
  // A source enabled for several contexts notifies them all; the first claim takes it from all.
  enable(plic_regs::machine_context(0), {2});
  enable(plic_regs::machine_context(1), {2});
  drive("b", true);
  EXPECT_TRUE(hart0_.level(machine_external));
  EXPECT_TRUE(hart1_.level(machine_external));
  EXPECT_EQ(claim(plic_regs::machine_context(1)), 2u);
  EXPECT_FALSE(hart0_.level(machine_external));
  EXPECT_FALSE(hart1_.level(machine_external));
  EXPECT_EQ(claim(plic_regs::machine_context(0)), 0u);
  EXPECT_TRUE(hart0_.of(supervisor_external).empty());
  EXPECT_EQ(hart1_.of(supervisor_external), (Changes{{zero, true}, {zero, false}}));
  // Disabling takes a request away from a context at once.
  complete(plic_regs::machine_context(1), 2);  // b's line is still high: pending again
  EXPECT_TRUE(hart0_.level(machine_external));
  enable(plic_regs::machine_context(0), {});
  EXPECT_FALSE(hart0_.level(machine_external));
}

TEST_F(InterruptTest, AGatewayForwardsOneRequestAtATimeAndNeverTakesOneBack) {
  build(three_sources);
  set_priority(1, 1);
  enable(0, {1});
  drive("a", true);
  drive("a", false);  // the request stays: the handler will find the device needs nothing
  EXPECT_EQ(pending()[0], 0b10u);
  EXPECT_TRUE(hart0_.level(machine_external));
  EXPECT_EQ(claim(0), 1u);
  EXPECT_FALSE(hart0_.level(machine_external));
  drive("a", true);  // in flight until completed: no second request
  drive("a", false);
  drive("a", true);
  EXPECT_EQ(pending()[0], 0u);
  complete(0, 1);  // the line is still high: its next request at once
  EXPECT_EQ(pending()[0], 0b10u);
  EXPECT_TRUE(hart0_.level(machine_external));
  EXPECT_EQ(claim(0), 1u);
  drive("a", false);  // the handler acknowledges the device
  complete(0, 1);
  EXPECT_EQ(pending()[0], 0u);
  drive("a", true);  // a new rise, a new request
  EXPECT_EQ(pending()[0], 0b10u);
  EXPECT_EQ(hart0_.of(machine_external),
            (Changes{{zero, true}, {zero, false}, {zero, true}, {zero, false}, {zero, true}}));
  EXPECT_EQ(stat("plic.sources.a.raised"), 4);
  EXPECT_EQ(stat("plic.sources.a.claimed"), 2);
}

TEST_F(InterruptTest, AnEdgeGatewayRequestsOnceARiseAndKeepsARiseWhileInFlightForTheCompletion) {
  build(three_sources, {"components.plic.gateway=edge"});
  set_priority(1, 1);
  enable(0, {1});
  drive("a", true);
  EXPECT_EQ(claim(0), 1u);
  complete(0, 1);  // the line is still high, but it has not risen again: nothing pending
  EXPECT_EQ(pending()[0], 0u);
  EXPECT_FALSE(hart0_.level(machine_external));
  EXPECT_EQ(claim(0), 0u);
  drive("a", false);
  drive("a", true);  // a new rise, a new request
  EXPECT_EQ(pending()[0], 0b10u);
  EXPECT_EQ(claim(0), 1u);
  drive("a", false);  // it rises again while the first is in flight: one request after completion
  drive("a", true);
  EXPECT_EQ(pending()[0], 0u);
  complete(0, 1);
  EXPECT_EQ(pending()[0], 0b10u);
  EXPECT_EQ(claim(0), 1u);
  complete(0, 1);
  EXPECT_EQ(pending()[0], 0u);
  EXPECT_EQ(stat("plic.sources.a.raised"), 3);
  EXPECT_EQ(stat("plic.sources.a.claimed"), 3);
}

TEST_F(InterruptTest, CompletionsOfSourcesNotEnabledForTheContextAreIgnored) {
  build(three_sources);
  set_priority(1, 1);
  enable(plic_regs::machine_context(0), {1});
  drive("a", true);
  EXPECT_EQ(claim(0), 1u);
  complete(plic_regs::machine_context(1), 1);  // not enabled for hart 1: ignored, still in flight
  complete(0, 0);                              // no source 0
  complete(0, 41);                             // beyond the sources
  complete(0, 2);                              // enabled nowhere, in flight nowhere
  EXPECT_EQ(pending()[0], 0u);
  EXPECT_FALSE(hart0_.level(machine_external));
  // The PLIC does not check which context claimed: a completion where the source is enabled counts.
  enable(plic_regs::machine_context(1), {1});
  complete(plic_regs::machine_context(1), 1);
  EXPECT_EQ(pending()[0], 0b10u);  // the line is high: requested again
  EXPECT_TRUE(hart0_.level(machine_external));
  EXPECT_TRUE(hart1_.level(machine_external));
}

// As the firmware does: claim, acknowledge the device, complete, and go on without yielding, far
// ahead of simulated time. Each step is seen by the very next one.
TEST_F(InterruptTest, AHandlerAheadOfSimulatedTimeSeesEachOfItsWritesAtOnce) {
  build(three_sources);
  set_priority(33, 1);
  enable(0, {33});
  advance(sc_time(1, SC_US));
  std::vector<bool> seen;
  sc_core::sc_spawn([&] {
    TestInitiator& cpu = *bench_->tester;
    cpu.at = sc_time(500, SC_NS);  // the hart's local time offset
    drive("c", true);
    seen.push_back(hart0_.level(machine_external));
    std::uint32_t source = 0;
    cpu.read32(plic + plic_regs::claim_complete(0), source);
    seen.push_back(hart0_.level(machine_external));
    drive("c", false);
    cpu.write32(plic + plic_regs::claim_complete(0), source);
    seen.push_back(hart0_.level(machine_external));
    cpu.read32(plic + plic_regs::claim_complete(0), source);
    seen.push_back(source != 0);
  });
  advance(zero);
  EXPECT_EQ(seen, (std::vector<bool>{true, false, false, false}));
  EXPECT_EQ(hart0_.of(machine_external), (Changes{{sc_time(1, SC_US), true}, {sc_time(1, SC_US), false}}));
}

TEST_F(InterruptTest, DebugReadsLeaveNoTraceAndDebugWritesAreRefused) {
  build(three_sources);
  set_priority(2, 1);
  enable(0, {2});
  drive("b", true);
  TestInitiator& cpu = *bench_->tester;
  std::uint32_t value = 0;
  const auto peek = [&](std::uint64_t address) {
    EXPECT_EQ(cpu.debug(tlm::TLM_READ_COMMAND, address, reinterpret_cast<std::uint8_t*>(&value), 4), 4u);
    return value;
  };
  EXPECT_EQ(peek(plic + plic_regs::claim_complete(0)), 2u);  // what a claim would return
  EXPECT_EQ(peek(plic + plic_regs::pending(0)), 0b100u);
  EXPECT_EQ(peek(plic + plic_regs::enable(0, 0)), 0b100u);
  EXPECT_TRUE(hart0_.level(machine_external));
  EXPECT_EQ(stat("plic.claims"), 0);
  value = 0;
  EXPECT_EQ(
      cpu.debug(tlm::TLM_WRITE_COMMAND, plic + plic_regs::enable(0, 0), reinterpret_cast<std::uint8_t*>(&value), 4),
      0u);
  EXPECT_EQ(read32(plic + plic_regs::enable(0, 0)), 0b100u);
}

TEST_F(InterruptTest, TheRegistersSitWhereTheSpecificationPutsThemAndNowhereElse) {
  build(three_sources);
  EXPECT_EQ(plic_regs::priority(1), 0x4u);
  EXPECT_EQ(plic_regs::pending(1), 0x1004u);
  EXPECT_EQ(plic_regs::enable(3, 1), 0x2184u);
  EXPECT_EQ(plic_regs::threshold(3), 0x203000u);
  EXPECT_EQ(plic_regs::claim_complete(3), 0x203004u);
  TestInitiator& cpu = *bench_->tester;
  std::uint64_t wide = 0;
  std::uint32_t value = 0;
  EXPECT_EQ(cpu.read64(plic + plic_regs::priority(2), wide).status, tlm::TLM_BURST_ERROR_RESPONSE);     // 32 bits
  EXPECT_EQ(cpu.read32(plic + plic_regs::priority(0), value).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);  // no source 0
  EXPECT_EQ(cpu.read32(plic + plic_regs::priority(41), value).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(cpu.read32(plic + plic_regs::pending(2), value).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(cpu.read32(plic + plic_regs::enable(0, 2), value).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(cpu.read32(plic + plic_regs::enable(4, 0), value).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);  // no hart 2
  EXPECT_EQ(cpu.read32(plic + plic_regs::threshold(0) + 8, value).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(cpu.read32(plic + plic_regs::priority(1) + 2, value).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(cpu.write32(plic + plic_regs::pending(0), 1).status, tlm::TLM_COMMAND_ERROR_RESPONSE);
  tlm::tlm_generic_payload ignore;
  prepare_payload(ignore, tlm::TLM_IGNORE_COMMAND, plic + plic_regs::enable(0, 0), &value, 4);
  sc_time delay;
  cpu.initiator->b_transport(ignore, delay);
  EXPECT_EQ(ignore.get_response_status(), tlm::TLM_COMMAND_ERROR_RESPONSE);
  EXPECT_EQ(stat("plic.errors"), 10);
  EXPECT_EQ(cpu.read32(plic + plic_regs::pending(0), value).delay, sc_time(2, SC_NS));  // register_latency
}

// ---- CLINT ----

TEST_F(InterruptTest, MtimeCountsTicksAtTheAccessAnnotatedTimeInWholesAndHalves) {
  build(timer);
  TestInitiator& cpu = *bench_->tester;
  EXPECT_EQ(read64(clint + clint_regs::mtime), 0u);
  cpu.at = sc_time(25, SC_NS);
  EXPECT_EQ(read64(clint + clint_regs::mtime), 2u);
  advance(sc_time(1, SC_US));
  EXPECT_EQ(read64(clint + clint_regs::mtime), 102u);
  EXPECT_EQ(read32(clint + clint_regs::mtime), 102u);
  EXPECT_EQ(read32(clint + clint_regs::mtime + 4), 0u);
  cpu.at = zero;
  EXPECT_EQ(cpu.peek64(clint + clint_regs::mtime), 100u);
  EXPECT_EQ(clint_->time_at(sc_time(1, SC_US)), 100u);
  EXPECT_EQ(clint_->ticks_per_second(), 100'000'000u);
  EXPECT_EQ(clint_->time_of(150), sc_time(1500, SC_NS));
}

TEST_F(InterruptTest, WritingMtimeSetsTheCountForRegistersAndHartsAlike) {
  build(timer);
  advance(sc_time(1, SC_US));
  write64(clint + clint_regs::mtime, 1000);
  EXPECT_EQ(read64(clint + clint_regs::mtime), 1000u);
  advance(sc_time(100, SC_NS));
  EXPECT_EQ(read64(clint + clint_regs::mtime), 1010u);
  EXPECT_EQ(clint_->time_at(sc_time(1100, SC_NS)), 1010u);  // a hart's time CSR
  EXPECT_EQ(clint_->time_of(1100), sc_time(2, SC_US));
  // A half write changes that half only.
  write32(clint + clint_regs::mtime + 4, 1);
  EXPECT_EQ(read64(clint + clint_regs::mtime), 0x1'0000'03f2u);
  write32(clint + clint_regs::mtime, 5);
  EXPECT_EQ(read64(clint + clint_regs::mtime), 0x1'0000'0005u);
  EXPECT_EQ(clint_->time_of(0x1'0000'0004u), sc_time(1090, SC_NS));  // past: the count was there before
}

TEST_F(InterruptTest, TheTimerInputRisesExactlyWhenMtimeReachesTheCompare) {
  build(timer);
  EXPECT_EQ(read64(clint + clint_regs::mtimecmp(0)), clint_regs::mtimecmp_reset);
  write64(clint + clint_regs::mtimecmp(0), 50);  // 500 ns
  EXPECT_EQ(read64(clint + clint_regs::mtimecmp(0)), 50u);
  advance(sc_time(499, SC_NS));
  EXPECT_FALSE(hart0_.level(machine_timer));
  advance(sc_time(1, SC_NS));
  EXPECT_EQ(hart0_.of(machine_timer), (Changes{{sc_time(500, SC_NS), true}}));
  EXPECT_EQ(stat("clint.timer_interrupts"), 1);
  EXPECT_TRUE(hart1_.untouched());
  EXPECT_TRUE(hart0_.of(machine_software).empty());
}

TEST_F(InterruptTest, TheHalvesOfACompareAreWrittenEachOnItsOwn) {
  build(timer);
  write32(clint + clint_regs::mtimecmp(1), 30);  // 0xffffffff'0000001e: far away
  EXPECT_EQ(read64(clint + clint_regs::mtimecmp(1)), 0xffff'ffff'0000'001eu);
  EXPECT_EQ(read32(clint + clint_regs::mtimecmp(1) + 4), 0xffff'ffffu);
  advance(sc_time(1, SC_US));
  EXPECT_FALSE(hart1_.level(machine_timer));
  write32(clint + clint_regs::mtimecmp(1) + 4, 0);  // now 30, long past: due at once
  EXPECT_EQ(hart1_.of(machine_timer), (Changes{{sc_time(1, SC_US), true}}));
  write32(clint + clint_regs::mtimecmp(1), 150);  // 1.5 us
  EXPECT_FALSE(hart1_.level(machine_timer));
  advance(sc_time(1, SC_US));
  EXPECT_EQ(hart1_.of(machine_timer),
            (Changes{{sc_time(1, SC_US), true}, {sc_time(1, SC_US), false}, {sc_time(1500, SC_NS), true}}));
  EXPECT_TRUE(hart0_.untouched());
}

TEST_F(InterruptTest, ACompareRewriteMovesTheTimerInputAtOnceAndReschedulesIt) {
  build(timer);
  TestInitiator& cpu = *bench_->tester;
  cpu.at = sc_time(200, SC_NS);
  write64(clint + clint_regs::mtimecmp(0), 20);  // due at the write's annotated time: high at once
  EXPECT_TRUE(hart0_.level(machine_timer));
  write64(clint + clint_regs::mtimecmp(0), 30);  // later than the write: low at once, high at 300 ns
  EXPECT_FALSE(hart0_.level(machine_timer));
  cpu.at = zero;
  write64(clint + clint_regs::mtimecmp(0), 60);  // replaces 300 ns by 600 ns
  advance(sc_time(1, SC_US));
  write64(clint + clint_regs::mtimecmp(0), clint_regs::mtimecmp_reset);  // never
  advance(sc_time(1, SC_US));
  EXPECT_EQ(hart0_.of(machine_timer),
            (Changes{{zero, true}, {zero, false}, {sc_time(600, SC_NS), true}, {sc_time(1, SC_US), false}}));
  EXPECT_EQ(stat("clint.timer_interrupts"), 2);
}

TEST_F(InterruptTest, AnMtimeWriteMovesTheTimerInputsAndAWrapLowersThem) {
  build(timer);
  write64(clint + clint_regs::mtimecmp(0), 1000);
  write64(clint + clint_regs::mtimecmp(1), 5);
  advance(sc_time(100, SC_NS));              // hart 1's compare was reached at 50 ns
  write64(clint + clint_regs::mtime, 2000);  // hart 0's now too
  EXPECT_TRUE(hart0_.level(machine_timer));
  write64(clint + clint_regs::mtime, 0);  // both low again: hart 0's compare comes in 10 us, hart 1's in 50 ns
  EXPECT_FALSE(hart0_.level(machine_timer));
  EXPECT_FALSE(hart1_.level(machine_timer));
  advance(sc_time(10, SC_US));
  // Three ticks before MTIME wraps round to 0: both due now, neither after the wrap.
  write64(clint + clint_regs::mtime, ~std::uint64_t{0} - 2);
  advance(sc_time(1, SC_US));
  EXPECT_EQ(hart0_.of(machine_timer), (Changes{{sc_time(100, SC_NS), true},
                                               {sc_time(100, SC_NS), false},
                                               {sc_time(10100, SC_NS), true},
                                               {sc_time(10130, SC_NS), false}}));
  EXPECT_EQ(hart1_.of(machine_timer), (Changes{{sc_time(50, SC_NS), true},
                                               {sc_time(100, SC_NS), false},
                                               {sc_time(150, SC_NS), true},
                                               {sc_time(10130, SC_NS), false},
                                               {sc_time(10180, SC_NS), true}}));
}

TEST_F(InterruptTest, MsipRaisesAndLowersTheSoftwareInput) {
  build(timer);
  write32(clint + clint_regs::msip(1), 3);
  EXPECT_EQ(read32(clint + clint_regs::msip(1)), 1u);  // bit 0 only
  EXPECT_TRUE(hart1_.level(machine_software));
  write32(clint + clint_regs::msip(1), 0);
  EXPECT_FALSE(hart1_.level(machine_software));
  EXPECT_EQ(read32(clint + clint_regs::msip(0)), 0u);
  EXPECT_EQ(hart1_.of(machine_software), (Changes{{zero, true}, {zero, false}}));
  EXPECT_TRUE(hart0_.untouched());
  EXPECT_TRUE(hart1_.of(machine_timer).empty());
  EXPECT_EQ(stat("clint.software_interrupts"), 1);
}

TEST_F(InterruptTest, TheClintRegistersSitAtSiFivesOffsetsForTheHartsThatNameIt) {
  build(timer);
  EXPECT_EQ(clint_regs::msip(1), 0x4u);
  EXPECT_EQ(clint_regs::mtimecmp(1), 0x4008u);
  EXPECT_EQ(clint_regs::mtime, 0xbff8u);
  EXPECT_EQ(clint_->harts(), 2u);
  TestInitiator& cpu = *bench_->tester;
  std::uint64_t wide = 0;
  std::uint32_t value = 0;
  EXPECT_EQ(cpu.read64(clint + clint_regs::msip(0), wide).status, tlm::TLM_BURST_ERROR_RESPONSE);     // 32 bits
  EXPECT_EQ(cpu.read32(clint + clint_regs::msip(2), value).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);  // no hart 2
  EXPECT_EQ(cpu.read64(clint + clint_regs::mtimecmp(2), wide).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(cpu.read64(clint + clint_regs::mtimecmp(0) + 4, wide).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(cpu.read32(clint + clint_regs::mtime + 2, value).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(cpu.read32(clint + 0xbff0, value).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(stat("clint.errors"), 6);
  EXPECT_EQ(cpu.read64(clint + clint_regs::mtime, wide).delay, sc_time(2, SC_NS));
  TestHart far;
  try {
    clint_->connect_hart(4095, far);
    ADD_FAILURE() << "hart 4095";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "system.clint: no hart 4095: a CLINT serves harts 0 to 4094");
  }
}

TEST(InterruptConfig, KeysOfTheFormerTimerAreRefusedSayingWhatToDo) {
  EXPECT_EQ(config_error(timer, {"components.clint.harts=2"}),
            "--set components.clint.harts=2: components.clint.harts: a CLINT serves every hart whose timer names "
            "it: remove this key");
  EXPECT_EQ(config_error(timer, {"components.clint.interrupt_controller=plic"}),
            "--set components.clint.interrupt_controller=plic: components.clint.interrupt_controller: a CLINT "
            "drives the harts' timer and software interrupts itself: remove this key, and name the CLINT in each "
            "hart's timer");
}

TEST(InterruptConfig, TheTimebaseIsQemuVirtsUnlessConfigured) {
  const TestBench bench(R"(
components:
  bus:    {type: router}
  clint:  {type: clint, base: 0x02000000}
  tester: {type: test_initiator}
)");
  EXPECT_EQ(dynamic_cast<Clint&>(*sc_core::sc_find_object("system.clint")).ticks_per_second(), 10'000'000u);
}

// ---- Devices through the PLIC ----

TEST_F(InterruptTest, AGpioPinsLineReachesTheHartAndItsAcknowledgeWithdrawsItAtOnce) {
  build(R"(
components:
  bus:    {type: router, hop_latency: 0ns}
  plic:   {type: plic, base: 0x0c000000}
  gpio:   {type: gpio, base: 0x10060000, pins: 4, interrupt_controller: plic, interrupts: 7 8 9 10}
  tester: {type: test_initiator}
)");
  EXPECT_EQ(plic_->source_number("gpio.pin0"), 7u);
  EXPECT_EQ(plic_->source_number("gpio.pin3"), 10u);
  set_priority(7, 1);
  write32(plic + plic_regs::enable(0, 0), plic_regs::bit_of(7));
  write32(gpio + gpio_regs::input_en, 0b1);
  write32(gpio + gpio_regs::rise_ie, 0b1);
  dynamic_cast<Gpio&>(*sc_core::sc_find_object("system.gpio")).pin(0).write(true);
  advance(sc_time(1, SC_US));
  EXPECT_EQ(claim(0), 7u);
  write32(gpio + gpio_regs::rise_ip, 0b1);
  complete(0, 7);
  EXPECT_EQ(read32(plic + plic_regs::pending(0)), 0u);
  EXPECT_EQ(hart0_.of(machine_external), (Changes{{zero, true}, {sc_time(1, SC_US), false}}));
  EXPECT_EQ(stat("gpio.interrupts"), 1);
  EXPECT_EQ(stat("plic.sources.gpio.pin0.raised"), 1);
  EXPECT_EQ(stat("plic.sources.gpio.pin1.raised"), 0);
}

TEST_F(InterruptTest, ADiskCompletionReachesTheHartAndItsAcknowledgeWithdrawsItAtOnce) {
  const auto image = std::filesystem::temp_directory_path() / fmt::format("vmsim_disk_interrupt_{}.img", getpid());
  std::filesystem::remove(image);
  build(fmt::format(R"(
components:
  bus:    {{type: router, hop_latency: 0ns}}
  plic:   {{type: plic, base: 0x0c000000}}
  disk:   {{type: disk, base: 0x10001000, image: {}, capacity: 1MiB, command_latency: 10us,
           interrupt_controller: plic, interrupt: 1}}
  tester: {{type: test_initiator}}
)",
                    image.string()));
  EXPECT_EQ(plic_->source_number("disk"), 1u);
  set_priority(1, 1);
  enable(0, {1});
  write64(disk + disk_regs::irq_enable, disk_regs::irq_complete);
  write64(disk + disk_regs::command, disk_regs::command_flush);
  advance(sc_time(20, SC_US));
  EXPECT_EQ(claim(0), 1u);
  write64(disk + disk_regs::irq_status, disk_regs::irq_complete);
  complete(0, 1);
  EXPECT_EQ(read32(plic + plic_regs::pending(0)), 0u);
  EXPECT_EQ(hart0_.of(machine_external), (Changes{{sc_time(10, SC_US), true}, {sc_time(20, SC_US), false}}));
  bench_.reset();
  std::filesystem::remove(image);
}

}  // namespace
}  // namespace vmsim::test
