// The floating-point arithmetic of the RISC-V F and D extensions (unprivileged specification 2.2,
// IEEE 754-2008): binary32 and binary64 values as raw bit patterns, the five static rounding modes,
// the accrued exception flags of fflags, and the canonical NaN for every NaN result.
//
// Everything is computed in software on integers, never on the host's FPU, so that a result and its
// flags are the same bits on every host, compiler and optimisation level, whatever the host's rounding
// mode, default NaN or flush-to-zero setting. F and D instructions are rare in what the hart runs; a
// binary64 operation costs about 40 host instructions (a comparison) to 370 (fma), a square root 1,150.
//
// What is left to the caller: the dynamic rounding mode (7) is resolved from fcsr.frm before calling,
// and the reserved ones (5, 6) are illegal instructions; NaN-boxing of singles in the 64-bit f
// registers (an improperly boxed input is canonical_nan<std::uint32_t>) belongs to the register file;
// sign injection and moves are bit operations on the patterns. Each operation ORs the flags it raises
// into `flags` and never clears any.
#pragma once

#include <cstdint>

#include "vmsim/models/core/export.h"

namespace vmsim::rv64 {

enum class Rounding : std::uint8_t {
  nearest_even = 0,           // RNE
  toward_zero = 1,            // RTZ
  down = 2,                   // RDN, toward -infinity
  up = 3,                     // RUP, toward +infinity
  nearest_max_magnitude = 4,  // RMM, ties away from zero
};

// The fflags bits.
namespace fflag {
constexpr std::uint8_t inexact = 1;         // NX
constexpr std::uint8_t underflow = 2;       // UF: tiny after rounding, and inexact
constexpr std::uint8_t overflow = 4;        // OF
constexpr std::uint8_t divide_by_zero = 8;  // DZ
constexpr std::uint8_t invalid = 16;        // NV
}  // namespace fflag

// The integer side of a conversion: int32 (w), uint32 (wu), int64 (l), uint64 (lu).
enum class IntegerType : std::uint8_t { w, wu, l, lu };

// The bit layout of a format, for F = std::uint32_t (binary32) or std::uint64_t (binary64).
template <typename F>
struct FloatFormat;
template <>
struct FloatFormat<std::uint32_t> {
  static constexpr int exponent_bits = 8;
  static constexpr int fraction_bits = 23;
};
template <>
struct FloatFormat<std::uint64_t> {
  static constexpr int exponent_bits = 11;
  static constexpr int fraction_bits = 52;
};

template <typename F>
inline constexpr F sign_mask = F{1} << (FloatFormat<F>::exponent_bits + FloatFormat<F>::fraction_bits);
// The quiet NaN of positive sign and zero payload that every NaN result is: 0x7fc00000 and
// 0x7ff8000000000000.
template <typename F>
inline constexpr F canonical_nan = (~F{0} >> 1) & ~((F{1} << (FloatFormat<F>::fraction_bits - 1)) - 1);

// -a, a sign flip as IEEE's negate is (no flags, NaNs included): what fneg is, and how a caller forms
// fmsub, fnmsub and fnmadd from fp_fma.
template <typename F>
constexpr F fp_negate(F a) {
  return a ^ sign_mask<F>;
}

// The template functions are instantiated for std::uint32_t and std::uint64_t only.
template <typename F>
VMSIM_API F fp_add(F a, F b, Rounding rm, std::uint8_t& flags);
template <typename F>
VMSIM_API F fp_sub(F a, F b, Rounding rm, std::uint8_t& flags);
template <typename F>
VMSIM_API F fp_mul(F a, F b, Rounding rm, std::uint8_t& flags);
template <typename F>
VMSIM_API F fp_div(F a, F b, Rounding rm, std::uint8_t& flags);
template <typename F>
VMSIM_API F fp_sqrt(F a, Rounding rm, std::uint8_t& flags);
// a*b + c, rounded once. fmsub is fp_fma(a, b, -c), fnmsub fp_fma(-a, b, c) = -(a*b) + c and fnmadd
// fp_fma(-a, b, -c) = -(a*b) - c, the negations by fp_negate. inf*0 raises NV even when c is a
// quiet NaN.
template <typename F>
VMSIM_API F fp_fma(F a, F b, F c, Rounding rm, std::uint8_t& flags);

// fmin and fmax as 2.2 has them (IEEE 754-2019's minimumNumber and maximumNumber): a NaN operand
// gives the other one, two NaNs the canonical NaN, -0 is below +0; NV only for a signaling NaN.
template <typename F>
VMSIM_API F fp_min(F a, F b, std::uint8_t& flags);
template <typename F>
VMSIM_API F fp_max(F a, F b, std::uint8_t& flags);

// feq is quiet (NV for a signaling NaN only), flt and fle signaling (NV for any NaN); a NaN operand
// compares false.
template <typename F>
VMSIM_API bool fp_eq(F a, F b, std::uint8_t& flags);
template <typename F>
VMSIM_API bool fp_lt(F a, F b, std::uint8_t& flags);
template <typename F>
VMSIM_API bool fp_le(F a, F b, std::uint8_t& flags);

// The fclass mask: bit 0 -inf, 1 negative normal, 2 negative subnormal, 3 -0, 4 +0, 5 positive
// subnormal, 6 positive normal, 7 +inf, 8 signaling NaN, 9 quiet NaN.
template <typename F>
VMSIM_API std::uint16_t fp_class(F a);

// fcvt.{w,wu,l,lu}.{s,d}: the value the integer register gets, a 32-bit result sign-extended (that of
// wu too). A NaN or a rounded value out of range raises NV alone and saturates: NaN and too large to
// the type's maximum, too small (-inf, a negative value for an unsigned type) to its minimum.
template <typename F>
VMSIM_API std::uint64_t fp_to_integer(F a, IntegerType type, Rounding rm, std::uint8_t& flags);
// fcvt.{s,d}.{w,wu,l,lu}: `value` is the integer register, of which w and wu read the low 32 bits.
template <typename F>
VMSIM_API F fp_from_integer(std::uint64_t value, IntegerType type, Rounding rm, std::uint8_t& flags);

// fcvt.s.d, rounding.
std::uint32_t fp_narrow(std::uint64_t a, Rounding rm, std::uint8_t& flags);
// fcvt.d.s, exact (NV for a signaling NaN).
std::uint64_t fp_widen(std::uint32_t a, std::uint8_t& flags);

}  // namespace vmsim::rv64
