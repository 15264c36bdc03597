#include <gtest/gtest.h>

#include "vmsim/models/core/units.h"

namespace vmsim {
namespace {

using sc_core::sc_time;
using sc_core::SC_NS;
using sc_core::SC_PS;

TEST(Units, ParsesWholeNumbers) {
  EXPECT_EQ(parse_uint("0"), 0u);
  EXPECT_EQ(parse_uint("1_000_000"), 1'000'000u);
  EXPECT_EQ(parse_uint("0x80000000"), 0x80000000u);
  EXPECT_EQ(parse_uint("0xFFFFFFFFFFFFFFFF"), ~0ull);
  EXPECT_THROW(parse_uint("0x1_0000_0000_0000_0000"), std::invalid_argument);
  EXPECT_THROW(parse_uint("12a"), std::invalid_argument);
  EXPECT_THROW(parse_uint("-1"), std::invalid_argument);
  EXPECT_THROW(parse_uint(""), std::invalid_argument);
}

TEST(Units, ParsesTimesExactly) {
  EXPECT_EQ(parse_time("13.75ns"), sc_time(13750, SC_PS));
  EXPECT_EQ(parse_time("1us"), sc_time(1000, SC_NS));
  EXPECT_EQ(parse_time("0.5ns"), sc_time(500, SC_PS));
  EXPECT_EQ(parse_time("2 ms"), sc_time(2'000'000'000, SC_PS));
  EXPECT_EQ(parse_time("0"), sc_core::SC_ZERO_TIME);
  // Fits, although its digits times the unit (200001 * 10^15 fs, before the point) do not.
  EXPECT_EQ(parse_time("200.001s"), sc_time(200'001, sc_core::SC_MS));
  EXPECT_THROW(parse_time("10"), std::invalid_argument);         // a unit is needed
  EXPECT_THROW(parse_time("10 ns x"), std::invalid_argument);
  EXPECT_THROW(parse_time("0.1ps"), std::invalid_argument);      // finer than the resolution
  EXPECT_THROW(parse_time("10 Ns"), std::invalid_argument);
}

TEST(Units, ParsesFrequenciesAndCycles) {
  EXPECT_EQ(parse_frequency("2GHz").hz, 2'000'000'000u);
  EXPECT_EQ(parse_frequency("1.6GHz").hz, 1'600'000'000u);
  EXPECT_EQ(parse_frequency("800 MHz").hz, 800'000'000u);
  EXPECT_THROW(parse_frequency("0Hz"), std::invalid_argument);
  EXPECT_THROW(parse_frequency("2ghz"), std::invalid_argument);
  // 3 cycles at 3 GHz are exactly 1 ns, although one period (333.33 ps) is not a whole picosecond.
  EXPECT_EQ(parse_frequency("3GHz").cycles(3), sc_time(1, SC_NS));
  EXPECT_EQ(parse_frequency("3GHz").period(), sc_time(333, SC_PS));
}

TEST(Units, ParsesSizes) {
  EXPECT_EQ(parse_bytes("4096").value, 4096u);
  EXPECT_EQ(parse_bytes("64KiB").value, 65536u);
  EXPECT_EQ(parse_bytes("1.5GiB").value, 3ull << 29);
  EXPECT_EQ(parse_bytes("64MB").value, 64'000'000u);
  EXPECT_EQ(parse_bytes("0x1000").value, 4096u);
  EXPECT_THROW(parse_bytes("1.1B"), std::invalid_argument);
  EXPECT_THROW(parse_bytes("4Kib"), std::invalid_argument);
  EXPECT_THROW(parse_bytes("20000000TiB"), std::invalid_argument);
}

TEST(Units, FormatsBackToTheSameValue) {
  EXPECT_EQ(format_time(sc_time(13750, SC_PS)), "13.75ns");
  EXPECT_EQ(format_time(sc_time(1, SC_NS)), "1ns");
  EXPECT_EQ(format_time(sc_time(1500, SC_NS)), "1.5us");
  EXPECT_EQ(format_time(sc_time(333, SC_PS)), "333ps");
  EXPECT_EQ(format_time(sc_core::SC_ZERO_TIME), "0ns");
  EXPECT_EQ(format_frequency(Frequency{1'600'000'000}), "1600MHz");
  EXPECT_EQ(format_bytes(Bytes{3ull << 29}), "1536MiB");
  EXPECT_EQ(format_bytes(Bytes{100}), "100B");
  EXPECT_EQ(format_address(Address{0x80000000}), "0x80000000");
  for (const char* text : {"13.75ns", "7us", "1.000001ms", "12ps"}) EXPECT_EQ(format_time(parse_time(text)), text);
}

TEST(Units, SaysWhatWasExpected) {
  try {
    parse_frequency("fast");
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "'fast' is not a frequency (a number with Hz, kHz, MHz or GHz)");
  }
}

}  // namespace
}  // namespace vmsim
