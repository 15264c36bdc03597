// A hart's debug state and the hooks its execution loop calls: breakpoints, watchpoints, single step,
// the exceptions a debugger catches, and the hart's run mode (running, stepping, held), which a
// debugger (the GDB server of models/debug, through the Debugger interface below) sets. The hart owns
// one HartDebug, implements DebugTarget (debug_target.h), and calls:
//
//   at_boundary(pc)    before every instruction it executes, and before it takes an interrupt
//                      there: after its checks of time and budget, once it is committed to execute
//                      at pc (announcing a boundary twice would end a step there). False: the run is
//                      over (the debugger killed it); leave the loop as at the program's end.
//                      It may block (the debugger holds the whole simulation in its socket while it
//                      is stopped) and, while the hart is held, wait() for the debugger: call it from
//                      the hart's SC_THREAD. When it returns true the debugger may have changed
//                      anything: read pc and every register from the hart's state again.
//   watch_hit(a, n, k) first thing in every load, store and AMO (an AMO as both load and store),
//                      with the virtual address, before translation: true means a watchpoint fires
//                      before the access. Abandon the instruction as if it had raised an exception,
//                      but take no trap: no CSR changes, pc stays, nothing retires; the next
//                      at_boundary(pc) reports the stop. (The debugger steps over it with the
//                      watchpoint removed, as GDB does for RISC-V.)
//   trap_taken(...)    after the hart took an exception (not an interrupt), its pc at the handler:
//                      the stop, if the debugger catches that cause, comes at the next boundary.
//   while_asleep(r)    when a hart asleep in wfi wakes, from its thread: it waits on attention()
//                      besides its interrupts; r says whether it leaves its sleep now. False: the
//                      run is over. A step of a sleeping hart ends at once (the wait is the step).
//   exited(code)       when the program on the hart ends the run with an exit code (HTIF, a
//                      finisher), before the run stops.
//
// Cost: without a debugger connected, at_boundary() is one test of a flag that is false, watch_hit()
// another, trap_taken() a test of a zero mask. With one, and breakpoints set, at_boundary() tests a
// 4096-bit filter of (pc / 2) mod 4096 and looks at the list of breakpoints only when the filter's
// bit is set; loads and stores test a filter of 4 KiB pages in the same way while watchpoints exist.
// No map, no allocation, no virtual call on the hot path.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include <systemc>

#include "vmsim/models/core/access_extension.h"
#include "vmsim/models/core/export.h"

namespace vmsim {

class DebugTarget;
class HartDebug;

// What a watchpoint watches for: GDB's Z2, Z3 and Z4.
enum class WatchKind : std::uint8_t { write, read, access };

// Why a hart stopped, as the debugger is told.
struct VMSIM_API DebugStop {
  enum class Kind : std::uint8_t {
    attached,             // waiting for a debugger at reset, or a debugger attached to the running machine
    interrupted,          // the debugger asked the machine to stop (Ctrl-C)
    breakpoint,           // before the instruction at a software breakpoint (Z0)
    hardware_breakpoint,  // before the instruction at a hardware breakpoint (Z1)
    watchpoint,           // before an access to a watched range: the access has not happened
    step,                 // one instruction retired (or one trap taken) since the debugger let the hart step
    exception,            // the hart took an exception the debugger catches; it is at the handler
  };
  Kind kind = Kind::attached;
  WatchKind watch = WatchKind::write;  // watchpoint: the watchpoint's kind
  std::uint64_t address = 0;           // watchpoint: the first watched byte the access touches
  std::uint64_t cause = 0;             // exception: its cause (mcause's exception code)
  std::uint64_t pc = 0;                // exception: the pc of the instruction that raised it
  std::uint64_t value = 0;             // exception: its trap value (mtval, stval)
};

// The debugger, as a hart's HartDebug calls it.
class VMSIM_API Debugger {
 public:
  // `hart` stopped for `stop`, between instructions, in its own thread. Returns once the debugger
  // lets the machine go on (in the mode it set for each hart): true, or false if the run is over.
  virtual bool stopped(HartDebug& hart, const DebugStop& stop) = 0;
  // `hart` is held (at reset, or while the debugger runs other harts only): waits until it is not.
  // False if the run is over.
  virtual bool held(HartDebug& hart) = 0;
  // The program on `hart` ended the run with exit code `code`.
  virtual void exited(HartDebug& hart, int code) = 0;

 protected:
  ~Debugger() = default;
};

// A coarse set of addresses: one bit for each of 4096 classes (the address divided by 2^shift,
// modulo 4096). A clear bit says that no address of its class is in the set.
template <unsigned shift>
class AddressFilter {
 public:
  bool may_hold(std::uint64_t address) const {
    const auto index = (address >> shift) & (classes - 1);
    return ((bits_[index / 64] >> (index % 64)) & 1) != 0;
  }
  void clear() { bits_.fill(0); }
  // Adds every address of [first, last] (last >= first).
  void add(std::uint64_t first, std::uint64_t last) {
    const std::uint64_t from = first >> shift;
    const std::uint64_t to = last >> shift;
    if (to - from >= classes - 1) {
      bits_.fill(~std::uint64_t{0});
      return;
    }
    const std::uint64_t start = from & (classes - 1);
    const std::uint64_t end = to & (classes - 1);
    if (start <= end) {
      set(start, end);
    } else {  // the classes wrap round
      set(start, classes - 1);
      set(0, end);
    }
  }

