#include <gtest/gtest.h>

#include <cstring>

#include "vmsim/models/memory/sparse_store.h"

namespace vmsim {
namespace {

TEST(SparseStore, SixtyFourGibibytesCostOnlyTheTouchedPages) {
  SparseStore store(64ull << 30);
  const std::uint64_t far = (64ull << 30) - 8;
  std::uint64_t value = 0x0123456789abcdefull;
  store.write(far, &value, 8);
  store.write(12345, &value, 3);
  std::uint64_t back = 0;
  store.read(far, &back, 8);
  EXPECT_EQ(back, 0x0123456789abcdefull);
  back = 0;
  store.read(12345, &back, 8);
  EXPECT_EQ(back, 0x89abcdefull & 0xffffff);  // three bytes written, the rest still zero
  std::uint64_t untouched = 1;
  store.read(32ull << 30, &untouched, 8);
  EXPECT_EQ(untouched, 0u);
  // Two pages written, one read (reading a zero page may or may not map it).
  EXPECT_GE(store.resident_bytes(), 2u * 4096);
  EXPECT_LE(store.resident_bytes(), 3u * 4096);
}

}  // namespace
}  // namespace vmsim
