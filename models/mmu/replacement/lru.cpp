#include "vmsim/models/mmu/replacement/lru.h"

namespace vmsim {

void LruReplacement::hit(unsigned set, unsigned way) { last_use_.stamp(set, way); }

void LruReplacement::fill(unsigned set, unsigned way, bool /*refill*/) { last_use_.stamp(set, way); }

unsigned LruReplacement::victim(unsigned set) { return last_use_.oldest(set); }

}  // namespace vmsim
