// Clock (second chance): a hand sweeps the resident pages in the order they came in, clearing the
// accessed bits it finds set (with a shootdown, so that the next access sets the bit again), and
// takes the first page whose bit was clear. It steps over the pages the kernel cannot evict.
#pragma once

#include "vmsim/firmware/swap/resident_list.h"
#include "vmsim/firmware/swap/swap_policy.h"

namespace vmsim {

class ClockSwapPolicy final : public SwapPolicy {
 public:
  void resident(const ResidentPage& page) override;
  void left(const ResidentPage& page) override;
  std::optional<ResidentPage> victim(SwapPolicyHost& kernel, sc_core::sc_time& delay) override;

 private:
  ResidentList pages_;
  ResidentList::Position hand_ = pages_.end();  // the next page to look at; end(): back to the first
};

}  // namespace vmsim
