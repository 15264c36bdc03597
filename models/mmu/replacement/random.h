// Random: any way of the set, uniformly, from the TLB's own seeded stream.
#pragma once

#include "vmsim/models/core/export.h"
#include "vmsim/models/core/random.h"
#include "vmsim/models/mmu/replacement/tlb_replacement.h"

namespace vmsim {

class VMSIM_API RandomReplacement final : public TlbReplacement {
 public:
  explicit RandomReplacement(const TlbGeometry& geometry) : ways_(geometry.ways), random_(geometry.seed) {}

  void hit(unsigned set, unsigned way) override;
  void fill(unsigned set, unsigned way, bool refill) override;
  unsigned victim(unsigned set) override;

 private:
  unsigned ways_;
  Random random_;
};

}  // namespace vmsim
