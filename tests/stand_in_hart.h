// A stand-in for an instruction-set simulator's hart, for the tests of the GDB server: a component
// implementing DebugTarget with registers, a memory of its own and a made-up program, whose
// execution loop calls HartDebug's hooks where a real hart does (hart_debug.h).
//
// The program: the word at entry + 4k is instruction k, and memory holds the encoding of what the
// stand-in does there, so that GDB's disassembly (and its software single step) agrees with it:
//   k % 8 == 3: ld a1, 8 * ((k / 8) % 16)(s0)     a load
//   k % 8 == 7: sd a0, 8 * ((k / 8) % 16)(s0)     a store
//   otherwise:  addi a0, a0, 1
// pc advances by 4, except at the `fault_after`-th instruction (counted from 1, once), which raises
// a load page fault (cause 13, trap value 0xdead000) and traps to mtvec (entry + 0x400; mepc, mcause,
// mtval set) instead. After the `sleep_after`-th instruction the hart sleeps for `sleep_for`, as in
// wfi. Once `instructions` instructions have retired, the hart is done, and if it `exits` (as one
// hart of a machine does) the program's exit, with `exit_code`, is the debugger's to hear. Each
// instruction takes one cycle. At reset s0 holds `data`, a0 0, pc `entry`, the privilege is machine.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include <systemc>

#include "vmsim/models/core/component.h"
#include "vmsim/models/core/debug_target.h"
#include "vmsim/models/core/quantum_keeper.h"
#include "vmsim/models/core/units.h"

namespace vmsim::test {

class StandInHart final : public Component, public DebugTarget {
 public:
  SC_HAS_PROCESS(StandInHart);
  static ParamSchema parameters();
  StandInHart(const sc_core::sc_module_name& name, ComponentContext& context);

  // DebugTarget
  std::uint64_t hart_id() const override { return hart_id_; }
  std::string debug_name() const override { return basename(); }
  unsigned float_register_bits() const override { return 64; }
  bool read_register(unsigned number, std::uint64_t& value) override;
  bool write_register(unsigned number, std::uint64_t value) override;
  std::size_t read_memory(std::uint64_t address, std::uint8_t* data, std::size_t length) override;
  std::size_t write_memory(std::uint64_t address, const std::uint8_t* data, std::size_t length) override;
  HartDebug& debug() override { return debug_; }

  // The instruction word the program has at `address`.
  static std::uint32_t encoding(std::uint64_t entry, std::uint64_t address);

 private:
  void execute();
  // Executes (or traps at) the instruction at pc; false if a watchpoint abandoned it.
  bool step();
  // Sleeps for sleep_for_, as wfi would; false if the run is over.
  bool sleep();
  std::uint8_t* at(std::uint64_t address, std::size_t length);

  std::uint64_t hart_id_;
  std::uint64_t entry_;
  std::uint64_t base_;
  std::uint64_t data_;
  std::uint64_t instructions_;
  bool exits_;
  std::uint64_t exit_code_;
  std::uint64_t fault_after_;
  std::uint64_t sleep_after_;
  sc_core::sc_time sleep_for_;
  sc_core::sc_time period_;
  std::vector<std::uint8_t> memory_;

  std::array<std::uint64_t, 32> x_{};
  std::array<std::uint64_t, 32> f_{};
  std::uint64_t pc_ = 0;
  std::uint64_t fcsr_ = 0;
  std::uint64_t mstatus_ = 0;
  std::uint64_t mtvec_ = 0;
  std::uint64_t mscratch_ = 0;
  std::uint64_t mepc_ = 0;
  std::uint64_t mcause_ = 0;
  std::uint64_t mtval_ = 0;
  std::uint64_t privilege_ = 3;
  std::uint64_t retired_ = 0;
  bool faulted_ = false;

  QuantumKeeper quantum_{run()};  // the platform's quantum
  HartDebug debug_{*this};
  Counter instructions_retired_{stats(), "instructions", "Instructions the program retired"};
  Counter loads_{stats(), "loads", "Loads the program made"};
  Counter stores_{stats(), "stores", "Stores the program made"};
  Counter exceptions_{stats(), "exceptions", "Exceptions the hart took"};
};

}  // namespace vmsim::test
