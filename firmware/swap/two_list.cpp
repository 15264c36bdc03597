#include "vmsim/firmware/swap/two_list.h"

namespace vmsim {

void TwoListSwapPolicy::declare(ParamSchema& scope) {
  scope.optional<unsigned>("inactive_ratio", 1,
                           "Refill the inactive list while inactive x ratio < active (Linux's inactive_ratio)");
}

SwapPolicyFactory TwoListSwapPolicy::read(Params& scope) {
  const auto ratio = scope.get<unsigned>("inactive_ratio");
  if (ratio == 0) scope.fail("inactive_ratio", "must be at least 1");
  return [ratio](std::uint64_t) { return std::make_unique<TwoListSwapPolicy>(ratio); };
}

void TwoListSwapPolicy::resident(const ResidentPage& page) { inactive_.push_back(page); }

void TwoListSwapPolicy::left(const ResidentPage& page) {
  if (const auto position = inactive_.find(page); position != inactive_.end())
    inactive_.erase(position);
  else
    active_.erase(active_.find(page));
}

std::optional<ResidentPage> TwoListSwapPolicy::victim(SwapPolicyHost& kernel, sc_core::sc_time& delay) {
  const std::size_t steps = inactive_.size() + active_.size() + 2;
  for (std::size_t step = 0; step < steps; ++step) {
    while (inactive_.size() * inactive_ratio_ < active_.size() && deactivate(kernel, delay)) {
    }
    const auto candidate = oldest_evictable(inactive_, kernel);
    if (candidate == inactive_.end()) {
      if (!deactivate(kernel, delay)) return std::nullopt;
      continue;
    }
    if (!kernel.test_and_clear_accessed(*candidate, delay)) return *candidate;
    inactive_.move_to_back_of(active_, candidate);
  }
  if (const auto oldest = oldest_evictable(inactive_, kernel); oldest != inactive_.end()) return *oldest;
  return *oldest_evictable(active_, kernel);  // the loop returned if neither list had one
}

bool TwoListSwapPolicy::deactivate(SwapPolicyHost& kernel, sc_core::sc_time& delay) {
  const auto oldest = oldest_evictable(active_, kernel);
  if (oldest == active_.end()) return false;
  kernel.test_and_clear_accessed(*oldest, delay);
  active_.move_to_back_of(inactive_, oldest);
  return true;
}

ResidentList::Position TwoListSwapPolicy::oldest_evictable(ResidentList& list, const SwapPolicyHost& kernel) {
  auto position = list.begin();
  while (position != list.end() && !kernel.evictable(*position)) ++position;
  return position;
}

}  // namespace vmsim
