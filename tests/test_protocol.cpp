// TLM-2.0 base-protocol conformance of every model's sockets. With `platform.protocol_checks`, a
// ProtocolChecker (models/core/protocol_checker.h) sits between each initiator socket and the target
// socket it is bound to; a violation fails the run. Here:
// - the checker itself, against a target that breaks each kind of rule;
// - every target model probed through its checker with what the rules cover: data lengths, byte
//   enables, streaming widths, ignore commands, unmapped addresses, debug transport without side
//   effects, DMI, and non-blocking phases where a model serves them (DRAM with mode: at);
// the initiator models (traffic generators, RV64 harts and their loader, MMUs' ports and walkers, the
// disk's DMA, the kernel, the boot loader, the bus) are checked as they run every shipped
// configuration: the CTest tests protocol.<config> (tests/CMakeLists.txt), whose statistics must also
// be those of tests/reference/; protocol.rv64-transport runs the RV64 hart with every access as a
// b_transport. The virtio block device's DMA is checked by test_virtio_blk, whose platform has the
// checkers on.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "test_bench.h"
#include "vmsim/models/core/payload.h"
#include "vmsim/models/core/protocol_checker.h"
#include "vmsim/models/devices/clint_registers.h"
#include "vmsim/models/devices/gpio_registers.h"
#include "vmsim/models/devices/plic_registers.h"
#include "vmsim/models/devices/uart_registers.h"
#include "vmsim/models/devices/virtio_registers.h"

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
  std::uint64_t address;  // a location that may be read (and written, unless read_only) at `width`
  bool memory;            // data reads back as written (and debug writes are allowed)
  unsigned width = 8;     // the access size the location takes: 1, 2, 4 or 8 bytes
  std::uint64_t value = 0x0123'4567'89ab'cdef;  // what the probe writes (its low `width` bytes)
  bool read_only = false;                       // writes answer TLM_COMMAND_ERROR_RESPONSE
};

class Conformance {
 public:
  explicit Conformance(TestBench& bench) : bench_(bench) {}