 private:
  static constexpr std::uint64_t classes = 4096;
  // Sets bits [start, end] a word at a time.
  void set(std::uint64_t start, std::uint64_t end) {
    for (std::uint64_t word = start / 64; word <= end / 64; ++word) {
      const std::uint64_t low = word == start / 64 ? start % 64 : 0;
      const std::uint64_t high = word == end / 64 ? end % 64 : 63;
      bits_[word] |= (~std::uint64_t{0} >> (63 - high)) & (~std::uint64_t{0} << low);
    }
  }
  std::array<std::uint64_t, classes / 64> bits_{};
};

class VMSIM_API HartDebug {
 public:
  enum class Mode : std::uint8_t {
    running,   // runs until something stops it
    stepping,  // stops once it has retired one instruction (or taken one trap)
    held,      // does not run: waits for the debugger at its next boundary
  };
  // (GDB steps RISC-V code with breakpoints of its own, resuming the stepping hart alone: the other
  // harts are held meanwhile. Other clients step a hart with the stepping mode.)
  // The most breakpoints and watchpoints a hart keeps (a client asking for more gets an error).
  static constexpr std::size_t max_points = 4096;

  explicit HartDebug(DebugTarget& target) : target_(target) {}
  HartDebug(const HartDebug&) = delete;
  HartDebug& operator=(const HartDebug&) = delete;

  // The hart's hooks (see the top of this file).
  bool at_boundary(std::uint64_t pc) {
    if (!armed_) return true;
    if (!eventful_ && !breakpoint_filter_.may_hold(pc)) return true;
    return boundary(pc);
  }
  bool watch_hit(std::uint64_t address, unsigned size, AccessKind kind) {
    if (!watching_) return false;
    if (!watch_filter_.may_hold(address) && !watch_filter_.may_hold(address + size - 1)) return false;
    return watched(address, size, kind);
  }
  void trap_taken(std::uint64_t cause, std::uint64_t pc, std::uint64_t value) {
    if (cause < 64 && ((caught_ >> cause) & 1) != 0) caught(cause, pc, value);
  }
  bool while_asleep(bool ready);
  // What the hooks test first, for a hart that keeps them off its hot path: while armed() is false
  // at_boundary() returns true at once, while watching() is false watch_hit() returns false. Both
  // change only in the debugger's hands: inside at_boundary() and while_asleep(), or while the hart
  // is not running.
  bool armed() const { return armed_; }
  bool watching() const { return watching_; }
  const sc_core::sc_event& attention() const { return attention_; }
  void exited(int code);

  // The debugger's side.
  DebugTarget& target() const { return target_; }
  // From now on `debugger` drives the hart, which waits for it at its next boundary (at reset).
  void attach(Debugger& debugger);
  // Forgets every breakpoint, watchpoint and caught exception, and lets the hart run (a debugger
  // detached).
  void release();
  Mode mode() const { return mode_; }
  // Sets the mode the hart resumes in; a hart asleep that is to step is woken through attention().
  void set_mode(Mode mode);
  // False when the hart keeps max_points already (or, for a watchpoint, for an empty range or one
  // past the end of the address space).
  bool insert_breakpoint(std::uint64_t address, bool hardware);
  // False if there is no such breakpoint.
  bool remove_breakpoint(std::uint64_t address, bool hardware);
  bool insert_watchpoint(std::uint64_t address, std::uint64_t length, WatchKind kind);
  bool remove_watchpoint(std::uint64_t address, std::uint64_t length, WatchKind kind);
  // The exception causes (bit n: cause n) that stop the hart once it has taken them.
  void catch_exceptions(std::uint64_t causes) { caught_ = causes; }
  std::uint64_t caught_exceptions() const { return caught_; }

 private:
  struct Breakpoint {
    std::uint64_t address;
    bool hardware;
  };
  struct Watchpoint {
    std::uint64_t address;
    std::uint64_t length;
    WatchKind kind;
  };

  bool boundary(std::uint64_t pc);
  bool watched(std::uint64_t address, unsigned size, AccessKind kind);
  void caught(std::uint64_t cause, std::uint64_t pc, std::uint64_t value);
  std::uint64_t current_pc() const;
  // Recomputes the flags and filters of the hooks from the state.
  void update();

  DebugTarget& target_;
  Debugger* debugger_ = nullptr;
  bool armed_ = false;     // at_boundary() must look further: breakpoints exist, or eventful_
  bool eventful_ = false;  // a stop is pending, or the hart is not simply running
  bool watching_ = false;  // watchpoints exist
  AddressFilter<1> breakpoint_filter_;
  AddressFilter<12> watch_filter_;
  Mode mode_ = Mode::running;
  bool step_started_ = false;  // stepping: the hart has passed the boundary it steps from
  std::optional<DebugStop> pending_;
  std::uint64_t caught_ = 0;
  std::vector<Breakpoint> breakpoints_;
  std::vector<Watchpoint> watchpoints_;
  sc_core::sc_event attention_;
};

}  // namespace vmsim
