#include "vmsim/firmware/swap/fifo.h"

namespace vmsim {

void FifoSwapPolicy::resident(const ResidentPage& page) { pages_.push_back(page); }

void FifoSwapPolicy::left(const ResidentPage& page) { pages_.erase(pages_.find(page)); }

std::optional<ResidentPage> FifoSwapPolicy::victim(SwapPolicyHost& kernel, sc_core::sc_time& /*delay*/) {
  for (std::size_t tries = 0; !pages_.empty() && tries < 2 * pages_.size() + 1; ++tries) {
    const auto first = pages_.begin();
    if (!kernel.pinned(*first)) return *first;
    pages_.move_to_back(first);
  }
  return std::nullopt;
}

}  // namespace vmsim
