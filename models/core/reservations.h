// The LR/SC reservations on one memory: each holder (a hart) may reserve one granule; any write to
// the memory that overlaps a granule breaks every reservation on it, whoever writes (another hart,
// DMA, the holder itself). The memory owns it and tells it about every write it serves, on every
// path (b_transport, direct, debug), so that no writer can slip past it.
#pragma once

#include <cstdint>
#include <vector>

#include "vmsim/models/core/export.h"

namespace vmsim {

class VMSIM_API Reservations {
 public:
  static constexpr std::uint64_t granule = 8;

  // A new holder's number.
  unsigned add_holder() {
    held_.push_back(none);
    return static_cast<unsigned>(held_.size() - 1);
  }
  // `holder` reserves the granule holding `offset` (its earlier reservation goes).
  void reserve(unsigned holder, std::uint64_t offset) {
    if (held_[holder] == none) ++active_;
    held_[holder] = offset & ~(granule - 1);
  }
  bool holds(unsigned holder, std::uint64_t offset) const { return held_[holder] == (offset & ~(granule - 1)); }
  void cancel(unsigned holder) {
    if (held_[holder] == none) return;
    held_[holder] = none;
    --active_;
  }
  // A write of [offset, offset + length) happened.
  void written(std::uint64_t offset, std::uint64_t length) {
    if (active_ != 0) break_overlapping(offset, length);
  }

 private:
  static constexpr std::uint64_t none = ~std::uint64_t{0};

  void break_overlapping(std::uint64_t offset, std::uint64_t length) {
    const std::uint64_t first = offset & ~(granule - 1);
    const std::uint64_t last = (offset + length - 1) & ~(granule - 1);
    for (std::uint64_t& held : held_)
      if (held != none && held >= first && held <= last) {
        held = none;
        --active_;
      }
  }

  std::vector<std::uint64_t> held_;  // the granule each holder reserved, or none
  unsigned active_ = 0;
};

}  // namespace vmsim
