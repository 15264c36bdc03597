// The RV64GC execution core: the architectural state (x and f registers, pc, privilege mode, the
// CSRs), the executor that runs instructions one after the other through the hart's memory path,
// and the timing of each (its class's cycles, plus the latencies its translations and memory
// accesses annotate). Plain C++ without SystemC processes: the hart component runs it a quantum at a
// time, and tests run it on a memory of their own.
//
// A debugger reaches it through the hart's HartDebug (set_debug()), whose hooks the run loop calls
// off its hot path: a boundary is announced only while the debug state is armed (the loop then
// takes its slow path before every instruction), watchpoints are checked by the memory path only
// while there are some. Tests stop it before any instruction with run()'s instruction budget,
// single-step with a budget of one, read and write registers and CSRs, and read memory as the hart
// sees it through HartMemory's debug accesses.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <systemc>

#include "vmsim/models/core/export.h"
#include "vmsim/models/core/stats.h"
#include "vmsim/models/core/time_source.h"
#include "vmsim/models/core/timeline.h"
#include "vmsim/models/cpu/rv64/csrs.h"
#include "vmsim/models/cpu/rv64/hart_memory.h"
#include "vmsim/models/cpu/rv64/instruction.h"
#include "vmsim/models/cpu/rv64/profile.h"

namespace vmsim::rv64 {

class VMSIM_API Core final : public CsrHost {
 public:
  struct Config {
    std::uint64_t hart_id = 0;
    sc_core::sc_time period = sc_core::sc_time(500, sc_core::SC_PS);        // of the hart's clock
    std::array<unsigned, timing_classes> cycles{1, 2, 3, 20, 2, 1, 4, 20};  // per TimingClass
  };
  // Why run() returned.
  enum class Stop : std::uint8_t {
    time,          // the local time reached the limit
    instructions,  // the instruction budget is spent
    wfi,           // wfi with nothing pending: sleep until wakes()
    ended,         // the run is over (the program ended it through the HTIF, or the debugger killed it)
    lost,          // a trap vectored to an address with no memory behind it: lost_reason() says more
  };

  Core(const Config& config, HartMemory& memory, StatGroup& stats);

  // Reset: M mode, the pc at `entry`, every register zero (a0 and a1 as the boot convention gives).
  void reset(std::uint64_t entry, std::uint64_t a0 = 0, std::uint64_t a1 = 0);
  // The machine's time base, which the time CSR reads and Sstc's stimecmp compares with (none: the
  // time CSR is illegal, as without a timer there is no time to read).
  void set_time_source(const TimeSource* time) { time_ = time; }
  // A counter of every interrupt taken, besides those by cause (the hart's `interrupts`).
  void count_interrupts(Counter& total) { interrupts_total_ = &total; }
  // The instruction trace the core writes (none: no trace); while it has one, every instruction
  // takes the run loop's slow path, which writes the line of the instruction before.
  void set_trace(InstructionTrace* trace) {
    trace_ = trace;
    memory_.set_noting(trace != nullptr);
  }
  // The profile the core counts into (none: no profile); while it has one, every instruction takes
  // the run loop's slow path, which counts the instruction before.
  void set_profile(Profile* profile) { profile_ = profile; }
  // The track of the hart's traps and interrupts on the run's timeline.
  void set_timeline(const TimelineTrack& traps) { traps_ = traps; }
  // The debug state whose hooks the core calls (hart_debug.h); none: no debugger can drive it.
  void set_debug(HartDebug* debug) {
    debug_ = debug;
    memory_.set_debug(debug);
  }

