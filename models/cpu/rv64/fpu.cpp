#include "vmsim/models/cpu/rv64/fpu.h"

#include <utility>

namespace vmsim::rv64 {
namespace {

// Wide enough for a binary64 product (106 bits) with room to align an addend and keep a sticky bit.
__extension__ typedef unsigned __int128 Wide;

int leading_zeros(Wide x) {
  const auto high = static_cast<std::uint64_t>(x >> 64);
  return high != 0 ? __builtin_clzll(high) : 64 + __builtin_clzll(static_cast<std::uint64_t>(x));
}

// x >> shift with every bit shifted out ORed into bit 0 (the sticky bit): the result rounds as x
// would at any position above bit 0.
Wide shift_right_sticky(Wide x, int shift) {
  if (shift <= 0) return x;
  if (shift >= 128) return x != 0;
  return (x >> shift) | ((x & ((Wide{1} << shift) - 1)) != 0);
}

struct Rounded {
  Wide value;
  bool inexact;
};

// x * 2^-shift (shift >= 1) rounded to an integer in mode rm, for a value of sign `negative`.
Rounded round_shift_right(Wide x, int shift, bool negative, Rounding rm) {
  Wide kept = 0, rest = x, half = Wide{1} << 127;
  if (shift > 128) {
    half = 2;
    rest = x != 0;  // below half
  } else if (shift < 128) {
    kept = x >> shift;
    rest = x & ((Wide{1} << shift) - 1);
    half = Wide{1} << (shift - 1);
  }
  bool up = false;
  switch (rm) {
    case Rounding::nearest_even: up = rest > half || (rest == half && (kept & 1) != 0); break;
    case Rounding::nearest_max_magnitude: up = rest >= half; break;
    case Rounding::toward_zero: break;
    case Rounding::down: up = negative && rest != 0; break;
    case Rounding::up: up = !negative && rest != 0; break;
  }
  return {kept + up, rest != 0};
}

template <typename F>
struct Format {
  static constexpr int fraction_bits = FloatFormat<F>::fraction_bits;
  static constexpr int precision = fraction_bits + 1;
  static constexpr int bias = (1 << (FloatFormat<F>::exponent_bits - 1)) - 1;
  static constexpr int min_exponent = 1 - bias;  // of a normal number
  static constexpr int max_exponent = bias;
  static constexpr F sign = sign_mask<F>;
  static constexpr F infinity = (~F{0} >> 1) & ~((F{1} << fraction_bits) - 1);
  static constexpr F fraction_mask = (F{1} << fraction_bits) - 1;
  static constexpr F quiet_bit = F{1} << (fraction_bits - 1);
  static constexpr F largest = infinity - 1;  // the largest finite magnitude
};

// An operand taken apart; a finite one is (-1)^negative * significand * 2^exponent exactly.
template <typename F>
struct Unpacked {
  enum Kind { zero, finite, infinite, quiet_nan, signaling_nan } kind;
  bool negative;
  int exponent;
  std::uint64_t significand;

