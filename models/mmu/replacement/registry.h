// The TLB replacement policies a configuration names with `policy:` in an MMU's dtlb, itlb, l2tlb
// and walk_cache. A new policy is a class behind TlbReplacement and one line in registry.cpp.
#pragma once

#include "vmsim/models/core/export.h"
#include "vmsim/models/core/policy_registry.h"
#include "vmsim/models/mmu/replacement/tlb_replacement.h"

namespace vmsim {

using TlbReplacementRegistry = PolicyRegistry<TlbReplacementFactory>;

VMSIM_API const TlbReplacementRegistry& tlb_replacements();

}  // namespace vmsim
