// Each page-table entry layout on its own: what it writes for tables, pages and swap entries, bit
// by bit as the architecture manuals lay them out, and that what it writes reads back the same.
#include <gtest/gtest.h>

#include "vmsim/models/mmu/armv8_pte_codec.h"
#include "vmsim/models/mmu/riscv_pte_codec.h"
#include "vmsim/models/mmu/x86_pte_codec.h"

namespace vmsim {
namespace {

constexpr std::uint8_t rwu = page_readable | page_writable | page_user;

TEST(PteCodec, EveryReadablePageReadsBackAsWrittenAtEveryPageLevel) {
  const PteCodec* codecs[] = {&riscv_pte_codec, &x86_pte_codec, &armv8_pte_codec};
  for (const PteCodec* codec : codecs) {
    for (unsigned level = 0; level <= 2; ++level) {
      const std::uint64_t address = 0x40000000;  // aligned to every page size here
      for (unsigned others = 0; others < 64; ++others) {
        const auto flags = static_cast<std::uint8_t>(page_readable | (others << 1));
        const Pte pte = codec->decode(codec->encode_leaf(address, flags, level), level);
        EXPECT_TRUE(pte.present && pte.leaf && !pte.malformed) << int{flags} << " at level " << level;
        EXPECT_EQ(pte.address, address);
        EXPECT_EQ(pte.flags, flags) << "flags " << int{flags} << " at level " << level;
      }
    }
    const Pte table = codec->decode(codec->encode_table(0x80001000), 1);
    EXPECT_TRUE(table.present && !table.leaf && !table.malformed);
    EXPECT_EQ(table.address, 0x80001000u);
    EXPECT_EQ(table.flags, page_permissions);  // a table the codec writes takes nothing away
  }
}

TEST(PteCodec, SwapEntriesAreNotPresentAndRecordTheSlot) {
  const PteCodec* codecs[] = {&riscv_pte_codec, &x86_pte_codec, &armv8_pte_codec};
  for (const PteCodec* codec : codecs) {
    // Bit 0 (V, P, or Arm's valid bit) clear; slot + 1 from bit 1, so that slot 0 is not the empty entry 0.
    EXPECT_EQ(codec->encode_swap(0), 0x2u);
    EXPECT_EQ(codec->encode_swap(5), 0xcu);
    EXPECT_EQ(codec->encode_swap(0xfffff), 0x200000u);
    EXPECT_FALSE(codec->decode(codec->encode_swap(5), 0).present);
    EXPECT_EQ(codec->decode_swap(0xc), 5u);
    EXPECT_EQ(codec->decode_swap(0x200000), 0xfffffu);
    EXPECT_EQ(codec->decode_swap(0), std::nullopt);                                       // never mapped
    EXPECT_EQ(codec->decode_swap(codec->encode_leaf(0x80100000, rwu, 0)), std::nullopt);  // present
  }
}

TEST(PteCodec, RiscvLeafAndTableBits) {
  const auto& riscv = riscv_pte_codec;
  // PPN 0x80100 from bit 10; V R W U = bits 0, 1, 2, 4.
  EXPECT_EQ(riscv.encode_leaf(0x80100000, rwu, 0), 0x20040017u);
  // Pointer: PPN 0x80001 from bit 10, V only.
  EXPECT_EQ(riscv.encode_table(0x80001000), 0x20000401u);
  // A (bit 6), then D (bit 7).
  EXPECT_EQ(riscv.with_accessed(0x20040017u, false), 0x20040057u);
  EXPECT_EQ(riscv.with_accessed(0x20040017u, true), 0x200400d7u);
  EXPECT_TRUE(riscv.decode(0x20040015u, 0).malformed);  // W without R
  EXPECT_TRUE(riscv.decode(0x20000401u, 0).malformed);  // a pointer below level 0
}

TEST(PteCodec, X86LeafAndTableBits) {
  const auto& x86 = x86_pte_codec;
  // P RW US = bits 0-2, XD = bit 63 (not executable); PS (bit 7) only above level 0.
  EXPECT_EQ(x86.encode_leaf(0x80100000, rwu, 0), 0x8000000080100007u);
  EXPECT_EQ(x86.encode_leaf(0x80200000, rwu | page_executable | page_global, 1), 0x80200187u);
  EXPECT_EQ(x86.encode_table(0x80001000), 0x80001007u);
  // A (bit 5), D (bit 6).
  EXPECT_EQ(x86.with_accessed(0x80100007u, true), 0x80100067u);
  // At level 0 bit 7 is PAT, not PS: still a 4 KiB page.
  EXPECT_TRUE(x86.decode(0x80100087u, 0).leaf);
  EXPECT_FALSE(x86.decode(0x80100007u, 1).leaf);
}

TEST(PteCodec, Armv8PageBlockAndTableDescriptors) {
  const auto& arm = armv8_pte_codec;
  // A user data page at Arm level 3: bits 1:0 0b11 (page), AP[1] bit 6 (EL0), AP[2] bit 7 with DBM
  // bit 51 (writable-clean), SH bits 9:8 0b11, nG bit 11, PXN bit 53 (user page), UXN bit 54 (no x):
  // 0x3 | 0x40 | 0x80 | 0x300 | 0x800 = 0xbc3, and bits 51, 53, 54 = 0x0068 << 48.
  EXPECT_EQ(arm.encode_leaf(0x80100000, rwu, 0), 0x0068000080100bc3u);
  // The walker's updates under FEAT_HAFDBS: AF (bit 10) on access, AP[2] cleared on the first store.
  EXPECT_EQ(arm.with_accessed(0x0068000080100bc3u, false), 0x0068000080100fc3u);
  EXPECT_EQ(arm.with_accessed(0x0068000080100fc3u, true), 0x0068000080100f43u);
  const Pte dirty = arm.decode(0x0068000080100f43u, 0);
  EXPECT_EQ(dirty.flags, rwu | page_accessed | page_dirty);
  // The kernel's own memory as a 1 GiB block at Arm level 1: bits 1:0 0b01, AP[2:1] 0b00 (EL1
  // read-write, dirty), SH, AF, global (nG clear), DBM, executable at EL1 (PXN clear), UXN:
  // 0x1 | 0x300 | 0x400 = 0x701, and bits 51, 54 = 0x0048 << 48.
  const std::uint8_t kernel =
      page_readable | page_writable | page_executable | page_global | page_accessed | page_dirty;
  EXPECT_EQ(arm.encode_leaf(0x80000000, kernel, 2), 0x0048000080000701u);
  EXPECT_EQ(arm.decode(0x0048000080000701u, 2).flags, kernel);
  // A page made read-only while dirty: AP[2:1] 0b11, DBM clear, the dirty state in software bit 55.
  // 0x3 | 0x40 | 0x80 | 0x300 | 0x400 | 0x800 = 0xfc3; bits 53, 54, 55 = 0x00e0 << 48.
  EXPECT_EQ(arm.encode_leaf(0x80100000, page_readable | page_user | page_accessed | page_dirty, 0),
            0x00e0000080100fc3u);
  // Table descriptor: the next table's address and 0b11; no hierarchical control set.
  EXPECT_EQ(arm.encode_table(0x80001000), 0x80001003u);
}

TEST(PteCodec, Armv8DecodesWhatOtherSoftwareWrites) {
  const auto& arm = armv8_pte_codec;
  // Writable without DBM (AP[2:1] 0b00, SH, AF): no dirty tracking, so it counts as dirty, and
  // marking it dirty changes nothing. Supervisor, PXN and UXN clear: executable at EL1.
  const Pte untracked = arm.decode(0x80100703u, 0);
  EXPECT_EQ(untracked.flags,
            page_readable | page_writable | page_executable | page_global | page_accessed | page_dirty);
  EXPECT_EQ(arm.with_accessed(0x80100703u, true), 0x80100703u);
  // Read-only at both levels, AP[2:1] 0b11, DBM clear: no write, not dirty.
  EXPECT_EQ(arm.decode(0x801007c3u, 0).flags,
            page_readable | page_user | page_executable | page_global | page_accessed);
  // Hierarchical controls in a table descriptor: APTable bit 62 (no writes), bit 61 (no EL0).
  EXPECT_EQ(arm.decode(0x6000000080001003u, 1).flags, page_readable | page_executable);
  // UXNTable (bit 60) or PXNTable (bit 59): no execution below.
  EXPECT_EQ(arm.decode(0x1000000080001003u, 1).flags, page_readable | page_writable | page_user);
  EXPECT_EQ(arm.decode(0x0800000080001003u, 1).flags, page_readable | page_writable | page_user);
  // 0b01 is a block at Arm levels 1 and 2, and reserved at Arm level 3 (vmsim's level 0).
  EXPECT_TRUE(arm.decode(0x80200401u, 1).leaf);
  EXPECT_FALSE(arm.decode(0x80200401u, 1).malformed);
  EXPECT_TRUE(arm.decode(0x80100401u, 0).malformed);
  // Bit 0 clear: invalid, whatever the rest holds.
  EXPECT_FALSE(arm.decode(0x80100bc2u, 0).present);
}

}  // namespace
}  // namespace vmsim