  explicit Unpacked(F a) : negative((a & Format<F>::sign) != 0) {
    using Fm = Format<F>;
    const int biased = static_cast<int>((a & ~Fm::sign) >> Fm::fraction_bits);
    const F fraction = a & Fm::fraction_mask;
    significand = fraction;
    exponent = 0;
    if (biased == (2 * Fm::bias + 1)) {
      kind = fraction == 0 ? infinite : (fraction & Fm::quiet_bit) != 0 ? quiet_nan : signaling_nan;
    } else if (biased == 0 && fraction == 0) {
      kind = zero;
    } else {
      kind = finite;
      if (biased != 0) significand |= F{1} << Fm::fraction_bits;
      exponent = (biased != 0 ? biased : 1) - Fm::bias - Fm::fraction_bits;
    }
  }
  bool nan() const { return kind == quiet_nan || kind == signaling_nan; }
};

template <typename F>
F signed_zero(bool negative) {
  return negative ? Format<F>::sign : F{0};
}
template <typename F>
F signed_infinity(bool negative) {
  return signed_zero<F>(negative) | Format<F>::infinity;
}

// The canonical NaN, raising NV if `invalid` (a signaling NaN operand, or an invalid operation).
template <typename F>
F nan_result(std::uint8_t& flags, bool invalid) {
  if (invalid) flags |= fflag::invalid;
  return canonical_nan<F>;
}

// An exact zero sum of operands of opposite signs (x + -x, +0 + -0): +0, but -0 rounding down.
template <typename F>
F zero_sum(Rounding rm) {
  return signed_zero<F>(rm == Rounding::down);
}

// (-1)^negative * significand * 2^exponent rounded to F in mode rm, raising NX, UF and OF. The
// significand is non-zero; if it stands for an inexact value, bit 0 is sticky (set when anything
// was lost below it) and the value has at least precision + 2 bits, so that bit 0 lies below the
// rounding position.
template <typename F>
F round_pack(bool negative, int exponent, Wide significand, Rounding rm, std::uint8_t& flags) {
  using Fm = Format<F>;
  const int normalize = leading_zeros(significand);
  significand <<= normalize;
  // The value is in [2^binade, 2^(binade+1)).
  int binade = exponent - normalize + 127;
  constexpr int normal_shift = 128 - Fm::precision;
  int shift = normal_shift;
  bool tiny = false;
  if (binade < Fm::min_exponent) {
    shift += Fm::min_exponent - binade;
    // Tininess after rounding: below 2^min_exponent when rounded to full precision with an unbounded
    // exponent, which only the binade just below can escape.
    tiny = binade < Fm::min_exponent - 1 ||
           round_shift_right(significand, normal_shift, negative, rm).value >> Fm::precision == 0;
  }
  const Rounded rounded = round_shift_right(significand, shift, negative, rm);
  if (rounded.inexact) flags |= fflag::inexact | (tiny ? fflag::underflow : 0);
  // A subnormal (or zero) packs as its significand; one that rounded up to 2^min_exponent carries
  // into the exponent field by itself.
  if (binade < Fm::min_exponent) return signed_zero<F>(negative) | static_cast<F>(rounded.value);
  Wide kept = rounded.value;
  if (kept >> Fm::precision != 0) {
    kept >>= 1;
    ++binade;
  }
  if (binade > Fm::max_exponent) {
    flags |= fflag::overflow | fflag::inexact;
    const bool to_infinity = rm == Rounding::nearest_even || rm == Rounding::nearest_max_magnitude ||
                             (rm == Rounding::down && negative) || (rm == Rounding::up && !negative);
    return to_infinity ? signed_infinity<F>(negative) : signed_zero<F>(negative) | Fm::largest;
  }
  return signed_zero<F>(negative) | static_cast<F>(binade + Fm::bias) << Fm::fraction_bits |
         (static_cast<F>(kept) & Fm::fraction_mask);
}

// x + y for non-zero exact x = (-1)^x_negative * x_significand * 2^x_exponent (likewise y), each
// significand of at most 126 bits, rounded once.
template <typename F>
F add_exact(bool x_negative, int x_exponent, Wide x_significand, bool y_negative, int y_exponent, Wide y_significand,
            Rounding rm, std::uint8_t& flags) {
  // Both with their leading bit at bit 126, so that a sum cannot overflow and an alignment shift of
  // one loses nothing.
  const int x_shift = leading_zeros(x_significand) - 1, y_shift = leading_zeros(y_significand) - 1;
  x_significand <<= x_shift;
  x_exponent -= x_shift;
  y_significand <<= y_shift;
  y_exponent -= y_shift;
  if (x_exponent < y_exponent || (x_exponent == y_exponent && x_significand < y_significand)) {
    std::swap(x_negative, y_negative);
    std::swap(x_exponent, y_exponent);
    std::swap(x_significand, y_significand);
  }
  // |x| >= |y| now. A shift of one is exact; one of two or more leaves y below x / 2, so that a
  // difference still has 126 bits, far more than the sticky bit needs.
  y_significand = shift_right_sticky(y_significand, x_exponent - y_exponent);
  if (x_negative == y_negative) {
    return round_pack<F>(x_negative, x_exponent, x_significand + y_significand, rm, flags);
  }
  const Wide difference = x_significand - y_significand;
  if (difference == 0) return zero_sum<F>(rm);
  return round_pack<F>(x_negative, x_exponent, difference, rm, flags);
}

// Whether a or b is a signaling NaN.
template <typename F>
bool any_signaling(const Unpacked<F>& a, const Unpacked<F>& b) {
  return a.kind == Unpacked<F>::signaling_nan || b.kind == Unpacked<F>::signaling_nan;
}

// floor(sqrt(x)) for x in [2^(2n-2), 2^2n) and whether it is exact: the root's n bits from the top,
// one an iteration.
Rounded square_root(Wide x, int root_bits) {
  Wide root = 0;
  for (Wide bit = Wide{1} << (2 * root_bits - 2); bit != 0; bit >>= 2) {
    if (x >= root + bit) {
      x -= root + bit;
      root = (root >> 1) + bit;
    } else {
      root >>= 1;
    }
  }
  return {root, x != 0};
}

// a < b (or a <= b with or_equal) for ordered operands, -0 equal to +0.
template <typename F>
bool ordered_less(F a, F b, bool or_equal) {
  const F magnitude_a = a & ~Format<F>::sign, magnitude_b = b & ~Format<F>::sign;
  if (magnitude_a == 0 && magnitude_b == 0) return or_equal;
  const bool negative_a = (a & Format<F>::sign) != 0, negative_b = (b & Format<F>::sign) != 0;
  if (negative_a != negative_b) return negative_a;
  if (magnitude_a == magnitude_b) return or_equal;
  return (magnitude_a < magnitude_b) != negative_a;
}

// flt (or_equal false) and fle: NV for any NaN.
template <typename F>
bool signaling_less(F a, F b, bool or_equal, std::uint8_t& flags) {
  if (Unpacked<F>(a).nan() || Unpacked<F>(b).nan()) {
    flags |= fflag::invalid;
    return false;
  }
  return ordered_less(a, b, or_equal);
}

// fmin (want_max false) and fmax.
template <typename F>
F min_max(F a, F b, bool want_max, std::uint8_t& flags) {
  const Unpacked<F> x(a), y(b);
  if (any_signaling(x, y)) flags |= fflag::invalid;
  if (x.nan() && y.nan()) return canonical_nan<F>;
  if (x.nan()) return b;
  if (y.nan()) return a;
  // -0 < +0 here, unlike a comparison: order the signs first.
  const bool a_below = x.negative != y.negative ? x.negative : ordered_less(a, b, false);
  return a_below != want_max ? a : b;
}

struct IntegerRange {
  bool is_signed;
  int bits;
};
IntegerRange range_of(IntegerType type) {
  switch (type) {
    case IntegerType::w: return {true, 32};
    case IntegerType::wu: return {false, 32};
    case IntegerType::l: return {true, 64};
    case IntegerType::lu: return {false, 64};
  }
  return {true, 64};
}

// The register value of a 32- or 64-bit integer, 32-bit ones sign-extended.
std::uint64_t to_register(std::uint64_t value, int bits) {
  return bits == 32 ? static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::int32_t>(value))) : value;
}

