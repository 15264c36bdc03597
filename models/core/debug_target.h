// What a hart offers a debugger (the GDB server of models/debug): its identity, its registers and its
// memory as it sees them, and the HartDebug that holds its breakpoints, watchpoints and run mode.
// The server drives it; the hart implements it.
//
// When the server calls: only while the hart is between two instructions, never inside one. That is
// from the hart's own SystemC thread (inside HartDebug::at_boundary(), when it reported a stop), from
// another hart's thread (when that one stopped and the debugger looks at every hart, as all-stop
// debugging does), or from sc_main between two sc_start() slices. So no call may wait(), advance the
// hart's time, or count anything in a statistic; each returns at once.
//
// Registers are numbered as GDB numbers RISC-V's (and as the server's target description does):
//   0..31 x0..x31, 32 pc, 33..64 f0..f31 (with F or D), 65 + n the CSR numbered n (fflags 66, frm 67,
//   fcsr 68, mstatus 65 + 0x300), 4161 the privilege mode (0 user, 1 supervisor, 3 machine).
// A register the hart lacks reads and writes as false: the server asks every number at connection,
// and describes to GDB those that read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "vmsim/models/core/export.h"
#include "vmsim/models/core/hart_debug.h"

namespace vmsim {

namespace debug_register {
constexpr unsigned x0 = 0;
constexpr unsigned pc = 32;
constexpr unsigned f0 = 33;
constexpr unsigned csr0 = 65;
constexpr unsigned csr_count = 4096;
constexpr unsigned privilege = csr0 + csr_count;  // 4161, GDB's "priv"
}  // namespace debug_register

class VMSIM_API DebugTarget {
 public:
  // The hart's id (mhartid), unique in the platform; GDB's thread of the hart is hart_id() + 1.
  virtual std::uint64_t hart_id() const = 0;
  // The component's name, which `info threads` shows beside the hart id.
  virtual std::string debug_name() const = 0;
  // The width of the f registers: 0 without F, 32 with F, 64 with D.
  virtual unsigned float_register_bits() const = 0;

  // Register `number` (numbered as above) now; false if the hart has none of that number. Reads have
  // no side effects at all (a CSR whose read would change state reads its value without the change);
  // reading x0 gives 0. A write takes effect as if the hart's own code had made it at this boundary
  // (satp reaches the MMU, mstatus.MPRV the privilege of data accesses), except that nothing traps:
  // a value the register cannot hold is stored as the hart would store it (WARL), and false means
  // the register does not exist or is read-only. Writing pc moves the next instruction there.
  virtual bool read_register(unsigned number, std::uint64_t& value) = 0;
  virtual bool write_register(unsigned number, std::uint64_t value) = 0;

  // `length` bytes at virtual address `address` as a load (or store) of the hart would reach them now:
  // translated by its MMU with its current satp, privilege (MPRV included), SUM and MXR, through debug
  // transport: no simulated time, no statistic, no TLB fill, no A/D bit update, no reservation lost.
  // A write reaches what the hart would fetch too (its decoded instructions there are forgotten).
  // Returns the bytes moved, from the start: fewer than `length` where translation fails or no memory
  // answers.
  virtual std::size_t read_memory(std::uint64_t address, std::uint8_t* data, std::size_t length) = 0;
  virtual std::size_t write_memory(std::uint64_t address, const std::uint8_t* data, std::size_t length) = 0;

  // The hart's debug state, which its execution loop consults (hart_debug.h says where).
  virtual HartDebug& debug() = 0;

 protected:
  ~DebugTarget() = default;
};

}  // namespace vmsim
