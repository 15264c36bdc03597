// The F and D arithmetic: exact bit patterns and flags for every rule, then a randomized comparison of
// add, sub, mul, div, sqrt and fma in every rounding mode with an exact reference in big integers.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <boost/multiprecision/cpp_int.hpp>
#include <boost/multiprecision/integer.hpp>
#include <cstdint>
#include <ostream>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>

#include "vmsim/models/cpu/rv64/fpu.h"

namespace vmsim::rv64 {
namespace {

using u32 = std::uint32_t;
using u64 = std::uint64_t;

constexpr std::uint8_t NX = fflag::inexact, UF = fflag::underflow, OF = fflag::overflow, DZ = fflag::divide_by_zero,
                       NV = fflag::invalid;

// binary32 values.
namespace s {
constexpr u32 zero = 0, one = 0x3f800000, two = 0x40000000, three = 0x40400000, half = 0x3f000000, inf = 0x7f800000,
              qnan = 0x7fc00000, snan = 0x7f800001, negative_qnan = 0xffc00123, negative_snan = 0xffa00000,
              largest = 0x7f7fffff, min_normal = 0x00800000, min_subnormal = 0x00000001, max_subnormal = 0x007fffff;
}  // namespace s
// binary64 values.
namespace d {
constexpr u64 zero = 0, one = 0x3ff0000000000000, two = 0x4000000000000000, three = 0x4008000000000000,
              half = 0x3fe0000000000000, inf = 0x7ff0000000000000, qnan = 0x7ff8000000000000, snan = 0x7ff0000000000001,
              negative_qnan = 0xfff8000000000123, negative_snan = 0xfff4000000000000, largest = 0x7fefffffffffffff,
              min_normal = 0x0010000000000000, min_subnormal = 1, max_subnormal = 0x000fffffffffffff;
}  // namespace d

template <typename F>
constexpr F neg(F a) {
  return fp_negate(a);
}

// What an operation returned and the flags it raised.
template <typename T>
struct Result {
  T value;
  std::uint8_t flags;
  bool operator==(const Result& other) const { return value == other.value && flags == other.flags; }
};
template <typename T>
std::ostream& operator<<(std::ostream& out, const Result<T>& result) {
  return out << std::hex << "{0x" << +result.value << ", flags 0x" << +result.flags << std::dec << "}";
}

// The results in the five rounding modes, in their encoding order: RNE, RTZ, RDN, RUP, RMM.
template <typename T>
using Modes = std::array<Result<T>, 5>;

// operation(flags) and the flags it raised.
template <typename Operation>
auto flagged(Operation operation) {
  std::uint8_t flags = 0;
  const auto value = operation(flags);
  return Result<std::remove_const_t<decltype(value)>>{value, flags};
}

template <typename Operation>
auto in_modes(Operation operation) {
  Modes<decltype(operation(Rounding::nearest_even, std::declval<std::uint8_t&>()))> results;
  for (int rm = 0; rm < 5; ++rm) {
    results[rm] = flagged([&](std::uint8_t& flags) { return operation(static_cast<Rounding>(rm), flags); });
  }
  return results;
}
// One result whatever the mode.
template <typename T>
Modes<T> every_mode(T value, std::uint8_t flags) {
  return {{{value, flags}, {value, flags}, {value, flags}, {value, flags}, {value, flags}}};
}
// Five values (RNE, RTZ, RDN, RUP, RMM) with the same flags.
template <typename T>
Modes<T> by_mode(T rne, T rtz, T rdn, T rup, T rmm, std::uint8_t flags) {
  return {{{rne, flags}, {rtz, flags}, {rdn, flags}, {rup, flags}, {rmm, flags}}};
}

template <typename F>
Modes<F> add(F a, F b) {
  return in_modes([=](Rounding rm, std::uint8_t& flags) { return fp_add(a, b, rm, flags); });
}
template <typename F>
Modes<F> sub(F a, F b) {
  return in_modes([=](Rounding rm, std::uint8_t& flags) { return fp_sub(a, b, rm, flags); });
}
template <typename F>
Modes<F> mul(F a, F b) {
  return in_modes([=](Rounding rm, std::uint8_t& flags) { return fp_mul(a, b, rm, flags); });
}
template <typename F>
Modes<F> div(F a, F b) {
  return in_modes([=](Rounding rm, std::uint8_t& flags) { return fp_div(a, b, rm, flags); });
}
template <typename F>
Modes<F> sqrt(F a) {
  return in_modes([=](Rounding rm, std::uint8_t& flags) { return fp_sqrt(a, rm, flags); });
}
template <typename F>
Modes<F> fma(F a, F b, F c) {
  return in_modes([=](Rounding rm, std::uint8_t& flags) { return fp_fma(a, b, c, rm, flags); });
}
template <typename F>
Modes<u64> to_integer(F a, IntegerType type) {
  return in_modes([=](Rounding rm, std::uint8_t& flags) { return fp_to_integer(a, type, rm, flags); });
}
template <typename F>
Modes<F> from_integer(u64 value, IntegerType type) {
  return in_modes([=](Rounding rm, std::uint8_t& flags) { return fp_from_integer<F>(value, type, rm, flags); });
}
Modes<u32> narrow(u64 a) {
  return in_modes([=](Rounding rm, std::uint8_t& flags) { return fp_narrow(a, rm, flags); });
}

template <typename F>
Result<F> min(F a, F b) {
  return flagged([=](std::uint8_t& flags) { return fp_min(a, b, flags); });
}
template <typename F>
Result<F> max(F a, F b) {
  return flagged([=](std::uint8_t& flags) { return fp_max(a, b, flags); });
}
template <typename F>
Result<bool> eq(F a, F b) {
  return flagged([=](std::uint8_t& flags) { return fp_eq(a, b, flags); });
}
template <typename F>
Result<bool> lt(F a, F b) {
  return flagged([=](std::uint8_t& flags) { return fp_lt(a, b, flags); });
}
template <typename F>
Result<bool> le(F a, F b) {
  return flagged([=](std::uint8_t& flags) { return fp_le(a, b, flags); });
}
Result<u64> widen(u32 a) {
  return flagged([=](std::uint8_t& flags) { return fp_widen(a, flags); });
}

TEST(Rv64Fpu, TheCanonicalNaNs) {
  EXPECT_EQ(canonical_nan<u32>, 0x7fc00000u);
  EXPECT_EQ(canonical_nan<u64>, 0x7ff8000000000000u);
  EXPECT_EQ(neg(s::one), 0xbf800000u);
  EXPECT_EQ(neg(neg(d::qnan)), d::qnan);
}

TEST(Rv64Fpu, FlagsAccumulate) {
  std::uint8_t flags = DZ;
  EXPECT_EQ(fp_add(s::one, 0x33800000u, Rounding::nearest_even, flags), s::one);
  EXPECT_EQ(flags, DZ | NX);
  EXPECT_EQ(fp_add(s::one, s::one, Rounding::nearest_even, flags), s::two);
  EXPECT_EQ(flags, DZ | NX);
}

TEST(Rv64Fpu, AddRoundsHalfwayCasesByMode) {
  // 1 + 2^-24 is halfway between 1 and its successor (odd): RNE goes down, RMM away from zero.
  EXPECT_EQ(add(s::one, 0x33800000u), by_mode(s::one, s::one, s::one, 0x3f800001u, 0x3f800001u, NX));
  // From the odd successor, RNE and RMM both go up, to the even 0x3f800002.
  EXPECT_EQ(add(0x3f800001u, 0x33800000u),
            by_mode(0x3f800002u, 0x3f800001u, 0x3f800001u, 0x3f800002u, 0x3f800002u, NX));
  // Negative: RDN rounds away from zero, RUP toward it.
  EXPECT_EQ(add(neg(s::one), 0xb3800000u),
            by_mode(0xbf800000u, 0xbf800000u, 0xbf800001u, 0xbf800000u, 0xbf800001u, NX));
  // binary64: 1 + 2^-53.
  EXPECT_EQ(add(d::one, 0x3ca0000000000000u),
            by_mode(d::one, d::one, d::one, 0x3ff0000000000001u, 0x3ff0000000000001u, NX));
  // Below and above half an ulp.
  EXPECT_EQ(add(d::one, 0x3c9fffffffffffffu), by_mode(d::one, d::one, d::one, 0x3ff0000000000001u, d::one, NX));
  EXPECT_EQ(add(d::one, 0x3ca0000000000001u),
            by_mode(0x3ff0000000000001u, d::one, d::one, 0x3ff0000000000001u, 0x3ff0000000000001u, NX));
}

TEST(Rv64Fpu, AddOverflowsToInfinityOrTheLargestFiniteByMode) {
  const Modes<u32> positive{
      {{s::inf, OF | NX}, {s::largest, OF | NX}, {s::largest, OF | NX}, {s::inf, OF | NX}, {s::inf, OF | NX}}};
  EXPECT_EQ(add(s::largest, s::largest), positive);
  const Modes<u32> negative{{{neg(s::inf), OF | NX},
                             {neg(s::largest), OF | NX},
                             {neg(s::inf), OF | NX},
                             {neg(s::largest), OF | NX},
                             {neg(s::inf), OF | NX}}};
  EXPECT_EQ(add(neg(s::largest), neg(s::largest)), negative);
  const Modes<u64> positive_d{
      {{d::inf, OF | NX}, {d::largest, OF | NX}, {d::largest, OF | NX}, {d::inf, OF | NX}, {d::inf, OF | NX}}};
  EXPECT_EQ(add(d::largest, d::largest), positive_d);
  // Half an ulp above the largest finite value (2^103) overflows only where rounding goes up; a mode
  // that rounds down returns the largest finite value, inexact, without overflow.
  const Modes<u32> halfway{
      {{s::inf, OF | NX}, {s::largest, NX}, {s::largest, NX}, {s::inf, OF | NX}, {s::inf, OF | NX}}};
  EXPECT_EQ(add(s::largest, 0x73000000u), halfway);
  // A quarter of an ulp (2^102) overflows only rounding up.
  const Modes<u32> quarter{{{s::largest, NX}, {s::largest, NX}, {s::largest, NX}, {s::inf, OF | NX}, {s::largest, NX}}};
  EXPECT_EQ(add(s::largest, 0x72800000u), quarter);
}

TEST(Rv64Fpu, ExactZeroSumsArePositiveExceptRoundingDown) {
  EXPECT_EQ(add(s::one, neg(s::one)), by_mode(s::zero, s::zero, neg(s::zero), s::zero, s::zero, 0));
  EXPECT_EQ(sub(d::three, d::three), by_mode(d::zero, d::zero, neg(d::zero), d::zero, d::zero, 0));
  EXPECT_EQ(add(s::zero, neg(s::zero)), by_mode(s::zero, s::zero, neg(s::zero), s::zero, s::zero, 0));
  EXPECT_EQ(sub(d::zero, d::zero), by_mode(d::zero, d::zero, neg(d::zero), d::zero, d::zero, 0));
  // Zeros of one sign keep it; x + 0 is x.
  EXPECT_EQ(add(neg(s::zero), neg(s::zero)), every_mode(neg(s::zero), 0));
  EXPECT_EQ(sub(neg(d::zero), d::zero), every_mode(neg(d::zero), 0));
  EXPECT_EQ(add(s::max_subnormal, neg(s::zero)), every_mode(s::max_subnormal, 0));
  EXPECT_EQ(add(neg(d::zero), neg(d::min_subnormal)), every_mode(neg(d::min_subnormal), 0));
}

TEST(Rv64Fpu, AddOfSubnormalsIsExactWithoutUnderflow) {
  // Tiny but exact: no flags.
  EXPECT_EQ(sub(s::min_normal, s::min_subnormal), every_mode(s::max_subnormal, 0));
  EXPECT_EQ(add(d::max_subnormal, d::min_subnormal), every_mode(d::min_normal, 0));
  EXPECT_EQ(add(s::min_subnormal, s::min_subnormal), every_mode(u32{2}, 0));
}

TEST(Rv64Fpu, TininessIsDetectedAfterRounding) {
  // (1 - 2^-23)(1 + 2^-23) 2^-126 = (1 - 2^-46) 2^-126: below 2^-126 before rounding, but rounded to
  // 24 bits with an unbounded exponent it is 2^-126, not tiny: RNE, RUP and RMM give the smallest
  // normal number, inexact, without underflow. RTZ and RDN stay below it: tiny, underflow.
  const Modes<u32> escapes{{{s::min_normal, NX},
                            {s::max_subnormal, UF | NX},
                            {s::max_subnormal, UF | NX},
                            {s::min_normal, NX},
                            {s::min_normal, NX}}};
  EXPECT_EQ(mul(0x3f7ffffeu, 0x00800001u), escapes);
  // 2^-126 (1 - 2^-24) is exact with 24 bits and an unbounded exponent, so tiny, although RNE, RUP and
  // RMM deliver 2^-126 with the bounded one: underflow in every mode.
  const Modes<u32> tiny{{{s::min_normal, UF | NX},
                         {s::max_subnormal, UF | NX},
                         {s::max_subnormal, UF | NX},
                         {s::min_normal, UF | NX},
                         {s::min_normal, UF | NX}}};
  EXPECT_EQ(mul(s::min_normal, 0x3f7fffffu), tiny);
  // binary64: 2^-1022 (1 - 2^-53).
  const Modes<u64> tiny_d{{{d::min_normal, UF | NX},
                           {d::max_subnormal, UF | NX},
                           {d::max_subnormal, UF | NX},
                           {d::min_normal, UF | NX},
                           {d::min_normal, UF | NX}}};
  EXPECT_EQ(mul(d::min_normal, 0x3fefffffffffffffu), tiny_d);
}

TEST(Rv64Fpu, UnderflowToZeroOrTheSmallestSubnormal) {
  // 2^-150 is halfway between 0 and 2^-149.
  EXPECT_EQ(mul(s::min_subnormal, s::half),
            by_mode(s::zero, s::zero, s::zero, s::min_subnormal, s::min_subnormal, UF | NX));
  EXPECT_EQ(mul(neg(s::min_subnormal), s::half),
            by_mode(neg(s::zero), neg(s::zero), neg(s::min_subnormal), neg(s::zero), neg(s::min_subnormal), UF | NX));
  // 2^-1074 * 2^-1074: far below the smallest subnormal.
  EXPECT_EQ(mul(d::min_subnormal, d::min_subnormal),
            by_mode(d::zero, d::zero, d::zero, d::min_subnormal, d::zero, UF | NX));
  // An exact subnormal product raises nothing.
  EXPECT_EQ(mul(s::min_subnormal, s::two), every_mode(u32{2}, 0));
  EXPECT_EQ(mul(u64{3}, d::half), by_mode(u64{2}, u64{1}, u64{1}, u64{2}, u64{2}, UF | NX));
}

TEST(Rv64Fpu, MultiplySigns) {
  EXPECT_EQ(mul(neg(s::two), s::three), every_mode(0xc0c00000u, 0));
  EXPECT_EQ(mul(neg(d::zero), d::three), every_mode(neg(d::zero), 0));
  EXPECT_EQ(mul(neg(s::inf), neg(s::two)), every_mode(s::inf, 0));
  EXPECT_EQ(mul(neg(d::zero), neg(d::zero)), every_mode(d::zero, 0));
}

TEST(Rv64Fpu, NaNResultsAreCanonical) {
  // A quiet NaN operand is quiet, whatever its sign and payload; a signaling one raises NV.
  EXPECT_EQ(add(s::negative_qnan, s::one), every_mode(s::qnan, 0));
  EXPECT_EQ(add(s::one, s::snan), every_mode(s::qnan, NV));
  EXPECT_EQ(sub(d::negative_snan, d::qnan), every_mode(d::qnan, NV));
  EXPECT_EQ(mul(d::negative_qnan, d::zero), every_mode(d::qnan, 0));
  EXPECT_EQ(mul(s::inf, s::snan), every_mode(s::qnan, NV));
  EXPECT_EQ(div(s::qnan, s::zero), every_mode(s::qnan, 0));
  EXPECT_EQ(div(d::one, d::snan), every_mode(d::qnan, NV));
  EXPECT_EQ(sqrt(s::negative_qnan), every_mode(s::qnan, 0));
  EXPECT_EQ(sqrt(d::snan), every_mode(d::qnan, NV));
  // Invalid operations.
  EXPECT_EQ(add(s::inf, neg(s::inf)), every_mode(s::qnan, NV));
  EXPECT_EQ(sub(d::inf, d::inf), every_mode(d::qnan, NV));
  EXPECT_EQ(mul(s::inf, neg(s::zero)), every_mode(s::qnan, NV));
  EXPECT_EQ(mul(d::zero, neg(d::inf)), every_mode(d::qnan, NV));
  EXPECT_EQ(div(s::zero, neg(s::zero)), every_mode(s::qnan, NV));
  EXPECT_EQ(div(neg(d::inf), d::inf), every_mode(d::qnan, NV));
  EXPECT_EQ(sqrt(neg(s::one)), every_mode(s::qnan, NV));
  EXPECT_EQ(sqrt(neg(d::min_subnormal)), every_mode(d::qnan, NV));
  EXPECT_EQ(sqrt(neg(s::inf)), every_mode(s::qnan, NV));
}

TEST(Rv64Fpu, InfinitiesAreExact) {
  EXPECT_EQ(add(s::inf, s::largest), every_mode(s::inf, 0));
  EXPECT_EQ(sub(neg(d::inf), d::inf), every_mode(neg(d::inf), 0));
  EXPECT_EQ(div(neg(s::inf), s::zero), every_mode(neg(s::inf), 0));  // no DZ: the dividend is not finite
  EXPECT_EQ(div(d::one, neg(d::inf)), every_mode(neg(d::zero), 0));
  EXPECT_EQ(sqrt(d::inf), every_mode(d::inf, 0));
}

TEST(Rv64Fpu, DivideByZero) {
  EXPECT_EQ(div(s::one, s::zero), every_mode(s::inf, DZ));
  EXPECT_EQ(div(neg(s::min_subnormal), s::zero), every_mode(neg(s::inf), DZ));
  EXPECT_EQ(div(d::one, neg(d::zero)), every_mode(neg(d::inf), DZ));
  EXPECT_EQ(div(s::zero, s::three), every_mode(s::zero, 0));
  EXPECT_EQ(div(neg(d::zero), d::three), every_mode(neg(d::zero), 0));
}

TEST(Rv64Fpu, DivideRoundsByMode) {
  // 1/3 = 0x3eaaaaaa.aaa...: above the halfway point.
  EXPECT_EQ(div(s::one, s::three), by_mode(0x3eaaaaabu, 0x3eaaaaaau, 0x3eaaaaaau, 0x3eaaaaabu, 0x3eaaaaabu, NX));
  EXPECT_EQ(div(neg(s::one), s::three), by_mode(0xbeaaaaabu, 0xbeaaaaaau, 0xbeaaaaabu, 0xbeaaaaaau, 0xbeaaaaabu, NX));
  EXPECT_EQ(div(d::one, d::three), by_mode(0x3fd5555555555555u, 0x3fd5555555555555u, 0x3fd5555555555555u,
                                           0x3fd5555555555556u, 0x3fd5555555555555u, NX));
  EXPECT_EQ(div(d::three, d::two), every_mode(0x3ff8000000000000u, 0));
  // Overflow and underflow of quotients.
  const Modes<u32> huge{
      {{s::inf, OF | NX}, {s::largest, OF | NX}, {s::largest, OF | NX}, {s::inf, OF | NX}, {s::inf, OF | NX}}};
  EXPECT_EQ(div(s::largest, s::half), huge);
  EXPECT_EQ(div(d::min_subnormal, d::two),
            by_mode(d::zero, d::zero, d::zero, d::min_subnormal, d::min_subnormal, UF | NX));
}

TEST(Rv64Fpu, SquareRoot) {
  EXPECT_EQ(sqrt(0x40800000u), every_mode(s::two, 0));
  EXPECT_EQ(sqrt(neg(s::zero)), every_mode(neg(s::zero), 0));
  EXPECT_EQ(sqrt(d::zero), every_mode(d::zero, 0));
  // sqrt(2) lies below the midpoint of its binary32 neighbours, above that of its binary64 ones.
  EXPECT_EQ(sqrt(s::two), by_mode(0x3fb504f3u, 0x3fb504f3u, 0x3fb504f3u, 0x3fb504f4u, 0x3fb504f3u, NX));
  EXPECT_EQ(sqrt(d::two), by_mode(0x3ff6a09e667f3bcdu, 0x3ff6a09e667f3bccu, 0x3ff6a09e667f3bccu, 0x3ff6a09e667f3bcdu,
                                  0x3ff6a09e667f3bcdu, NX));
  // Subnormal operands: 2^-149 has an odd exponent, 2^-1074 an even one.
  EXPECT_EQ(sqrt(s::min_subnormal), by_mode(0x1a3504f3u, 0x1a3504f3u, 0x1a3504f3u, 0x1a3504f4u, 0x1a3504f3u, NX));
  EXPECT_EQ(sqrt(d::min_subnormal), every_mode(0x1e60000000000000u, 0));
  EXPECT_EQ(sqrt(d::largest), by_mode(0x5fefffffffffffffu, 0x5fefffffffffffffu, 0x5fefffffffffffffu,
                                      0x5ff0000000000000u, 0x5fefffffffffffffu, NX));
}

TEST(Rv64Fpu, FusedMultiplyAddRoundsOnce) {
  // (1 + 2^-12)^2 - (1 + 2^-11) = 2^-24 exactly; rounding the product first (a tie, to even) loses it.
  EXPECT_EQ(fma(0x3f800800u, 0x3f800800u, 0xbf801000u), every_mode(0x33800000u, 0));
  std::uint8_t flags = 0;
  const u32 product = fp_mul(0x3f800800u, 0x3f800800u, Rounding::nearest_even, flags);
  EXPECT_EQ(fp_add(product, 0xbf801000u, Rounding::nearest_even, flags), s::zero);
  // binary64: (1 + 2^-27)^2 - (1 + 2^-26) = 2^-54.
  EXPECT_EQ(fma(0x3ff0000002000000u, 0x3ff0000002000000u, 0xbff0000004000000u), every_mode(0x3c90000000000000u, 0));
  // largest * 2 - largest = largest: the intermediate product never overflows.
  EXPECT_EQ(fma(s::largest, s::two, neg(s::largest)), every_mode(s::largest, 0));
  EXPECT_EQ(fma(d::largest, d::two, neg(d::largest)), every_mode(d::largest, 0));
  // 1 * 1 + 2^-24: the addend alone decides the tie, as in add.
  EXPECT_EQ(fma(s::one, s::one, 0x33800000u), by_mode(s::one, s::one, s::one, 0x3f800001u, 0x3f800001u, NX));
  // A product far below the addend only makes the sum inexact: 1 + 2^-1074 * 2^-1074.
  EXPECT_EQ(fma(d::min_subnormal, d::min_subnormal, d::one),
            by_mode(d::one, d::one, d::one, 0x3ff0000000000001u, d::one, NX));
  EXPECT_EQ(fma(neg(d::min_subnormal), d::min_subnormal, d::one),
            by_mode(d::one, 0x3fefffffffffffffu, 0x3fefffffffffffffu, d::one, d::one, NX));
  // A tiny product plus zero: underflow.
  EXPECT_EQ(fma(s::min_subnormal, s::half, s::zero),
            by_mode(s::zero, s::zero, s::zero, s::min_subnormal, s::min_subnormal, UF | NX));
}

TEST(Rv64Fpu, FusedMultiplyAddVariants) {
  // fmadd a*b+c, fmsub a*b-c, fnmsub -(a*b)+c, fnmadd -(a*b)-c with 2, 3 and 1.
  EXPECT_EQ(fma(s::two, s::three, s::one), every_mode(0x40e00000u, 0));                    // 7
  EXPECT_EQ(fma(s::two, s::three, neg(s::one)), every_mode(0x40a00000u, 0));               // 5
  EXPECT_EQ(fma(neg(s::two), s::three, s::one), every_mode(0xc0a00000u, 0));               // -5
  EXPECT_EQ(fma(neg(d::two), d::three, neg(d::one)), every_mode(0xc01c000000000000u, 0));  // -7
  // fnmadd(1, 0, 0) = -(1*0) - 0 = -0; fnmsub(1, 0, 0) = -0 + 0 = +0 but -0 rounding down.
  EXPECT_EQ(fma(neg(s::one), s::zero, neg(s::zero)), every_mode(neg(s::zero), 0));
  EXPECT_EQ(fma(neg(s::one), s::zero, s::zero), by_mode(s::zero, s::zero, neg(s::zero), s::zero, s::zero, 0));
  // An exact cancellation of non-zero terms: 2*3 - 6.
  EXPECT_EQ(fma(d::two, d::three, 0xc018000000000000u), by_mode(d::zero, d::zero, neg(d::zero), d::zero, d::zero, 0));
  // A zero product leaves a non-zero addend as it is.
  EXPECT_EQ(fma(s::zero, s::largest, neg(s::min_subnormal)), every_mode(neg(s::min_subnormal), 0));
}

TEST(Rv64Fpu, FusedMultiplyAddInvalidCases) {
  // inf * 0 is invalid even when the addend is a quiet NaN.
  EXPECT_EQ(fma(s::inf, s::zero, s::qnan), every_mode(s::qnan, NV));
  EXPECT_EQ(fma(d::zero, neg(d::inf), d::negative_qnan), every_mode(d::qnan, NV));
  EXPECT_EQ(fma(s::inf, s::zero, s::one), every_mode(s::qnan, NV));
  // inf - inf.
  EXPECT_EQ(fma(d::inf, d::two, neg(d::inf)), every_mode(d::qnan, NV));
  EXPECT_EQ(fma(s::inf, s::two, s::inf), every_mode(s::inf, 0));
  EXPECT_EQ(fma(s::one, s::two, neg(s::inf)), every_mode(neg(s::inf), 0));
  // NaN operands: quiet ones propagate as the canonical NaN, signaling ones raise NV.
  EXPECT_EQ(fma(s::one, s::one, s::negative_qnan), every_mode(s::qnan, 0));
  EXPECT_EQ(fma(d::qnan, d::zero, d::inf), every_mode(d::qnan, 0));
  EXPECT_EQ(fma(d::one, d::snan, d::one), every_mode(d::qnan, NV));
  EXPECT_EQ(fma(s::one, s::one, s::snan), every_mode(s::qnan, NV));
}

TEST(Rv64Fpu, MinimumAndMaximumNumber) {
  EXPECT_EQ(min(s::one, s::two), (Result<u32>{s::one, 0}));
  EXPECT_EQ(max(s::one, s::two), (Result<u32>{s::two, 0}));
  EXPECT_EQ(min(neg(d::one), neg(d::two)), (Result<u64>{neg(d::two), 0}));
  EXPECT_EQ(max(neg(d::inf), neg(d::largest)), (Result<u64>{neg(d::largest), 0}));
  // -0 is below +0, in either order.
  EXPECT_EQ(min(s::zero, neg(s::zero)), (Result<u32>{neg(s::zero), 0}));
  EXPECT_EQ(min(neg(s::zero), s::zero), (Result<u32>{neg(s::zero), 0}));
  EXPECT_EQ(max(d::zero, neg(d::zero)), (Result<u64>{d::zero, 0}));
  EXPECT_EQ(max(neg(d::zero), d::zero), (Result<u64>{d::zero, 0}));
  // One NaN gives the other operand; NV only for a signaling NaN.
  EXPECT_EQ(min(s::qnan, s::three), (Result<u32>{s::three, 0}));
  EXPECT_EQ(max(neg(s::one), s::negative_qnan), (Result<u32>{neg(s::one), 0}));
  EXPECT_EQ(min(d::snan, neg(d::inf)), (Result<u64>{neg(d::inf), NV}));
  EXPECT_EQ(max(d::two, d::negative_snan), (Result<u64>{d::two, NV}));
  // Two NaNs give the canonical NaN.
  EXPECT_EQ(min(s::negative_qnan, s::negative_qnan), (Result<u32>{s::qnan, 0}));
  EXPECT_EQ(max(s::snan, s::qnan), (Result<u32>{s::qnan, NV}));
  EXPECT_EQ(min(d::negative_qnan, d::negative_snan), (Result<u64>{d::qnan, NV}));
}

TEST(Rv64Fpu, QuietEquality) {
  EXPECT_EQ(eq(s::one, s::one), (Result<bool>{true, 0}));
  EXPECT_EQ(eq(s::one, s::two), (Result<bool>{false, 0}));
  EXPECT_EQ(eq(d::zero, neg(d::zero)), (Result<bool>{true, 0}));
  EXPECT_EQ(eq(d::qnan, d::qnan), (Result<bool>{false, 0}));
  EXPECT_EQ(eq(s::one, s::negative_qnan), (Result<bool>{false, 0}));
  EXPECT_EQ(eq(s::snan, s::snan), (Result<bool>{false, NV}));
  EXPECT_EQ(eq(d::one, d::negative_snan), (Result<bool>{false, NV}));
}

TEST(Rv64Fpu, SignalingOrderedComparisons) {
  EXPECT_EQ(lt(s::one, s::two), (Result<bool>{true, 0}));
  EXPECT_EQ(lt(s::two, s::one), (Result<bool>{false, 0}));
  EXPECT_EQ(lt(s::two, s::two), (Result<bool>{false, 0}));
  EXPECT_EQ(le(s::two, s::two), (Result<bool>{true, 0}));
  EXPECT_EQ(lt(neg(d::two), neg(d::one)), (Result<bool>{true, 0}));
  EXPECT_EQ(le(neg(d::one), neg(d::two)), (Result<bool>{false, 0}));
  EXPECT_EQ(lt(neg(d::inf), d::min_subnormal), (Result<bool>{true, 0}));
  EXPECT_EQ(lt(neg(s::min_subnormal), s::zero), (Result<bool>{true, 0}));
  // -0 equals +0.
  EXPECT_EQ(lt(neg(s::zero), s::zero), (Result<bool>{false, 0}));
  EXPECT_EQ(le(s::zero, neg(s::zero)), (Result<bool>{true, 0}));
  // Any NaN is invalid here.
  EXPECT_EQ(lt(s::qnan, s::one), (Result<bool>{false, NV}));
  EXPECT_EQ(le(d::one, d::negative_qnan), (Result<bool>{false, NV}));
  EXPECT_EQ(le(d::snan, d::snan), (Result<bool>{false, NV}));
}

TEST(Rv64Fpu, Classify) {
  EXPECT_EQ(fp_class(neg(s::inf)), 1u << 0);
  EXPECT_EQ(fp_class(neg(s::one)), 1u << 1);
  EXPECT_EQ(fp_class(neg(s::max_subnormal)), 1u << 2);
  EXPECT_EQ(fp_class(neg(s::zero)), 1u << 3);
  EXPECT_EQ(fp_class(s::zero), 1u << 4);
  EXPECT_EQ(fp_class(s::min_subnormal), 1u << 5);
  EXPECT_EQ(fp_class(s::min_normal), 1u << 6);
  EXPECT_EQ(fp_class(s::inf), 1u << 7);
  EXPECT_EQ(fp_class(s::negative_snan), 1u << 8);
  EXPECT_EQ(fp_class(s::negative_qnan), 1u << 9);
  EXPECT_EQ(fp_class(neg(d::inf)), 1u << 0);
  EXPECT_EQ(fp_class(neg(d::largest)), 1u << 1);
  EXPECT_EQ(fp_class(neg(d::min_subnormal)), 1u << 2);
  EXPECT_EQ(fp_class(neg(d::zero)), 1u << 3);
  EXPECT_EQ(fp_class(d::zero), 1u << 4);
  EXPECT_EQ(fp_class(d::max_subnormal), 1u << 5);
  EXPECT_EQ(fp_class(d::one), 1u << 6);
  EXPECT_EQ(fp_class(d::inf), 1u << 7);
  EXPECT_EQ(fp_class(d::snan), 1u << 8);
  EXPECT_EQ(fp_class(d::qnan), 1u << 9);
}

constexpr u64 int32_max = 0x7fffffff, int32_min = 0xffffffff80000000, uint32_max = ~u64{0},
              int64_max = 0x7fffffffffffffff, int64_min = 0x8000000000000000, uint64_max = ~u64{0};

TEST(Rv64Fpu, ConversionsToIntegersSaturate) {
  for (const IntegerType type : {IntegerType::w, IntegerType::wu, IntegerType::l, IntegerType::lu}) {
    const u64 maximum = type == IntegerType::w    ? int32_max
                        : type == IntegerType::wu ? uint32_max
                        : type == IntegerType::l  ? int64_max
                                                  : uint64_max;
    const u64 minimum = type == IntegerType::w ? int32_min : type == IntegerType::l ? int64_min : 0;
    SCOPED_TRACE(static_cast<int>(type));
    EXPECT_EQ(to_integer(s::qnan, type), every_mode(maximum, NV));
    EXPECT_EQ(to_integer(d::negative_snan, type), every_mode(maximum, NV));
    EXPECT_EQ(to_integer(s::inf, type), every_mode(maximum, NV));
    EXPECT_EQ(to_integer(neg(d::inf), type), every_mode(minimum, NV));
    EXPECT_EQ(to_integer(d::largest, type), every_mode(maximum, NV));
    EXPECT_EQ(to_integer(neg(s::largest), type), every_mode(minimum, NV));
    EXPECT_EQ(to_integer(neg(d::zero), type), every_mode(u64{0}, 0));
  }
}

TEST(Rv64Fpu, ConversionsToIntegersAtTheLimits) {
  // w: 2^31 is out of range, -2^31 in it.
  EXPECT_EQ(to_integer(0x4f000000u, IntegerType::w), every_mode(int32_max, NV));
  EXPECT_EQ(to_integer(0xcf000000u, IntegerType::w), every_mode(int32_min, 0));
  EXPECT_EQ(to_integer(0x4effffffu, IntegerType::w), every_mode(u64{0x7fffff80}, 0));
  // 2^31 - 0.5: out of range where it rounds up, inexact in range where it rounds down.
  const Modes<u64> below{{{int32_max, NV}, {int32_max, NX}, {int32_max, NX}, {int32_max, NV}, {int32_max, NV}}};
  EXPECT_EQ(to_integer(0x41dfffffffe00000u, IntegerType::w), below);
  // -2^31 - 0.5: RNE goes to the even -2^31, RMM and RDN out of range.
  const Modes<u64> above{{{int32_min, NX}, {int32_min, NX}, {int32_min, NV}, {int32_min, NX}, {int32_min, NV}}};
  EXPECT_EQ(to_integer(0xc1e0000000100000u, IntegerType::w), above);
  // wu: sign-extended from bit 31; negative values that round to 0 are in range.
  EXPECT_EQ(to_integer(0x4f32d05eu, IntegerType::wu), every_mode(u64{0xffffffffb2d05e00}, 0));
  EXPECT_EQ(to_integer(0x41efffffffe00000u, IntegerType::wu), every_mode(uint32_max, 0));
  EXPECT_EQ(to_integer(0x4f800000u, IntegerType::wu), every_mode(uint32_max, NV));
  EXPECT_EQ(to_integer(neg(s::one), IntegerType::wu), every_mode(u64{0}, NV));
  const Modes<u64> minus_half{{{0, NX}, {0, NX}, {0, NV}, {0, NX}, {0, NV}}};
  EXPECT_EQ(to_integer(neg(d::half), IntegerType::wu), minus_half);
  EXPECT_EQ(to_integer(neg(s::half), IntegerType::lu), minus_half);
  // l: 2^63 out of range, -2^63 and the largest double below 2^63 in it.
  EXPECT_EQ(to_integer(0x43e0000000000000u, IntegerType::l), every_mode(int64_max, NV));
  EXPECT_EQ(to_integer(0xdf000000u, IntegerType::l), every_mode(int64_min, 0));
  EXPECT_EQ(to_integer(0x43dfffffffffffffu, IntegerType::l), every_mode(u64{0x7ffffffffffffc00}, 0));
  // lu: 2^64 out of range, 2^64 - 2048 in it.
  EXPECT_EQ(to_integer(0x43f0000000000000u, IntegerType::lu), every_mode(uint64_max, NV));
  EXPECT_EQ(to_integer(0x43efffffffffffffu, IntegerType::lu), every_mode(u64{0xfffffffffffff800}, 0));
  EXPECT_EQ(to_integer(0x5f800000u, IntegerType::lu), every_mode(uint64_max, NV));
}

TEST(Rv64Fpu, ConversionsToIntegersRoundByMode) {
  const u64 minus_two = ~u64{1}, minus_three = ~u64{2}, minus_one = ~u64{0};
  EXPECT_EQ(to_integer(0x40200000u, IntegerType::w), by_mode(u64{2}, u64{2}, u64{2}, u64{3}, u64{3}, NX));  // 2.5
  EXPECT_EQ(to_integer(0xc004000000000000u, IntegerType::l),                                                // -2.5
            by_mode(minus_two, minus_two, minus_three, minus_two, minus_three, NX));
  EXPECT_EQ(to_integer(0x3fc00000u, IntegerType::lu), by_mode(u64{2}, u64{1}, u64{1}, u64{2}, u64{2}, NX));  // 1.5
  // The smallest subnormals.
  EXPECT_EQ(to_integer(s::min_subnormal, IntegerType::l), by_mode(u64{0}, u64{0}, u64{0}, u64{1}, u64{0}, NX));
  EXPECT_EQ(to_integer(neg(d::min_subnormal), IntegerType::w), by_mode(u64{0}, u64{0}, minus_one, u64{0}, u64{0}, NX));
  const Modes<u64> unsigned_tiny{{{0, NX}, {0, NX}, {0, NV}, {0, NX}, {0, NX}}};
  EXPECT_EQ(to_integer(neg(d::min_subnormal), IntegerType::wu), unsigned_tiny);
  EXPECT_EQ(to_integer(neg(d::three), IntegerType::w), every_mode(minus_three, 0));
}

TEST(Rv64Fpu, ConversionsFromIntegers) {
  // w reads the low 32 bits as signed, wu as unsigned.
  EXPECT_EQ(from_integer<u32>(0x12345678ffffffff, IntegerType::w), every_mode(neg(s::one), 0));
  EXPECT_EQ(from_integer<u64>(0x12345678ffffffff, IntegerType::wu), every_mode(u64{0x41efffffffe00000}, 0));
  EXPECT_EQ(from_integer<u32>(0xffffffff, IntegerType::wu),
            by_mode(0x4f800000u, 0x4f7fffffu, 0x4f7fffffu, 0x4f800000u, 0x4f800000u, NX));
  EXPECT_EQ(from_integer<u64>(0x80000000, IntegerType::w), every_mode(u64{0xc1e0000000000000}, 0));
  EXPECT_EQ(from_integer<u32>(int64_min, IntegerType::l), every_mode(0xdf000000u, 0));
  EXPECT_EQ(from_integer<u64>(int64_min, IntegerType::lu), every_mode(u64{0x43e0000000000000}, 0));
  EXPECT_EQ(from_integer<u64>(uint64_max, IntegerType::lu),
            by_mode(u64{0x43f0000000000000}, u64{0x43efffffffffffff}, u64{0x43efffffffffffff}, u64{0x43f0000000000000},
                    u64{0x43f0000000000000}, NX));
  EXPECT_EQ(from_integer<u32>(uint64_max, IntegerType::l), every_mode(neg(s::one), 0));
  // Zero is +0 in every mode.
  EXPECT_EQ(from_integer<u32>(0, IntegerType::l), every_mode(s::zero, 0));
  EXPECT_EQ(from_integer<u64>(0xffffffff00000000, IntegerType::w), every_mode(d::zero, 0));
  // Halfway cases: 2^24 + 1 (to even below, RMM away), 2^24 + 3 (to even above), -(2^24 + 1).
  EXPECT_EQ(from_integer<u32>(0x1000001, IntegerType::w),
            by_mode(0x4b800000u, 0x4b800000u, 0x4b800000u, 0x4b800001u, 0x4b800001u, NX));
  EXPECT_EQ(from_integer<u32>(0x1000003, IntegerType::lu),
            by_mode(0x4b800002u, 0x4b800001u, 0x4b800001u, 0x4b800002u, 0x4b800002u, NX));
  EXPECT_EQ(from_integer<u32>(0 - u64{0x1000001}, IntegerType::l),
            by_mode(0xcb800000u, 0xcb800000u, 0xcb800001u, 0xcb800000u, 0xcb800001u, NX));
  // 2^53 + 1 in binary64.
  EXPECT_EQ(from_integer<u64>(0x20000000000001, IntegerType::l),
            by_mode(u64{0x4340000000000000}, u64{0x4340000000000000}, u64{0x4340000000000000}, u64{0x4340000000000001},
                    u64{0x4340000000000001}, NX));
}

TEST(Rv64Fpu, Narrowing) {
  EXPECT_EQ(narrow(d::one), every_mode(s::one, 0));
  EXPECT_EQ(narrow(neg(d::zero)), every_mode(neg(s::zero), 0));
  EXPECT_EQ(narrow(neg(d::inf)), every_mode(neg(s::inf), 0));
  EXPECT_EQ(narrow(d::negative_qnan), every_mode(s::qnan, 0));
  EXPECT_EQ(narrow(d::snan), every_mode(s::qnan, NV));
  // 1 + 2^-24: a tie.
  EXPECT_EQ(narrow(0x3ff0000010000000u), by_mode(s::one, s::one, s::one, 0x3f800001u, 0x3f800001u, NX));
  // Overflow by mode.
  const Modes<u32> negative{{{neg(s::inf), OF | NX},
                             {neg(s::largest), OF | NX},
                             {neg(s::inf), OF | NX},
                             {neg(s::largest), OF | NX},
                             {neg(s::inf), OF | NX}}};
  EXPECT_EQ(narrow(neg(d::largest)), negative);
  // Subnormal binary32 results: 2^-149 exact; 2^-150 a tie with zero; the smallest double far below.
  EXPECT_EQ(narrow(0x36a0000000000000u), every_mode(s::min_subnormal, 0));
  EXPECT_EQ(narrow(0x3690000000000000u),
            by_mode(s::zero, s::zero, s::zero, s::min_subnormal, s::min_subnormal, UF | NX));
  EXPECT_EQ(narrow(neg(d::min_subnormal)),
            by_mode(neg(s::zero), neg(s::zero), neg(s::min_subnormal), neg(s::zero), neg(s::zero), UF | NX));
  // 2^-126 (1 - 2^-25) rounds to 2^-126 with 24 bits and an unbounded exponent (a tie, to even): not tiny
  // for RNE, RUP and RMM.
  const Modes<u32> escapes{{{s::min_normal, NX},
                            {s::max_subnormal, UF | NX},
                            {s::max_subnormal, UF | NX},
                            {s::min_normal, NX},
                            {s::min_normal, NX}}};
  EXPECT_EQ(narrow(0x380ffffff0000000u), escapes);
}

TEST(Rv64Fpu, Widening) {
  EXPECT_EQ(widen(s::one), (Result<u64>{d::one, 0}));
  EXPECT_EQ(widen(neg(s::zero)), (Result<u64>{neg(d::zero), 0}));
  EXPECT_EQ(widen(s::inf), (Result<u64>{d::inf, 0}));
  EXPECT_EQ(widen(s::largest), (Result<u64>{0x47efffffe0000000, 0}));
  // Subnormal singles are normal doubles.
  EXPECT_EQ(widen(s::min_subnormal), (Result<u64>{0x36a0000000000000, 0}));
  EXPECT_EQ(widen(neg(s::max_subnormal)), (Result<u64>{0xb80fffffc0000000, 0}));
  EXPECT_EQ(widen(s::negative_qnan), (Result<u64>{d::qnan, 0}));
  EXPECT_EQ(widen(s::snan), (Result<u64>{d::qnan, NV}));
}

// The randomized comparison: operands drawn to reach every corner (subnormals, the ends of the
// exponent range, significands of all ones or a single bit, near-cancelling sums), results checked in
// every mode against exact arithmetic in big integers and a rounding written from IEEE 754's
// definitions, sharing no code with the library's arithmetic.
namespace reference {

namespace mp = boost::multiprecision;
using Integer = mp::cpp_int;

template <typename F>
struct Traits {
  static constexpr int fraction_bits = FloatFormat<F>::fraction_bits;
  static constexpr int precision = fraction_bits + 1;
  static constexpr int max_exponent = (1 << (FloatFormat<F>::exponent_bits - 1)) - 1;
  static constexpr int min_exponent = 1 - max_exponent;
};

// An exact signed value (-1)^negative * significand * 2^exponent: an operand, or a product or sum of
// operands before rounding.
struct Exact {
  bool negative;
  Integer significand;
  int exponent;
};
template <typename F>
Exact decode(F a) {
  using T = Traits<F>;
  const int biased = static_cast<int>((a << 1) >> (T::fraction_bits + 1));
  const F fraction = a & ((F{1} << T::fraction_bits) - 1);
  const bool negative = (a >> (T::fraction_bits + FloatFormat<F>::exponent_bits)) != 0;
  if (biased == 0) return {negative, Integer(fraction), T::min_exponent - T::fraction_bits};
  return {negative, Integer(fraction) + (Integer(1) << T::fraction_bits), biased - T::max_exponent - T::fraction_bits};
}

// An exact non-negative real: numerator / denominator * 2^exponent, or the square root of that with
// square_root.
struct Real {
  Integer numerator;
  Integer denominator = 1;
  int exponent = 0;
  bool square_root = false;
};

// Where a real lies between two integers n and n + 1: exactly on n, below, on or above n + 1/2.
enum class Rest { none, below_half, half, above_half };

struct Scaled {
  Integer whole;  // n
  Rest rest;
};

// A non-zero rest against half a unit, given as two integers scaled alike.
Rest against_half(const Integer& rest, const Integer& half) {
  if (rest < half) return Rest::below_half;
  return rest == half ? Rest::half : Rest::above_half;
}

// floor(x * 2^-k) for the real x, and the rest.
Scaled scale(const Real& x, int k) {
  Integer numerator = x.numerator, denominator = x.denominator;
  const int shift = x.exponent - (x.square_root ? 2 * k : k);
  if (shift >= 0) {
    numerator <<= shift;
  } else {
    denominator <<= -shift;
  }
  if (!x.square_root) {
    const Integer remainder = numerator % denominator;
    return {numerator / denominator, remainder == 0 ? Rest::none : against_half(2 * remainder, denominator)};
  }
  // sqrt(y) for y = numerator / denominator: floor(sqrt(y)) = isqrt(floor(y)), and sqrt(y) is n exactly
  // when y = n^2, compared with n + 1/2 as 4y with (2n + 1)^2.
  const Integer n = mp::sqrt(Integer(numerator / denominator));
  if (numerator == n * n * denominator) return {n, Rest::none};
  return {n, against_half(4 * numerator, (2 * n + 1) * (2 * n + 1) * denominator)};
}

// floor(log2 x) for x > 0: estimated from the leading bits, within one, then settled.
int binade(const Real& x) {
  int e = static_cast<int>(mp::msb(x.numerator)) - static_cast<int>(mp::msb(x.denominator)) + x.exponent;
  if (x.square_root) e = e >= 0 ? e / 2 : -((1 - e) / 2);  // floor(e / 2)
  while (scale(x, e).whole == 0) --e;
  while (scale(x, e).whole > 1) ++e;
  return e;
}

bool rounds_up(const Scaled& scaled, bool negative, Rounding rm) {
  switch (rm) {
    case Rounding::nearest_even:
      return scaled.rest == Rest::above_half || (scaled.rest == Rest::half && mp::bit_test(scaled.whole, 0));
    case Rounding::toward_zero: return false;
    case Rounding::down: return negative && scaled.rest != Rest::none;
    case Rounding::up: return !negative && scaled.rest != Rest::none;
    case Rounding::nearest_max_magnitude: return scaled.rest == Rest::half || scaled.rest == Rest::above_half;
  }
  return false;
}

// The non-zero real (-1)^negative * x rounded to F: IEEE 754-2008 section 4.3 and 7.4-7.6, tininess
// after rounding.
template <typename F>
Result<F> round(bool negative, const Real& x, Rounding rm) {
  using T = Traits<F>;
  const F sign = negative ? sign_mask<F> : F{0};
  const int e = binade(x);
  // Rounded to the full precision with an unbounded exponent, below 2^min_exponent?
  const Scaled unbounded = scale(x, e - (T::precision - 1));
  const Integer unbounded_rounded = unbounded.whole + rounds_up(unbounded, negative, rm);
  const bool tiny = e < T::min_exponent && unbounded_rounded < (Integer(1) << (T::min_exponent - e + T::precision - 1));
  // The quantum: 2^(e - precision + 1), not below that of the subnormals.
  int quantum = std::max(e, T::min_exponent) - (T::precision - 1);
  const Scaled scaled = scale(x, quantum);
  Integer n = scaled.whole + rounds_up(scaled, negative, rm);
  std::uint8_t flags = scaled.rest != Rest::none ? NX : 0;
  if (tiny && scaled.rest != Rest::none) flags |= UF;
  if (n >> T::precision != 0) {  // rounded up to the next binade
    n >>= 1;
    ++quantum;
  }
  if (n == 0) return {sign, flags};
  if (n >> (T::precision - 1) == 0) return {sign | static_cast<F>(n), flags};  // subnormal
  const int biased = quantum + (T::precision - 1) + T::max_exponent;
  if (biased >= 2 * T::max_exponent + 1) {
    // Infinity, or the largest finite number where the mode rounds toward zero.
    const bool to_infinity = rm == Rounding::nearest_even || rm == Rounding::nearest_max_magnitude ||
                             (rm == Rounding::down && negative) || (rm == Rounding::up && !negative);
    const F infinity = static_cast<F>(2 * T::max_exponent + 1) << T::fraction_bits;
    return {sign | (to_infinity ? infinity : infinity - 1), NX | OF};
  }
  const F fraction = static_cast<F>(n - (Integer(1) << (T::precision - 1)));
  return {sign | static_cast<F>(biased) << T::fraction_bits | fraction, flags};
}

Exact product(const Exact& a, const Exact& b) {
  return {a.negative != b.negative, a.significand * b.significand, a.exponent + b.exponent};
}
// x + y; a zero sum takes the sign rule of IEEE 754 6.3.
Exact sum(const Exact& x, const Exact& y, Rounding rm) {
  const int exponent = std::min(x.exponent, y.exponent);
  Integer total = (x.negative ? -1 : 1) * (x.significand << (x.exponent - exponent)) +
                  (y.negative ? -1 : 1) * (y.significand << (y.exponent - exponent));
  if (total == 0) return {x.negative == y.negative ? x.negative : rm == Rounding::down, 0, 0};
  return {total < 0, mp::abs(total), exponent};
}

template <typename F>
Result<F> round(const Exact& x, Rounding rm) {
  if (x.significand == 0) return {x.negative ? sign_mask<F> : F{0}, 0};
  return round<F>(x.negative, Real{x.significand, 1, x.exponent}, rm);
}
template <typename F>
Result<F> add(F a, F b, Rounding rm) {
  return round<F>(sum(decode(a), decode(b), rm), rm);
}
template <typename F>
Result<F> mul(F a, F b, Rounding rm) {
  return round<F>(product(decode(a), decode(b)), rm);
}
template <typename F>
Result<F> fma(F a, F b, F c, Rounding rm) {
  return round<F>(sum(product(decode(a), decode(b)), decode(c), rm), rm);
}
template <typename F>
Result<F> div(F a, F b, Rounding rm) {  // b non-zero
  const Exact x = decode(a), y = decode(b);
  if (x.significand == 0) return {(x.negative != y.negative) ? sign_mask<F> : F{0}, 0};
  return round<F>(x.negative != y.negative, Real{x.significand, y.significand, x.exponent - y.exponent}, rm);
}
template <typename F>
Result<F> sqrt(F a, Rounding rm) {  // a non-negative or -0
  const Exact x = decode(a);
  if (x.significand == 0) return {a, 0};
  return round<F>(false, Real{x.significand, 1, x.exponent, true}, rm);
}

}  // namespace reference

// Finite operands, the corners often.
template <typename F>
class Operands {
 public:
  explicit Operands(std::uint64_t seed) : random_(seed) {}

