#include <gtest/gtest.h>

#include "vmsim/models/mmu/page_table_format.h"

namespace vmsim {
namespace {

const PageTableFormat& format(const char* name) { return *PageTableFormat::find(name); }

TEST(PageTableFormat, RiscvEntriesFollowTheSpecificationLayout) {
  const auto& sv39 = format("sv39");
  const std::uint8_t all = page_readable | page_writable | page_executable | page_user | page_global | page_accessed |
                           page_dirty;
  // PPN 0x80200 in bits 10 and up, V R W X U G A D in bits 0 to 7.
  EXPECT_EQ(sv39.encode_leaf(0x80200000, all, 1), 0x200800ffu);
  EXPECT_EQ(sv39.encode_table(0x80001000), 0x20000401u);
  const Pte leaf = sv39.decode(0x200800ffu, 1);
  EXPECT_TRUE(leaf.present && leaf.leaf && !leaf.malformed);
  EXPECT_EQ(leaf.address, 0x80200000u);
  EXPECT_EQ(leaf.flags, all);
  EXPECT_FALSE(sv39.decode(0x200800feu, 1).present);
  EXPECT_TRUE(sv39.decode(0x20080005u, 0).malformed);                        // W without R
  EXPECT_TRUE(sv39.decode(0x20080003u | (1ull << 54), 0).malformed);        // reserved high bits
  EXPECT_TRUE(sv39.decode(0x20000401u, 0).malformed);                        // a table pointer at the last level
  EXPECT_EQ(sv39.with_accessed(0x20080003u, true), 0x200800c3u);
  EXPECT_EQ(format("sv48").page_shifts(), (std::vector<std::uint8_t>{12, 21, 30, 39}));
}

TEST(PageTableFormat, X86EntriesFollowTheSdmLayout) {
  const auto& x86 = format("x86_64");
  // P RW US, PS for a 2 MiB page, XD because not executable.
  EXPECT_EQ(x86.encode_leaf(0x80200000, page_readable | page_writable | page_user, 1), 0x8000000080200087ull);
  EXPECT_EQ(x86.encode_leaf(0x80201000, page_readable | page_executable, 0), 0x80201001ull);
  const Pte large = x86.decode(0x8000000080201087ull, 1);  // bit 12 is PAT in a large page
  EXPECT_TRUE(large.leaf);
  EXPECT_EQ(large.address, 0x80200000u);
  EXPECT_EQ(large.flags, page_readable | page_writable | page_user);
  EXPECT_TRUE(x86.decode(0x80000087, 3).malformed);  // no 512 GiB pages
  const Pte table = x86.decode(0x80001003, 2);
  EXPECT_FALSE(table.leaf);
  EXPECT_EQ(table.flags, page_readable | page_writable | page_executable);  // US clear: no user below
  EXPECT_EQ(x86.with_accessed(0x80001003, true), 0x80001063u);
  EXPECT_EQ(x86.page_shifts(), (std::vector<std::uint8_t>{12, 21, 30}));
}

TEST(PageTableFormat, Armv8HasBlocksAtArmLevelsOneAndTwoOnly) {
  const auto& arm = format("armv8a_4k");
  EXPECT_EQ(arm.levels, 4u);
  EXPECT_EQ(arm.page_shifts(), (std::vector<std::uint8_t>{12, 21, 30}));
  // 0b01 (block) at vmsim's level 2 (Arm level 1) maps 1 GiB; at level 3 (Arm level 0) it is malformed.
  EXPECT_FALSE(arm.decode(0x40000401, 2).malformed);
  EXPECT_TRUE(arm.decode(0x40000401, 3).malformed);
  EXPECT_FALSE(arm.decode(0x80001003, 3).leaf);
  EXPECT_TRUE(arm.canonical(0xffff800000000000ull));
  EXPECT_FALSE(arm.canonical(0x0000800000000000ull));
  EXPECT_EQ(arm.supervisor_user_access, SupervisorUserAccess::with_sum);
  EXPECT_FALSE(arm.accessed_on_tables);
}

TEST(PageTableFormat, CanonicalAddressesSignExtendTheWidth) {
  EXPECT_TRUE(format("sv39").canonical(0x3fffffffffull));
  EXPECT_FALSE(format("sv39").canonical(0x4000000000ull));
  EXPECT_TRUE(format("sv39").canonical(0xffffffc000000000ull));
  EXPECT_TRUE(format("x86_64").canonical(0x00007fffffffffffull));
  EXPECT_FALSE(format("x86_64").canonical(0x0000800000000000ull));
  EXPECT_TRUE(format("x86_64_la57").canonical(0x0000800000000000ull));
  EXPECT_EQ(PageTableFormat::index(0x40201000, 2), 1u);
  EXPECT_EQ(PageTableFormat::index(0x40201000, 1), 1u);
  EXPECT_EQ(PageTableFormat::index(0x40201000, 0), 1u);
  EXPECT_EQ(PageTableFormat::find("sv32"), nullptr);
}

}  // namespace
}  // namespace vmsim
