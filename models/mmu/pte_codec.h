// A page-table entry's bit layout: what one architecture family writes in its 8-byte entries for a
// pointer to the next table, a page (leaf), and a swap entry (not present, recording where the page
// went). The rest of a format (levels, address width, which levels may map a page) is data in its
// PageTableFormat row; several rows share one codec (Sv39, Sv48 and Sv57 have one layout).
#pragma once

#include <cstdint>
#include <optional>

#include "vmsim/models/core/export.h"

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

// A decoded page-table entry. For a pointer to the next table, `flags` holds the permissions the
// entry allows for everything below it (x86 combines RW, US and NX over all levels; RISC-V grants
// everything at non-leaf levels); for a leaf, the page's own PageFlag bits.
struct VMSIM_API Pte {
  bool present = false;
  bool leaf = false;
  bool malformed = false;     // a reserved encoding: the walk faults
  std::uint64_t address = 0;  // next table, or the physical base of the page
  std::uint8_t flags = 0;
};

// Levels count from the leaf: level 0 maps 4 KiB pages, level 1 2 MiB, and so on up to the root.
// Codecs are stateless constants; the MMU's walk makes one call to decode() per entry it reads.
class VMSIM_API PteCodec {
 public:
  // The entry `raw` read at `level`. A leaf above the format's highest page level is the format's
  // to refuse (PageTableFormat::decode), not the codec's.
  virtual Pte decode(std::uint64_t raw, unsigned level) const = 0;
  // An entry pointing at the table at `table`, allowing everything below it.
  virtual std::uint64_t encode_table(std::uint64_t table) const = 0;
  // An entry mapping the page at `address` at `level`, with PageFlag `flags`; decode() gives the
  // same flags back (with page_readable added where the layout cannot deny reading).
  virtual std::uint64_t encode_leaf(std::uint64_t address, std::uint8_t flags, unsigned level) const = 0;
  // The leaf `raw` marked accessed, and dirty too if `dirty`, as the hardware walker marks it.
  virtual std::uint64_t with_accessed(std::uint64_t raw, bool dirty) const = 0;

  // A not-present entry recording swap slot `slot`, and the slot a not-present entry records
  // (nothing for a present entry, or for 0, which is an entry never mapped). Every layout here keeps
  // its present bit in bit 0 and leaves the other bits of a not-present entry to software, so they
  // share this encoding: slot + 1 in bits 1 and up. A layout whose not-present entries mean
  // something to the hardware overrides both.
  virtual std::uint64_t encode_swap(std::uint64_t slot) const { return (slot + 1) << 1; }
  virtual std::optional<std::uint64_t> decode_swap(std::uint64_t raw) const {
    if (raw == 0 || (raw & 1) != 0) return std::nullopt;
    return (raw >> 1) - 1;
  }

 protected:
  constexpr PteCodec() = default;
  // Codecs are never destroyed through this interface: they are constants for the whole run.
  ~PteCodec() = default;
};

}  // namespace vmsim
