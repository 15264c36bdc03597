// Page-table formats as data: how many levels, how wide a virtual address is, which levels may map
// a page, and which codec lays out the entries. One walker serves every format.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "vmsim/models/core/export.h"
#include "vmsim/models/mmu/pte_codec.h"

namespace vmsim {

// How the supervisor may use user pages. RISC-V loads and stores them only with the MMU's SUM
// control bit and never executes them; Arm the same, with SUM standing for PSTATE.PAN clear and user
// pages privileged-execute-never (PXN) as encoded. x86 (without SMAP and SMEP) uses them freely.
enum class SupervisorUserAccess : std::uint8_t { with_sum, always };

struct VMSIM_API PageTableFormat {
  std::string_view name;
  unsigned levels;          // level levels-1 is the root, level 0 maps 4 KiB pages
  unsigned va_bits;         // implemented virtual-address width; the rest must sign-extend it
  unsigned top_leaf_level;  // the highest level that may map a page (a superpage)
  const PteCodec* codec;    // the entries' bit layout
  bool accessed_on_tables;  // the walker also sets A in the table entries it walks through (x86)
  SupervisorUserAccess supervisor_user_access;
  unsigned pa_bits;  // physical-address width its entries can hold: frames beyond are unreachable

  static constexpr unsigned max_levels = 5;
  static constexpr unsigned pte_bytes = 8;
  static constexpr unsigned index_bits = 9;

  static constexpr unsigned page_shift(unsigned level) { return 12 + index_bits * level; }
  static std::uint64_t index(std::uint64_t address, unsigned level) {
    return (address >> page_shift(level)) & ((1u << index_bits) - 1);
  }
  // Whether the address sign-extends the format's width (inline: every translation asks).
  bool canonical(std::uint64_t address) const {
    const auto high = static_cast<std::int64_t>(address) >> (va_bits - 1);
    return high == 0 || high == -1;
  }
  // Page shifts of the levels that may map a page, smallest first.
  std::vector<std::uint8_t> page_shifts() const;

  // The codec's decoding, with a leaf above top_leaf_level malformed. Inline: the MMU's walk calls
  // it for every entry it reads.
  Pte decode(std::uint64_t raw, unsigned level) const {
    Pte pte = codec->decode(raw, level);
    if (pte.leaf && level > top_leaf_level) pte.malformed = true;
    return pte;
  }
  // The rest is the codec's, here so that the engine, the kernel and the boot loader hold only the
  // format.
  std::uint64_t encode_table(std::uint64_t table) const { return codec->encode_table(table); }
  std::uint64_t encode_leaf(std::uint64_t address, std::uint8_t flags, unsigned level) const {
    return codec->encode_leaf(address, flags, level);
  }
  std::uint64_t with_accessed(std::uint64_t raw, bool dirty) const { return codec->with_accessed(raw, dirty); }
  std::uint64_t encode_swap(std::uint64_t slot) const { return codec->encode_swap(slot); }
  std::optional<std::uint64_t> decode_swap(std::uint64_t raw) const { return codec->decode_swap(raw); }

  // "sv39", "sv48", "sv57", "x86_64" (4-level), "x86_64_la57" (5-level), "armv8a_4k" (4 KiB granule,
  // 4 levels); nullptr if unknown.
  static const PageTableFormat* find(std::string_view name);
  static std::vector<std::string_view> names();
};

}  // namespace vmsim
