// The MMU's control block as software sees it: 64-bit registers, accessed 8 bytes at a time. Shared
// by the model and the kernel that programs it; no SystemC here.
#pragma once

#include <cstdint>

namespace vmsim::mmu_regs {

constexpr std::uint64_t control = 0x00;        // bit 0: translate (0 = bare), bit 1: SUM
constexpr std::uint64_t root = 0x08;           // physical address of the root table
constexpr std::uint64_t asid = 0x10;           // address-space identifier of the running context
constexpr std::uint64_t flush_all = 0x18;      // write: flush every TLB and the walk cache
constexpr std::uint64_t flush_asid = 0x20;     // write an ASID: flush its non-global entries
constexpr std::uint64_t flush_address = 0x28;  // write a virtual address: flush it for flush_address_asid
constexpr std::uint64_t flush_address_asid = 0x30;
constexpr std::uint64_t fault_address = 0x38;  // read-only: virtual address of the last fault
constexpr std::uint64_t fault_cause = 0x40;    // read-only: FaultCause of the last fault
constexpr std::uint64_t block_size = 0x48;

constexpr std::uint64_t control_translate = 1;
constexpr std::uint64_t control_sum = 2;  // supervisor may load and store user pages

}  // namespace vmsim::mmu_regs
