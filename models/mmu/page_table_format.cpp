#include "models/mmu/page_table_format.h"

namespace vmsim {
namespace {

constexpr PageTableFormat formats[] = {
    {"sv39", 3, 39, 2, PteEncoding::riscv, false},
    {"sv48", 4, 48, 3, PteEncoding::riscv, false},
    {"sv57", 5, 57, 4, PteEncoding::riscv, false},
    {"x86_64", 4, 48, 2, PteEncoding::x86, true},
    {"x86_64_la57", 5, 57, 2, PteEncoding::x86, true},
};

static_assert(
    [] {
      for (const auto& format : formats)
        if (format.levels > PageTableFormat::max_levels) return false;
      return true;
    }(),
    "a walk records the tables it passes in max_levels slots");

// RISC-V privileged specification, "Sv39": V R W X U G A D in bits 0-7, PPN from bit 10 (44 bits),
// bits 54-63 reserved here (no Svnapot or Svpbmt).
namespace riscv {
constexpr std::uint64_t valid = 1u << 0, read = 1u << 1, write = 1u << 2, execute = 1u << 3, user = 1u << 4,
                        global = 1u << 5, accessed = 1u << 6, dirty = 1u << 7;
constexpr unsigned ppn_shift = 10;
constexpr std::uint64_t ppn_mask = (std::uint64_t{1} << 44) - 1;
constexpr std::uint64_t reserved = ~std::uint64_t{0} << 54;
}  // namespace riscv

// Intel SDM vol. 3, "4-level paging": P RW US PWT PCD A D PS/PAT G in bits 0-8, the address in bits
// 12-51, XD in bit 63. In a large-page entry bit 12 is PAT, not address.
namespace x86 {
constexpr std::uint64_t present = 1u << 0, writable = 1u << 1, user = 1u << 2, accessed = 1u << 5, dirty = 1u << 6,
                        page_size = 1u << 7, global = 1u << 8, execute_disable = std::uint64_t{1} << 63;
constexpr std::uint64_t address_mask = 0x000ffffffffff000ull;
constexpr std::uint64_t large_pat = 1u << 12;
}  // namespace x86

}  // namespace

bool PageTableFormat::canonical(std::uint64_t address) const {
  const auto high = static_cast<std::int64_t>(address) >> (va_bits - 1);
  return high == 0 || high == -1;
}

std::vector<std::uint8_t> PageTableFormat::page_shifts() const {
  std::vector<std::uint8_t> shifts;
  for (unsigned level = 0; level <= top_leaf_level; ++level) shifts.push_back(static_cast<std::uint8_t>(page_shift(level)));
  return shifts;
}

Pte PageTableFormat::decode(std::uint64_t raw, unsigned level) const {
  Pte pte;
  if (encoding == PteEncoding::riscv) {
    pte.present = (raw & riscv::valid) != 0;
    if (!pte.present) return pte;
    pte.address = ((raw >> riscv::ppn_shift) & riscv::ppn_mask) << 12;
    pte.leaf = (raw & (riscv::read | riscv::write | riscv::execute)) != 0;
    pte.malformed = (raw & riscv::reserved) != 0 || ((raw & riscv::write) != 0 && (raw & riscv::read) == 0) ||
                    (pte.leaf && level > top_leaf_level) || (!pte.leaf && level == 0);
    if (!pte.leaf) {
      pte.flags = page_permissions;
      return pte;
    }
    pte.flags = static_cast<std::uint8_t>(((raw & riscv::read) ? page_readable : 0) |
                                          ((raw & riscv::write) ? page_writable : 0) |
                                          ((raw & riscv::execute) ? page_executable : 0) |
                                          ((raw & riscv::user) ? page_user : 0) | ((raw & riscv::global) ? page_global : 0) |
                                          ((raw & riscv::accessed) ? page_accessed : 0) |
                                          ((raw & riscv::dirty) ? page_dirty : 0));
    return pte;
  }

  pte.present = (raw & x86::present) != 0;
  if (!pte.present) return pte;
  pte.leaf = level == 0 || (raw & x86::page_size) != 0;
  pte.malformed = pte.leaf && level > top_leaf_level;
  pte.address = raw & x86::address_mask;
  if (pte.leaf && level > 0) pte.address &= ~x86::large_pat;
  pte.flags = static_cast<std::uint8_t>(page_readable | ((raw & x86::writable) ? page_writable : 0) |
                                        ((raw & x86::user) ? page_user : 0) |
                                        ((raw & x86::execute_disable) ? 0 : page_executable));
  if (pte.leaf)
    pte.flags |= static_cast<std::uint8_t>(((raw & x86::global) ? page_global : 0) |
                                           ((raw & x86::accessed) ? page_accessed : 0) |
                                           ((raw & x86::dirty) ? page_dirty : 0));
  return pte;
}

std::uint64_t PageTableFormat::encode_table(std::uint64_t table) const {
  if (encoding == PteEncoding::riscv) return ((table >> 12) << riscv::ppn_shift) | riscv::valid;
  return (table & x86::address_mask) | x86::present | x86::writable | x86::user;
}

std::uint64_t PageTableFormat::encode_leaf(std::uint64_t address, std::uint8_t flags, unsigned level) const {
  const auto has = [flags](PageFlag flag) { return (flags & flag) != 0; };
  if (encoding == PteEncoding::riscv)
    return ((address >> 12) << riscv::ppn_shift) | riscv::valid | (has(page_readable) ? riscv::read : 0) |
           (has(page_writable) ? riscv::write : 0) | (has(page_executable) ? riscv::execute : 0) |
           (has(page_user) ? riscv::user : 0) | (has(page_global) ? riscv::global : 0) |
           (has(page_accessed) ? riscv::accessed : 0) | (has(page_dirty) ? riscv::dirty : 0);
  return (address & x86::address_mask) | x86::present | (level > 0 ? x86::page_size : 0) |
         (has(page_writable) ? x86::writable : 0) | (has(page_user) ? x86::user : 0) |
         (has(page_executable) ? 0 : x86::execute_disable) | (has(page_global) ? x86::global : 0) |
         (has(page_accessed) ? x86::accessed : 0) | (has(page_dirty) ? x86::dirty : 0);
}

std::uint64_t PageTableFormat::with_accessed(std::uint64_t raw, bool dirty) const {
  if (encoding == PteEncoding::riscv) return raw | riscv::accessed | (dirty ? riscv::dirty : 0);
  return raw | x86::accessed | (dirty ? x86::dirty : 0);
}

const PageTableFormat* PageTableFormat::find(std::string_view name) {
  for (const auto& format : formats)
    if (format.name == name) return &format;
  return nullptr;
}

std::vector<std::string_view> PageTableFormat::names() {
  std::vector<std::string_view> list;
  for (const auto& format : formats) list.push_back(format.name);
  return list;
}

}  // namespace vmsim
