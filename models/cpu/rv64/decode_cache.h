// Decoded instructions by physical address, so that an instruction is decoded once and not at every
// execution: direct-mapped, one entry per 2-byte slot of physical memory that maps to it. Every fetch
// is still translated (the ITLB counts it) before the cache is asked, so the cache sits behind the
// TLB and changes no statistic.
//
// It must never serve an instruction that is no longer in memory: every write to a memory it copied
// code from reaches it (the memory's Reservations tell it, whoever writes: the hart itself, another
// hart, DMA, a debugger), so software that writes code runs it without fence.i, as on QEMU, whose
// unmodified xv6 never executes one; fence.i empties it too. A bit per 4 KiB page (hashed, so a false hit only costs a
// look) says whether any instruction from the page was cached, so that a store to data costs one bit test. An
// instruction that spans two pages is never cached: its second half is in a frame the first half's address does not
// name.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "vmsim/models/core/export.h"
#include "vmsim/models/cpu/rv64/instruction.h"

namespace vmsim::rv64 {

class VMSIM_API DecodeCache {
 public:
  explicit DecodeCache(unsigned entries = 1u << 15) : entries_(entries), mask_(entries - 1) {}

  const Instruction* find(std::uint64_t physical) const {
    const Entry& entry = entries_[index(physical)];
    return entry.tag == physical ? &entry.instruction : nullptr;
  }
  const Instruction* insert(std::uint64_t physical, const Instruction& instruction) {
    Entry& entry = entries_[index(physical)];
    entry.tag = physical;
    entry.instruction = instruction;
    const std::uint64_t page = page_bit(physical);
    code_pages_[page / 64] |= std::uint64_t{1} << (page % 64);
    return &entry.instruction;
  }
  // The hart stored to [physical, physical + length).
  void written(std::uint64_t physical, std::uint64_t length) {
    const std::uint64_t page = page_bit(physical);
    const std::uint64_t last_page = page_bit(physical + length - 1);
    if (((code_pages_[page / 64] >> (page % 64)) | (code_pages_[last_page / 64] >> (last_page % 64))) & 1)
      invalidate(physical, length);
  }
  void clear() {
    for (Entry& entry : entries_) entry.tag = invalid;
    code_pages_ = {};
  }

 private:
  static constexpr std::uint64_t invalid = ~std::uint64_t{0};  // no instruction starts at an odd address
  static constexpr unsigned page_bits = 4096;
  struct Entry {
    std::uint64_t tag = invalid;
    Instruction instruction;
  };

  std::size_t index(std::uint64_t physical) const { return (physical >> 1) & mask_; }
  static std::uint64_t page_bit(std::uint64_t physical) { return (physical >> 12) % page_bits; }
  // Drops the instructions that overlap the bytes: those starting in them, and one starting two
  // bytes before them.
  void invalidate(std::uint64_t physical, std::uint64_t length) {
    const std::uint64_t first = physical >= 2 ? (physical & ~std::uint64_t{1}) - 2 : 0;
    for (std::uint64_t address = first; address < physical + length; address += 2) {
      Entry& entry = entries_[index(address)];
      if (entry.tag == address) entry.tag = invalid;
    }
  }

  std::vector<Entry> entries_;
  std::uint64_t mask_;
  std::array<std::uint64_t, page_bits / 64> code_pages_{};
};

}  // namespace vmsim::rv64
