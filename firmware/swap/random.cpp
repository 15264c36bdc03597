#include "vmsim/firmware/swap/random.h"

#include <iterator>

namespace vmsim {

void RandomSwapPolicy::resident(const ResidentPage& page) { pages_.push_back(page); }

void RandomSwapPolicy::left(const ResidentPage& page) { pages_.erase(pages_.find(page)); }

std::optional<ResidentPage> RandomSwapPolicy::victim(SwapPolicyHost& kernel, sc_core::sc_time& /*delay*/) {
  for (std::size_t tries = 0; !pages_.empty() && tries < 2 * pages_.size() + 1; ++tries) {
    auto drawn = pages_.begin();
    std::advance(drawn, static_cast<long>(random_.below(pages_.size())));
    if (!kernel.pinned(*drawn)) return *drawn;
    pages_.move_to_back(drawn);
  }
  return std::nullopt;
}

}  // namespace vmsim
