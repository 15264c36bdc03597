// Least recently used: the way hit or filled longest ago leaves.
#pragma once

#include "vmsim/models/core/export.h"
#include "vmsim/models/mmu/replacement/tlb_replacement.h"
#include "vmsim/models/mmu/replacement/way_stamps.h"

namespace vmsim {

class VMSIM_API LruReplacement final : public TlbReplacement {
 public:
  explicit LruReplacement(const TlbGeometry& geometry) : last_use_(geometry) {}

  void hit(unsigned set, unsigned way) override;
  void fill(unsigned set, unsigned way, bool refill) override;
  unsigned victim(unsigned set) override;

 private:
  WayStamps last_use_;
};

}  // namespace vmsim
