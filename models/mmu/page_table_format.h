// Page-table formats as data: how many levels, how wide a virtual address is, which levels may map
// a page, and how a page-table entry encodes its fields. One walker serves every format.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace vmsim {

// What a page-table entry grants, whatever the format's bit layout: the MMU, its TLBs and the kernel
// all speak these.
enum PageFlag : std::uint8_t {
  page_readable = 1 << 0,
  page_writable = 1 << 1,
  page_executable = 1 << 2,
  page_user = 1 << 3,
  page_global = 1 << 4,
  page_accessed = 1 << 5,
  page_dirty = 1 << 6,
};
// The flags that entries at every level may take away (x86 combines them over the walk).
constexpr std::uint8_t page_permissions = page_readable | page_writable | page_executable | page_user;

enum class PteEncoding : std::uint8_t { riscv, x86 };

// A decoded page-table entry. For a pointer to the next table, `flags` holds the permissions the
// entry allows for everything below it (x86 combines RW, US and NX over all levels; RISC-V grants
// everything at non-leaf levels); for a leaf, the page's own PageFlag bits.
struct Pte {
  bool present = false;
  bool leaf = false;
  bool malformed = false;  // a reserved encoding: the walk faults
  std::uint64_t address = 0;  // next table, or the physical base of the page
  std::uint8_t flags = 0;
};

struct PageTableFormat {
  std::string_view name;
  unsigned levels;          // level levels-1 is the root, level 0 maps 4 KiB pages
  unsigned va_bits;         // implemented virtual-address width; the rest must sign-extend it
  unsigned top_leaf_level;  // the highest level that may map a page (a superpage)
  PteEncoding encoding;
  bool accessed_on_tables;  // the walker also sets A in the table entries it walks through (x86)

  static constexpr unsigned max_levels = 5;
  static constexpr unsigned pte_bytes = 8;
  static constexpr unsigned index_bits = 9;

  static constexpr unsigned page_shift(unsigned level) { return 12 + index_bits * level; }
  static std::uint64_t index(std::uint64_t address, unsigned level) {
    return (address >> page_shift(level)) & ((1u << index_bits) - 1);
  }
  bool canonical(std::uint64_t address) const;
  // Page shifts of the levels that may map a page, smallest first.
  std::vector<std::uint8_t> page_shifts() const;

  Pte decode(std::uint64_t raw, unsigned level) const;
  // An entry pointing at `table`, or (leaf) mapping a page at `address` with PageFlag `flags`.
  std::uint64_t encode_table(std::uint64_t table) const;
  std::uint64_t encode_leaf(std::uint64_t address, std::uint8_t flags, unsigned level) const;
  // `raw` with the accessed bit, and the dirty bit if `dirty`, set.
  std::uint64_t with_accessed(std::uint64_t raw, bool dirty) const;

  // "sv39", "sv48", "sv57", "x86_64" (4-level), "x86_64_la57" (5-level); nullptr if unknown.
  static const PageTableFormat* find(std::string_view name);
  static std::vector<std::string_view> names();
};

}  // namespace vmsim
