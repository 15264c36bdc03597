// The ARMv8-A stage-1 descriptor of the 4 KiB granule with 48-bit addresses (Arm ARM DDI 0487,
// "VMSAv8-64 translation table format descriptors"), for an EL1&0 regime with the hardware
// management of the Access flag and of dirty state (FEAT_HAFDBS, TCR_EL1.HA = HD = 1).
//
//   bits 1:0   0b11 table (Arm levels 0-2) or page (level 3); 0b01 block (levels 1-2); bit 0 clear:
//              invalid, bits 63:1 left to software
//   bits 47:12 next table, or output address (a block's low bits below its size are RES0)
//   table:     59 PXNTable, 60 UXNTable, 62:61 APTable (bit 61: no EL0 access, bit 62: no writes)
//   leaf:      4:2 AttrIndx, 7:6 AP[2:1] (AP[1]: EL0 access, AP[2]: read-only), 9:8 SH, 10 AF,
//              11 nG, 51 DBM, 53 PXN, 54 UXN, 58:55 software
//
// Arm levels count from the root: Arm level 3 is vmsim's level 0. How the PageFlag bits map:
// - Every valid leaf is readable. Writable is AP[2] clear, or DBM set: with FEAT_HAFDBS a store to
//   a writable-clean page (AP[2] set, DBM set) clears AP[2], which is the dirty state. So dirty is
//   AP[2] clear (a writable page without DBM cannot be tracked and counts as dirty), or, for a page
//   made read-only, software bit 55, where Linux keeps it too (PTE_DIRTY).
// - Executable is UXN clear for a user page (AP[1] set), PXN clear for a supervisor page. User pages
//   are encoded PXN, as the supervisor never executes them (SupervisorUserAccess::with_sum).
// - Leaves are encoded AttrIndx 0 (MAIR_EL1's first attribute, the OS's Normal memory) and inner
//   shareable (SH 0b11), as an SMP operating system writes them.
// - A table's UXNTable or PXNTable takes execution away from every page below it: vmsim keeps one
//   execute permission per page, so the split by privilege is approximated on the safe side.
// - The reserved 0b01 at Arm level 3 is malformed_entry (Arm reports a translation fault).
#pragma once

#include "vmsim/models/core/export.h"
#include "vmsim/models/mmu/pte_codec.h"

namespace vmsim {

class VMSIM_API Armv8PteCodec final : public PteCodec {
 public:
  Pte decode(std::uint64_t raw, unsigned level) const override;
  std::uint64_t encode_table(std::uint64_t table) const override;
  std::uint64_t encode_leaf(std::uint64_t address, std::uint8_t flags, unsigned level) const override;
  std::uint64_t with_accessed(std::uint64_t raw, bool dirty) const override;
};

extern const Armv8PteCodec armv8_pte_codec;

}  // namespace vmsim
