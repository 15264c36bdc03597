#include <gtest/gtest.h>

#include "models/mmu/tlb.h"

namespace vmsim {
namespace {

constexpr std::uint64_t kib4 = 4096;

Translation page(std::uint64_t virtual_page, std::uint16_t asid = 1, std::uint8_t flags = page_readable) {
  return Translation{virtual_page * kib4, 0x80000000 + virtual_page * kib4, asid, 12, flags};
}

Tlb::Config fully_associative(unsigned entries, Replacement replacement) {
  Tlb::Config config;
  config.entries = entries;
  config.ways = entries;
  config.replacement = replacement;
  return config;
}

// Looks up each page (ASID 1) and returns the hit (1) / miss (0) sequence, filling on a miss.
std::string run(Tlb& tlb, const std::vector<std::uint64_t>& pages) {
  std::string outcome;
  for (const std::uint64_t p : pages) {
    const bool hit = tlb.lookup(p * kib4 + 8, 1) != nullptr;
    outcome += hit ? '1' : '0';
    if (!hit) tlb.insert(page(p));
  }
  return outcome;
}

std::uint64_t counter(const StatGroup& group, const std::string& name) {
  for (const auto& entry : group.collect())
    if (entry.name == name) return std::get<std::uint64_t>(entry.value);
  ADD_FAILURE() << "no " << name;
  return 0;
}

TEST(Tlb, LruEvictsTheLeastRecentlyUsed) {
  StatGroup root("mmu");
  Tlb tlb(root, "dtlb", fully_associative(4, Replacement::lru));
  // Fill A B C D, touch A, then E evicts B and A still hits; B returns and evicts C, C evicts D.
  EXPECT_EQ(run(tlb, {0, 1, 2, 3, 0, 4, 0, 1, 2, 3}), "0000101000");
  EXPECT_EQ(counter(root, "mmu.dtlb.hits"), 2u);
  EXPECT_EQ(counter(root, "mmu.dtlb.misses"), 8u);
  EXPECT_EQ(counter(root, "mmu.dtlb.evictions"), 4u);
}

TEST(Tlb, FifoEvictsTheOldestFillWhateverItsUse) {
  StatGroup root("mmu");
  Tlb tlb(root, "dtlb", fully_associative(4, Replacement::fifo));
  // A is used before E arrives, yet is filled first and so leaves first.
  EXPECT_EQ(run(tlb, {0, 1, 2, 3, 0, 4, 1, 0}), "00001010");
}

TEST(Tlb, TreePlruApproximatesLru) {
  StatGroup root("mmu");
  Tlb tlb(root, "dtlb", fully_associative(4, Replacement::plru));
  // After A B C D and a touch of A the tree points at C (true LRU would pick B).
  EXPECT_EQ(run(tlb, {0, 1, 2, 3, 0, 4, 1, 0, 2}), "000010110");
}

TEST(Tlb, RandomIsSeededAndSparesNothing) {
  StatGroup root("mmu");
  Tlb::Config config = fully_associative(4, Replacement::random);
  config.seed = 5;
  Tlb a(root, "a", config);
  Tlb b(root, "b", config);
  std::vector<std::uint64_t> pages;
  for (std::uint64_t i = 0; i < 400; ++i) pages.push_back(i % 6);
  const std::string outcome = run(a, pages);
  EXPECT_EQ(outcome, run(b, pages));
  EXPECT_EQ(outcome.substr(0, 6), "000000");
  const auto hits = static_cast<std::size_t>(std::count(outcome.begin(), outcome.end(), '1'));
  EXPECT_GT(hits, 100u);  // a cyclic sweep of 6 pages over 4 entries: LRU would never hit
  EXPECT_LT(hits, 300u);
}

TEST(Tlb, SetsAreIndexedByPageNumber) {
  StatGroup root("mmu");
  Tlb::Config config;
  config.entries = 8;
  config.ways = 2;
  Tlb tlb(root, "dtlb", config);
  EXPECT_EQ(tlb.sets(), 4u);
  // Pages 0, 4 and 8 share set 0; page 1 is alone in set 1.
  EXPECT_EQ(run(tlb, {0, 4, 1, 8, 1, 4, 0}), "0000110");
}

TEST(Tlb, SuperpagesShareTheStructure) {
  StatGroup root("mmu");
  Tlb::Config config;
  config.entries = 16;
  config.ways = 4;
  config.page_shifts = {12, 21, 30};
  Tlb tlb(root, "dtlb", config);
  tlb.insert(Translation{0x40200000, 0x1c0000000, 3, 21, page_readable | page_writable});
  tlb.insert(Translation{0x80000000, 0x100000000, 3, 30, page_readable});
  tlb.insert(Translation{0x40200000 + 0x1000, 0x90000000, 3, 12, page_readable});

  const Translation* superpage = tlb.lookup(0x403fffff, 3);
  ASSERT_NE(superpage, nullptr);
  EXPECT_EQ(superpage->physical(0x403fffff), 0x1c01fffffu);
  const Translation* gigapage = tlb.lookup(0xbfffffff, 3);
  ASSERT_NE(gigapage, nullptr);
  EXPECT_EQ(gigapage->physical(0xbfffffff), 0x13fffffffu);
  // The 4 KiB entry is found first for its own page.
  EXPECT_EQ(tlb.lookup(0x40201234, 3)->physical(0x40201234), 0x90000234u);
  EXPECT_EQ(tlb.lookup(0x40400000, 3), nullptr);
  EXPECT_EQ(counter(root, "mmu.dtlb.hits_4KiB"), 1u);
  EXPECT_EQ(counter(root, "mmu.dtlb.hits_2MiB"), 1u);
  EXPECT_EQ(counter(root, "mmu.dtlb.hits_1GiB"), 1u);
}

TEST(Tlb, AsidsIsolateAndGlobalPagesAreShared) {
  StatGroup root("mmu");
  Tlb tlb(root, "dtlb", fully_associative(8, Replacement::lru));
  tlb.insert(Translation{0x10000, 0xa0000, 1, 12, page_readable});
  tlb.insert(Translation{0x10000, 0xb0000, 2, 12, page_readable});
  tlb.insert(Translation{0x20000, 0xc0000, 1, 12, page_readable | page_global});
  EXPECT_EQ(tlb.lookup(0x10008, 1)->physical(0x10008), 0xa0008u);
  EXPECT_EQ(tlb.lookup(0x10008, 2)->physical(0x10008), 0xb0008u);
  EXPECT_EQ(tlb.lookup(0x10008, 3), nullptr);
  EXPECT_EQ(tlb.lookup(0x20000, 7)->physical(0x20010), 0xc0010u);

  tlb.flush_asid(1);  // the global page survives
  EXPECT_EQ(tlb.lookup(0x10008, 1), nullptr);
  EXPECT_NE(tlb.lookup(0x10008, 2), nullptr);
  EXPECT_NE(tlb.lookup(0x20000, 1), nullptr);

  tlb.flush_address(0x10ff0, 2);
  EXPECT_EQ(tlb.lookup(0x10008, 2), nullptr);
  EXPECT_NE(tlb.lookup(0x20000, 1), nullptr);
  tlb.flush_all();
  EXPECT_EQ(tlb.lookup(0x20000, 1), nullptr);
  EXPECT_EQ(counter(root, "mmu.dtlb.flushes"), 3u);
  EXPECT_EQ(counter(root, "mmu.dtlb.flushed_entries"), 3u);
}

TEST(Tlb, RefillOfTheSamePageReplacesItInPlace) {
  StatGroup root("mmu");
  Tlb tlb(root, "dtlb", fully_associative(2, Replacement::fifo));
  tlb.insert(page(0));
  tlb.insert(page(1));
  tlb.insert(page(0, 1, page_readable | page_dirty));  // e.g. the dirty bit now set
  EXPECT_EQ(tlb.lookup(0, 1)->flags, page_readable | page_dirty);
  EXPECT_EQ(counter(root, "mmu.dtlb.evictions"), 0u);
  tlb.insert(page(2));  // page 0 was still filled first
  EXPECT_EQ(tlb.lookup(0, 1), nullptr);
  EXPECT_NE(tlb.lookup(kib4, 1), nullptr);
}

TEST(Tlb, RefusesGeometriesItCannotBuild) {
  StatGroup root;
  Tlb::Config config;
  config.entries = 6;
  config.ways = 4;
  EXPECT_THROW(Tlb(root, "a", config), std::invalid_argument);
  config.entries = 12;
  config.ways = 3;
  config.replacement = Replacement::plru;
  EXPECT_THROW(Tlb(root, "b", config), std::invalid_argument);
}

}  // namespace
}  // namespace vmsim
