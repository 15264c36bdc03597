// Static re-reference interval prediction (Jaleel et al., ISCA 2010), hit-priority variant. Each way
// holds an M-bit re-reference prediction value (RRPV): a fill predicts a long interval (2^M - 2), a
// hit (or a refill of the same page) a near one (0). The victim is the lowest way predicted distant
// (2^M - 1), after ageing every way of the set by as much as brings the oldest prediction there. A
// page filled and never hit again so leaves before the pages that were: scans do not flush a set.
#pragma once

#include <cstdint>
#include <vector>

#include "vmsim/models/core/export.h"
#include "vmsim/models/core/params.h"
#include "vmsim/models/mmu/replacement/tlb_replacement.h"

namespace vmsim {

class VMSIM_API SrripReplacement final : public TlbReplacement {
 public:
  SrripReplacement(const TlbGeometry& geometry, unsigned rrpv_bits);
  // Declares and reads rrpv_bits (M, 1 to 8).
  static void declare(ParamSchema& scope);
  static TlbReplacementFactory read(Params& scope);

  void hit(unsigned set, unsigned way) override;
  void fill(unsigned set, unsigned way, bool refill) override;
  unsigned victim(unsigned set) override;

 private:
  std::uint8_t& rrpv(unsigned set, unsigned way) { return rrpv_[static_cast<std::size_t>(set) * ways_ + way]; }

  unsigned ways_;
  std::uint8_t distant_;  // 2^M - 1
  std::vector<std::uint8_t> rrpv_;
};

}  // namespace vmsim
