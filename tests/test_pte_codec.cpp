// Each page-table entry layout on its own: what it writes for tables, pages and swap entries, bit
// by bit as the architecture manuals lay them out, and that what it writes reads back the same.
#include <gtest/gtest.h>

#include "models/mmu/riscv_pte_codec.h"
#include "models/mmu/x86_pte_codec.h"

namespace vmsim {
namespace {

constexpr std::uint8_t rwu = page_readable | page_writable | page_user;

TEST(PteCodec, EveryReadablePageReadsBackAsWrittenAtEveryPageLevel) {
  const PteCodec* codecs[] = {&riscv_pte_codec, &x86_pte_codec};
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
  const PteCodec* codecs[] = {&riscv_pte_codec, &x86_pte_codec};
  for (const PteCodec* codec : codecs) {
    // Bit 0 (V or P) clear; slot + 1 from bit 1, so that slot 0 is not the empty entry 0.
    EXPECT_EQ(codec->encode_swap(0), 0x2u);
    EXPECT_EQ(codec->encode_swap(5), 0xcu);
    EXPECT_EQ(codec->encode_swap(0xfffff), 0x200000u);
    EXPECT_FALSE(codec->decode(codec->encode_swap(5), 0).present);
    EXPECT_EQ(codec->decode_swap(0xc), 5u);
    EXPECT_EQ(codec->decode_swap(0x200000), 0xfffffu);
    EXPECT_EQ(codec->decode_swap(0), std::nullopt);  // never mapped
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

}  // namespace
}  // namespace vmsim
