// First in, first out: the page resident longest that the kernel can evict leaves; the pages it
// cannot keep their places.
#pragma once

#include "vmsim/firmware/swap/resident_list.h"
#include "vmsim/firmware/swap/swap_policy.h"

namespace vmsim {

class FifoSwapPolicy : public SwapPolicy {
 public:
  void resident(const ResidentPage& page) override;
  void left(const ResidentPage& page) override;
  std::optional<ResidentPage> victim(SwapPolicyHost& kernel, sc_core::sc_time& delay) override;

 protected:
  ResidentList pages_;  // the next victim first
};

}  // namespace vmsim
