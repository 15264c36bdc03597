// Random: a page drawn from the kernel's seeded stream, uniformly among those it can evict. One
// draw among all resident pages usually lands on one; if not, a second draw is made among the
// evictable pages only (which keeps the choice uniform among them), so a victim is found whenever
// one can be.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "vmsim/firmware/swap/swap_policy.h"
#include "vmsim/models/core/random.h"

namespace vmsim {

class RandomSwapPolicy final : public SwapPolicy {
 public:
  explicit RandomSwapPolicy(std::uint64_t seed) : random_(seed) {}

  void resident(const ResidentPage& page) override;
  void left(const ResidentPage& page) override;
  std::optional<ResidentPage> victim(SwapPolicyHost& kernel, sc_core::sc_time& delay) override;

 private:
  // In no order: a page that leaves takes the last one's place. Each page's place by its key().
  std::vector<ResidentPage> pages_;
  std::unordered_map<std::uint64_t, std::size_t> index_;
  Random random_;
};

}  // namespace vmsim
