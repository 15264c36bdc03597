// The x86-64 page-table entry of 4-level and 5-level paging (Intel SDM vol. 3, "4-Level Paging and
// 5-Level Paging"): P RW US PWT PCD A D PS/PAT G in bits 0-8, the address in bits 12-51, XD in bit
// 63. PS (bit 7) makes an entry above level 0 a large page, in which bit 12 is PAT, not address.
// RW, US and XD in table entries restrict everything below them.
#pragma once

#include "vmsim/models/core/export.h"
#include "vmsim/models/mmu/pte_codec.h"

namespace vmsim {

class VMSIM_API X86PteCodec final : public PteCodec {
 public:
  Pte decode(std::uint64_t raw, unsigned level) const override;
  std::uint64_t encode_table(std::uint64_t table) const override;
  std::uint64_t encode_leaf(std::uint64_t address, std::uint8_t flags, unsigned level) const override;
  std::uint64_t with_accessed(std::uint64_t raw, bool dirty) const override;
};

extern const X86PteCodec x86_pte_codec;

}  // namespace vmsim
