// An RV64GC hart (component type `rv64`): an instruction-set simulator whose every fetch, load,
// store and page-table walk goes through vmsim's MMU, TLBs, walker, bus and DRAM. It runs machine
// code from memory (put there by a `loader`), with M, S and U modes, Sv39/Sv48/Sv57 through the MMU
// its port names (driven by satp and sfence.vma as a core drives its own MMU), PMP, and the
// interrupts of its inputs. It takes its traps itself, in guest code.
//
// Timing: each instruction costs its class's cycles (the `cpi` scope) plus the latencies its
// translations and memory accesses annotate; the hart keeps within the platform's quantum of the
// others, and wfi sleeps until an interrupt is pending.
//
// A debugger (platform.gdb) drives it as a DebugTarget: registers from the core's state, CSRs with
// their effects, memory through the hart's MMU by debug transport, and the core's run loop calling
// the hooks of its HartDebug.
#pragma once

#include <memory>
#include <string>

#include "vmsim/models/core/debug_target.h"
#include "vmsim/models/core/device_tree.h"
#include "vmsim/models/core/export.h"
#include "vmsim/models/cpu/hart.h"
#include "vmsim/models/cpu/rv64/core.h"
#include "vmsim/models/cpu/rv64/hart_memory.h"

namespace vmsim::rv64 {

class Loader;

class VMSIM_API Rv64Hart final : public Hart, public DebugTarget, public DeviceTreeDevice {
 public:
  SC_HAS_PROCESS(Rv64Hart);
  static ParamSchema parameters();
  Rv64Hart(const sc_core::sc_module_name& name, ComponentContext& context);

  void resolve(const Lookup& find) override;
  // Interrupt inputs are the bits of mip (hart_irq): 1 SSIP, 3 MSIP, 5 STIP, 7 MTIP, 9 SEIP, 11 MEIP.
  void set_interrupt(unsigned input, bool level) override;
  // Its /cpus node: the ISA it implements and the page-table modes of its MMU.
  void describe(DeviceTree& tree, const Lookup& find) const override;

  Core& core() { return *core_; }
  HartMemory& memory() { return *memory_; }

  // DebugTarget
  std::uint64_t hart_id() const override { return core_->csrs().hart_id(); }
  std::string debug_name() const override { return basename(); }
  unsigned float_register_bits() const override { return 64; }
  bool read_register(unsigned number, std::uint64_t& value) override;
  bool write_register(unsigned number, std::uint64_t value) override;
  std::size_t read_memory(std::uint64_t address, std::uint8_t* data, std::size_t length) override;
  std::size_t write_memory(std::uint64_t address, const std::uint8_t* data, std::size_t length) override;
  HartDebug& debug() override { return debug_; }

 private:
  void run_program();
  std::uint64_t busy_cycles() const;
  // Sleeps until an interrupt is pending and enabled (or the supervisor timer falls due); false if
  // the debugger ended the run meanwhile.
  bool sleep();
  // The program's exit, for a debugger: the HTIF's exit code, if the program ended the run so.
  void report_exit();

  std::uint64_t reset_address_ = 0;
  std::string loader_name_;
  std::string loader_where_;
  Loader* loader_ = nullptr;
  std::unique_ptr<HartMemory> memory_;
  std::unique_ptr<InstructionTrace> trace_;
  std::unique_ptr<Profile> profile_;
  std::unique_ptr<Core> core_;
  bool sleeping_ = false;
  std::string mmu_type_;  // the device tree's mmu-type: the widest mode of its MMU; none without one
  HartDebug debug_{*this};

  Formula cycles_;
  Formula cpi_;
};

}  // namespace vmsim::rv64
