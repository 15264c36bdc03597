#include "models/mmu/tlb.h"

#include <stdexcept>

#include <fmt/format.h>

#include "models/core/units.h"

namespace vmsim {

Tlb::Tlb(StatGroup& parent, const std::string& name, const Config& config)
    : sets_(config.ways == 0 ? 0 : config.entries / config.ways),
      ways_(config.ways),
      replacement_(config.replacement),
      page_shifts_(config.page_shifts),
      random_(config.seed),
      stats_(parent, name) {
  if (config.entries == 0 || config.ways == 0 || config.entries % config.ways != 0)
    throw std::invalid_argument(fmt::format("{} entries cannot be divided into sets of {} ways", config.entries, config.ways));
  if (config.ways > 64) throw std::invalid_argument("at most 64 ways");
  if (replacement_ == Replacement::plru && (ways_ & (ways_ - 1)) != 0)
    throw std::invalid_argument(fmt::format("tree PLRU needs a power-of-two number of ways, not {}", ways_));
  if (page_shifts_.empty()) throw std::invalid_argument("a TLB needs at least one page size");
  ways_storage_.resize(static_cast<std::size_t>(sets_) * ways_);
  plru_bits_.assign(sets_, 0);
  for (const std::uint8_t shift : page_shifts_)
    hits_by_size_.push_back(std::make_unique<Counter>(
        stats_, fmt::format("hits_{}", format_bytes(Bytes{std::uint64_t{1} << shift})),
        fmt::format("Hits on {} pages", format_bytes(Bytes{std::uint64_t{1} << shift}))));
}

const Translation* Tlb::lookup(std::uint64_t address, std::uint16_t asid) {
  for (std::size_t size = 0; size < page_shifts_.size(); ++size) {
    const std::uint8_t shift = page_shifts_[size];
    const unsigned set = set_of(address, shift);
    const std::uint64_t page = address >> shift;
    for (unsigned index = 0; index < ways_; ++index) {
      Way& candidate = *way(set, index);
      const Translation& t = candidate.translation;
      if (!candidate.valid || t.page_shift != shift || (t.virtual_base >> shift) != page) continue;
      if (t.asid != asid && (t.flags & page_global) == 0) continue;
      ++hits_;
      ++*hits_by_size_[size];
      touch(set, index);
      return &t;
    }
  }
  ++misses_;
  return nullptr;
}

void Tlb::insert(const Translation& translation) {
  const unsigned set = set_of(translation.virtual_base, translation.page_shift);
  unsigned chosen = ways_;
  for (unsigned index = 0; index < ways_ && chosen == ways_; ++index) {
    const Way& candidate = *way(set, index);
    if (candidate.valid && candidate.translation.page_shift == translation.page_shift &&
        candidate.translation.virtual_base == translation.virtual_base && candidate.translation.asid == translation.asid)
      chosen = index;
  }
  const bool refill = chosen != ways_;
  for (unsigned index = 0; index < ways_ && chosen == ways_; ++index)
    if (!way(set, index)->valid) chosen = index;
  if (chosen == ways_) {
    chosen = victim(set);
    ++evictions_;
  }
  Way& target = *way(set, chosen);
  target.translation = translation;
  target.valid = true;
  // FIFO orders entries by when their page was filled, which an update of the same page keeps.
  if (replacement_ == Replacement::fifo) {
    if (!refill) target.last_use = ++clock_;
  } else {
    touch(set, chosen);
  }
}

void Tlb::touch(unsigned set, unsigned index) {
  switch (replacement_) {
    case Replacement::lru:
      way(set, index)->last_use = ++clock_;
      break;
    case Replacement::plru: {
      // Walk from the root to the leaf of `index`, pointing every node away from the path taken.
      std::uint64_t& bits = plru_bits_[set];
      unsigned node = 0;
      for (unsigned span = ways_ / 2; span >= 1; span /= 2) {
        const bool right = (index & span) != 0;
        if (right)
          bits &= ~(std::uint64_t{1} << node);
        else
          bits |= std::uint64_t{1} << node;
        node = 2 * node + (right ? 2 : 1);
      }
      break;
    }
    case Replacement::fifo:
    case Replacement::random:
      break;
  }
}

unsigned Tlb::victim(unsigned set) {
  switch (replacement_) {
    case Replacement::lru:
    case Replacement::fifo: {
      unsigned oldest = 0;
      for (unsigned index = 1; index < ways_; ++index)
        if (way(set, index)->last_use < way(set, oldest)->last_use) oldest = index;
      return oldest;
    }
    case Replacement::plru: {
      // Follow the bits: 1 points right (the left subtree was used more recently).
      const std::uint64_t bits = plru_bits_[set];
      unsigned node = 0;
      unsigned index = 0;
      for (unsigned span = ways_ / 2; span >= 1; span /= 2) {
        const bool right = (bits >> node & 1) != 0;
        if (right) index |= span;
        node = 2 * node + (right ? 2 : 1);
      }
      return index;
    }
    case Replacement::random:
      return static_cast<unsigned>(random_.below(ways_));
  }
  return 0;
}

void Tlb::flush_all() {
  ++flushes_;
  for (Way& entry : ways_storage_) {
    flushed_entries_ += entry.valid ? 1 : 0;
    entry.valid = false;
  }
}

void Tlb::flush_asid(std::uint16_t asid) {
  ++flushes_;
  for (Way& entry : ways_storage_) {
    if (!entry.valid || entry.translation.asid != asid || (entry.translation.flags & page_global) != 0) continue;
    entry.valid = false;
    ++flushed_entries_;
  }
}

void Tlb::flush_address(std::uint64_t address, std::uint16_t asid) {
  ++flushes_;
  for (const std::uint8_t shift : page_shifts_) {
    const unsigned set = set_of(address, shift);
    for (unsigned index = 0; index < ways_; ++index) {
      Way& entry = *way(set, index);
      const Translation& t = entry.translation;
      if (!entry.valid || t.page_shift != shift || (t.virtual_base >> shift) != (address >> shift)) continue;
      if (t.asid != asid && (t.flags & page_global) == 0) continue;
      entry.valid = false;
      ++flushed_entries_;
    }
  }
}

}  // namespace vmsim