  F next() {
    constexpr int fraction_bits = FloatFormat<F>::fraction_bits;
    constexpr int top = (1 << FloatFormat<F>::exponent_bits) - 2;  // the largest finite biased exponent
    int biased = 0;
    switch (random_() % 6) {
      case 0: biased = 0; break;                                              // subnormal or zero
      case 1: biased = 1 + random_() % 3; break;                              // smallest normals
      case 2: biased = top - random_() % 3; break;                            // largest
      case 3: biased = top / 2 + static_cast<int>(random_() % 9) - 4; break;  // around 1
      default: biased = static_cast<int>(random_() % (top + 1)); break;
    }
    F fraction = 0;
    const F fraction_mask = (F{1} << fraction_bits) - 1;
    switch (random_() % 5) {
      case 0: fraction = fraction_mask - random_() % 3; break;
      case 1: fraction = random_() % 3; break;
      case 2: fraction = F{1} << (random_() % fraction_bits); break;
      default: fraction = static_cast<F>(random_()) & fraction_mask; break;
    }
    const F sign = random_() % 2 != 0 ? sign_mask<F> : F{0};
    return sign | static_cast<F>(biased) << fraction_bits | fraction;
  }
  // -a with a few of its last bits changed: sums that cancel.
  F near_negation_of(F a) { return fp_negate(a) ^ static_cast<F>(random_() % 4); }
  bool one_in(unsigned n) { return random_() % n == 0; }

