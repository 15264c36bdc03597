#include "vmsim/models/mmu/replacement/srrip.h"

#include <algorithm>

namespace vmsim {

SrripReplacement::SrripReplacement(const TlbGeometry& geometry, unsigned rrpv_bits)
    : ways_(geometry.ways),
      distant_(static_cast<std::uint8_t>((1u << rrpv_bits) - 1)),
      rrpv_(static_cast<std::size_t>(geometry.sets) * geometry.ways, distant_) {}

void SrripReplacement::declare(ParamSchema& scope) {
  scope.optional<unsigned>("rrpv_bits", 2, "Bits of each entry's re-reference prediction value (1 to 8)");
}

TlbReplacementFactory SrripReplacement::read(Params& scope) {
  const auto bits = scope.get<unsigned>("rrpv_bits");
  if (bits < 1 || bits > 8) scope.fail("rrpv_bits", "must be 1 to 8");
  return [bits](const TlbGeometry& geometry) { return std::make_unique<SrripReplacement>(geometry, bits); };
}

void SrripReplacement::hit(unsigned set, unsigned way) { rrpv(set, way) = 0; }

void SrripReplacement::fill(unsigned set, unsigned way, bool refill) {
  rrpv(set, way) = refill ? 0 : static_cast<std::uint8_t>(distant_ - 1);
}

unsigned SrripReplacement::victim(unsigned set) {
  std::uint8_t* values = &rrpv(set, 0);
  const std::uint8_t oldest = *std::max_element(values, values + ways_);
  const auto age = static_cast<std::uint8_t>(distant_ - oldest);
  unsigned victim = ways_;
  for (unsigned way = 0; way < ways_; ++way) {
    values[way] = static_cast<std::uint8_t>(values[way] + age);
    if (values[way] == distant_ && victim == ways_) victim = way;
  }
  return victim;
}

}  // namespace vmsim
