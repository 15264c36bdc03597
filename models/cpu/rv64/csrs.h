// The control and status registers of an RV64GC hart with M, S and U modes (privileged specification
// 1.12, with Sstc), their access rules, and the traps that use them: which privilege may read or
// write each CSR (an access that is not allowed, or to a CSR that does not exist, is an illegal
// instruction, as firmware that probes CSRs expects), what each field keeps (WARL), where a trap
// goes (delegation, vectoring) and what it saves, how xRET restores, and which interrupt is taken.
//
// What lives outside (the counters that follow the hart's time and retired instructions, the time
// CSR, the MMU satp drives) is asked of a CsrHost; what a write changed is returned as Effects, for
// the hart to act on (a new satp for its MMU, new privileges for its memory path, interrupts to
// check).
#pragma once

#include <cstdint>
#include <optional>

#include "vmsim/models/core/access_extension.h"
#include "vmsim/models/core/address_translation.h"
#include "vmsim/models/core/export.h"
#include "vmsim/models/cpu/rv64/pmp.h"

namespace vmsim::rv64 {

enum class Exception : std::uint8_t {
  instruction_misaligned = 0,
  instruction_access = 1,
  illegal_instruction = 2,
  breakpoint = 3,
  load_misaligned = 4,
  load_access = 5,
  store_misaligned = 6,  // also AMOs
  store_access = 7,
  user_ecall = 8,
  supervisor_ecall = 9,
  machine_ecall = 11,
  instruction_page = 12,
  load_page = 13,
  store_page = 15,
};
constexpr unsigned exception_causes = 16;
// Interrupt causes, as the bits of mip and mie.
enum class Interrupt : std::uint8_t {
  supervisor_software = 1,
  machine_software = 3,
  supervisor_timer = 5,
  machine_timer = 7,
  supervisor_external = 9,
  machine_external = 11,
};
constexpr unsigned interrupt_causes = 12;
VMSIM_API const char* name(Exception cause);  // "illegal_instruction"
VMSIM_API const char* name(Interrupt cause);  // "machine_timer"; nullptr for a bit that is no interrupt

namespace csr {
// mstatus fields.
constexpr std::uint64_t sie = 1 << 1, mie = 1 << 3, spie = 1 << 5, mpie = 1 << 7, spp = 1 << 8;
constexpr std::uint64_t mpp = 3 << 11, fs = 3 << 13, mprv = 1 << 17, sum = 1 << 18, mxr = 1 << 19;
constexpr std::uint64_t tvm = 1 << 20, tw = 1 << 21, tsr = 1 << 22;
constexpr unsigned mpp_shift = 11, fs_shift = 13;
constexpr std::uint64_t fs_off = 0, fs_initial = 1, fs_clean = 2, fs_dirty = 3;
// menvcfg.STCE: Sstc's stimecmp is enabled.
constexpr std::uint64_t stce = std::uint64_t{1} << 63;
}  // namespace csr

// What the CSRs need of the rest of the hart.
class VMSIM_API CsrHost {
 public:
  // Clock cycles and retired instructions since reset (mcycle and minstret keep their own offsets).
  virtual std::uint64_t cycles() const = 0;
  virtual std::uint64_t retired() const = 0;
  // The time CSR (mtime), or nothing when the hart has no timer: then reading it is illegal.
  virtual std::optional<std::uint64_t> time() const = 0;
  // Whether satp may select `mode` (the hart's MMU walks it).
  virtual bool supports(TranslationMode mode) const = 0;

 protected:
  ~CsrHost() = default;
};

class VMSIM_API Csrs {
 public:
  // What a write or a trap changed, for the hart to act on.
  enum Effect : unsigned {
    no_effect = 0,
    translation = 1,      // satp: the MMU's mode, ASID or root
    data_privilege = 2,   // MPRV, MPP, SUM or MXR: what loads and stores carry
    interrupts = 4,       // mip, mie, mideleg, the global enables or the privilege: check again
    timer_compare = 8,    // stimecmp or menvcfg.STCE: when the supervisor timer falls due
    protection = 16,      // the PMP
    counters = 32,        // mcounteren/scounteren (nothing to do but note it)
    floating_point = 64,  // mstatus.FS
  };

  // `pmp` is the memory path's, whose registers these CSRs are.
  Csrs(CsrHost& host, std::uint64_t hart_id, Pmp& pmp);

  // A csrr* instruction's access at `privilege`: false if it is illegal. read() has no side
  // effects, so a debugger may use it (with Privilege::machine) to read any CSR.
  bool read(unsigned number, Privilege privilege, std::uint64_t& value) const;
  bool write(unsigned number, Privilege privilege, std::uint64_t value, unsigned& effects);
  // Whether csrr* may write `number` at `privilege` (it exists, is not read-only, and is allowed):
  // checked before the read, so that an illegal write has no effect at all.
  bool writable(unsigned number, Privilege privilege) const;

