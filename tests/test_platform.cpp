// The router and memory of a platform built from a configuration, driven transaction by transaction.
#include <gtest/gtest.h>

#include "test_bench.h"

namespace vmsim::test {
namespace {

using sc_core::sc_time;
using sc_core::SC_NS;

const std::string two_memories = R"(
components:
  bus:    {type: router, hop_latency: 2ns}
  low:    {type: dram, base: 0x1000, size: 4KiB, read_latency: 10ns, write_latency: 20ns}
  high:   {type: dram, base: 0x80000000, size: 64GiB, read_latency: 30ns}
  tester: {type: test_initiator}
)";

TEST(Platform, RoutesByAddressWithTargetRelativeOffsetsAndLatency) {
  TestBench bench(two_memories);
  bench.elaborate();
  TestInitiator& tester = *bench.tester;
  auto result = tester.write64(0x1ff8, 0x1122334455667788ull);  // last 8 bytes of `low`
  EXPECT_EQ(result.status, tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(result.delay, sc_time(22, SC_NS));
  std::uint64_t value = 0;
  result = tester.read64(0x1ff8, value);
  EXPECT_EQ(value, 0x1122334455667788ull);
  EXPECT_EQ(result.delay, sc_time(12, SC_NS));
  // The far end of a 64 GiB memory.
  const std::uint64_t top = 0x80000000ull + (64ull << 30) - 8;
  EXPECT_EQ(tester.write64(top, 42).status, tlm::TLM_OK_RESPONSE);
  result = tester.read64(top, value);
  EXPECT_EQ(value, 42u);
  EXPECT_EQ(result.delay, sc_time(32, SC_NS));

  // What `low` holds at its offset 0xff8 is what the debug path reads at 0x1ff8.
  std::uint64_t debug_value = 0;
  EXPECT_EQ(tester.debug(tlm::TLM_READ_COMMAND, 0x1ff8, reinterpret_cast<std::uint8_t*>(&debug_value), 8), 8u);
  EXPECT_EQ(debug_value, 0x1122334455667788ull);

  EXPECT_EQ(bench.stat("system.bus.transactions"), 4);
  EXPECT_EQ(bench.stat("system.low.writes"), 1);
  EXPECT_EQ(bench.stat("system.low.reads"), 1);  // the debug read is not counted
  EXPECT_EQ(bench.stat("system.high.bytes_written"), 8);
  EXPECT_EQ(bench.stat("system.low.avg_latency_ns"), 15);
}

TEST(Platform, UnmappedAndStraddlingAccessesAnswerAddressErrors) {
  TestBench bench(two_memories);
  bench.elaborate();
  TestInitiator& tester = *bench.tester;
  std::uint64_t value = 0;
  EXPECT_EQ(tester.read64(0x0, value).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(tester.read64(0x2000, value).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(tester.read64(0x1ffc, value).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);  // crosses the end of `low`
  EXPECT_EQ(tester.read64(~0ull - 3, value).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
  tlm::tlm_response_status status = tlm::TLM_OK_RESPONSE;
  EXPECT_EQ(tester.debug(tlm::TLM_READ_COMMAND, 0x10, reinterpret_cast<std::uint8_t*>(&value), 8, &status), 0u);
  EXPECT_EQ(status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(bench.stat("system.bus.decode_errors"), 4);
  EXPECT_EQ(bench.stat("system.bus.transactions"), 0);
}

TEST(Platform, MemoryRefusesWhatItCannotServe) {
  TestBench bench(two_memories);
  bench.elaborate();
  tlm::tlm_generic_payload trans;
  std::uint8_t data[8] = {};
  std::uint8_t enables[8] = {0xff};
  trans.set_command(tlm::TLM_WRITE_COMMAND);
  trans.set_address(0x1000);
  trans.set_data_ptr(data);
  trans.set_data_length(8);
  trans.set_streaming_width(8);
  trans.set_byte_enable_ptr(enables);
  trans.set_byte_enable_length(8);
  sc_time delay;
  bench.tester->initiator->b_transport(trans, delay);
  EXPECT_EQ(trans.get_response_status(), tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
  trans.set_byte_enable_ptr(nullptr);
  trans.set_streaming_width(4);
  bench.tester->initiator->b_transport(trans, delay);
  EXPECT_EQ(trans.get_response_status(), tlm::TLM_BURST_ERROR_RESPONSE);
  EXPECT_EQ(bench.stat("system.low.errors"), 2);
}

TEST(Platform, OverlappingRangesAreRefusedWithBothLocations) {
  EXPECT_EQ(config_error(two_memories, {"components.high.base=0x1800"}),
            "--set components.high.base=0x1800: high [0x1800, 0x10000017ff] overlaps low [0x1000, 0x1fff] mapped at "
            "test.yaml:4:30");
}

TEST(Platform, ConfigurationMistakesNameTheirPlace) {
  EXPECT_EQ(
      config_error(two_memories, {"components.bus.type=switch"}),
      "--set components.bus.type=switch: components.bus.type: unknown component type 'switch' (known: clint, disk, "
      "dram, external_port, gpio, kernel, loader, mmu, page_tables, plic, router, rv64, stand_in_hart, test_finisher, "
      "test_initiator, test_interrupt_source, traffic_gen, uart, virtio_blk)");
  EXPECT_EQ(config_error(two_memories, {"components.tester.port=nowhere"}),
            "--set components.tester.port=nowhere: components.tester.port: no component named 'nowhere'");
  EXPECT_EQ(config_error(two_memories, {"components.tester.port=tester"}),
            "--set components.tester.port=tester: components.tester.port: 'tester' is of type test_initiator; port "
            "connects to one of type router or mmu");
  EXPECT_EQ(config_error(two_memories, {"components.low.bus=high"}),
            "test.yaml:4:30: components.low.bus: 'high' is not an interconnect");
  EXPECT_EQ(config_error(two_memories, {"workload.cpu9=[]"}), "--set workload.cpu9=[]: workload.cpu9: no component of that name");
  EXPECT_EQ(config_error(two_memories, {"workload.low=[]"}),
            "--set workload.low=[]: workload.low: a dram runs no workload");
  EXPECT_EQ(config_error(two_memories, {"platform.quantm=1us"}),
            "--set platform.quantm=1us: platform.quantm: unknown parameter (did you mean 'quantum'?)");
  EXPECT_EQ(config_error(two_memories, {"components.Bad=1"}),
            "--set components.Bad=1: components.Bad: a component name is lower-case letters, digits and _, starting "
            "with a letter");
  EXPECT_EQ(config_error("components: {}\n"), "test.yaml:1:13: components: a platform needs at least one component");
  EXPECT_EQ(config_error(two_memories, {"extra=1"}), "--set extra=1: extra: unknown parameter");
}

// Refused before either is built: SystemC would otherwise rename the second and warn on the way.
TEST(Platform, AComponentNameGivenTwiceIsRefusedBeforeBuilding) {
  EXPECT_EQ(config_error(two_memories + "  low:    {type: dram, base: 0x2000, size: 4KiB}\n"),
            "test.yaml:7:3: components.low: appears twice");
  EXPECT_EQ(sc_core::sc_report_handler::get_count(sc_core::SC_WARNING), 0);
}

const std::string replicated = R"(
components:
  bus:    {type: router}
  dram:   {type: dram, base: 0x80000000, size: 64MiB}
  clint:  {type: clint, base: 0x02000000}
  plic:   {type: plic, base: 0x0c000000}
  mmu:    {type: mmu, count: 2, base: 0x10002000, size: 4KiB}
  kernel: {type: kernel, memory: dram, timer: clint, interrupt_controller: plic}
  cpu:    {type: traffic_gen, count: 2, port: mmu, kernel: kernel, interrupt_controller: plic, timer: clint}
workload:
  cpu: [{name: p, regions: [{name: heap, size: 8KiB}], phases: [{pattern: linear, region: heap, count: 100}]}]
  cpu1: [{name: q, regions: [{name: heap, size: 16KiB}], phases: [{pattern: linear, region: heap, count: 300}]}]
)";

TEST(Replicas, ACountMakesNumberedComponentsWiredByNumber) {
  TestBench bench(replicated);
  const YAML::Node& components = bench.config->resolved()["components"];
  EXPECT_EQ(components["cpu1"]["port"].as<std::string>(), "mmu1");
  EXPECT_EQ(components["mmu0"]["base"].as<std::string>(), "0x10002000");
  EXPECT_EQ(components["mmu1"]["base"].as<std::string>(), "0x10003000");
  EXPECT_FALSE(components["cpu"].IsDefined());
  ASSERT_TRUE(bench.system->run());
  // cpu0 runs the group's workload; cpu1 its own.
  EXPECT_EQ(bench.stat("system.cpu0.processes.p.loads") + bench.stat("system.cpu0.processes.p.stores"), 100);
  EXPECT_EQ(bench.stat("system.cpu1.processes.q.loads") + bench.stat("system.cpu1.processes.q.stores"), 300);
}

TEST(Replicas, MistakesAreConfigurationErrors) {
  EXPECT_EQ(config_error(replicated, {"components.mmu.count=3"}),
            "test.yaml:9:47: components.cpu.port: 'mmu' has count 3, so a component with count 2 cannot name it");
  EXPECT_EQ(config_error(replicated, {"components.mmu.count=0"}),
            "--set components.mmu.count=0: components.mmu.count: must be from 1 to 1024");
  EXPECT_EQ(config_error(replicated, {"components.mmu={type: mmu, count: 2, base: 0x10002000}"}),
            "--set components.mmu={type: mmu, count: 2, base: 0x10002000}: components.mmu.base: a replicated "
            "component with a base needs its size");
  EXPECT_EQ(config_error(replicated, {"components.mmu.base=0xfffffffffffff000"}),
            "--set components.mmu.base=0xfffffffffffff000: components.mmu.base: 'mmu1' would start beyond the 64-bit "
            "address space");
  // A mistake in a copy of a value given by --set names the --set.
  EXPECT_EQ(config_error(replicated, {"components.mmu.format=sv99"}),
            "--set components.mmu.format=sv99: components.mmu0.format: 'sv99' is not a page-table format (sv39, sv48, "
            "sv57, x86_64, x86_64_la57, armv8a_4k)");
  EXPECT_EQ(config_error(replicated, {"workload.cpu.0.phases.0.count=0"}),
            "--set workload.cpu.0.phases.0.count=0: workload.cpu0.0.phases.0.count: a phase has either a count or a "
            "duration");
}

}  // namespace
}  // namespace vmsim::test