// A float of F converted to another format G (widened or narrowed).
template <typename G, typename F>
G convert(F a, Rounding rm, std::uint8_t& flags) {
  const Unpacked<F> x(a);
  switch (x.kind) {
    case Unpacked<F>::quiet_nan:
    case Unpacked<F>::signaling_nan: return nan_result<G>(flags, x.kind == Unpacked<F>::signaling_nan);
    case Unpacked<F>::infinite: return signed_infinity<G>(x.negative);
    case Unpacked<F>::zero: return signed_zero<G>(x.negative);
    case Unpacked<F>::finite: break;
  }
  return round_pack<G>(x.negative, x.exponent, x.significand, rm, flags);
}

}  // namespace

template <typename F>
F fp_add(F a, F b, Rounding rm, std::uint8_t& flags) {
  const Unpacked<F> x(a), y(b);
  if (x.nan() || y.nan()) return nan_result<F>(flags, any_signaling(x, y));
  if (x.kind == Unpacked<F>::infinite || y.kind == Unpacked<F>::infinite) {
    if (x.kind == y.kind && x.negative != y.negative) return nan_result<F>(flags, true);
    return signed_infinity<F>(x.kind == Unpacked<F>::infinite ? x.negative : y.negative);
  }
  if (x.kind == Unpacked<F>::zero && y.kind == Unpacked<F>::zero) {
    return x.negative == y.negative ? a : zero_sum<F>(rm);
  }
  if (x.kind == Unpacked<F>::zero) return b;
  if (y.kind == Unpacked<F>::zero) return a;
  return add_exact<F>(x.negative, x.exponent, x.significand, y.negative, y.exponent, y.significand, rm, flags);
}