  // Runs until the local time reaches `until` (time, measured from the current simulated time, as
  // local_time() is), `budget` instructions retire or trap, or something stops it.
  Stop run(const sc_core::sc_time& until, std::uint64_t budget = ~std::uint64_t{0});
  // How far the hart runs ahead of simulated time; the hart component synchronises and resets it.
  sc_core::sc_time& local_time() { return local_; }
  // Whether wfi may end: an interrupt is pending and enabled (globally masked or not).
  bool wakes() const { return csrs_.wakes(); }
  // An interrupt input changed (a mip bit: 1 SSIP, 3 MSIP, 5 STIP, 7 MTIP, 9 SEIP, 11 MEIP).
  void set_interrupt(unsigned bit, bool level);
  // When the supervisor timer (Sstc) next falls due, as a simulated time; nothing if it cannot.
  std::optional<sc_core::sc_time> supervisor_timer_due() const { return timer_due_; }
  // Raises the supervisor timer's interrupt if the time has reached stimecmp (while asleep).
  void check_timer() {
    if (timer_due_ && sc_core::sc_time_stamp() + local_ >= *timer_due_) update_timer_due();
  }
  // Why run() stopped with Stop::lost.
  std::string lost_reason() const;

  // The architectural state, for a debugger and for tests.
  std::uint64_t pc() const { return pc_; }
  void set_pc(std::uint64_t pc) { pc_ = pc; }
  std::uint64_t x(unsigned index) const { return index == 0 ? 0 : x_[index]; }
  void set_x(unsigned index, std::uint64_t value) {
    if (index != 0) x_[index] = value;
  }
  std::uint64_t f(unsigned index) const { return f_[index]; }
  void set_f(unsigned index, std::uint64_t value) { f_[index] = value; }
  Privilege privilege() const { return privilege_; }
  // Changes the privilege mode as a trap or an xRET does (what fetches, loads and stores carry).
  void set_privilege(Privilege privilege);
  Csrs& csrs() { return csrs_; }
  // For a debugger: CSR `number` as machine mode reads it (false: none), and writes it as machine-
  // mode code would, with its effects (satp reaches the MMU, mstatus the privilege of loads and
  // stores), except that nothing traps; false if there is no such CSR or it is read-only.
  bool read_csr(unsigned number, std::uint64_t& value) const { return csrs_.read_debug(number, value); }
  bool write_csr(unsigned number, std::uint64_t value);
  std::uint64_t retired_instructions() const { return retired_; }
  const Counter& instructions() const { return instructions_; }
  // Time spent executing (not asleep in wfi), for the cycles statistic.
  const sc_core::sc_time& busy_time() const { return busy_; }

  // CsrHost
  std::uint64_t cycles() const override;
  std::uint64_t retired() const override { return retired_; }
  std::optional<std::uint64_t> time() const override;
  bool supports(TranslationMode mode) const override { return memory_.supports(mode); }

