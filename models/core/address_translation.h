// An MMU as the core that owns it drives it, without going through bus registers: the core's own
// control state (RISC-V satp and sfence.vma) reaches the MMU by direct call, and the core translates
// each access by direct call too, getting the physical address back instead of a forwarded
// transaction. The MMU implements it; a core finds it on the component its port names, so that
// models/cpu needs no MMU class to control one.
#pragma once

#include <cstdint>
#include <optional>

#include <systemc>

#include "vmsim/models/core/access_extension.h"
#include "vmsim/models/core/export.h"
#include "vmsim/models/core/translation_fault.h"

namespace vmsim {

// The translation modes of a RISC-V satp register (its MODE field's meaning).
enum class TranslationMode : std::uint8_t { bare, sv39, sv48, sv57 };

// Asked before each physical access the MMU makes for its core on its own (the walker's page-table
// reads and accessed/dirty writes): the core's physical-memory protection. A refusal fails the walk
// (FaultCause::walk_error), as a bus error does.
class VMSIM_API PhysicalAccessCheck {
 public:
  virtual bool allows(std::uint64_t address, unsigned length, AccessKind kind, Privilege privilege) = 0;

 protected:
  ~PhysicalAccessCheck() = default;
};

// Where an access went: one physical range, or two when it spans two pages whose frames are not
// adjacent (the MMU's b_transport sends those as two bus transactions).
struct VMSIM_API PhysicalAccess {
  FaultCause fault = FaultCause::none;
  std::uint64_t fault_address = 0;  // the virtual address that faulted: the access's, or its second page's
  std::uint64_t address = 0;        // the first part
  std::uint64_t second_address = 0;
  unsigned first_length = 0;  // the whole length when there is one part
  bool split = false;
};

class VMSIM_API AddressTranslation {
 public:
  // Whether the MMU walks tables of `mode` (bare always).
  virtual bool supports(TranslationMode mode) const = 0;
  // The mode, address-space identifier and root table (a physical address) that translations use
  // from now on; a mode the MMU cannot walk changes nothing and returns false (RISC-V ignores such
  // a satp write).
  virtual bool set_translation(TranslationMode mode, std::uint16_t asid, std::uint64_t root) = 0;
  // Drops cached translations (every TLB and the walk cache): of `address` if given (else of every
  // address), for `asid` if given (else for every address space). Global entries stay when only an
  // address space is given, as RISC-V's sfence.vma keeps them.
  virtual void flush(std::optional<std::uint64_t> address, std::optional<std::uint16_t> asid) = 0;
  // The check the walker's own accesses must pass (nullptr: none).
  virtual void set_physical_check(PhysicalAccessCheck* check) = 0;

  // Translates an access of `length` bytes (at least 1) exactly as b_transport does before it
  // forwards one: the same TLB look-ups, walks, accessed/dirty updates, faults, latencies and
  // statistics, with no transaction. An access at machine privilege, or in bare mode, passes
  // through (counted as b_transport counts it).
  virtual void translate(std::uint64_t address, unsigned length, const AccessExtension& access, sc_core::sc_time& delay,
                         PhysicalAccess& out) = 0;
  // Counts `accesses` that a core passed through itself, without calling translate(), because the
  // MMU would not have translated them (machine privilege, or bare mode): as translate() counts
  // them. A core knows its privilege and satp, so it spares itself a call per access.
  virtual void count_untranslated(std::uint64_t accesses) = 0;
  // What the MMU has counted so far of the look-ups that missed its level-one TLBs (instruction and
  // data) and of its page-table walks: a profiler attributes the increase over an instruction to
  // the code that ran it.
  struct Counts {
    std::uint64_t tlb_misses = 0;
    std::uint64_t walks = 0;
  };
  virtual Counts counts() const = 0;
  // The physical address of `address` as an access of `access` would see it now, with a walk of
  // debug reads that changes nothing (no statistics, no TLB state, no accessed or dirty bits); the
  // page's permissions are checked. For a debugger reading memory as the core sees it.
  virtual FaultCause translate_debug(std::uint64_t address, const AccessExtension& access, std::uint64_t& physical) = 0;

 protected:
  ~AddressTranslation() = default;
};

}  // namespace vmsim
