#include "vmsim/models/mmu/riscv_pte_codec.h"

namespace vmsim {
namespace {

constexpr std::uint64_t valid = 1u << 0, read = 1u << 1, write = 1u << 2, execute = 1u << 3, user = 1u << 4,
                        global = 1u << 5, accessed = 1u << 6, dirty = 1u << 7;
constexpr unsigned ppn_shift = 10;
constexpr std::uint64_t ppn_mask = (std::uint64_t{1} << 44) - 1;
constexpr std::uint64_t reserved = ~std::uint64_t{0} << 54;

}  // namespace

const RiscvPteCodec riscv_pte_codec{};

Pte RiscvPteCodec::decode(std::uint64_t raw, unsigned level) const {
  Pte pte;
  pte.present = (raw & valid) != 0;
  if (!pte.present) return pte;
  pte.address = ((raw >> ppn_shift) & ppn_mask) << 12;
  pte.leaf = (raw & (read | write | execute)) != 0;
  // Write without read is reserved, and so is a pointer to a table below level 0.
  pte.malformed = (raw & reserved) != 0 || ((raw & write) != 0 && (raw & read) == 0) || (!pte.leaf && level == 0);
  if (!pte.leaf) {
    pte.flags = page_permissions;  // a table entry takes nothing away from the pages below it
    return pte;
  }
  pte.flags = static_cast<std::uint8_t>(((raw & read) ? page_readable : 0) | ((raw & write) ? page_writable : 0) |
                                        ((raw & execute) ? page_executable : 0) | ((raw & user) ? page_user : 0) |
                                        ((raw & global) ? page_global : 0) | ((raw & accessed) ? page_accessed : 0) |
                                        ((raw & dirty) ? page_dirty : 0));
  return pte;
}

std::uint64_t RiscvPteCodec::encode_table(std::uint64_t table) const { return ((table >> 12) << ppn_shift) | valid; }

std::uint64_t RiscvPteCodec::encode_leaf(std::uint64_t address, std::uint8_t flags, unsigned) const {
  const auto has = [flags](PageFlag flag) { return (flags & flag) != 0; };
  return ((address >> 12) << ppn_shift) | valid | (has(page_readable) ? read : 0) | (has(page_writable) ? write : 0) |
         (has(page_executable) ? execute : 0) | (has(page_user) ? user : 0) | (has(page_global) ? global : 0) |
         (has(page_accessed) ? accessed : 0) | (has(page_dirty) ? dirty : 0);
}

std::uint64_t RiscvPteCodec::with_accessed(std::uint64_t raw, bool dirty_too) const {
  return raw | accessed | (dirty_too ? dirty : 0);
}

}  // namespace vmsim
