// The page-table engine: the one place that walks page tables, for the MMU's hardware walker, the
// kernel and the boot loader alike. The format (levels, entry layout) is data, a PageTableFormat;
// how table memory is reached is each user's PageTableMemory: the MMU's walker socket (timed, or
// debug for walks that change nothing), the kernel's HAL, the boot loader's debug writes, a test's
// map. The engine keeps no state between calls, so a callback it makes (the kernel allocating a
// table may evict a page) may use the tables again.
//
// The kernel, over its HAL (`hal_tables_` a PageTableMemory whose read() is hal_.read(address, &raw,
// 8, delay) and whose write() is hal_.write64(address, raw, delay); `tables_` a
// PageTable{format_, hal_tables_}):
//
//   leaf_entry(process, address, create):
//     const AllocateTable allocate = [&](sc_core::sc_time& delay) {
//       const auto frame = user_frame(process, true, delay);
//       if (frame) { process.tables.push_back(*frame); ++table_pages_; }
//       return frame;
//     };
//     const EntryLocation leaf = create ? tables_.find_or_create(process.root, address, 0, allocate, delay)
//                                       : tables_.find(process.root, address, delay);
//     // leaf.found(): the entry is at leaf.address
//
//   update_region and kill, skipping every span that has no table:
//     EntryLocation leaf;
//     for (std::uint64_t address = start; address < end; address = leaf.next(address)) {
//       leaf = tables_.find(owner.root, address, delay);
//       if (!leaf.found()) continue;
//       ... read, change or release the entry at leaf.address ...
//     }
//
//   boot and create_process, sharing the kernel's half between address spaces:
//     kernel_root_entry_ = hal_.read64(tables_.root_entry(kernel_space_.root, kernel_address_), delay);
//     hal_.write64(tables_.root_entry(*root, kernel_address_), kernel_root_entry_, delay);
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>

#include <systemc>

#include "vmsim/models/core/export.h"
#include "vmsim/models/core/translation_fault.h"
#include "vmsim/models/mmu/page_table_format.h"

namespace vmsim {

// The memory page tables live in: 8-byte entries at physical addresses.
class VMSIM_API PageTableMemory {
 public:
  virtual ~PageTableMemory() = default;
  // Both return false when the memory answers with an error.
  virtual bool read(std::uint64_t address, std::uint64_t& raw, sc_core::sc_time& delay) = 0;
  virtual bool write(std::uint64_t address, std::uint64_t raw, sc_core::sc_time& delay) = 0;
};

// A table a walk can start from, with the permissions the entries above it leave (x86 combines
// RW, US and XD over the levels). The root, or a table a page-walk cache remembers.
struct VMSIM_API WalkPoint {
  std::uint64_t table = 0;
  unsigned level = 0;  // the level of the table's entries
  std::uint8_t allowed = page_permissions;
};

// What a hardware walk found.
struct VMSIM_API PageWalk {
  FaultCause fault = FaultCause::none;
  // With no fault, the leaf: its entry as read, and the page it maps with its own flags less the
  // permissions the levels above take away.
  std::uint64_t entry = 0;
  std::uint64_t raw = 0;
  unsigned level = 0;
  std::uint64_t virtual_base = 0;
  std::uint64_t physical_base = 0;
  std::uint8_t flags = 0;
  // Every table the walk went into below its start, top down, also when it faulted further down:
  // where a later walk of an address in the same region may resume (what a page-walk cache holds).
  // A fixed array, as the walk is the MMU's hot path and must not allocate.
  std::array<WalkPoint, PageTableFormat::max_levels> tables{};
  unsigned table_count = 0;
};

// Where the entry for a virtual address is, or why there is none. `address` and `level` are those
// of the entry the outcome is about.
struct VMSIM_API EntryLocation {
  enum class Outcome {
    found,         // the entry mapping the address; above the level asked for if a superpage maps it
    no_table,      // the entry is not present: no table below it, nothing mapped in its span
    no_memory,     // the entry is not present and no table could be allocated for it
    memory_error,  // the entry could not be read or written
  };
  Outcome outcome = Outcome::found;
  std::uint64_t address = 0;
  unsigned level = 0;

  bool found() const { return outcome == Outcome::found; }
  // The bytes the entry maps: its page, or everything the missing table below it would map.
  std::uint64_t span() const { return std::uint64_t{1} << PageTableFormat::page_shift(level); }
  // Where a scan through a range goes after `virtual_address`: to the end of the entry's span.
  std::uint64_t next(std::uint64_t virtual_address) const { return (virtual_address | (span() - 1)) + 1; }
};

// Gives a zeroed 4 KiB table page, or nothing when there is no memory for it.
using AllocateTable = std::function<std::optional<std::uint64_t>(sc_core::sc_time& delay)>;

class VMSIM_API PageTable {
 public:
  // Whether a walk sets the accessed bit in the table entries it passes, on formats that have one
  // there (x86); a debug walk leaves memory as it is.
  enum class TableAccessed { set, leave };

  PageTable(const PageTableFormat& format, PageTableMemory& memory) : format_(format), memory_(memory) {}

  const PageTableFormat& format() const { return format_; }

  // The hardware walk. It starts at `from` (the root(), or a cached table), reads one entry per
  // level and stops at the leaf, or at the first entry that is not present (not_present), holds a
  // reserved encoding (malformed_entry), maps a superpage at an address not aligned to its size
  // (misaligned_superpage) or could not be read or updated (walk_error). It does not check the
  // page's permissions against the access: that is the MMU's, between walk() and set_accessed().
  WalkPoint root(std::uint64_t table) const { return {table, format_.levels - 1, page_permissions}; }
  PageWalk walk(const WalkPoint& from, std::uint64_t virtual_address, sc_core::sc_time& delay,
                TableAccessed table_accessed);
  // Sets the leaf's accessed bit, and its dirty bit if `dirty`, with one write when either was
  // clear, and updates `leaf` to match. False if the write failed.
  bool set_accessed(PageWalk& leaf, bool dirty, sc_core::sc_time& delay);

  // Software's look-ups, following present entries from `root` without setting any bit. find()
  // reads the entries above level 0 and stops where a table is missing; find_or_create() allocates
  // and links the missing tables down to `level` (at most format().top_leaf_level). Neither reads
  // the entry it returns.
  EntryLocation find(std::uint64_t root, std::uint64_t virtual_address, sc_core::sc_time& delay);
  EntryLocation find_or_create(std::uint64_t root, std::uint64_t virtual_address, unsigned level,
                               const AllocateTable& allocate, sc_core::sc_time& delay);
  // The root table's entry covering `virtual_address`: copying it shares everything below it.
  std::uint64_t root_entry(std::uint64_t root, std::uint64_t virtual_address) const;

 private:
  FaultCause walk_to_leaf(WalkPoint at, std::uint64_t virtual_address, sc_core::sc_time& delay,
                          TableAccessed table_accessed, PageWalk& result);
  EntryLocation descend(std::uint64_t root, std::uint64_t virtual_address, unsigned level,
                        const AllocateTable* allocate, sc_core::sc_time& delay);

  const PageTableFormat& format_;
  PageTableMemory& memory_;
};

}  // namespace vmsim
