#include "vmsim/firmware/swap/random.h"

#include <algorithm>

namespace vmsim {

void RandomSwapPolicy::resident(const ResidentPage& page) {
  index_[page.key()] = pages_.size();
  pages_.push_back(page);
}

void RandomSwapPolicy::left(const ResidentPage& page) {
  const auto found = index_.find(page.key());
  const std::size_t place = found->second;
  index_.erase(found);
  if (place != pages_.size() - 1) {
    pages_[place] = pages_.back();
    index_[pages_[place].key()] = place;
  }
  pages_.pop_back();
}

std::optional<ResidentPage> RandomSwapPolicy::victim(SwapPolicyHost& kernel, sc_core::sc_time& /*delay*/) {
  if (pages_.empty()) return std::nullopt;
  const ResidentPage& drawn = pages_[random_.below(pages_.size())];
  if (kernel.evictable(drawn)) return drawn;
  const auto evictable = [&kernel](const ResidentPage& page) { return kernel.evictable(page); };
  const auto count = static_cast<std::uint64_t>(std::count_if(pages_.begin(), pages_.end(), evictable));
  if (count == 0) return std::nullopt;
  std::uint64_t skip = random_.below(count);
  return *std::find_if(pages_.begin(), pages_.end(),
                       [&](const ResidentPage& page) { return evictable(page) && skip-- == 0; });
}

}  // namespace vmsim
