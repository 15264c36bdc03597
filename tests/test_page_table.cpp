// The page-table engine alone, over table memory held in a map: every entry it reads, writes and
// creates is checked against the raw value the format's specification gives.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "vmsim/models/mmu/page_table.h"

namespace vmsim {
namespace {

using sc_core::SC_NS;
using sc_core::sc_time;
using Outcome = EntryLocation::Outcome;

constexpr std::uint64_t root = 0x80000000;
constexpr std::uint64_t frame = 0x80100000;
constexpr std::uint8_t rwu = page_readable | page_writable | page_user;

// Entries absent from the map read as zero; a read costs 10 ns, a write 20 ns.
class MapMemory final : public PageTableMemory {
 public:
  bool read(std::uint64_t address, std::uint64_t& raw, sc_time& delay) override {
    ++reads;
    delay += sc_time(10, SC_NS);
    if (failing.count(address) != 0) return false;
    const auto found = entries.find(address);
    raw = found == entries.end() ? 0 : found->second;
    return true;
  }
  bool write(std::uint64_t address, std::uint64_t raw, sc_time& delay) override {
    ++writes;
    delay += sc_time(20, SC_NS);
    if (failing.count(address) != 0) return false;
    entries[address] = raw;
    return true;
  }

  std::map<std::uint64_t, std::uint64_t> entries;
  std::set<std::uint64_t> failing;  // addresses that answer with an error
  unsigned reads = 0;
  unsigned writes = 0;
};

class PageTableTest : public ::testing::Test {
 protected:
  void use(const char* format_name) {
    tables_ = std::make_unique<PageTable>(*PageTableFormat::find(format_name), memory_);
  }
  PageTable& tables() { return *tables_; }
  // Hands out the table pages after the root, one after the other, up to `table_limit`.
  AllocateTable allocator() {
    return [this](sc_time&) -> std::optional<std::uint64_t> {
      if (allocated_ == table_limit_) return std::nullopt;
      return root + 0x1000 * ++allocated_;
    };
  }
  EntryLocation create(std::uint64_t address, unsigned level = 0) {
    return tables().find_or_create(root, address, level, allocator(), delay_);
  }
  EntryLocation find(std::uint64_t address) { return tables().find(root, address, delay_); }
  PageWalk walk(std::uint64_t address, PageTable::TableAccessed accessed = PageTable::TableAccessed::set) {
    return tables().walk(tables().root(root), address, delay_, accessed);
  }
  std::uint64_t& entry(std::uint64_t address) { return memory_.entries[address]; }