  // Every probe, through `port` (bound to the target through checkers).
  void probe(tlm::tlm_fw_transport_if<>& port, const Target& target) {
    SCOPED_TRACE(target.name);
    const unsigned width = target.width;
    const std::uint64_t mask = width == 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * width)) - 1;
    std::uint64_t data = target.value & mask;
    EXPECT_EQ(transport(port, tlm::TLM_WRITE_COMMAND, target.address, &data, width),
              target.read_only ? tlm::TLM_COMMAND_ERROR_RESPONSE : tlm::TLM_OK_RESPONSE);
    std::uint64_t read = 0;
    EXPECT_EQ(transport(port, tlm::TLM_READ_COMMAND, target.address, &read, width), tlm::TLM_OK_RESPONSE);
    if (target.memory) {
      EXPECT_EQ(read, data);
    }

    // Byte enables: served (then only the enabled bytes change), or the error the rules name.
    std::uint64_t masked = mask;
    unsigned char enables[8] = {0xff, 0, 0xff, 0, 0xff, 0, 0xff, 0};
    const auto enabled = transport(port, tlm::TLM_WRITE_COMMAND, target.address, &masked, width, width, enables);
    EXPECT_TRUE(enabled == tlm::TLM_OK_RESPONSE || enabled == tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE) << enabled;
    if (target.memory && enabled == tlm::TLM_OK_RESPONSE) {
      EXPECT_EQ(peek(port, target.address, width), 0x01ff'45ff'89ff'cdffu & mask);
    }
    // A streaming width under the length: served, or TLM_BURST_ERROR_RESPONSE.
    if (width > 1) {
      const auto streamed = transport(port, tlm::TLM_READ_COMMAND, target.address, &read, width, width / 2);
      EXPECT_TRUE(streamed == tlm::TLM_OK_RESPONSE || streamed == tlm::TLM_BURST_ERROR_RESPONSE) << streamed;
    }
    // An ignore command: nothing to do, or refused.
    const auto ignored = transport(port, tlm::TLM_IGNORE_COMMAND, target.address, &read, width);
    EXPECT_TRUE(ignored == tlm::TLM_OK_RESPONSE || ignored == tlm::TLM_COMMAND_ERROR_RESPONSE) << ignored;

    // Debug transport changes no statistic, and a debug read sees what a timed read then returns.
    const std::string before = statistics();
    const std::uint64_t seen = peek(port, target.address, width);
    std::uint64_t poked = 0x5a5a'5a5a'5a5a'5a5a & (target.memory ? mask : seen);
    tlm::tlm_generic_payload trans;
    prepare_payload(trans, tlm::TLM_WRITE_COMMAND, target.address, &poked, width);
    const unsigned written = port.transport_dbg(trans);
    EXPECT_EQ(statistics(), before) << "debug transport changed a statistic";
    if (target.memory) {
      EXPECT_EQ(written, width);
    }
    EXPECT_TRUE(written == width || written == 0) << written;
    read = 0;
    EXPECT_EQ(transport(port, tlm::TLM_READ_COMMAND, target.address, &read, width), tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(read, written == width ? peek(port, target.address, width) : seen);

    // DMI: refused with a range that holds the address, or granted with the data behind it (the
    // checker checks the descriptor either way).
    tlm::tlm_dmi dmi;
    prepare_payload(trans, tlm::TLM_READ_COMMAND, target.address, &read, width);
    if (port.get_direct_mem_ptr(trans, dmi)) {
      std::uint64_t direct = 0;
      std::memcpy(&direct, dmi.get_dmi_ptr() + (target.address - dmi.get_start_address()), width);
      EXPECT_EQ(direct, peek(port, target.address, width));
    }
    EXPECT_EQ(bench_.system->failure(), "");
  }

  // An access of `length` bytes (at most 8) from or to `data`.
  static tlm::tlm_response_status transport(tlm::tlm_fw_transport_if<>& port, tlm::tlm_command command,
                                            std::uint64_t address, std::uint64_t* data, unsigned length = 8,
                                            unsigned streaming_width = 0, unsigned char* byte_enables = nullptr) {
    tlm::tlm_generic_payload trans;
    prepare_payload(trans, command, address, data, length);
    trans.set_streaming_width(streaming_width != 0 ? streaming_width : length);
    if (byte_enables != nullptr) {
      trans.set_byte_enable_ptr(byte_enables);
      trans.set_byte_enable_length(length);
    }
    sc_time delay = sc_core::SC_ZERO_TIME;
    port.b_transport(trans, delay);
    return trans.get_response_status();
  }

  static std::uint64_t peek(tlm::tlm_fw_transport_if<>& port, std::uint64_t address, unsigned length = 8) {
    std::uint64_t value = 0;
    tlm::tlm_generic_payload trans;
    prepare_payload(trans, tlm::TLM_READ_COMMAND, address, &value, length);
    EXPECT_EQ(port.transport_dbg(trans), length);
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
  uart:   {type: uart, base: 0x10003000, terminal: false, input: none}
  blk:    {type: virtio_blk, base: 0x10004000}
  finisher: {type: test_finisher, base: 0x100000}
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
  conformance.probe(bus, {"gpio OUTPUT_VAL", 0x1000'0000 + gpio_regs::output_val, false, 4});
  conformance.probe(bus, {"disk LBA", 0x1000'1000, false});
  conformance.probe(bus, {"plic priority of source 1", 0x0c00'0000 + plic_regs::priority(1), false, 4});
  conformance.probe(bus, {"clint MTIME", 0x0200'0000 + clint_regs::mtime, false});
  conformance.probe(bus, {"mmu ROOT", 0x1000'2008, false});
  conformance.probe(bus, {"uart SCR", 0x1000'3000 + uart_regs::scr, true, 1});
  conformance.probe(bus, {"uart LSR", 0x1000'3000 + uart_regs::lsr, false, 1, 0, true});
  conformance.probe(bus, {"virtio_blk STATUS (a reset)", 0x1000'4000 + virtio::status, false, 4, 0});
  conformance.probe(bus, {"virtio_blk MAGIC", 0x1000'4000 + virtio::magic_value, false, 4, 0, true});
  conformance.probe(bus, {"test_finisher (no command)", 0x10'0000, false, 4});
  conformance.probe(*bench.initiator("cpu").initiator.operator->(), {"mmu, translating", 0x8000'0100, true});
  conformance.probe(*program.socket.operator->(), {"external port", 0x8000'0200, true});

  // An address no target maps, and one range straddling two targets: the bus's address error.
  std::uint64_t data = 0;
  EXPECT_EQ(Conformance::transport(bus, tlm::TLM_READ_COMMAND, 0x7000'0000, &data), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(Conformance::transport(bus, tlm::TLM_READ_COMMAND, 0x80ff'fffc, &data), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(bench.system->failure(), "");

  // A checker on every connection: the ports of the two test initiators, the MMU's two, the disk's
  // and the virtio block device's DMA and the external port, the program's socket and the bus's
  // nine mapped targets. Each saw the probes that went its way; the DMA ports and the MMU's walker
  // carried none (protocol.<config> and test_virtio_blk check their traffic).
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
  EXPECT_EQ(checkers, 17u);
  EXPECT_EQ(idle, (std::vector<std::string>{"components.disk.dma_port -> system.bus.target",
                                            "components.mmu.walker_port -> system.bus.target",
                                            "components.blk.dma_port -> system.bus.target"}));
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
