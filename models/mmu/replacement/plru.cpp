#include "vmsim/models/mmu/replacement/plru.h"

#include <stdexcept>

#include <fmt/format.h>

namespace vmsim {

PlruReplacement::PlruReplacement(const TlbGeometry& geometry) : ways_(geometry.ways), bits_(geometry.sets, 0) {
  if ((ways_ & (ways_ - 1)) != 0)
    throw std::invalid_argument(fmt::format("tree PLRU needs a power-of-two number of ways, not {}", ways_));
}

void PlruReplacement::hit(unsigned set, unsigned way) {
  // Walk from the root to the leaf of `way`, pointing every node away from the path taken.
  std::uint64_t& bits = bits_[set];
  unsigned node = 0;
  for (unsigned span = ways_ / 2; span >= 1; span /= 2) {
    const bool right = (way & span) != 0;
    if (right)
      bits &= ~(std::uint64_t{1} << node);
    else
      bits |= std::uint64_t{1} << node;
    node = 2 * node + (right ? 2 : 1);
  }
}

void PlruReplacement::fill(unsigned set, unsigned way, bool /*refill*/) { hit(set, way); }

unsigned PlruReplacement::victim(unsigned set) {
  // Follow the bits: 1 points right (the left subtree was used more recently).
  const std::uint64_t bits = bits_[set];
  unsigned node = 0;
  unsigned way = 0;
  for (unsigned span = ways_ / 2; span >= 1; span /= 2) {
    const bool right = (bits >> node & 1) != 0;
    if (right) way |= span;
    node = 2 * node + (right ? 2 : 1);
  }
  return way;
}

}  // namespace vmsim
