#include "vmsim/models/core/translation_fault.h"

namespace vmsim {

const char* to_string(FaultCause cause) {
  switch (cause) {
    case FaultCause::none: return "none";
    case FaultCause::not_present: return "not_present";
    case FaultCause::permission: return "permission";
    case FaultCause::supervisor_page: return "supervisor_page";
    case FaultCause::misaligned_superpage: return "misaligned_superpage";
    case FaultCause::malformed_entry: return "malformed_entry";
    case FaultCause::non_canonical: return "non_canonical";
    case FaultCause::walk_error: return "walk_error";
    case FaultCause::accessed_dirty: return "accessed_dirty";
  }
  return "unknown";
}

}  // namespace vmsim
