// Random: a resident page drawn from the kernel's seeded stream. A pinned page drawn goes to the
// back of the list the draws index, and another is drawn.
#pragma once

#include <cstdint>

#include "vmsim/firmware/swap/resident_list.h"
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
  ResidentList pages_;
  Random random_;
};

}  // namespace vmsim
