// TLM-2.0 base-protocol conformance of every model's sockets. With `platform.protocol_checks`, a
// ProtocolChecker (models/core/protocol_checker.h) sits between each initiator socket and the target
// socket it is bound to; a violation fails the run. Here:
// - the checker itself, against a target that breaks each kind of rule;
// - every target model probed through its checker with what the rules cover: data lengths, byte
//   enables, streaming widths, ignore commands, unmapped addresses, debug transport without side
//   effects, DMI, and non-blocking phases where a model serves them (DRAM with mode: at);
// the initiator models (CPUs, MMUs' ports and walkers, the disk's DMA, the kernel, the boot loader,
// the bus) are checked as they run every shipped configuration: the CTest tests protocol.<config>
// (tests/CMakeLists.txt), whose statistics must also be those of tests/reference/.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "test_bench.h"
#include "vmsim/models/core/payload.h"
#include "vmsim/models/core/protocol_checker.h"

namespace vmsim::test {
namespace {

using sc_core::SC_NS;
using sc_core::sc_time;

// An initiator of the test's own, driven from the test body; it accepts whatever comes back.
struct Probe : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Probe> socket{"socket"};
  explicit Probe(const sc_core::sc_module_name& name) : sc_module(name) {
    socket.register_nb_transport_bw(this, &Probe::nb_transport_bw);
  }
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload&, tlm::tlm_phase&, sc_time&) { return tlm::TLM_ACCEPTED; }
};

// What a target is, for the probes.
struct Target {
  std::string name;
  std::uint64_t address;  // an 8-byte location that may be read and written
  bool memory;            // data reads back as written (and debug writes are allowed)
};

class Conformance {
 public:
  explicit Conformance(TestBench& bench) : bench_(bench) {}

