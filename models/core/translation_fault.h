// Why a translation failed, carried back to the initiator with a non-OK response. An initiator that
// wants the details attaches one to its payload; the MMU fills it in.
#pragma once

#include <cstdint>

#include <tlm>

#include "vmsim/models/core/access_extension.h"
#include "vmsim/models/core/export.h"

namespace vmsim {

enum class FaultCause : std::uint8_t {
  none = 0,
  not_present,           // no valid entry on the walk
  permission,            // the page does not allow the access kind (or SUM forbids it)
  supervisor_page,       // a user access to a supervisor-only page
  misaligned_superpage,  // a superpage whose physical address is not aligned to its size
  malformed_entry,       // a reserved encoding in a page-table entry
  non_canonical,         // the address does not sign-extend the format's width
  walk_error,            // a page-table entry could not be read or written
  accessed_dirty,        // the leaf's accessed bit (or for a store its dirty bit) is clear, and the MMU
                         // leaves them to software (RISC-V Svade)
};
constexpr unsigned fault_cause_count = 9;

VMSIM_API const char* to_string(FaultCause cause);

struct VMSIM_API TranslationFault : tlm::tlm_extension<TranslationFault> {
  FaultCause cause = FaultCause::none;
  std::uint64_t address = 0;  // the faulting virtual address
  AccessKind kind = AccessKind::load;

  tlm::tlm_extension_base* clone() const override { return new TranslationFault(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const TranslationFault&>(other);
  }
};

}  // namespace vmsim
