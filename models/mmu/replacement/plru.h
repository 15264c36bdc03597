// Tree pseudo-LRU: per set, ways - 1 bits form a binary tree whose nodes point away from the half
// used more recently; the victim is the leaf the bits lead to. Needs a power-of-two number of ways.
#pragma once

#include <cstdint>
#include <vector>

#include "vmsim/models/core/export.h"
#include "vmsim/models/mmu/replacement/tlb_replacement.h"

namespace vmsim {

class VMSIM_API PlruReplacement final : public TlbReplacement {
 public:
  // Throws std::invalid_argument for a number of ways that is not a power of two.
  explicit PlruReplacement(const TlbGeometry& geometry);

  void hit(unsigned set, unsigned way) override;
  void fill(unsigned set, unsigned way, bool refill) override;
  unsigned victim(unsigned set) override;

 private:
  unsigned ways_;
  std::vector<std::uint64_t> bits_;  // per set; node n's children are 2n + 1 (left) and 2n + 2
};

}  // namespace vmsim
