// The test finisher: each command ends the run with its exit status and line, statistics and all;
// other values and accesses are answered as the project's devices answer them.
#include <gtest/gtest.h>

#include "test_bench.h"
#include "vmsim/models/devices/test_finisher.h"

namespace vmsim::test {
namespace {

using sc_core::sc_time;
using sc_core::SC_US;

constexpr std::uint64_t finisher = 0x100000;

const std::string platform = R"(
components:
  bus:      {type: router, hop_latency: 0ns}
  dram:     {type: dram, base: 0x80000000, size: 1MiB}
  finisher: {type: test_finisher, base: 0x100000}
  tester:   {type: test_initiator}
)";

// Runs the platform with a thread that writes `values` to the finisher 5 us apart, as software
// would; returns the bench once the run has ended.
std::unique_ptr<TestBench> run_writing(const std::vector<std::uint32_t>& values) {
  auto bench = std::make_unique<TestBench>(platform);
  TestInitiator* tester = bench->tester;
  sc_core::sc_spawn([tester, values] {
    for (std::uint32_t value : values) {
      sc_core::wait(sc_time(5, SC_US));
      EXPECT_EQ(tester->transport(AccessKind::store, finisher, reinterpret_cast<std::uint8_t*>(&value), 4).status,
                tlm::TLM_OK_RESPONSE);
    }
  });
  EXPECT_TRUE(bench->system->run()) << bench->system->failure();
  return bench;
}

TEST(TestFinisher, PassEndsTheRunWithStatusZero) {
  const auto bench = run_writing({0x1234, 0x5555, 0x3333});
  const RunControl& run = bench->system->run_control();
  ASSERT_TRUE(run.exit_status());
  EXPECT_EQ(*run.exit_status(), 0);
  EXPECT_EQ(run.exit_message(), "");
  EXPECT_EQ(bench->stat("sim_seconds"), 10e-6);  // at the second write; the third never came
  EXPECT_EQ(bench->stat("system.finisher.register_writes"), 2);
  EXPECT_EQ(bench->stat("system.finisher.ignored_writes"), 1);
}

TEST(TestFinisher, FailEndsTheRunWithStatusOneAndNamesTheCode) {
  const auto bench = run_writing({0x002a3333});
  const RunControl& run = bench->system->run_control();
  ASSERT_TRUE(run.exit_status());
  EXPECT_EQ(*run.exit_status(), 1);
  EXPECT_EQ(run.exit_message(), "at 5us: system.finisher: the software reported a failure, code 42");
  EXPECT_EQ(bench->stat("sim_seconds"), 5e-6);
}

TEST(TestFinisher, ResetEndsTheRunSayingSo) {
  const auto bench = run_writing({0x7777});
  const RunControl& run = bench->system->run_control();
  ASSERT_TRUE(run.exit_status());
  EXPECT_EQ(*run.exit_status(), 0);
  EXPECT_EQ(run.exit_message(),
            "at 5us: system.finisher: the software asked for a reset; the run ends there (vmsim does not restart the "
            "machine)");
}

TEST(TestFinisher, ReadsAreZeroAndOtherAccessesAreRefused) {
  TestBench bench(platform);
  bench.elaborate();
  TestInitiator& tester = *bench.tester;
  std::uint32_t value = 0xffffffff;
  EXPECT_EQ(tester.transport(AccessKind::load, finisher, reinterpret_cast<std::uint8_t*>(&value), 4).status,
            tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(value, 0u);
  std::uint64_t wide = 0x5555;
  EXPECT_EQ(tester.write64(finisher, wide).status, tlm::TLM_BURST_ERROR_RESPONSE);
  EXPECT_EQ(tester.transport(AccessKind::load, finisher + 4, reinterpret_cast<std::uint8_t*>(&value), 4).status,
            tlm::TLM_ADDRESS_ERROR_RESPONSE);
  value = 0x5555;
  tlm::tlm_response_status status = tlm::TLM_INCOMPLETE_RESPONSE;
  EXPECT_EQ(tester.debug(tlm::TLM_WRITE_COMMAND, finisher, reinterpret_cast<std::uint8_t*>(&value), 4, &status), 0u);
  EXPECT_EQ(status, tlm::TLM_COMMAND_ERROR_RESPONSE);  // a debugger does not power the machine off
  EXPECT_FALSE(bench.system->run_control().exit_status());
  EXPECT_EQ(bench.stat("system.finisher.errors"), 2);
}

}  // namespace
}  // namespace vmsim::test