  MapMemory memory_;
  std::unique_ptr<PageTable> tables_;
  sc_time delay_;
  unsigned allocated_ = 0;
  unsigned table_limit_ = 16;
};

TEST_F(PageTableTest, Sv39CreatesTheMissingTablesThenFindsTheLeafEntry) {
  use("sv39");
  // VA 0x40201000: root[1] -> table[1] -> table[1].
  const EntryLocation created = create(0x40201000);
  EXPECT_EQ(created.outcome, Outcome::found);
  EXPECT_EQ(created.address, 0x80002008u);
  EXPECT_EQ(created.level, 0u);
  EXPECT_EQ(allocated_, 2u);
  EXPECT_EQ(memory_.entries,
            (std::map<std::uint64_t, std::uint64_t>{{0x80000008, 0x20000401}, {0x80001008, 0x20000801}}));
  EXPECT_EQ(delay_, sc_time(2 * 10 + 2 * 20, SC_NS));  // the leaf entry itself is neither read nor written

  const EntryLocation found = find(0x40201ff8);
  EXPECT_TRUE(found.found());
  EXPECT_EQ(found.address, 0x80002008u);
  EXPECT_EQ(found.span(), 0x1000u);
  EXPECT_EQ(found.next(0x40201ff8), 0x40202000u);
  EXPECT_EQ(memory_.reads, 4u);
  // A neighbour in the same table needs no new table.
  EXPECT_EQ(create(0x40202000).address, 0x80002010u);
  EXPECT_EQ(allocated_, 2u);
  EXPECT_EQ(tables().root_entry(root, 0xffffffc000000000), 0x80000800u);
}

TEST_F(PageTableTest, Sv48CreatesFourLevels) {
  use("sv48");
  // VA 0x8040201000: index 1 at every level.
  const EntryLocation created = create(0x8040201000);
  EXPECT_EQ(created.address, 0x80003008u);
  EXPECT_EQ(memory_.entries, (std::map<std::uint64_t, std::uint64_t>{
                                 {0x80000008, 0x20000401}, {0x80001008, 0x20000801}, {0x80002008, 0x20000c01}}));
  EXPECT_EQ(find(0x8040201000).address, 0x80003008u);
  EXPECT_EQ(tables().root_entry(root, 0x8040201000), 0x80000008u);
}

TEST_F(PageTableTest, X86CreatesTablesThatAllowEverythingBelow) {
  use("x86_64");
  // VA 0x40201000: PML4[0] -> PDPT[1] -> PD[1] -> PT[1]; table entries are P, RW and US.
  const EntryLocation created = create(0x40201000);
  EXPECT_EQ(created.address, 0x80003008u);
  EXPECT_EQ(memory_.entries, (std::map<std::uint64_t, std::uint64_t>{
                                 {0x80000000, 0x80001007}, {0x80001008, 0x80002007}, {0x80002008, 0x80003007}}));
  EXPECT_EQ(find(0x40201000).address, 0x80003008u);
}

TEST_F(PageTableTest, Armv8CreatesFourLevelsAndUpdatesOnlyTheLeaf) {
  use("armv8a_4k");
  // VA 0x8040201000: index 1 at every level; a table descriptor is the next table's address | 0b11.
  const EntryLocation created = create(0x8040201000);
  EXPECT_EQ(created.address, 0x80003008u);
  EXPECT_EQ(memory_.entries, (std::map<std::uint64_t, std::uint64_t>{
                                 {0x80000008, 0x80001003}, {0x80001008, 0x80002003}, {0x80002008, 0x80003003}}));
  // A user page, writable-clean: 0b11 page, AP[1] 0x40, AP[2] 0x80, SH 0x300, nG 0x800; DBM (51),
  // PXN (53), UXN (54).
  entry(created.address) = tables().format().encode_leaf(frame, rwu, 0);
  EXPECT_EQ(entry(0x80003008), 0x0068000080100bc3u);
  memory_.writes = 0;

  PageWalk store = walk(0x8040201008);
  EXPECT_EQ(store.fault, FaultCause::none);
  EXPECT_EQ(store.physical_base, frame);
  EXPECT_EQ(store.flags, rwu);
  EXPECT_EQ(store.table_count, 3u);
  EXPECT_EQ(memory_.writes, 0u);  // no Access flag in table descriptors
  // One write sets AF (bit 10) and clears AP[2] (bit 7): accessed and dirty.
  EXPECT_TRUE(tables().set_accessed(store, true, delay_));
  EXPECT_EQ(entry(0x80003008), 0x0068000080100f43u);
  EXPECT_EQ(store.flags, rwu | page_accessed | page_dirty);
  EXPECT_EQ(memory_.writes, 1u);
  EXPECT_EQ(walk(0x8040201008).flags, rwu | page_accessed | page_dirty);

  // A 1 GiB block at Arm level 1 (vmsim's level 2): level 0 [0] -> level 1 [2].
  const EntryLocation block = create(0x80000000, 2);
  EXPECT_EQ(block.address, 0x80004010u);
  entry(block.address) = tables().format().encode_leaf(0xc0000000, rwu, 2);
  EXPECT_EQ(entry(0x80004010), 0x00680000c0000bc1u);  // as the page, with 0b01: a block
  PageWalk huge = walk(0x80012345);
  EXPECT_EQ(huge.fault, FaultCause::none);
  EXPECT_EQ(huge.level, 2u);
  EXPECT_EQ(huge.virtual_base, 0x80000000u);
  EXPECT_EQ(huge.physical_base, 0xc0000000u);
  // APTable bit 62 in the level 0 descriptor: no writes anywhere below.
  entry(0x80000000) |= std::uint64_t{1} << 62;
  huge = walk(0x80012345);
  EXPECT_EQ(huge.flags, page_readable | page_user);
  EXPECT_EQ(huge.tables[0].allowed, page_readable | page_executable | page_user);
  // A block descriptor at Arm level 0 (vmsim's level 3) is not a 512 GiB page: malformed.
  entry(0x80000010) = 0x80000401;
  EXPECT_EQ(walk(0x10000000000).fault, FaultCause::malformed_entry);
}

TEST_F(PageTableTest, FindingNoTableGivesTheSpanToSkip) {
  use("sv39");
  EntryLocation missing = find(0x40201000);
  EXPECT_EQ(missing.outcome, Outcome::no_table);
  EXPECT_EQ(missing.address, 0x80000008u);  // the root entry that is not present
  EXPECT_EQ(missing.level, 2u);
  EXPECT_EQ(missing.span(), 0x40000000u);
  EXPECT_EQ(missing.next(0x40201000), 0x80000000u);
  create(0x40201000);
  missing = find(0x40400000);
  EXPECT_EQ(missing.outcome, Outcome::no_table);
  EXPECT_EQ(missing.address, 0x80001010u);
  EXPECT_EQ(missing.span(), 0x200000u);
  EXPECT_EQ(missing.next(0x40400000), 0x40600000u);
  EXPECT_EQ(allocated_, 2u);  // finding creates nothing
}

TEST_F(PageTableTest, CreatingFailsWithoutMemoryOrWhenTableMemoryFails) {
  use("sv39");
  table_limit_ = 1;
  const EntryLocation full = create(0x40201000);
  EXPECT_EQ(full.outcome, Outcome::no_memory);
  EXPECT_EQ(full.address, 0x80001008u);  // the root entry was linked to the one table there was
  EXPECT_EQ(full.level, 1u);
  EXPECT_EQ(memory_.entries, (std::map<std::uint64_t, std::uint64_t>{{0x80000008, 0x20000401}}));
  memory_.failing.insert(0x80000010);
  const EntryLocation failed = create(0x80000000);
  EXPECT_EQ(failed.outcome, Outcome::memory_error);
  EXPECT_EQ(failed.address, 0x80000010u);
  EXPECT_EQ(find(0x80000000).outcome, Outcome::memory_error);
}

TEST_F(PageTableTest, SuperpagesAreMappedAtTheirLevelAndFoundThere) {
  use("sv39");
  const EntryLocation created = create(0x40400000, 1);  // 2 MiB
  EXPECT_EQ(created.address, 0x80001010u);
  EXPECT_EQ(created.level, 1u);
  EXPECT_EQ(allocated_, 1u);
  entry(created.address) = tables().format().encode_leaf(0x80200000, rwu, 1);
  EXPECT_EQ(entry(0x80001010), 0x20080017u);

  const EntryLocation found = find(0x40412340);
  EXPECT_EQ(found.address, 0x80001010u);
  EXPECT_EQ(found.level, 1u);
  EXPECT_EQ(found.next(0x40412340), 0x40600000u);
  // Asking for a 4 KiB entry inside it finds the superpage, and creates nothing.
  EXPECT_EQ(create(0x40412000).level, 1u);
  EXPECT_EQ(allocated_, 1u);

  const PageWalk walk = this->walk(0x40412340);
  EXPECT_EQ(walk.fault, FaultCause::none);
  EXPECT_EQ(walk.level, 1u);
  EXPECT_EQ(walk.virtual_base, 0x40400000u);
  EXPECT_EQ(walk.physical_base, 0x80200000u);
  EXPECT_EQ(walk.flags, rwu);
  EXPECT_EQ(walk.table_count, 1u);
}

TEST_F(PageTableTest, Sv39WalkSetsAccessedThenDirty) {
  use("sv39");
  entry(create(0x40201000).address) = tables().format().encode_leaf(frame, rwu, 0);
  EXPECT_EQ(entry(0x80002008), 0x20040017u);
  memory_.reads = memory_.writes = 0;
  delay_ = sc_core::SC_ZERO_TIME;

  PageWalk load = walk(0x40201008);
  EXPECT_EQ(load.fault, FaultCause::none);
  EXPECT_EQ(load.entry, 0x80002008u);
  EXPECT_EQ(load.raw, 0x20040017u);
  EXPECT_EQ(load.physical_base, frame);
  EXPECT_EQ(load.flags, rwu);
  ASSERT_EQ(load.table_count, 2u);
  EXPECT_EQ(load.tables[0].table, 0x80001000u);
  EXPECT_EQ(load.tables[0].level, 1u);
  EXPECT_EQ(load.tables[1].table, 0x80002000u);
  EXPECT_EQ(load.tables[1].level, 0u);
  EXPECT_EQ(memory_.writes, 0u);  // the walk alone changes nothing: the MMU checks permissions first
  EXPECT_TRUE(tables().set_accessed(load, false, delay_));
  EXPECT_EQ(entry(0x80002008), 0x20040057u);
  EXPECT_EQ(load.flags, rwu | page_accessed);

  PageWalk store = walk(0x40201008);
  EXPECT_EQ(store.flags, rwu | page_accessed);
  EXPECT_TRUE(tables().set_accessed(store, true, delay_));
  EXPECT_EQ(entry(0x80002008), 0x200400d7u);
  EXPECT_EQ(store.flags, rwu | page_accessed | page_dirty);
  EXPECT_TRUE(tables().set_accessed(store, true, delay_));  // both set: no write
  EXPECT_EQ(memory_.reads, 6u);
  EXPECT_EQ(memory_.writes, 2u);
  EXPECT_EQ(delay_, sc_time(6 * 10 + 2 * 20, SC_NS));

  memory_.failing.insert(0x80002008);
  PageWalk failing = walk(0x40201008);
  EXPECT_EQ(failing.fault, FaultCause::walk_error);
}

TEST_F(PageTableTest, X86WalkSetsAccessedInTableEntriesAndCombinesPermissions) {
  use("x86_64");
  entry(create(0x40201000).address) = tables().format().encode_leaf(frame, rwu, 0);
  EXPECT_EQ(entry(0x80003008), 0x8000000080100007u);  // XD: not executable
  memory_.writes = 0;

  EXPECT_EQ(walk(0x40201000, PageTable::TableAccessed::leave).fault, FaultCause::none);
  EXPECT_EQ(memory_.writes, 0u);
  PageWalk load = walk(0x40201000);
  EXPECT_EQ(memory_.entries, (std::map<std::uint64_t, std::uint64_t>{{0x80000000, 0x80001027},
                                                                     {0x80001008, 0x80002027},
                                                                     {0x80002008, 0x80003027},
                                                                     {0x80003008, 0x8000000080100007}}));
  EXPECT_TRUE(tables().set_accessed(load, true, delay_));
  EXPECT_EQ(entry(0x80003008), 0x8000000080100067u);
  EXPECT_EQ(memory_.writes, 4u);
  walk(0x40201000);
  EXPECT_EQ(memory_.writes, 4u);  // A already set everywhere

  // A read-only, supervisor-only PDPT entry takes W and U from everything below it.
  entry(0x80001008) = 0x80002021;
  const PageWalk limited = walk(0x40201000);
  EXPECT_EQ(limited.flags, page_readable | page_accessed | page_dirty);
  EXPECT_EQ(limited.tables[1].allowed, page_readable | page_executable);
}

TEST_F(PageTableTest, AWalkResumesFromACachedTable) {
  use("sv39");
  entry(create(0x40201000).address) = tables().format().encode_leaf(frame, rwu, 0);
  memory_.reads = 0;
  const WalkPoint cached{0x80002000, 0, page_readable | page_user};
  const PageWalk walk = tables().walk(cached, 0x40201000, delay_, PageTable::TableAccessed::set);
  EXPECT_EQ(walk.fault, FaultCause::none);
  EXPECT_EQ(walk.flags, page_readable | page_user);
  EXPECT_EQ(walk.table_count, 0u);
  EXPECT_EQ(memory_.reads, 1u);
}

TEST_F(PageTableTest, MalformedAndMisalignedEntriesFault) {
  use("sv39");
  const auto& sv39 = tables().format();
  entry(create(0x40201000).address) = sv39.encode_leaf(frame, page_writable | page_user, 0);  // W without R
  EXPECT_EQ(entry(0x80002008), 0x20040015u);
  EXPECT_EQ(walk(0x40201000).fault, FaultCause::malformed_entry);
  entry(0x80002010) = sv39.encode_table(0x80003000);  // a table pointer at level 0
  EXPECT_EQ(walk(0x40202000).fault, FaultCause::malformed_entry);
  entry(0x80000010) = sv39.encode_leaf(0x80200000, rwu, 2);  // 1 GiB page on a 2 MiB boundary
  EXPECT_EQ(entry(0x80000010), 0x20080017u);
  EXPECT_EQ(walk(0x80000000).fault, FaultCause::misaligned_superpage);
  EXPECT_EQ(walk(0xc0000000).fault, FaultCause::not_present);

  use("x86_64");
  memory_.entries.clear();
  entry(0x80000008) = 0x80000087;  // PS in a PML4 entry: no 512 GiB pages
  EXPECT_EQ(walk(0x8000000000).fault, FaultCause::malformed_entry);
  entry(0x80000010) = 0x80001007;
  entry(0x80001000) = 0x80200083;  // 1 GiB page on a 2 MiB boundary
  EXPECT_EQ(walk(0x10000000000).fault, FaultCause::misaligned_superpage);
}

}  // namespace
}  // namespace vmsim
