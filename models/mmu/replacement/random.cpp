#include "vmsim/models/mmu/replacement/random.h"

namespace vmsim {

void RandomReplacement::hit(unsigned /*set*/, unsigned /*way*/) {}

void RandomReplacement::fill(unsigned /*set*/, unsigned /*way*/, bool /*refill*/) {}

unsigned RandomReplacement::victim(unsigned /*set*/) { return static_cast<unsigned>(random_.below(ways_)); }

}  // namespace vmsim
