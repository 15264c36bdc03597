#include "vmsim/models/mmu/x86_pte_codec.h"

namespace vmsim {
namespace {

constexpr std::uint64_t present = 1u << 0, writable = 1u << 1, user = 1u << 2, accessed = 1u << 5, dirty = 1u << 6,
                        page_size = 1u << 7, global = 1u << 8, execute_disable = std::uint64_t{1} << 63;
constexpr std::uint64_t address_mask = 0x000ffffffffff000ull;
constexpr std::uint64_t large_pat = 1u << 12;

}  // namespace

const X86PteCodec x86_pte_codec{};

Pte X86PteCodec::decode(std::uint64_t raw, unsigned level) const {
  Pte pte;
  pte.present = (raw & present) != 0;
  if (!pte.present) return pte;
  pte.leaf = level == 0 || (raw & page_size) != 0;  // at level 0, bit 7 is PAT
  pte.address = raw & address_mask;
  if (pte.leaf && level > 0) pte.address &= ~large_pat;
  pte.flags =
      static_cast<std::uint8_t>(page_readable | ((raw & writable) ? page_writable : 0) |
                                ((raw & user) ? page_user : 0) | ((raw & execute_disable) ? 0 : page_executable));
  if (pte.leaf)
    pte.flags |= static_cast<std::uint8_t>(((raw & global) ? page_global : 0) | ((raw & accessed) ? page_accessed : 0) |
                                           ((raw & dirty) ? page_dirty : 0));
  return pte;
}

std::uint64_t X86PteCodec::encode_table(std::uint64_t table) const {
  return (table & address_mask) | present | writable | user;
}

std::uint64_t X86PteCodec::encode_leaf(std::uint64_t address, std::uint8_t flags, unsigned level) const {
  const auto has = [flags](PageFlag flag) { return (flags & flag) != 0; };
  return (address & address_mask) | present | (level > 0 ? page_size : 0) | (has(page_writable) ? writable : 0) |
         (has(page_user) ? user : 0) | (has(page_executable) ? 0 : execute_disable) | (has(page_global) ? global : 0) |
         (has(page_accessed) ? accessed : 0) | (has(page_dirty) ? dirty : 0);
}

std::uint64_t X86PteCodec::with_accessed(std::uint64_t raw, bool dirty_too) const {
  return raw | accessed | (dirty_too ? dirty : 0);
}

}  // namespace vmsim
