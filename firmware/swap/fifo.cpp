#include "vmsim/firmware/swap/fifo.h"

namespace vmsim {

void FifoSwapPolicy::resident(const ResidentPage& page) { pages_.push_back(page); }

void FifoSwapPolicy::left(const ResidentPage& page) { pages_.erase(pages_.find(page)); }

std::optional<ResidentPage> FifoSwapPolicy::victim(SwapPolicyHost& kernel, sc_core::sc_time& /*delay*/) {
  // The oldest page that can go; the others keep their places.
  for (auto candidate = pages_.begin(); candidate != pages_.end(); ++candidate)
    if (kernel.evictable(*candidate)) return *candidate;
  return std::nullopt;
}

}  // namespace vmsim