 private:
  bool execute_common(const Instruction& instruction);
  void execute(const Instruction& instruction);
  // The helpers of execute() return false when the instruction trapped (or, for an xRET, set the
  // pc and the count themselves): execute() then leaves them as they are.
  // F and D (core_float.cpp): the instructions of one precision, F the bits of its values.
  bool execute_float(const Instruction& instruction);
  template <typename F>
  bool execute_precision(const Instruction& instruction, Op single);
  // The rounding mode an instruction uses (its own, or fcsr's for dynamic); false if reserved.
  bool rounding(const Instruction& instruction, std::uint8_t& mode) const;
  // Accrues an operation's flags, and marks the F/D state dirty when it changed.
  bool finish_float(std::uint8_t flags, bool wrote_register);
  // Raises exception `cause` for the instruction at pc_ (which is not retired).
  void raise(Exception cause, std::uint64_t value);
  // A watchpoint's stop abandons the instruction without a trap: the debugger reports it before
  // the instruction, at the next boundary.
  void raise(const MemoryFault& fault) {
    if (fault.watched)
      attention_ = true;
    else
      raise(fault.cause, fault.value);
  }
  void illegal(const Instruction& instruction) { raise(Exception::illegal_instruction, instruction.raw); }
  // Takes the pending interrupt, if one is enabled; true if it did.
  bool take_interrupt();
  // The instruction trace: at the boundary at pc_, notes the instruction to trace (trace_next), and at
  // the next, writes its line if it retired (trace_retired).
  void trace_next();
  void trace_retired();
  // The profile: at each boundary, counts what the instruction before cost (profile_next), and at
  // the end of a run, the last one (profile_last).
  void profile_next();
  void profile_last();
  // A trap taken from `from` at trap_from_, for the trace and the timeline.
  void trap_taken(Privilege from, bool interrupt, const char* cause, std::uint64_t value);
  // The debugger's turn at the boundary at pc_ (the debug state is armed); false if it ended the run.
  bool debug_boundary();
  // Acts on what a CSR write or a trap changed.
  void apply(unsigned effects);
  void update_timer_due();
  bool csr_instruction(const Instruction& instruction);
  bool return_from_trap(const Instruction& instruction);
  template <typename Combine>
  bool atomic(const Instruction& instruction, unsigned size, Combine combine);
  // Where a run stops for `until`: there, or earlier where the supervisor timer falls due.
  sc_core::sc_time limit_of(const sc_core::sc_time& until) const;
  // Adds the instructions retired since the last call to the statistics (of the mode running):
  // per-instruction counting costs a counter or three, so it happens when the mode changes and
  // when run() returns, the only times the statistics may be read.
  void account();

  HartMemory& memory_;
  Csrs csrs_;
  const TimeSource* time_ = nullptr;
  Counter* interrupts_total_ = nullptr;
  HartDebug* debug_ = nullptr;
  InstructionTrace* trace_ = nullptr;
  struct Traced {
    bool valid = false;
    std::uint64_t pc = 0;
    Privilege privilege = Privilege::machine;
    sc_core::sc_time at;
    std::uint64_t retired = 0;  // retired_ before it
    Instruction instruction;
  };
  Traced traced_;
  Profile* profile_ = nullptr;
  struct Profiled {
    bool valid = false;
    std::uint64_t pc = 0;
    sc_core::sc_time at;
    std::uint64_t retired = 0;
    AddressTranslation::Counts mmu;
  };
  Profiled profiled_;
  TimelineTrack traps_;
  std::array<std::uint64_t, 33> x_{};  // x0..x31 and the discard register that x0 as destination names
  std::array<std::uint64_t, 32> f_{};
  std::uint64_t pc_ = 0;
  Privilege privilege_ = Privilege::machine;
  std::uint64_t retired_ = 0;
  std::uint64_t accounted_ = 0;  // of retired_, in the statistics
  sc_core::sc_time local_;
  sc_core::sc_time busy_;
  std::array<sc_core::sc_time, timing_classes> cost_;
  sc_core::sc_time period_;
  std::optional<sc_core::sc_time> timer_due_;  // Sstc: when the time reaches stimecmp
  bool attention_ = false;                     // check interrupts (and the timer) before the next instruction
  bool wfi_ = false;                           // the last instruction was a wfi with nothing to wake it
  // The last trap: where it came from, why, where it went, and the instructions retired by then, so
  // that a handler that cannot even be fetched stops the hart instead of trapping forever.
  std::uint64_t trap_from_ = 0;
  Exception trap_cause_ = Exception::instruction_access;
  std::uint64_t trap_to_ = 0;
  std::uint64_t retired_at_trap_ = ~std::uint64_t{0};

  Counter instructions_;
  std::array<std::unique_ptr<Counter>, 3> by_privilege_;  // user, supervisor, machine
  StatGroup exception_stats_;
  StatGroup interrupt_stats_;
  std::array<std::unique_ptr<Counter>, exception_causes> exceptions_;
  std::array<std::unique_ptr<Counter>, interrupt_causes> interrupts_;
  Counter load_reserved_;
  Counter store_conditional_ok_;
  Counter store_conditional_failed_;
};

}  // namespace vmsim::rv64
