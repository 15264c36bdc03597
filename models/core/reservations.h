// What a write to one memory must reach, whoever writes (another hart, DMA, a debugger, the holder
// itself): the LR/SC reservations on it, and the decoded copies of its code that harts keep. Each
// holder (a hart) may reserve one granule; a write that overlaps a granule breaks every reservation
// on it. A hart that keeps decoded instructions says which pages it copied them from, and a write
// to such a page tells it. The memory owns it and tells it about every write it serves, on every
// path (b_transport, direct, debug), so that no writer can slip past it.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "vmsim/models/core/export.h"

namespace vmsim {

// A holder that keeps decoded copies of a memory's bytes (an instruction-set simulator's decoded
// instructions), told of a write to a page it copied from (`offset` within the memory).
class VMSIM_API CopiedCode {
 public:
  virtual void code_written(std::uint64_t offset, std::uint64_t length) = 0;

 protected:
  ~CopiedCode() = default;
};

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
  void add_copier(CopiedCode& copier) { copiers_.push_back(&copier); }
  // A copier copied code from the page of `offset`.
  void code_copied(std::uint64_t offset) {
    const std::uint64_t page = page_bit(offset);
    code_pages_[page / 64] |= std::uint64_t{1} << (page % 64);
  }
  // A write of [offset, offset + length) happened.
  void written(std::uint64_t offset, std::uint64_t length) {
    if (active_ != 0) break_overlapping(offset, length);
    // A write to data costs a bit test or two; one to a page with copied code (or one whose hash
    // collides with such a page) tells the copiers, which look at their own copies.
    for (std::uint64_t page = offset >> 12; page <= (offset + length - 1) >> 12; ++page)
      if ((code_pages_[page % page_bits / 64] >> (page % 64)) & 1) {
        for (CopiedCode* copier : copiers_) copier->code_written(offset, length);
        return;
      }
  }

 private:
  static constexpr std::uint64_t none = ~std::uint64_t{0};
  static constexpr unsigned page_bits = 4096;  // hashed: a false hit only costs the copiers a look

  static std::uint64_t page_bit(std::uint64_t offset) { return (offset >> 12) % page_bits; }

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
  std::vector<CopiedCode*> copiers_;
  std::array<std::uint64_t, page_bits / 64> code_pages_{};
};

}  // namespace vmsim
