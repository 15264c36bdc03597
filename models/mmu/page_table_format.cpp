#include "vmsim/models/mmu/page_table_format.h"

#include "vmsim/models/mmu/armv8_pte_codec.h"
#include "vmsim/models/mmu/riscv_pte_codec.h"
#include "vmsim/models/mmu/x86_pte_codec.h"

namespace vmsim {
namespace {

using Access = SupervisorUserAccess;

// name, levels, va_bits, top_leaf_level, codec, accessed_on_tables, supervisor_user_access, pa_bits
// (RISC-V: a 44-bit PPN; x86-64: MAXPHYADDR 52; ARMv8-A 4 KiB granule: a 48-bit output address)
constexpr PageTableFormat formats[] = {
    {"sv39", 3, 39, 2, &riscv_pte_codec, false, Access::with_sum, 56},
    {"sv48", 4, 48, 3, &riscv_pte_codec, false, Access::with_sum, 56},
    {"sv57", 5, 57, 4, &riscv_pte_codec, false, Access::with_sum, 56},
    {"x86_64", 4, 48, 2, &x86_pte_codec, true, Access::always, 52},
    {"x86_64_la57", 5, 57, 2, &x86_pte_codec, true, Access::always, 52},
    {"armv8a_4k", 4, 48, 2, &armv8_pte_codec, false, Access::with_sum, 48},
};

static_assert(
    [] {
      for (const auto& format : formats)
        if (format.levels > PageTableFormat::max_levels) return false;
      return true;
    }(),
    "a walk records the tables it passes in max_levels slots");

}  // namespace

std::vector<std::uint8_t> PageTableFormat::page_shifts() const {
  std::vector<std::uint8_t> shifts;
  for (unsigned level = 0; level <= top_leaf_level; ++level) shifts.push_back(static_cast<std::uint8_t>(page_shift(level)));
  return shifts;
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
