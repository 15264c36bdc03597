#include "vmsim/models/mmu/armv8_pte_codec.h"

namespace vmsim {
namespace {

constexpr std::uint64_t bit(unsigned n) { return std::uint64_t{1} << n; }

constexpr std::uint64_t valid = bit(0), table_or_page = bit(1);
constexpr std::uint64_t address_mask = 0x0000fffffffff000ull;  // bits 47:12
// Table descriptors: the hierarchical controls.
constexpr std::uint64_t pxn_table = bit(59), uxn_table = bit(60), no_el0_table = bit(61), read_only_table = bit(62);
// Block and page descriptors.
constexpr std::uint64_t el0 = bit(6), read_only = bit(7), inner_shareable = bit(9) | bit(8), access_flag = bit(10),
                        not_global = bit(11), dirty_bit_modifier = bit(51), pxn = bit(53), uxn = bit(54),
                        software_dirty = bit(55);

}  // namespace

const Armv8PteCodec armv8_pte_codec{};

Pte Armv8PteCodec::decode(std::uint64_t raw, unsigned level) const {
  Pte pte;
  pte.present = (raw & valid) != 0;
  if (!pte.present) return pte;
  pte.address = raw & address_mask;
  const bool type_bit = (raw & table_or_page) != 0;
  if (level > 0 && type_bit) {
    pte.flags = page_permissions;
    if (raw & read_only_table) pte.flags &= ~page_writable;
    if (raw & no_el0_table) pte.flags &= ~page_user;
    if (raw & (uxn_table | pxn_table)) pte.flags &= ~page_executable;
    return pte;
  }
  pte.leaf = true;
  pte.malformed = level == 0 && !type_bit;  // 0b01 at Arm level 3 is reserved
  const bool user = (raw & el0) != 0;
  const bool writable_clean = (raw & read_only) != 0 && (raw & dirty_bit_modifier) != 0;
  pte.flags = static_cast<std::uint8_t>(
      page_readable | ((raw & read_only) == 0 || writable_clean ? page_writable : 0) | (user ? page_user : 0) |
      ((raw & (user ? uxn : pxn)) == 0 ? page_executable : 0) | ((raw & not_global) == 0 ? page_global : 0) |
      ((raw & access_flag) != 0 ? page_accessed : 0) |
      ((raw & read_only) == 0 || (raw & software_dirty) != 0 ? page_dirty : 0));
  return pte;
}

std::uint64_t Armv8PteCodec::encode_table(std::uint64_t table) const {
  return (table & address_mask) | table_or_page | valid;
}

std::uint64_t Armv8PteCodec::encode_leaf(std::uint64_t address, std::uint8_t flags, unsigned level) const {
  const auto has = [flags](PageFlag flag) { return (flags & flag) != 0; };
  const bool writable = has(page_writable), dirty = has(page_dirty), user = has(page_user);
  // A writable page is writable-clean until the hardware clears AP[2]; a read-only page keeps a
  // dirty state in the software bit, which the hardware never changes.
  const std::uint64_t write_state =
      writable ? dirty_bit_modifier | (dirty ? 0 : read_only) : read_only | (dirty ? software_dirty : 0);
  const std::uint64_t execute_never =
      user ? pxn | (has(page_executable) ? 0 : uxn) : uxn | (has(page_executable) ? 0 : pxn);
  return (address & address_mask) | (level == 0 ? table_or_page : 0) | valid | inner_shareable | write_state |
         execute_never | (user ? el0 : 0) | (has(page_global) ? 0 : not_global) |
         (has(page_accessed) ? access_flag : 0);
}

std::uint64_t Armv8PteCodec::with_accessed(std::uint64_t raw, bool dirty) const {
  raw |= access_flag;
  if (dirty && (raw & dirty_bit_modifier) != 0) raw &= ~read_only;
  return raw;
}

}  // namespace vmsim