template <typename F>
F fp_sub(F a, F b, Rounding rm, std::uint8_t& flags) {
  return fp_add(a, fp_negate(b), rm, flags);
}

template <typename F>
F fp_mul(F a, F b, Rounding rm, std::uint8_t& flags) {
  const Unpacked<F> x(a), y(b);
  if (x.nan() || y.nan()) return nan_result<F>(flags, any_signaling(x, y));
  const bool negative = x.negative != y.negative;
  if (x.kind == Unpacked<F>::infinite || y.kind == Unpacked<F>::infinite) {
    if (x.kind == Unpacked<F>::zero || y.kind == Unpacked<F>::zero) return nan_result<F>(flags, true);
    return signed_infinity<F>(negative);
  }
  if (x.kind == Unpacked<F>::zero || y.kind == Unpacked<F>::zero) return signed_zero<F>(negative);
  return round_pack<F>(negative, x.exponent + y.exponent, Wide{x.significand} * y.significand, rm, flags);
}

template <typename F>
F fp_div(F a, F b, Rounding rm, std::uint8_t& flags) {
  const Unpacked<F> x(a), y(b);
  if (x.nan() || y.nan()) return nan_result<F>(flags, any_signaling(x, y));
  const bool negative = x.negative != y.negative;
  if (x.kind == Unpacked<F>::infinite) {
    if (y.kind == Unpacked<F>::infinite) return nan_result<F>(flags, true);
    return signed_infinity<F>(negative);
  }
  if (y.kind == Unpacked<F>::infinite) return signed_zero<F>(negative);
  if (y.kind == Unpacked<F>::zero) {
    if (x.kind == Unpacked<F>::zero) return nan_result<F>(flags, true);
    flags |= fflag::divide_by_zero;
    return signed_infinity<F>(negative);
  }
  if (x.kind == Unpacked<F>::zero) return signed_zero<F>(negative);
  // Both significands with their leading bit at bit 63: the quotient of the dividend shifted 64 more
  // has 64 or 65 bits, the remainder going to the sticky bit.
  const int x_shift = __builtin_clzll(x.significand), y_shift = __builtin_clzll(y.significand);
  const Wide dividend = Wide{x.significand << x_shift} << 64;
  const std::uint64_t divisor = y.significand << y_shift;
  const Wide quotient = dividend / divisor;
  const bool remainder = dividend % divisor != 0;
  return round_pack<F>(negative, x.exponent - x_shift - (y.exponent - y_shift) - 64, quotient | remainder, rm, flags);
}

