// Linux's page reclaim, approximated (mm/vmscan.c): the resident pages sit on an inactive and an
// active list, each oldest first, and the accessed bit gives every page a second chance.
//  - A page that becomes resident joins the back of the inactive list (as Linux puts new anonymous
//    pages since 5.9): it has to be used again to earn a place on the active list.
//  - Asked for a victim, the policy first refills the inactive list while it is short, that is
//    while inactive x inactive_ratio < active: the oldest active page moves to the back of the
//    inactive list, its accessed bit cleared (Linux's shrink_active_list deactivates anonymous pages
//    whether referenced or not; the cleared bit starts their second chance afresh).
//  - Then it scans the inactive list from its oldest page: a page accessed since its bit was last
//    cleared is promoted to the back of the active list, its bit cleared; the first page not
//    accessed is the victim. Linux promotes a referenced anonymous page on its first reference too.
//  - Pages the kernel cannot evict (pinned, or with nowhere to go in swap) are stepped over where
//    they are. If the inactive list holds nothing else, the oldest evictable active page is moved
//    over first.
// Unless another hart uses pages while the kernel searches, every page is promoted once at most and
// a victim is found within resident + 2 steps; if every step promoted, the oldest evictable page
// goes, on the inactive list first.
#pragma once

#include <cstdint>

#include "vmsim/firmware/swap/resident_list.h"
#include "vmsim/firmware/swap/swap_policy.h"
#include "vmsim/models/core/params.h"

namespace vmsim {

class TwoListSwapPolicy final : public SwapPolicy {
 public:
  explicit TwoListSwapPolicy(unsigned inactive_ratio) : inactive_ratio_(inactive_ratio) {}
  // Declares and reads inactive_ratio (at least 1).
  static void declare(ParamSchema& scope);
  static SwapPolicyFactory read(Params& scope);

  void resident(const ResidentPage& page) override;
  void left(const ResidentPage& page) override;
  std::optional<ResidentPage> victim(SwapPolicyHost& kernel, sc_core::sc_time& delay) override;

 private:
  // Moves the oldest evictable active page to the inactive list, clearing its accessed bit; false
  // if there is none.
  bool deactivate(SwapPolicyHost& kernel, sc_core::sc_time& delay);
  static ResidentList::Position oldest_evictable(ResidentList& list, const SwapPolicyHost& kernel);

  unsigned inactive_ratio_;
  ResidentList inactive_;
  ResidentList active_;
};

}  // namespace vmsim
