// An RV64GC hart (component type `rv64`): an instruction-set simulator whose every fetch, load,
// store and page-table walk goes through vmsim's MMU, TLBs, walker, bus and DRAM. It runs machine
// code from memory (put there by a `loader`), with M, S and U modes, Sv39/Sv48/Sv57 through the MMU
// its port names (driven by satp and sfence.vma as a core drives its own MMU), PMP, and the
// interrupts of its inputs. It takes its traps itself, in guest code.
//
// Timing: each instruction costs its class's cycles (the `cpi` scope) plus the latencies its
// translations and memory accesses annotate; the hart keeps within the global quantum of the
// others, and wfi sleeps until an interrupt is pending.
#pragma once

#include <memory>
#include <string>

#include <tlm_utils/simple_initiator_socket.h>

#include "models/core/component.h"
#include "models/core/interrupt.h"
#include "models/core/units.h"
#include "models/cpu/rv64/core.h"
#include "models/cpu/rv64/hart_memory.h"

namespace vmsim::rv64 {

class Loader;

class Rv64Hart final : public Component, public InterruptSink {
 public:
  tlm_utils::simple_initiator_socket<Rv64Hart> initiator{"initiator"};

  SC_HAS_PROCESS(Rv64Hart);
  static ParamSchema parameters();
  Rv64Hart(const sc_core::sc_module_name& name, ComponentContext& context);

  void resolve(const Lookup& find) override;
  // Interrupt inputs are numbered as the bits of mip: 1 SSIP, 3 MSIP, 5 STIP, 7 MTIP, 9 SEIP, 11 MEIP.
  void set_interrupt(unsigned input, bool level) override;

  Core& core() { return *core_; }
  HartMemory& memory() { return *memory_; }

 private:
  void run_program();
  // Sleeps until an interrupt is pending and enabled (or the supervisor timer falls due).
  void sleep();

  Frequency frequency_;
  std::uint64_t reset_address_ = 0;
  std::string loader_name_;
  std::string loader_where_;
  Loader* loader_ = nullptr;
  std::unique_ptr<HartMemory> memory_;
  std::unique_ptr<Core> core_;
  sc_core::sc_event interrupt_changed_;
  bool sleeping_ = false;

  Formula cycles_;
  Formula cpi_;
};

}  // namespace vmsim::rv64