template <typename F>
F fp_sqrt(F a, Rounding rm, std::uint8_t& flags) {
  const Unpacked<F> x(a);
  if (x.nan()) return nan_result<F>(flags, x.kind == Unpacked<F>::signaling_nan);
  if (x.kind == Unpacked<F>::zero) return a;
  if (x.negative) return nan_result<F>(flags, true);
  if (x.kind == Unpacked<F>::infinite) return a;
  // The significand with its leading bit at 2 * root_bits - 2 or - 1, whichever leaves an even
  // exponent: the root has the precision and two bits more, the remainder makes the sticky bit.
  constexpr int root_bits = Format<F>::precision + 2;
  int shift = leading_zeros(x.significand) - (129 - 2 * root_bits);
  if ((x.exponent - shift) % 2 != 0) ++shift;
  const Rounded root = square_root(Wide{x.significand} << shift, root_bits);
  return round_pack<F>(false, (x.exponent - shift) / 2, root.value | root.inexact, rm, flags);
}

template <typename F>
F fp_fma(F a, F b, F c, Rounding rm, std::uint8_t& flags) {
  const Unpacked<F> x(a), y(b), z(c);
  const bool infinity_times_zero = (x.kind == Unpacked<F>::infinite && y.kind == Unpacked<F>::zero) ||
                                   (x.kind == Unpacked<F>::zero && y.kind == Unpacked<F>::infinite);
  if (x.nan() || y.nan() || z.nan()) {
    return nan_result<F>(flags, any_signaling(x, y) || z.kind == Unpacked<F>::signaling_nan || infinity_times_zero);
  }
  if (infinity_times_zero) return nan_result<F>(flags, true);
  const bool product_negative = x.negative != y.negative;
  if (x.kind == Unpacked<F>::infinite || y.kind == Unpacked<F>::infinite) {
    if (z.kind == Unpacked<F>::infinite && z.negative != product_negative) return nan_result<F>(flags, true);
    return signed_infinity<F>(product_negative);
  }
  if (z.kind == Unpacked<F>::infinite) return c;
  if (x.kind == Unpacked<F>::zero || y.kind == Unpacked<F>::zero) {
    if (z.kind != Unpacked<F>::zero) return c;
    return z.negative == product_negative ? c : zero_sum<F>(rm);
  }
  const Wide product = Wide{x.significand} * y.significand;
  if (z.kind == Unpacked<F>::zero) return round_pack<F>(product_negative, x.exponent + y.exponent, product, rm, flags);
  return add_exact<F>(product_negative, x.exponent + y.exponent, product, z.negative, z.exponent, z.significand, rm,
                      flags);
}

template <typename F>
F fp_min(F a, F b, std::uint8_t& flags) {
  return min_max(a, b, false, flags);
}

template <typename F>
F fp_max(F a, F b, std::uint8_t& flags) {
  return min_max(a, b, true, flags);
}

template <typename F>
bool fp_eq(F a, F b, std::uint8_t& flags) {
  const Unpacked<F> x(a), y(b);
  if (x.nan() || y.nan()) {
    if (any_signaling(x, y)) flags |= fflag::invalid;
    return false;
  }
  return a == b || ((a | b) & ~Format<F>::sign) == 0;
}

template <typename F>
bool fp_lt(F a, F b, std::uint8_t& flags) {
  return signaling_less(a, b, false, flags);
}

template <typename F>
bool fp_le(F a, F b, std::uint8_t& flags) {
  return signaling_less(a, b, true, flags);
}

template <typename F>
std::uint16_t fp_class(F a) {
  const Unpacked<F> x(a);
  int bit = 0;
  switch (x.kind) {
    case Unpacked<F>::signaling_nan: return 1u << 8;
    case Unpacked<F>::quiet_nan: return 1u << 9;
    case Unpacked<F>::infinite: bit = 0; break;
    case Unpacked<F>::zero: bit = 3; break;
    case Unpacked<F>::finite: bit = (a & ~Format<F>::sign) >> Format<F>::fraction_bits != 0 ? 1 : 2; break;
  }
  // The positive classes mirror the negative ones: 7 - bit.
  return static_cast<std::uint16_t>(1u << (x.negative ? bit : 7 - bit));
}

