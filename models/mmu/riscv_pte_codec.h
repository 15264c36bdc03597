// The RISC-V page-table entry of Sv39, Sv48 and Sv57 (privileged specification, "Sv39: Page-Based
// 39-bit Virtual-Memory System"): V R W X U G A D in bits 0-7, the PPN from bit 10 (44 bits). An
// entry with none of R, W and X points at the next table; bits 54-63 are reserved here (no Svnapot,
// Svpbmt or Svrsw60t59b).
#pragma once

#include "vmsim/models/core/export.h"
#include "vmsim/models/mmu/pte_codec.h"

namespace vmsim {

class VMSIM_API RiscvPteCodec final : public PteCodec {
 public:
  Pte decode(std::uint64_t raw, unsigned level) const override;
  std::uint64_t encode_table(std::uint64_t table) const override;
  std::uint64_t encode_leaf(std::uint64_t address, std::uint8_t flags, unsigned level) const override;
  std::uint64_t with_accessed(std::uint64_t raw, bool dirty) const override;
};

extern const RiscvPteCodec riscv_pte_codec;

}  // namespace vmsim
