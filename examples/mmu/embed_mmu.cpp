// vmsim's models in a program's own SystemC platform, built from C++: a bus, a DRAM and an Sv39 MMU
// with its TLBs, and a CPU of the program's own. The CPU writes page tables into the DRAM through
// the bus, programs the MMU's registers, turns translation on, and checks a translation (the data
// and the fault of an unmapped page) and its latency, worked out from the parameters chosen here.
// docs/embedding.md walks through it. Exit status 0 when every check holds.
#include <cstdint>
#include <cstdio>
#include <string>

#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>
#include <tlm>

#include <vmsim/models/core/model_set.h>
#include <vmsim/models/core/translation_fault.h>
#include <vmsim/models/interconnect/router.h>
#include <vmsim/models/memory/dram.h>
#include <vmsim/models/mmu/mmu.h>
#include <vmsim/models/mmu/mmu_registers.h>

namespace {

using sc_core::SC_NS;
using sc_core::sc_time;

constexpr std::uint64_t dram_base = 0x8000'0000;
constexpr std::uint64_t mmu_registers = 0x1000'0000;
// Three Sv39 tables (root, level 1, level 0) and the frame that one virtual page maps to.
constexpr std::uint64_t tables[3] = {dram_base + 0x1000, dram_base + 0x2000, dram_base + 0x3000};
constexpr std::uint64_t frame = dram_base + 0x10'0000;
constexpr std::uint64_t page = 0x4000'0000;

// The parameters chosen, and the latencies they give.
const sc_time hop(2, SC_NS);         // the bus's hop_latency
const sc_time memory(40, SC_NS);     // the DRAM's read_latency and write_latency
const sc_time tlb_lookup(1, SC_NS);  // one cycle of the MMU's 1 GHz clock

// Sv39 entries: a pointer to the next table, and a user leaf that may be read and written, already
// accessed and dirty (so that the walk writes nothing back).
constexpr std::uint64_t pointer(std::uint64_t table) { return (table >> 12) << 10 | 0x1; }
constexpr std::uint64_t leaf(std::uint64_t to) { return (to >> 12) << 10 | 0xd7; }  // V R W U A D
constexpr unsigned index(std::uint64_t address, unsigned level) { return (address >> (12 + 9 * level)) & 0x1ff; }

int failures = 0;
void check(bool holds, const std::string& what) {
  std::printf("%s: %s\n", holds ? "ok" : "FAILED", what.c_str());
  if (!holds) ++failures;
}

// The program's own initiator: one blocking transaction at a time, waiting out each one's latency.
struct Cpu : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Cpu> socket{"socket"};

  SC_HAS_PROCESS(Cpu);
  explicit Cpu(const sc_core::sc_module_name& name) : sc_module(name) { SC_THREAD(run); }

  struct Result {
    tlm::tlm_response_status status;
    sc_time latency;
    std::uint64_t data;
    vmsim::TranslationFault fault;  // as the MMU filled it in
  };

  Result access(tlm::tlm_command command, std::uint64_t address, std::uint64_t data = 0) {
    tlm::tlm_generic_payload trans;
    vmsim::TranslationFault fault;
    trans.set_command(command);
    trans.set_address(address);
    trans.set_data_ptr(reinterpret_cast<unsigned char*>(&data));
    trans.set_data_length(8);
    trans.set_streaming_width(8);
    trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    trans.set_extension(&fault);  // an ignorable extension: the MMU reports a failed translation in it
    sc_time latency = sc_core::SC_ZERO_TIME;
    socket->b_transport(trans, latency);
    trans.clear_extension(&fault);
    wait(latency);
    return {trans.get_response_status(), latency, data, fault};
  }

  void run() {
    // Translation is off (bare): addresses go to the bus as they are, to the tables and the registers.
    access(tlm::TLM_WRITE_COMMAND, tables[0] + 8 * index(page, 2), pointer(tables[1]));
    access(tlm::TLM_WRITE_COMMAND, tables[1] + 8 * index(page, 1), pointer(tables[2]));
    access(tlm::TLM_WRITE_COMMAND, tables[2] + 8 * index(page, 0), leaf(frame));
    access(tlm::TLM_WRITE_COMMAND, frame + 0x18, 0x1234'5678'9abc'def0);
    access(tlm::TLM_WRITE_COMMAND, mmu_registers + vmsim::mmu_regs::root, tables[0]);
    access(tlm::TLM_WRITE_COMMAND, mmu_registers + vmsim::mmu_regs::control, vmsim::mmu_regs::control_translate);

    // The first load misses the TLB: a walk reads one entry per level, each a bus hop and a memory
    // read, then the data goes the same way. The second, on the same page, hits.
    const Result miss = access(tlm::TLM_READ_COMMAND, page + 0x18);
    check(miss.status == tlm::TLM_OK_RESPONSE && miss.data == 0x1234'5678'9abc'def0,
          "a load at the virtual page reads what was stored in its frame");
    check(miss.latency == tlb_lookup + 3 * (hop + memory) + hop + memory,
          "a TLB miss costs the look-up, three entry reads and the access: " + miss.latency.to_string());
    const Result hit = access(tlm::TLM_READ_COMMAND, page + 0x20);
    check(hit.status == tlm::TLM_OK_RESPONSE && hit.latency == tlb_lookup + hop + memory,
          "a TLB hit costs the look-up and the access: " + hit.latency.to_string());

    // A page that no entry maps: the access never reaches the bus, and the fault says why.
    const Result fault = access(tlm::TLM_READ_COMMAND, page + 0x20'0000);
    check(fault.status == tlm::TLM_GENERIC_ERROR_RESPONSE && fault.fault.cause == vmsim::FaultCause::not_present &&
              fault.fault.address == page + 0x20'0000,
          "an unmapped page faults with not_present at its address");
  }
};

}  // namespace

int sc_main(int, char*[]) {
  vmsim::ModelSet models;
  models.add<vmsim::Router>("bus", {{"hop_latency", hop}});
  models.add<vmsim::Dram>(
      "dram",
      {{"base", vmsim::Address{dram_base}}, {"size", "64MiB"}, {"read_latency", memory}, {"write_latency", memory}});
  auto& mmu = models.add<vmsim::Mmu>("mmu", {{"base", vmsim::Address{mmu_registers}},
                                             {"format", "sv39"},
                                             {"frequency", vmsim::Frequency{1'000'000'000}},
                                             {"dtlb.entries", 16u},
                                             {"dtlb.ways", 4u},
                                             {"dtlb.latency", 1u}});
  // The DRAM and the MMU's registers on the bus, the MMU's two ports (translated accesses, walks)
  // to the bus: what their `bus`, `port` and `walker_port` parameters name.
  models.bind();
  Cpu cpu("cpu");
  cpu.socket.bind(mmu.target);

  sc_core::sc_start();
  for (const vmsim::StatEntry& entry : models.statistics())
    if (entry.name == "system.mmu.walker.walks" || entry.name == "system.mmu.dtlb.hits" ||
        entry.name == "system.dram.reads")
      std::printf("%s = %llu\n", entry.name.c_str(),
                  static_cast<unsigned long long>(std::get<std::uint64_t>(entry.value)));
  return failures == 0 ? 0 : 1;
}