template <typename F>
std::uint64_t fp_to_integer(F a, IntegerType type, Rounding rm, std::uint8_t& flags) {
  const IntegerRange range = range_of(type);
  const Unpacked<F> x(a);
  // The largest magnitudes each sign reaches: 2^(bits-1) - 1 and 2^(bits-1) signed, 2^bits - 1 and 0
  // unsigned.
  const std::uint64_t positive_limit =
      range.is_signed ? (std::uint64_t{1} << (range.bits - 1)) - 1 : ~std::uint64_t{0} >> (64 - range.bits);
  const std::uint64_t negative_limit = range.is_signed ? std::uint64_t{1} << (range.bits - 1) : 0;
  const auto saturate = [&](bool negative) {
    flags |= fflag::invalid;
    return to_register(negative ? 0 - negative_limit : positive_limit, range.bits);
  };
  switch (x.kind) {
    case Unpacked<F>::quiet_nan:
    case Unpacked<F>::signaling_nan: return saturate(false);
    case Unpacked<F>::infinite: return saturate(x.negative);
    case Unpacked<F>::zero: return 0;
    case Unpacked<F>::finite: break;
  }
  // Any finite value of 2^64 or more is out of every range (the significand is at least 1).
  if (x.exponent >= 64) return saturate(x.negative);
  Rounded magnitude{Wide{x.significand} << (x.exponent > 0 ? x.exponent : 0), false};
  if (x.exponent < 0) magnitude = round_shift_right(x.significand, -x.exponent, x.negative, rm);
  if (magnitude.value > (x.negative ? negative_limit : positive_limit)) return saturate(x.negative);
  if (magnitude.inexact) flags |= fflag::inexact;
  const auto value = static_cast<std::uint64_t>(magnitude.value);
  return to_register(x.negative ? 0 - value : value, range.bits);
}

template <typename F>
F fp_from_integer(std::uint64_t value, IntegerType type, Rounding rm, std::uint8_t& flags) {
  const IntegerRange range = range_of(type);
  if (range.bits == 32) value = range.is_signed ? to_register(value, 32) : value & 0xffffffffu;
  const bool negative = range.is_signed && static_cast<std::int64_t>(value) < 0;
  const std::uint64_t magnitude = negative ? 0 - value : value;
  if (magnitude == 0) return F{0};
  return round_pack<F>(negative, 0, magnitude, rm, flags);
}

std::uint32_t fp_narrow(std::uint64_t a, Rounding rm, std::uint8_t& flags) {
  return convert<std::uint32_t>(a, rm, flags);
}

std::uint64_t fp_widen(std::uint32_t a, std::uint8_t& flags) {
  // Every binary32 value is a binary64 one: the rounding mode does not matter.
  return convert<std::uint64_t>(a, Rounding::nearest_even, flags);
}

#define VMSIM_RV64_FPU_INSTANTIATE(F)                                               \
  template F fp_add<F>(F, F, Rounding, std::uint8_t&);                              \
  template F fp_sub<F>(F, F, Rounding, std::uint8_t&);                              \
  template F fp_mul<F>(F, F, Rounding, std::uint8_t&);                              \
  template F fp_div<F>(F, F, Rounding, std::uint8_t&);                              \
  template F fp_sqrt<F>(F, Rounding, std::uint8_t&);                                \
  template F fp_fma<F>(F, F, F, Rounding, std::uint8_t&);                           \
  template F fp_min<F>(F, F, std::uint8_t&);                                        \
  template F fp_max<F>(F, F, std::uint8_t&);                                        \
  template bool fp_eq<F>(F, F, std::uint8_t&);                                      \
  template bool fp_lt<F>(F, F, std::uint8_t&);                                      \
  template bool fp_le<F>(F, F, std::uint8_t&);                                      \
  template std::uint16_t fp_class<F>(F);                                            \
  template std::uint64_t fp_to_integer<F>(F, IntegerType, Rounding, std::uint8_t&); \
  template F fp_from_integer<F>(std::uint64_t, IntegerType, Rounding, std::uint8_t&);

VMSIM_RV64_FPU_INSTANTIATE(std::uint32_t)
VMSIM_RV64_FPU_INSTANTIATE(std::uint64_t)
#undef VMSIM_RV64_FPU_INSTANTIATE

}  // namespace vmsim::rv64
