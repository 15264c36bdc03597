// A set-associative translation look-aside buffer: entries tagged by ASID (or global), each holding
// a translation of one page of any size the page-table format has. A look-up probes, for each page
// size from the smallest, the set that size indexes, so 4 KiB, 2 MiB and 1 GiB translations share
// the structure without aliasing.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vmsim/models/core/export.h"
#include "vmsim/models/core/stats.h"
#include "vmsim/models/mmu/page_table_format.h"
#include "vmsim/models/mmu/replacement/lru.h"
#include "vmsim/models/mmu/replacement/tlb_replacement.h"

namespace vmsim {

struct VMSIM_API Translation {
  std::uint64_t virtual_base = 0;  // first address of the page
  std::uint64_t physical_base = 0;
  std::uint16_t asid = 0;
  std::uint8_t page_shift = 12;  // log2 of the page size
  std::uint8_t flags = 0;        // PageFlag bits

  std::uint64_t physical(std::uint64_t virtual_address) const {
    return physical_base | (virtual_address & ((std::uint64_t{1} << page_shift) - 1));
  }
};

class VMSIM_API Tlb {
 public:
  struct Config {
    unsigned entries = 64;
    unsigned ways = 4;                                                     // entries == ways: fully associative
    TlbReplacementFactory replacement = replacement_of<LruReplacement>();  // see tlb_replacements()
    std::vector<std::uint8_t> page_shifts{12};                             // the page sizes it holds, smallest first
    std::uint64_t seed = 0;                                                // for a policy that draws random numbers
  };

  // Throws std::invalid_argument for a geometry it cannot build (ways not dividing entries, or
  // one its replacement policy refuses).
  Tlb(StatGroup& parent, const std::string& name, const Config& config);

  // The translation of `address` for `asid` (global entries match every ASID), or nullptr. Counts a
  // hit or a miss and updates the replacement state on a hit.
  const Translation* lookup(std::uint64_t address, std::uint16_t asid) {
    // A look-up in the 4 KiB page of the last hit, with nothing filled or flushed since, finds the
    // same way again: it is counted and updates the policy as the search would, without the search.
    if ((address >> 12) == last_hit_.page && asid == last_hit_.asid) {
      ++hits_;
      ++*last_hit_.size_hits;
      replacement_->hit(last_hit_.set, last_hit_.way);
      return last_hit_.translation;
    }
    return search(address, asid);
  }
  // The look-up again of the 4 KiB page `page` (address >> 12) for `asid`, if the last look-up hit
  // it and nothing has changed since: counted and timed as lookup() would count it, and true; false
  // (nothing counted) otherwise, for the caller to look up.
  // Look-ups that found no translation so far.
  std::uint64_t misses() const { return misses_.value(); }
  bool hit_again(std::uint64_t page, std::uint16_t asid) {
    if (page != last_hit_.page || asid != last_hit_.asid) return false;
    ++hits_;
    ++*last_hit_.size_hits;
    replacement_->hit(last_hit_.set, last_hit_.way);
    return true;
  }
  // Installs a translation, replacing an entry for the same page and ASID, else an invalid way,
  // else the policy's victim; returns the entry.
  const Translation* insert(const Translation& translation);

  void flush_all();
  // Non-global entries of `asid`.
  void flush_asid(std::uint16_t asid);
  // Entries translating `address` for `asid`, global ones included; for every address space when
  // `asid` is not given.
  void flush_address(std::uint64_t address, std::optional<std::uint16_t> asid);

  unsigned sets() const { return sets_; }
  unsigned ways() const { return ways_; }

 private:
  // A way's key packs what a look-up compares into one word: the page's first address (aligned to
  // at least 4 KiB), its page shift in the low bits and a valid bit, so that a probe is one
  // comparison per way and an invalid way (key 0) matches nothing.
  static constexpr std::uint64_t valid_bit = 1u << 11;
  static std::uint64_t key_of(std::uint64_t address, std::uint8_t page_shift) {
    return (address & ~((std::uint64_t{1} << page_shift) - 1)) | page_shift | valid_bit;
  }
  struct Way {
    std::uint64_t key = 0;
    Translation translation;
    std::uint8_t size = 0;  // the position of its page size in page_shifts_
  };

  // Whether `way` translates the page of `key` for `asid` (a global entry for every ASID).
  static bool matches(const Way& way, std::uint64_t key, std::uint16_t asid) {
    return way.key == key && (way.translation.asid == asid || (way.translation.flags & page_global) != 0);
  }
  unsigned set_of(std::uint64_t address, std::uint8_t page_shift) const {
    const std::uint64_t page = address >> page_shift;
    return static_cast<unsigned>(set_mask_ ? page & *set_mask_ : page % sets_);
  }
  Way* way(unsigned set, unsigned index) { return &ways_storage_[static_cast<std::size_t>(set) * ways_ + index]; }
  // Invalidates a valid entry for a flush.
  void invalidate(unsigned set, unsigned index);
  // The look-up through the sets.
  const Translation* search(std::uint64_t address, std::uint16_t asid);
  void forget_last_hit() { last_hit_.page = no_page; }

  unsigned sets_;
  unsigned ways_;
  std::optional<std::uint64_t> set_mask_;  // sets_ - 1 when sets_ is a power of two: no division
  std::vector<std::uint8_t> page_shifts_;
  // Valid entries of each page size (as page_shifts_ orders them): a look-up skips the sizes that
  // have none, which for most address spaces are all but 4 KiB.
  std::vector<unsigned> resident_;
  std::vector<Way> ways_storage_;
  std::unique_ptr<TlbReplacement> replacement_;
  // The way the last look-up hit, valid until the contents change.
  static constexpr std::uint64_t no_page = ~std::uint64_t{0};
  struct LastHit {
    std::uint64_t page = no_page;  // address >> 12 of the look-up
    std::uint16_t asid = 0;
    unsigned set = 0;
    unsigned way = 0;
    const Translation* translation = nullptr;
    Counter* size_hits = nullptr;
  } last_hit_;

  StatGroup stats_;
  Counter hits_{stats_, "hits", "Look-ups that found a translation"};
  Counter misses_{stats_, "misses", "Look-ups that found none"};
  Counter evictions_{stats_, "evictions", "Valid entries replaced to make room"};
  Counter flushes_{stats_, "flushes", "Flush requests (all, by ASID or by address)"};
  Counter flushed_entries_{stats_, "flushed_entries", "Valid entries removed by flushes"};
  std::vector<std::unique_ptr<Counter>> hits_by_size_;
};

}  // namespace vmsim