  // Every probe, through `port` (bound to the target through checkers).
  void probe(tlm::tlm_fw_transport_if<>& port, const Target& target) {
    SCOPED_TRACE(target.name);
    std::uint64_t data = 0x0123'4567'89ab'cdef;
    EXPECT_EQ(transport(port, tlm::TLM_WRITE_COMMAND, target.address, &data), tlm::TLM_OK_RESPONSE);
    std::uint64_t read = 0;
    EXPECT_EQ(transport(port, tlm::TLM_READ_COMMAND, target.address, &read), tlm::TLM_OK_RESPONSE);
    if (target.memory) {
      EXPECT_EQ(read, data);
    }

    // Byte enables: served (then only the enabled bytes change), or the error the rules name.
    std::uint64_t masked = 0xffff'ffff'ffff'ffff;
    unsigned char enables[8] = {0xff, 0, 0xff, 0, 0xff, 0, 0xff, 0};
    const auto enabled = transport(port, tlm::TLM_WRITE_COMMAND, target.address, &masked, 8, enables);
    EXPECT_TRUE(enabled == tlm::TLM_OK_RESPONSE || enabled == tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE) << enabled;
    if (target.memory && enabled == tlm::TLM_OK_RESPONSE) {
      EXPECT_EQ(peek(port, target.address), 0x01ff'45ff'89ff'cdffu);
    }
    // A streaming width under the length: served, or TLM_BURST_ERROR_RESPONSE.
    const auto streamed = transport(port, tlm::TLM_READ_COMMAND, target.address, &read, 4);
    EXPECT_TRUE(streamed == tlm::TLM_OK_RESPONSE || streamed == tlm::TLM_BURST_ERROR_RESPONSE) << streamed;
    // An ignore command: nothing to do, or refused.
    const auto ignored = transport(port, tlm::TLM_IGNORE_COMMAND, target.address, &read);
    EXPECT_TRUE(ignored == tlm::TLM_OK_RESPONSE || ignored == tlm::TLM_COMMAND_ERROR_RESPONSE) << ignored;

    // Debug transport changes no statistic, and a debug read sees what a timed read then returns.
    const std::string before = statistics();
    const std::uint64_t seen = peek(port, target.address);
    std::uint64_t poked = 0x5a5a'5a5a'5a5a'5a5a & (target.memory ? ~0ull : seen);
    tlm::tlm_generic_payload trans;
    prepare_payload(trans, tlm::TLM_WRITE_COMMAND, target.address, &poked, 8);
    const unsigned written = port.transport_dbg(trans);
    EXPECT_EQ(statistics(), before) << "debug transport changed a statistic";
    if (target.memory) {
      EXPECT_EQ(written, 8u);
    }
    EXPECT_TRUE(written == 8 || written == 0) << written;
    EXPECT_EQ(transport(port, tlm::TLM_READ_COMMAND, target.address, &read), tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(read, written == 8 ? peek(port, target.address) : seen);

    // DMI: refused with a range that holds the address, or granted with the data behind it (the
    // checker checks the descriptor either way).
    tlm::tlm_dmi dmi;
    prepare_payload(trans, tlm::TLM_READ_COMMAND, target.address, &read, 8);
    if (port.get_direct_mem_ptr(trans, dmi)) {
      std::uint64_t direct = 0;
      std::memcpy(&direct, dmi.get_dmi_ptr() + (target.address - dmi.get_start_address()), 8);
      EXPECT_EQ(direct, peek(port, target.address));
    }
    EXPECT_EQ(bench_.system->failure(), "");
  }

  static tlm::tlm_response_status transport(tlm::tlm_fw_transport_if<>& port, tlm::tlm_command command,
                                            std::uint64_t address, std::uint64_t* data, unsigned streaming_width = 8,
                                            unsigned char* byte_enables = nullptr) {
    tlm::tlm_generic_payload trans;
    prepare_payload(trans, command, address, data, 8);
    trans.set_streaming_width(streaming_width);
    if (byte_enables != nullptr) {
      trans.set_byte_enable_ptr(byte_enables);
      trans.set_byte_enable_length(8);
    }
    sc_time delay = sc_core::SC_ZERO_TIME;
    port.b_transport(trans, delay);
    return trans.get_response_status();
  }

  static std::uint64_t peek(tlm::tlm_fw_transport_if<>& port, std::uint64_t address) {
    std::uint64_t value = 0;
    tlm::tlm_generic_payload trans;
    prepare_payload(trans, tlm::TLM_READ_COMMAND, address, &value, 8);
    EXPECT_EQ(port.transport_dbg(trans), 8u);
    return value;
  }

 private:
  std::string statistics() const { return format_stats_text(bench_.system->statistics()); }

  TestBench& bench_;
};

// Every model with a target socket, on one bus: a test initiator on the bus, one in front of the
// MMU (bare: its accesses pass through to the bus), and the program's own at the external port.
const char* const every_target = R"(
platform: {protocol_checks: true}
components:
  bus:    {type: router}
  dram:   {type: dram, base: 0x80000000, size: 16MiB}
  gpio:   {type: gpio, base: 0x10000000, pins: 8}
  disk:   {type: disk, base: 0x10001000, capacity: 1MiB}
  plic:   {type: plic, base: 0x0c000000}
  clint:  {type: clint, base: 0x02000000}
  mmu:    {type: mmu, base: 0x10002000}
  tester: {type: test_initiator, port: bus}
  cpu:    {type: test_initiator, port: mmu}
  host:   {type: external_port, port: bus}
)";

TEST(Conformance, EveryTargetModelKeepsTheBaseProtocol) {
  TestBench bench(every_target);
  Probe program("program");
  program.socket.bind(bench.system->external_socket("host"));
  bench.elaborate();
  Conformance conformance(bench);
  tlm::tlm_fw_transport_if<>& bus = *bench.tester->initiator.operator->();
  conformance.probe(bus, {"dram", 0x8000'0000, true});
  conformance.probe(bus, {"gpio DATA_OUT", 0x1000'0000, false});
  conformance.probe(bus, {"disk LBA", 0x1000'1000, false});
  conformance.probe(bus, {"plic ENABLE", 0x0c00'0100, false});
  conformance.probe(bus, {"clint MTIMECMP", 0x0200'0108, false});
  conformance.probe(bus, {"mmu ROOT", 0x1000'2008, false});
  conformance.probe(*bench.initiator("cpu").initiator.operator->(), {"mmu, translating", 0x8000'0100, true});
  conformance.probe(*program.socket.operator->(), {"external port", 0x8000'0200, true});

  // An address no target maps, and one range straddling two targets: the bus's address error.
  std::uint64_t data = 0;
  EXPECT_EQ(Conformance::transport(bus, tlm::TLM_READ_COMMAND, 0x7000'0000, &data), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(Conformance::transport(bus, tlm::TLM_READ_COMMAND, 0x80ff'fffc, &data), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(bench.system->failure(), "");

  // A checker on every connection: the ports of the two test initiators, the MMU's two, the disk's
  // DMA and the external port, the program's socket and the bus's six mapped targets. Each saw the
  // probes that went its way; the disk's DMA and the MMU's walker carried none (protocol.<config>
  // checks their traffic).
  std::vector<sc_core::sc_object*> objects = sc_core::sc_get_top_level_objects();
  const auto children = bench.system->get_child_objects();
  objects.insert(objects.end(), children.begin(), children.end());
  std::vector<std::string> idle;
  unsigned checkers = 0;
  for (const sc_core::sc_object* object : objects)
    if (const auto* checker = dynamic_cast<const ProtocolChecker*>(object)) {
      ++checkers;
      if (checker->checked_calls() == 0) idle.push_back(checker->path());
    }
  EXPECT_EQ(checkers, 13u);
  EXPECT_EQ(idle, (std::vector<std::string>{"components.disk.dma_port -> system.bus.target",
                                            "components.mmu.walker_port -> system.bus.target"}));
}

// The transactions of a non-blocking initiator, which the base protocol wants managed.
struct Payloads final : tlm::tlm_mm_interface {
  void free(tlm::tlm_generic_payload*) override {}
};

TEST(Conformance, ApproximatelyTimedMemoryFollowsThePhases) {
  TestBench bench(R"(
platform: {protocol_checks: true}
components:
  bus:    {type: router}
  dram:   {type: dram, base: 0x80000000, timing: detailed, preset: DDR4-2400, mode: at, read_queue: 2}
  tester: {type: test_initiator, port: bus}
)");
  bench.elaborate();
  Payloads manager;
  std::vector<tlm::tlm_generic_payload> payloads(6);
  std::vector<std::uint64_t> data(payloads.size());
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    prepare_payload(payloads[i], tlm::TLM_READ_COMMAND, 0x8000'0000 + 0x1000 * i, &data[i], 8);
    payloads[i].set_mm(&manager);
    payloads[i].acquire();
    // One request at a time: the next BEGIN_REQ once the memory has taken this one (END_REQ); with
    // two places in its read queue, it holds the third back.
    bench.tester->begin(payloads[i]);
    while (bench.tester->requests_ended == i) sc_core::sc_start(sc_time(1, SC_NS));
  }
  sc_core::sc_start(sc_time(1, sc_core::SC_US));
  ASSERT_EQ(bench.tester->responses.size(), payloads.size());
  for (const auto& payload : payloads) EXPECT_EQ(payload.get_response_status(), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(bench.system->failure(), "");
}

// A target that breaks one rule at a time, for the checker to catch.
struct Misbehaving : sc_core::sc_module {
  enum class Fault { none, leaves_incomplete, changes_length, goes_back_in_time, ends_request_twice };
  tlm_utils::simple_target_socket<Misbehaving> socket{"socket"};
  Fault fault = Fault::none;

  explicit Misbehaving(const sc_core::sc_module_name& name) : sc_module(name) {
    socket.register_b_transport(this, &Misbehaving::b_transport);
    socket.register_nb_transport_fw(this, &Misbehaving::nb_transport_fw);
  }
  void b_transport(tlm::tlm_generic_payload& trans, sc_time& delay) {
    if (fault != Fault::leaves_incomplete) trans.set_response_status(tlm::TLM_OK_RESPONSE);
    if (fault == Fault::changes_length) trans.set_data_length(4);
    delay = fault == Fault::goes_back_in_time ? sc_core::SC_ZERO_TIME : delay + sc_time(10, SC_NS);
  }
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase, sc_time&) {
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    phase = tlm::END_REQ;
    sc_time now = sc_core::SC_ZERO_TIME;
    socket->nb_transport_bw(trans, phase, now);
    return tlm::TLM_UPDATED;  // END_REQ again, on the return path
  }
};

TEST(ProtocolChecker, CatchesATargetThatBreaksTheRules) {
  std::vector<std::string> violations;
  ProtocolChecker checker("checker", "probe -> target",
                          [&](const std::string& violation) { violations.push_back(violation); });
  Misbehaving target("target");
  Probe probe("probe");
  probe.socket.bind(checker.target);
  checker.initiator.bind(target.socket);
  sc_core::sc_start(sc_core::SC_ZERO_TIME);
  const auto run = [&](Misbehaving::Fault fault) {
    target.fault = fault;
    std::uint64_t data = 0;
    tlm::tlm_generic_payload trans;
    prepare_payload(trans, tlm::TLM_READ_COMMAND, 0x40, &data, 8);
    sc_time delay(5, SC_NS);
    probe.socket->b_transport(trans, delay);
    return violations.empty() ? std::string("none") : violations.back();
  };
  EXPECT_EQ(run(Misbehaving::Fault::none), "none");
  EXPECT_EQ(run(Misbehaving::Fault::leaves_incomplete),
            "TLM-2.0 base protocol, probe -> target: return from b_transport with the response status left "
            "TLM_INCOMPLETE_RESPONSE (IEEE 1666-2011 14.17; read of 8 bytes at 0x40)");
  EXPECT_EQ(run(Misbehaving::Fault::changes_length),
            "TLM-2.0 base protocol, probe -> target: the data length changed during b_transport (IEEE 1666-2011 "
            "14.7; read of 4 bytes at 0x40)");
  EXPECT_EQ(run(Misbehaving::Fault::goes_back_in_time),
            "TLM-2.0 base protocol, probe -> target: b_transport returned at 0ns, before it was called at 5ns "
            "(IEEE 1666-2011 11.1; read of 8 bytes at 0x40)");

  // Non-blocking: a transaction without a memory manager, and END_REQ sent twice.
  Payloads manager;
  std::uint64_t data = 0;
  tlm::tlm_generic_payload trans;
  prepare_payload(trans, tlm::TLM_READ_COMMAND, 0x80, &data, 8);
  tlm::tlm_phase phase = tlm::BEGIN_REQ;
  sc_time delay = sc_core::SC_ZERO_TIME;
  violations.clear();
  probe.socket->nb_transport_fw(trans, phase, delay);
  ASSERT_GE(violations.size(), 2u);
  EXPECT_EQ(violations[0],
            "TLM-2.0 base protocol, probe -> target: nb_transport_fw of a transaction without a memory manager "
            "(IEEE 1666-2011 14.5; read of 8 bytes at 0x80)");
  EXPECT_EQ(violations.back(),
            "TLM-2.0 base protocol, probe -> target: END_REQ (return from nb_transport_fw) of a transaction in phase "
            "END_REQ (IEEE 1666-2011 15.2.4; read of 8 bytes at 0x80)");
}

}  // namespace
}  // namespace vmsim::test
