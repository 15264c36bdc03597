#include "vmsim/firmware/swap/lru.h"

namespace vmsim {

void LruSwapPolicy::accessed(const ResidentPage& page) {
  // Now the most recently used; a page not resident (shared, a device's, in transit) has no place.
  if (const auto position = pages_.find(page); position != pages_.end()) pages_.move_to_back(position);
}

}  // namespace vmsim
