#include "vmsim/models/mmu/replacement/registry.h"

#include "vmsim/models/mmu/replacement/fifo.h"
#include "vmsim/models/mmu/replacement/lru.h"
#include "vmsim/models/mmu/replacement/plru.h"
#include "vmsim/models/mmu/replacement/random.h"
#include "vmsim/models/mmu/replacement/srrip.h"

namespace vmsim {

const TlbReplacementRegistry& tlb_replacements() {
  static const TlbReplacementRegistry registry({
      {"lru", "Least recently used: the way hit or filled longest ago leaves", nullptr,
       [](Params&) { return replacement_of<LruReplacement>(); }},
      {"plru", "Tree pseudo-LRU: ways - 1 bits per set point away from recent use (ways a power of two)", nullptr,
       [](Params&) { return replacement_of<PlruReplacement>(); }},
      {"fifo", "First in, first out: the way filled longest ago leaves", nullptr,
       [](Params&) { return replacement_of<FifoReplacement>(); }},
      {"random", "A way drawn from the TLB's own seeded stream", nullptr,
       [](Params&) { return replacement_of<RandomReplacement>(); }},
      {"srrip", "Static re-reference interval prediction: fills predicted far, hits near", SrripReplacement::declare,
       SrripReplacement::read},
  });
  return registry;
}

}  // namespace vmsim