  // Takes a trap at `privilege` (the mode the hart is in) with the pc of the instruction it stops
  // at; returns the new pc and sets `privilege` to the mode that handles it.
  std::uint64_t trap(std::uint64_t pc, Privilege& privilege, unsigned cause, bool interrupt, std::uint64_t value,
                     unsigned& effects);
  // mret and sret: the pc to return to, and the mode in `privilege`.
  std::uint64_t mret(Privilege& privilege, unsigned& effects);
  std::uint64_t sret(Privilege& privilege, unsigned& effects);
  // The interrupt the hart takes now at `privilege`, if any (the highest-priority one that is
  // pending, enabled and not masked), as its cause number.
  std::optional<unsigned> pending_interrupt(Privilege privilege) const;
  // Whether any interrupt is pending and enabled in mie, whatever the global enables: what ends wfi.
  bool wakes() const { return (effective_mip() & mie_) != 0; }

  // The hart's interrupt inputs, as mip bits (MSIP, MTIP, MEIP, SEIP; STIP without Sstc).
  void set_interrupt_line(unsigned bit, bool level);
  // Sstc: whether the time has reached stimecmp (the hart follows the time).
  void set_supervisor_timer(bool due) { supervisor_timer_due_ = due; }

  std::uint64_t hart_id() const { return hart_id_; }
  std::uint64_t mstatus() const { return mstatus_; }
  std::uint64_t satp() const { return satp_; }
  std::uint64_t menvcfg() const { return menvcfg_; }
  std::uint64_t stimecmp() const { return stimecmp_; }
  bool sstc_enabled() const { return (menvcfg_ & csr::stce) != 0; }
  unsigned float_status() const { return static_cast<unsigned>((mstatus_ & csr::fs) >> csr::fs_shift); }
  // Marks the floating-point state dirty (an instruction wrote an f register or fflags).
  void dirty_float_state() { mstatus_ |= csr::fs; }
  std::uint8_t rounding_mode() const { return frm_; }
  void accrue_flags(std::uint8_t flags) { fflags_ |= flags; }

  // For a debugger and tests: any CSR's value as the machine sees it, without the rules of privilege
  // (read() at machine privilege), the floating-point CSRs even while mstatus.FS is off.
  bool read_debug(unsigned number, std::uint64_t& value) const;
  // What csrrs and csrrc set and clear bits of, given what they read (`value`): mip's SEIP read is
  // the software bit or the PLIC's line, but only the software bit is theirs to keep.
  std::uint64_t modify_base(unsigned number, std::uint64_t value) const;

 private:
  std::uint64_t effective_mip() const;
  std::uint64_t sstatus() const;
  // Whether the counter CSR `number` (cycle, time, instret, hpmcounterN) is readable at `privilege`.
  bool counter_enabled(unsigned number, Privilege privilege) const;
  // The shared part of read() for the number's own rules; false if the CSR does not exist.
  bool read_value(unsigned number, Privilege privilege, std::uint64_t& value) const;

  CsrHost& host_;
  std::uint64_t hart_id_;
  std::uint64_t mstatus_;
  std::uint64_t medeleg_ = 0;
  std::uint64_t mideleg_ = 0;
  std::uint64_t mie_ = 0;
  std::uint64_t mip_ = 0;    // the bits software writes (SSIP, STIP, SEIP)
  std::uint64_t lines_ = 0;  // the bits the interrupt inputs drive
  bool supervisor_timer_due_ = false;
  std::uint64_t mtvec_ = 0, stvec_ = 0;
  std::uint64_t mepc_ = 0, sepc_ = 0;
  std::uint64_t mcause_ = 0, scause_ = 0;
  std::uint64_t mtval_ = 0, stval_ = 0;
  std::uint64_t mscratch_ = 0, sscratch_ = 0;
  std::uint64_t mcounteren_ = 0, scounteren_ = 0;
  std::uint64_t menvcfg_ = 0, senvcfg_ = 0;
  std::uint64_t satp_ = 0;
  std::uint64_t stimecmp_ = ~std::uint64_t{0};
  std::uint64_t cycle_offset_ = 0;    // mcycle = cycles() + offset
  std::uint64_t retired_offset_ = 0;  // minstret = retired() + offset
  std::uint8_t fflags_ = 0;
  std::uint8_t frm_ = 0;
  Pmp& pmp_;
};

}  // namespace vmsim::rv64
