// First in, first out: the way filled longest ago leaves, however much it was used. An update of
// the page a way holds (a refill) keeps its place.
#pragma once

#include "vmsim/models/core/export.h"
#include "vmsim/models/mmu/replacement/tlb_replacement.h"
#include "vmsim/models/mmu/replacement/way_stamps.h"

namespace vmsim {

class VMSIM_API FifoReplacement final : public TlbReplacement {
 public:
  explicit FifoReplacement(const TlbGeometry& geometry) : filled_(geometry) {}

  void hit(unsigned set, unsigned way) override;
  void fill(unsigned set, unsigned way, bool refill) override;
  unsigned victim(unsigned set) override;

 private:
  WayStamps filled_;
};

}  // namespace vmsim
