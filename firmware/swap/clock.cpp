#include "vmsim/firmware/swap/clock.h"

namespace vmsim {

void ClockSwapPolicy::resident(const ResidentPage& page) { pages_.push_back(page); }

void ClockSwapPolicy::left(const ResidentPage& page) {
  const auto position = pages_.find(page);
  const bool under_hand = hand_ == position;
  const auto next = pages_.erase(position);
  if (under_hand) hand_ = next;
}

std::optional<ResidentPage> ClockSwapPolicy::victim(SwapPolicyHost& kernel, sc_core::sc_time& delay) {
  // Two turns of the hand at most: the first may only clear bits. If other harts used every page
  // again meanwhile, the first evictable page the hand passed goes.
  std::optional<ResidentPage> first_passed;
  for (std::size_t tries = 0; !pages_.empty() && tries < 2 * pages_.size() + 1; ++tries) {
    if (hand_ == pages_.end()) hand_ = pages_.begin();
    const auto candidate = hand_++;
    if (!kernel.evictable(*candidate)) continue;
    if (!kernel.test_and_clear_accessed(*candidate, delay)) return *candidate;
    if (!first_passed) first_passed = *candidate;
  }
  return first_passed;
}

}  // namespace vmsim
