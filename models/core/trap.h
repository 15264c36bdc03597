// Traps: the door through which a hart hands control to the code that manages it (the kernel), as a
// processor takes exceptions and interrupts. A hart runs one *context* at a time (a program with its
// own state: a traffic generator's workload process today, an instruction-set simulator's saved
// registers later); it raises a trap on its own thread and timeline, and the handler's answer says
// what the hart does next. The hart knows nothing of processes, schedulers or the kernel's classes;
// the handler knows nothing of how a hart executes.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include <systemc>

#include "vmsim/models/core/access_extension.h"
#include "vmsim/models/core/export.h"
#include "vmsim/models/core/hart_irq.h"
#include "vmsim/models/core/translation_fault.h"

namespace vmsim {

enum class TrapCause : std::uint8_t {
  reset,        // the hart has started and runs no context: what should it run?
  page_fault,   // an access failed translation
  system_call,  // the running context asks for a service
  interrupt,    // interrupt inputs of the hart are high (Trap::pending says which)
};

// System calls and their arguments (args[i], text).
enum class SystemCall : std::uint8_t {
  spawn,        // at reset: the hart offers context args[0], named text; returns a process id
  mmap,         // length args[0], protection args[1]; text: a shared-memory object or empty; returns the address
  mmap_device,  // the register page of device text, protection args[1]; returns the address
  mmap_all,     // the whole user half as demand-paged memory (a traced program's addresses)
  munmap,       // the region starting at args[0]
  mprotect,     // the region starting at args[0] gets protection args[1]
  wait_pin,     // sleep until pin args[0] of GPIO device text is at level args[1]
  exit,         // the context has finished
};

// Protection bits of mmap and mprotect.
enum Protection : std::uint8_t { prot_read = 1, prot_write = 2, prot_exec = 4 };

struct VMSIM_API Trap {
  TrapCause cause = TrapCause::reset;
  // page_fault: what the MMU reported, and the whole access that faulted (it may span two pages,
  // and it runs again from its start once the handler returns `retry`).
  FaultCause fault = FaultCause::none;
  std::uint64_t fault_address = 0;
  AccessKind kind = AccessKind::load;
  std::uint64_t access_address = 0;
  std::uint64_t access_length = 0;
  // system_call
  SystemCall call = SystemCall::exit;
  std::array<std::uint64_t, 2> args{};
  std::string_view text;
  // interrupt: the inputs the hart takes that are high, as bits of mip (hart_irq::bit).
  std::uint64_t pending = 0;
};

// What the hart does once the handler returns.
struct VMSIM_API TrapReturn {
  enum class Action : std::uint8_t {
    retry,   // run the faulting access again
    resume,  // go on with the running context (after the system call, or after the interrupt)
    run,     // switch to context `context`; the running one (if any) continues later where it stopped
    idle,    // run nothing until the interrupt input is high, then trap with `interrupt`
    halt,    // nothing of this hart's will ever run again; it still takes interrupts, as in idle
  };
  Action action = Action::resume;
  unsigned context = 0;
  std::uint64_t value = 0;  // a system call's result
  bool ok = true;           // false: the system call failed
  bool ended = false;       // the context that trapped is over (it exited, or the handler killed it)
};

// What a hart tells its handler of itself as it attaches: what a device tree would say of it.
struct VMSIM_API HartDescription {
  std::string_view name;
  std::uint64_t mmu_registers = 0;  // the control registers of the MMU its accesses go through
  std::string_view mmu_format;      // the page-table format that MMU walks
  // The CLINT its timer and software interrupts come from (its register base, 0 for none), and the
  // rate of that CLINT's MTIME (a device tree's timebase-frequency).
  std::uint64_t timer = 0;
  std::uint64_t timebase_frequency = 0;
  // The PLIC whose machine context of this hart its external interrupts come from (0 for none).
  std::uint64_t interrupt_controller = 0;
};

class VMSIM_API TrapHandler {
 public:
  virtual ~TrapHandler() = default;
  // While the platform resolves names: a hart announces itself; returns its hart number (its MSIP
  // and MTIMECMP at the CLINT, its contexts at the PLIC). Throws ConfigError if the handler cannot
  // serve it.
  virtual unsigned attach_hart(const HartDescription& hart) = 0;
  // Takes `trap` on hart `hart`'s thread; `delay` is the hart's local time offset, which the
  // handler's work advances. The handler never waits for a device: what takes long (a page coming
  // from disk, a pin) blocks the context, and the hart runs another or idles.
  virtual TrapReturn trap(unsigned hart, const Trap& trap, sc_core::sc_time& delay) = 0;
  // The access that trapped with a page fault on `hart` and was answered `retry` has now completed
  // (after any further faults of its own, each answered `retry`). No processor tells its kernel
  // this; a handler that keeps the access's pages resident while it retries learns here when to let
  // them go. Costs no simulated time, changes nothing in the hardware.
  virtual void retry_completed(unsigned hart) = 0;
};

// A probe on every access a hart completes, for policies that need more than the accessed bits a
// real machine offers (exact LRU): costs no simulated time, changes nothing in the hardware.
class VMSIM_API AccessProbe {
 public:
  virtual ~AccessProbe() = default;
  virtual bool wants_accesses() const = 0;
  virtual void accessed(unsigned hart, std::uint64_t address, std::uint64_t length) = 0;
};

}  // namespace vmsim
