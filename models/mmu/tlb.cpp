#include "vmsim/models/mmu/tlb.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "vmsim/models/core/units.h"

namespace vmsim {

Tlb::Tlb(StatGroup& parent, const std::string& name, const Config& config)
    : sets_(config.ways == 0 ? 0 : config.entries / config.ways),
      ways_(config.ways),
      page_shifts_(config.page_shifts),
      stats_(parent, name) {
  if (config.entries == 0 || config.ways == 0 || config.entries % config.ways != 0)
    throw std::invalid_argument(
        fmt::format("{} entries cannot be divided into sets of {} ways", config.entries, config.ways));
  if (config.ways > 64) throw std::invalid_argument("at most 64 ways");
  replacement_ = config.replacement(TlbGeometry{sets_, ways_, config.seed});
  if (page_shifts_.empty()) throw std::invalid_argument("a TLB needs at least one page size");
  ways_storage_.resize(static_cast<std::size_t>(sets_) * ways_);
  if ((sets_ & (sets_ - 1)) == 0) set_mask_ = sets_ - 1;
  resident_.resize(page_shifts_.size());
  for (const std::uint8_t shift : page_shifts_)
    hits_by_size_.push_back(
        std::make_unique<Counter>(stats_, fmt::format("hits_{}", format_bytes(Bytes{std::uint64_t{1} << shift})),
                                  fmt::format("Hits on {} pages", format_bytes(Bytes{std::uint64_t{1} << shift}))));
}

const Translation* Tlb::search(std::uint64_t address, std::uint16_t asid) {
  for (std::size_t size = 0; size < page_shifts_.size(); ++size) {
    if (resident_[size] == 0) continue;
    const std::uint8_t shift = page_shifts_[size];
    const unsigned set = set_of(address, shift);
    const std::uint64_t key = key_of(address, shift);
    Way* ways = way(set, 0);
    for (unsigned index = 0; index < ways_; ++index) {
      if (!matches(ways[index], key, asid)) continue;
      ++hits_;
      ++*hits_by_size_[size];
      replacement_->hit(set, index);
      last_hit_ = {address >> 12, asid, set, index, &ways[index].translation, hits_by_size_[size].get()};
      return &ways[index].translation;
    }
  }
  ++misses_;
  return nullptr;
}

const Translation* Tlb::insert(const Translation& translation) {
  forget_last_hit();
  const unsigned set = set_of(translation.virtual_base, translation.page_shift);
  const std::uint64_t key = key_of(translation.virtual_base, translation.page_shift);
  // One pass: the entry for the same page and ASID if there is one, else the first invalid way.
  Way* ways = way(set, 0);
  unsigned chosen = ways_;
  unsigned empty = ways_;
  for (unsigned index = 0; index < ways_; ++index) {
    if (ways[index].key == key && ways[index].translation.asid == translation.asid) {
      chosen = index;
      break;
    }
    if (ways[index].key == 0 && empty == ways_) empty = index;
  }
  const bool refill = chosen != ways_;
  if (!refill) chosen = empty;
  if (chosen == ways_) {
    chosen = replacement_->victim(set);
    ++evictions_;
  }
  Way& target = ways[chosen];
  if (target.key != 0) --resident_[target.size];
  target.key = key;
  target.translation = translation;
  target.size = static_cast<std::uint8_t>(std::find(page_shifts_.begin(), page_shifts_.end(), translation.page_shift) -
                                          page_shifts_.begin());
  ++resident_[target.size];
  replacement_->fill(set, chosen, refill);
  return &target.translation;
}

void Tlb::invalidate(unsigned set, unsigned index) {
  forget_last_hit();
  Way& entry = *way(set, index);
  --resident_[entry.size];
  entry.key = 0;
  replacement_->invalidate(set, index);
  ++flushed_entries_;
}

void Tlb::flush_all() {
  ++flushes_;
  for (unsigned set = 0; set < sets_; ++set)
    for (unsigned index = 0; index < ways_; ++index)
      if (way(set, index)->key != 0) invalidate(set, index);
}

void Tlb::flush_asid(std::uint16_t asid) {
  ++flushes_;
  for (unsigned set = 0; set < sets_; ++set)
    for (unsigned index = 0; index < ways_; ++index) {
      const Way& entry = *way(set, index);
      if (entry.key != 0 && entry.translation.asid == asid && (entry.translation.flags & page_global) == 0)
        invalidate(set, index);
    }
}

void Tlb::flush_address(std::uint64_t address, std::optional<std::uint16_t> asid) {
  ++flushes_;
  for (std::size_t size = 0; size < page_shifts_.size(); ++size) {
    if (resident_[size] == 0) continue;
    const std::uint8_t shift = page_shifts_[size];
    const unsigned set = set_of(address, shift);
    const std::uint64_t key = key_of(address, shift);
    for (unsigned index = 0; index < ways_; ++index) {
      const Way& entry = *way(set, index);
      if (asid ? matches(entry, key, *asid) : entry.key == key) invalidate(set, index);
    }
  }
}

}  // namespace vmsim
