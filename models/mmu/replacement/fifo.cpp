#include "vmsim/models/mmu/replacement/fifo.h"

namespace vmsim {

void FifoReplacement::hit(unsigned /*set*/, unsigned /*way*/) {}

void FifoReplacement::fill(unsigned set, unsigned way, bool refill) {
  if (!refill) filled_.stamp(set, way);
}

unsigned FifoReplacement::victim(unsigned set) { return filled_.oldest(set); }

}  // namespace vmsim
