#include <gtest/gtest.h>

#include "vmsim/models/mmu/replacement/fifo.h"
#include "vmsim/models/mmu/replacement/lru.h"
#include "vmsim/models/mmu/replacement/plru.h"
#include "vmsim/models/mmu/replacement/random.h"
#include "vmsim/models/mmu/replacement/srrip.h"
#include "vmsim/models/mmu/tlb.h"

namespace vmsim {
namespace {

constexpr std::uint64_t kib4 = 4096;

Translation page(std::uint64_t virtual_page, std::uint16_t asid = 1, std::uint8_t flags = page_readable) {
  return Translation{virtual_page * kib4, 0x80000000 + virtual_page * kib4, asid, 12, flags};
}

Tlb::Config fully_associative(unsigned entries, TlbReplacementFactory replacement) {
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
  Tlb tlb(root, "dtlb", fully_associative(4, replacement_of<LruReplacement>()));
  // Fill A B C D, touch A, then E evicts B and A still hits; B returns and evicts C, C evicts D.
  EXPECT_EQ(run(tlb, {0, 1, 2, 3, 0, 4, 0, 1, 2, 3}), "0000101000");
  EXPECT_EQ(counter(root, "mmu.dtlb.hits"), 2u);
  EXPECT_EQ(counter(root, "mmu.dtlb.misses"), 8u);
  EXPECT_EQ(counter(root, "mmu.dtlb.evictions"), 4u);
}

TEST(Tlb, FifoEvictsTheOldestFillWhateverItsUse) {
  StatGroup root("mmu");
  Tlb tlb(root, "dtlb", fully_associative(4, replacement_of<FifoReplacement>()));
  // A is used before E arrives, yet is filled first and so leaves first.
  EXPECT_EQ(run(tlb, {0, 1, 2, 3, 0, 4, 1, 0}), "00001010");
}

TEST(Tlb, TreePlruApproximatesLru) {
  StatGroup root("mmu");
  Tlb tlb(root, "dtlb", fully_associative(4, replacement_of<PlruReplacement>()));
  // After A B C D and a touch of A the tree points at C (true LRU would pick B).
  EXPECT_EQ(run(tlb, {0, 1, 2, 3, 0, 4, 1, 0, 2}), "000010110");
}

TEST(Tlb, RandomIsSeededAndSparesNothing) {
  StatGroup root("mmu");
  Tlb::Config config = fully_associative(4, replacement_of<RandomReplacement>());
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
  Tlb tlb(root, "dtlb", fully_associative(8, replacement_of<LruReplacement>()));
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
  Tlb tlb(root, "dtlb", fully_associative(2, replacement_of<FifoReplacement>()));
  tlb.insert(page(0));
  tlb.insert(page(1));
  tlb.insert(page(0, 1, page_readable | page_dirty));  // e.g. the dirty bit now set
  EXPECT_EQ(tlb.lookup(0, 1)->flags, page_readable | page_dirty);
  EXPECT_EQ(counter(root, "mmu.dtlb.evictions"), 0u);
  tlb.insert(page(2));  // page 0 was still filled first
  EXPECT_EQ(tlb.lookup(0, 1), nullptr);
  EXPECT_NE(tlb.lookup(kib4, 1), nullptr);
}

TEST(Tlb, SrripKeepsAHitPageThroughAScanThatLruLetsEvictIt) {
  StatGroup root("mmu");
  Tlb srrip(root, "srrip", fully_associative(4, [](const TlbGeometry& geometry) {
              return std::make_unique<SrripReplacement>(geometry, 2);
            }));
  Tlb lru(root, "lru", fully_associative(4, replacement_of<LruReplacement>()));
  // Pages 0-3 fill ways 0-3 (RRPV 2 each), page 0 is hit (0 2 2 2). The scan 4 5 6 7: 4 ages the
  // set (1 3 3 3) and replaces way 1, 5 and 6 find ways 2 and 3 distant, 7 ages it again (2 3 3 3)
  // and replaces 4 in way 1. Page 0 is still there; LRU evicted it for page 7.
  const std::vector<std::uint64_t> pages{0, 1, 2, 3, 0, 4, 5, 6, 7, 0};
  EXPECT_EQ(run(srrip, pages), "0000100001");
  EXPECT_EQ(run(lru, pages), "0000100000");
  EXPECT_EQ(counter(root, "mmu.srrip.evictions"), 4u);
}

TEST(Tlb, SrripRrpvWidthIsHowManyNewPagesAHitPageOutlives) {
  // Two ways: page 0 is hit (RRPV 0), then a stream of new pages. Each choice ages the set by one
  // until the stream's way (filled at 2^M - 2) is distant, so page 0 outlives 2^M - 2 victims:
  // none with 1 bit, 2 with 2 bits, 6 with 3. The stream 1..6 takes five victims (2..6).
  const std::vector<std::uint64_t> pages{0, 0, 1, 2, 3, 4, 5, 6, 0};
  const std::pair<unsigned, const char*> expected[] = {{1, "010000000"}, {2, "010000000"}, {3, "010000001"}};
  for (const auto& [bits, outcome] : expected) {
    StatGroup root("mmu");
    Tlb tlb(root, "dtlb", fully_associative(2, [bits = bits](const TlbGeometry& geometry) {
              return std::make_unique<SrripReplacement>(geometry, bits);
            }));
    EXPECT_EQ(run(tlb, pages), outcome) << bits << " bits";
  }
}

TEST(Srrip, HitsFillsAgeingAndVictimsWayByWay) {
  // RRPVs of 2 bits: a fill predicts 2 (long), a hit 0 (near); 3 is distant.
  SrripReplacement srrip(TlbGeometry{2, 4, 0}, 2);
  for (unsigned way = 0; way < 4; ++way) srrip.fill(0, way, false);  // set 0: 2 2 2 2
  srrip.hit(0, 0);                                                   // 0 2 2 2
  EXPECT_EQ(srrip.victim(0), 1u);  // none distant: all age by 1 (1 3 3 3), the lowest distant way
  srrip.fill(0, 1, false);         // 1 2 3 3
  EXPECT_EQ(srrip.victim(0), 2u);  // way 2 is distant already: no ageing
  EXPECT_EQ(srrip.victim(0), 2u);  // and asking again changes nothing
  srrip.fill(0, 2, false);         // 1 2 2 3
  srrip.fill(0, 3, true);          // a refill of the same page is a re-reference: 1 2 2 0
  EXPECT_EQ(srrip.victim(0), 1u);  // all age by 1: 2 3 3 1
  srrip.fill(0, 1, false);         // 2 2 3 1
  EXPECT_EQ(srrip.victim(0), 2u);
  srrip.fill(0, 2, false);         // 2 2 2 1
  EXPECT_EQ(srrip.victim(0), 0u);  // all age by 1: 3 3 3 2
  // Set 1 has its own values: hits on ways 0 and 2 (0 2 0 2) leave way 1 first.
  for (unsigned way = 0; way < 4; ++way) srrip.fill(1, way, false);
  srrip.hit(1, 0);
  srrip.hit(1, 2);
  EXPECT_EQ(srrip.victim(1), 1u);  // 1 3 1 3
  srrip.fill(1, 1, false);         // 1 2 1 3
  EXPECT_EQ(srrip.victim(1), 3u);
}

TEST(Srrip, ThreeBitsPredictFillsAtSixOfSeven) {
  SrripReplacement srrip(TlbGeometry{1, 4, 0}, 3);
  for (unsigned way = 0; way < 4; ++way) srrip.fill(0, way, false);  // 6 6 6 6
  srrip.hit(0, 2);                                                   // 6 6 0 6
  EXPECT_EQ(srrip.victim(0), 0u);                                    // all age by 1: 7 7 1 7
  srrip.fill(0, 0, false);                                           // 6 7 1 7
  EXPECT_EQ(srrip.victim(0), 1u);
  srrip.fill(0, 1, false);         // 6 6 1 7
  srrip.fill(0, 3, false);         // 6 6 1 6
  EXPECT_EQ(srrip.victim(0), 0u);  // all age by 1: 7 7 2 7
}

TEST(Tlb, RefusesGeometriesItCannotBuild) {
  StatGroup root;
  Tlb::Config config;
  config.entries = 6;
  config.ways = 4;
  EXPECT_THROW(Tlb(root, "a", config), std::invalid_argument);
  config.entries = 12;
  config.ways = 3;
  config.replacement = replacement_of<PlruReplacement>();
  EXPECT_THROW(Tlb(root, "b", config), std::invalid_argument);
}

}  // namespace
}  // namespace vmsim
