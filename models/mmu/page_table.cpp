#include "vmsim/models/mmu/page_table.h"

namespace vmsim {
namespace {

std::uint64_t entry_address(std::uint64_t table, std::uint64_t virtual_address, unsigned level) {
  return table + PageTableFormat::index(virtual_address, level) * PageTableFormat::pte_bytes;
}

std::uint64_t offset_mask(unsigned level) { return (std::uint64_t{1} << PageTableFormat::page_shift(level)) - 1; }

}  // namespace

PageWalk PageTable::walk(const WalkPoint& from, std::uint64_t virtual_address, sc_core::sc_time& delay,
                         TableAccessed table_accessed) {
  PageWalk result;  // filled in place and returned without a copy: the walk is the MMU's hot path
  result.fault = walk_to_leaf(from, virtual_address, delay, table_accessed, result);
  return result;
}

FaultCause PageTable::walk_to_leaf(WalkPoint at, std::uint64_t virtual_address, sc_core::sc_time& delay,
                                   TableAccessed table_accessed, PageWalk& result) {
  // The level never goes below 0: decode() makes every level-0 entry a leaf or malformed.
  for (;;) {
    const std::uint64_t entry = entry_address(at.table, virtual_address, at.level);
    std::uint64_t raw = 0;
    if (!memory_.read(entry, raw, delay)) return FaultCause::walk_error;
    const Pte pte = format_.decode(raw, at.level);
    if (!pte.present) return FaultCause::not_present;
    if (pte.malformed) return FaultCause::malformed_entry;
    if (!pte.leaf) {
      if (format_.accessed_on_tables && table_accessed == TableAccessed::set) {
        const std::uint64_t accessed = format_.with_accessed(raw, false);
        if (accessed != raw && !memory_.write(entry, accessed, delay)) return FaultCause::walk_error;
      }
      at = WalkPoint{pte.address, at.level - 1, static_cast<std::uint8_t>(at.allowed & pte.flags)};
      result.tables[result.table_count++] = at;
      continue;
    }
    if ((pte.address & offset_mask(at.level)) != 0) return FaultCause::misaligned_superpage;
    result.entry = entry;
    result.raw = raw;
    result.level = at.level;
    result.virtual_base = virtual_address & ~offset_mask(at.level);
    result.physical_base = pte.address;
    // Global, accessed and dirty are the leaf's own; the levels above only take permissions away.
    result.flags = pte.flags & (at.allowed | page_global | page_accessed | page_dirty);
    return FaultCause::none;
  }
}

bool PageTable::set_accessed(PageWalk& leaf, bool dirty, sc_core::sc_time& delay) {
  const std::uint64_t updated = format_.with_accessed(leaf.raw, dirty);
  if (updated == leaf.raw) return true;
  if (!memory_.write(leaf.entry, updated, delay)) return false;
  leaf.raw = updated;
  leaf.flags |= page_accessed | (dirty ? page_dirty : 0);
  return true;
}

EntryLocation PageTable::find(std::uint64_t root, std::uint64_t virtual_address, sc_core::sc_time& delay) {
  return descend(root, virtual_address, 0, nullptr, delay);
}

EntryLocation PageTable::find_or_create(std::uint64_t root, std::uint64_t virtual_address, unsigned level,
                                        const AllocateTable& allocate, sc_core::sc_time& delay) {
  return descend(root, virtual_address, level, &allocate, delay);
}

std::uint64_t PageTable::root_entry(std::uint64_t root, std::uint64_t virtual_address) const {
  return entry_address(root, virtual_address, format_.levels - 1);
}

EntryLocation PageTable::descend(std::uint64_t root, std::uint64_t virtual_address, unsigned level,
                                 const AllocateTable* allocate, sc_core::sc_time& delay) {
  using Outcome = EntryLocation::Outcome;
  std::uint64_t table = root;
  for (unsigned current = format_.levels - 1; current > level; --current) {
    const std::uint64_t entry = entry_address(table, virtual_address, current);
    std::uint64_t raw = 0;
    if (!memory_.read(entry, raw, delay)) return {Outcome::memory_error, entry, current};
    const Pte pte = format_.decode(raw, current);
    if (pte.present && pte.leaf) return {Outcome::found, entry, current};  // a superpage maps the address
    if (pte.present) {
      table = pte.address;
      continue;
    }
    if (allocate == nullptr) return {Outcome::no_table, entry, current};
    const std::optional<std::uint64_t> created = (*allocate)(delay);
    if (!created) return {Outcome::no_memory, entry, current};
    if (!memory_.write(entry, format_.encode_table(*created), delay)) return {Outcome::memory_error, entry, current};
    table = *created;
  }
  return {Outcome::found, entry_address(table, virtual_address, level), level};
}

}  // namespace vmsim