 private:
  std::mt19937_64 random_;
};

#ifdef VMSIM_SHORT_DIFFERENTIAL
constexpr int draws = 2000;
#else
constexpr int draws = 20000;
#endif

std::string hex(std::uint64_t value) {
  std::ostringstream out;
  out << std::hex << "0x" << value;
  return out.str();
}

template <typename F>
void compare_add(std::uint64_t seed) {
  Operands<F> operands(seed);
  for (int i = 0; i < draws; ++i) {
    const F a = operands.next(), b = operands.one_in(3) ? operands.near_negation_of(a) : operands.next();
    for (int rm = 0; rm < 5; ++rm) {
      const Rounding mode = static_cast<Rounding>(rm);
      std::uint8_t flags = 0;
      const F sum = fp_add(a, b, mode, flags);
      ASSERT_EQ((Result<F>{sum, flags}), reference::add(a, b, mode)) << hex(a) << " + " << hex(b) << " mode " << rm;
      flags = 0;
      const F difference = fp_sub(a, fp_negate(b), mode, flags);
      ASSERT_EQ((Result<F>{difference, flags}), reference::add(a, b, mode))
          << hex(a) << " - " << hex(fp_negate(b)) << " mode " << rm;
    }
  }
}

template <typename F>
void compare_mul_div(std::uint64_t seed) {
  Operands<F> operands(seed);
  for (int i = 0; i < draws; ++i) {
    const F a = operands.next(), b = operands.next();
    for (int rm = 0; rm < 5; ++rm) {
      const Rounding mode = static_cast<Rounding>(rm);
      std::uint8_t flags = 0;
      const F product = fp_mul(a, b, mode, flags);
      ASSERT_EQ((Result<F>{product, flags}), reference::mul(a, b, mode)) << hex(a) << " * " << hex(b) << " mode " << rm;
      if ((b & ~sign_mask<F>) == 0) continue;
      flags = 0;
      const F quotient = fp_div(a, b, mode, flags);
      ASSERT_EQ((Result<F>{quotient, flags}), reference::div(a, b, mode))
          << hex(a) << " / " << hex(b) << " mode " << rm;
    }
  }
}

template <typename F>
void compare_sqrt(std::uint64_t seed) {
  Operands<F> operands(seed);
  for (int i = 0; i < draws; ++i) {
    const F a = operands.next() & ~sign_mask<F>;
    for (int rm = 0; rm < 5; ++rm) {
      const Rounding mode = static_cast<Rounding>(rm);
      std::uint8_t flags = 0;
      const F root = fp_sqrt(a, mode, flags);
      ASSERT_EQ((Result<F>{root, flags}), reference::sqrt(a, mode)) << "sqrt " << hex(a) << " mode " << rm;
    }
  }
}

template <typename F>
void compare_fma(std::uint64_t seed) {
  Operands<F> operands(seed);
  for (int i = 0; i < draws; ++i) {
    const F a = operands.next(), b = operands.next();
    F c = operands.next();
    if (operands.one_in(2)) {  // an addend close to -(a*b), rounded to the nearest: heavy cancellation
      std::uint8_t ignored = 0;
      c = operands.near_negation_of(fp_mul(a, b, Rounding::nearest_even, ignored));
      if ((fp_class(c) & 0x381) != 0) c = operands.next();  // the product overflowed: c is infinite or a NaN
    }
    for (int rm = 0; rm < 5; ++rm) {
      const Rounding mode = static_cast<Rounding>(rm);
      std::uint8_t flags = 0;
      const F result = fp_fma(a, b, c, mode, flags);
      ASSERT_EQ((Result<F>{result, flags}), reference::fma(a, b, c, mode))
          << hex(a) << " * " << hex(b) << " + " << hex(c) << " mode " << rm;
    }
  }
}

TEST(Rv64FpuDifferential, AddAndSubtractSingle) { compare_add<u32>(1); }
TEST(Rv64FpuDifferential, AddAndSubtractDouble) { compare_add<u64>(2); }
TEST(Rv64FpuDifferential, MultiplyAndDivideSingle) { compare_mul_div<u32>(3); }
TEST(Rv64FpuDifferential, MultiplyAndDivideDouble) { compare_mul_div<u64>(4); }
TEST(Rv64FpuDifferential, SquareRootSingle) { compare_sqrt<u32>(5); }
TEST(Rv64FpuDifferential, SquareRootDouble) { compare_sqrt<u64>(6); }
TEST(Rv64FpuDifferential, FusedMultiplyAddSingle) { compare_fma<u32>(7); }
TEST(Rv64FpuDifferential, FusedMultiplyAddDouble) { compare_fma<u64>(8); }

}  // namespace
}  // namespace vmsim::rv64
