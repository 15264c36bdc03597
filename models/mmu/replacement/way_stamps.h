// A time stamp per way, for the policies that replace the way stamped longest ago (lru stamps on
// every use, fifo on every fill). One counter orders all sets; it cannot wrap in a simulation.
#pragma once

#include <cstdint>
#include <vector>

#include "vmsim/models/core/export.h"
#include "vmsim/models/mmu/replacement/tlb_replacement.h"

namespace vmsim {

class VMSIM_API WayStamps {
 public:
  explicit WayStamps(const TlbGeometry& geometry)
      : ways_(geometry.ways), stamps_(static_cast<std::size_t>(geometry.sets) * geometry.ways) {}

  void stamp(unsigned set, unsigned way) { stamps_[static_cast<std::size_t>(set) * ways_ + way] = ++clock_; }

  // The way of `set` stamped longest ago (the lowest such way, among equals).
  unsigned oldest(unsigned set) const {
    const std::uint64_t* stamps = &stamps_[static_cast<std::size_t>(set) * ways_];
    unsigned oldest = 0;
    for (unsigned way = 1; way < ways_; ++way)
      if (stamps[way] < stamps[oldest]) oldest = way;
    return oldest;
  }

 private:
  unsigned ways_;
  std::vector<std::uint64_t> stamps_;
  std::uint64_t clock_ = 0;
};

}  // namespace vmsim
