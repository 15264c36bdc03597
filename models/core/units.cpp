#include "vmsim/models/core/units.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "vmsim/models/core/printable.h"

namespace vmsim {
namespace {

__extension__ using uint128 = unsigned __int128;

// A decimal number split so that value == mantissa * 10^-decimals, exactly.
struct Decimal {
  std::uint64_t mantissa = 0;
  unsigned decimals = 0;
};

[[noreturn]] void fail(std::string_view text, std::string_view expected) {
  throw std::invalid_argument(fmt::format("'{}' is not {}", printable(text), expected));
}

bool multiply_overflows(std::uint64_t a, std::uint64_t b, std::uint64_t& out) {
  return __builtin_mul_overflow(a, b, &out);
}

// Splits "13.75ns" into the decimal 13.75 and the suffix "ns". Returns false if no digits lead.
bool split_decimal(std::string_view text, Decimal& number, std::string_view& suffix) {
  std::size_t pos = 0;
  bool any_digit = false;
  bool in_fraction = false;
  for (; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      std::uint64_t scaled = 0;
      if (multiply_overflows(number.mantissa, 10, scaled) ||
          __builtin_add_overflow(scaled, static_cast<std::uint64_t>(c - '0'), &number.mantissa))
        return false;
      any_digit = true;
      if (in_fraction) ++number.decimals;
    } else if (c == '.' && !in_fraction) {
      in_fraction = true;
    } else if (c == '_' && any_digit) {
      continue;
    } else {
      break;
    }
  }
  std::size_t unit_start = pos;
  while (unit_start < text.size() && text[unit_start] == ' ') ++unit_start;
  suffix = text.substr(unit_start);
  return any_digit;
}

// mantissa * 10^-decimals * scale, required to be a whole number that fits. The product is taken in
// 128 bits, so that a value that fits is not refused because its digits times the scale do not
// (200.001s is 200001 * 10^15 / 10^3 femtoseconds).
bool scale_exactly(const Decimal& number, std::uint64_t scale, std::uint64_t& out) {
  uint128 value = static_cast<uint128>(number.mantissa) * scale;
  for (unsigned i = 0; i < number.decimals; ++i) {
    if (value % 10 != 0) return false;
    value /= 10;
  }
  if (value > std::numeric_limits<std::uint64_t>::max()) return false;
  out = static_cast<std::uint64_t>(value);
  return true;
}

std::uint64_t pow10(unsigned exponent) {
  std::uint64_t value = 1;
  while (exponent-- > 0) value *= 10;
  return value;
}

std::uint64_t resolution_ps() {
  // SystemC fixes the resolution once the first time value exists, which is before any of these
  // conversions can run; asking the kernel every time costs more than the conversion itself.
  static const auto picoseconds =
      static_cast<std::uint64_t>(sc_core::sc_get_time_resolution().to_seconds() * 1e12 + 0.5);
  return picoseconds;
}

}  // namespace

std::uint64_t parse_uint(std::string_view text) {
  constexpr std::string_view expected = "a whole number (decimal, or hex with 0x)";
  std::size_t pos = 0;
  unsigned base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    pos = 2;
  }
  std::uint64_t value = 0;
  bool any_digit = false;
  for (; pos < text.size(); ++pos) {
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(text[pos])));
    unsigned digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<unsigned>(c - '0');
    } else if (base == 16 && c >= 'a' && c <= 'f') {
      digit = static_cast<unsigned>(c - 'a' + 10);
    } else if (c == '_' && any_digit) {
      continue;
    } else {
      fail(text, expected);
    }
    std::uint64_t shifted = 0;
    if (multiply_overflows(value, base, shifted) || __builtin_add_overflow(shifted, digit, &value))
      fail(text, "a whole number below 2^64");
    any_digit = true;
  }
  if (!any_digit) fail(text, expected);
  return value;
}

double parse_double(std::string_view text) {
  const std::string copy(text);
  char* end = nullptr;
  const double value = std::strtod(copy.c_str(), &end);
  if (copy.empty() || end != copy.c_str() + copy.size() || !std::isfinite(value))
    fail(text, "a number");
  return value;
}

bool parse_bool(std::string_view text) {
  if (text == "true" || text == "yes" || text == "on") return true;
  if (text == "false" || text == "no" || text == "off") return false;
  fail(text, "a boolean (true or false)");
}

sc_core::sc_time parse_time(std::string_view text) {
  constexpr std::string_view expected = "a time (a number with fs, ps, ns, us, ms or s)";
  Decimal number;
  std::string_view unit;
  if (!split_decimal(text, number, unit)) fail(text, expected);
  // Exponent of the unit relative to one femtosecond.
  unsigned exponent = 0;
  if (unit == "fs") exponent = 0;
  else if (unit == "ps") exponent = 3;
  else if (unit == "ns") exponent = 6;
  else if (unit == "us") exponent = 9;
  else if (unit == "ms") exponent = 12;
  else if (unit == "s") exponent = 15;
  else if (unit.empty() && number.mantissa == 0) exponent = 0;
  else fail(text, expected);
  std::uint64_t femtoseconds = 0;
  if (!scale_exactly(number, pow10(exponent), femtoseconds)) fail(text, "a time that fits 64 bits of femtoseconds");
  const std::uint64_t resolution_fs = resolution_ps() * 1000;
  if (femtoseconds % resolution_fs != 0)
    fail(text, fmt::format("a multiple of the time resolution ({})", sc_core::sc_get_time_resolution().to_string()));
  return time_of_ticks(femtoseconds / resolution_fs);
}

Frequency parse_frequency(std::string_view text) {
  constexpr std::string_view expected = "a frequency (a number with Hz, kHz, MHz or GHz)";
  Decimal number;
  std::string_view unit;
  if (!split_decimal(text, number, unit)) fail(text, expected);
  std::uint64_t scale = 0;
  if (unit == "Hz") scale = 1;
  else if (unit == "kHz") scale = 1'000;
  else if (unit == "MHz") scale = 1'000'000;
  else if (unit == "GHz") scale = 1'000'000'000;
  else fail(text, expected);
  Frequency frequency;
  if (!scale_exactly(number, scale, frequency.hz) || frequency.hz == 0) fail(text, "a positive whole number of Hz");
  return frequency;
}

Bytes parse_bytes(std::string_view text) {
  constexpr std::string_view expected = "a size (bytes, or a number with B, KiB, MiB, GiB, TiB, kB, MB, GB, TB)";
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) return Bytes{parse_uint(text)};
  Decimal number;
  std::string_view unit;
  if (!split_decimal(text, number, unit)) fail(text, expected);
  std::uint64_t scale = 0;
  if (unit.empty() || unit == "B") scale = 1;
  else if (unit == "KiB") scale = 1ull << 10;
  else if (unit == "MiB") scale = 1ull << 20;
  else if (unit == "GiB") scale = 1ull << 30;
  else if (unit == "TiB") scale = 1ull << 40;
  else if (unit == "kB") scale = 1'000;
  else if (unit == "MB") scale = 1'000'000;
  else if (unit == "GB") scale = 1'000'000'000;
  else if (unit == "TB") scale = 1'000'000'000'000;
  else fail(text, expected);
  Bytes bytes;
  if (!scale_exactly(number, scale, bytes.value)) fail(text, "a whole number of bytes below 2^64");
  return bytes;
}

sc_core::sc_time time_of_ticks(std::uint64_t ticks) {
  // A time is made from a double, which holds a whole number exactly below 2^53, and times add in 64
  // bits: a larger count is the sum of parts that convert exactly, each below 2^63 (sc_time scales a
  // double through a signed 64-bit integer).
  static const sc_core::sc_time tick = sc_core::sc_get_time_resolution();
  constexpr std::uint64_t part = std::uint64_t{1} << 52;
  sc_core::sc_time time = tick * static_cast<double>(ticks % part);
  for (std::uint64_t parts = ticks / part; parts != 0;) {
    const std::uint64_t now = std::min<std::uint64_t>(parts, 2047);
    time += tick * (static_cast<double>(part) * static_cast<double>(now));
    parts -= now;
  }
  return time;
}

sc_core::sc_time Frequency::period() const { return cycles(1); }

sc_core::sc_time Frequency::cycles(std::uint64_t count) const {
  // Rounded once from the exact count / hz rather than as count * period(), so that the rounding of
  // one period does not accumulate over many cycles.
  const uint128 femtoseconds = static_cast<uint128>(count) * 1'000'000'000'000'000ull;
  const uint128 per_tick = static_cast<uint128>(resolution_ps()) * 1000 * hz;
  const uint128 ticks = (femtoseconds + per_tick / 2) / per_tick;
  // sc_time would wrap silently, and the run go on at a wrong time.
  if (ticks > std::numeric_limits<std::uint64_t>::max())
    throw std::overflow_error(fmt::format("{} cycles at {} Hz are beyond the range of simulated time", count, hz));
  return time_of_ticks(static_cast<std::uint64_t>(ticks));
}

std::uint64_t Frequency::cycle_at(const sc_core::sc_time& time) const {
  const uint128 scaled = static_cast<uint128>(time.value()) * resolution_ps() * hz;  // cycles x 10^12
  const uint128 tolerance = static_cast<uint128>(resolution_ps()) * hz / 2;
  constexpr std::uint64_t per_cycle = 1'000'000'000'000ull;
  if (scaled <= tolerance) return 0;
  return static_cast<std::uint64_t>((scaled - tolerance + per_cycle - 1) / per_cycle);
}

double to_ns(const sc_core::sc_time& time) {
  return static_cast<double>(time.value() * resolution_ps()) / 1e3;
}

double to_seconds(const sc_core::sc_time& time) {
  return static_cast<double>(time.value() * resolution_ps()) / 1e12;
}

std::string format_time(const sc_core::sc_time& time) {
  std::uint64_t ps = static_cast<std::uint64_t>(time.value()) * resolution_ps();
  if (ps == 0) return "0ns";
  static constexpr std::pair<std::uint64_t, const char*> units[] = {
      {1'000'000'000'000ull, "s"}, {1'000'000'000ull, "ms"}, {1'000'000ull, "us"}, {1'000ull, "ns"}};
  for (const auto& [scale, name] : units) {
    if (ps >= scale) {
      if (ps % scale == 0) return fmt::format("{}{}", ps / scale, name);
      // A fraction with as many digits as it needs and no more.
      std::string fraction = fmt::format("{:0{}}", ps % scale, std::to_string(scale).size() - 1);
      while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
      return fmt::format("{}.{}{}", ps / scale, fraction, name);
    }
  }
  return fmt::format("{}ps", ps);
}

std::string format_frequency(Frequency frequency) {
  static constexpr std::pair<std::uint64_t, const char*> units[] = {
      {1'000'000'000ull, "GHz"}, {1'000'000ull, "MHz"}, {1'000ull, "kHz"}};
  for (const auto& [scale, name] : units)
    if (frequency.hz >= scale && frequency.hz % scale == 0) return fmt::format("{}{}", frequency.hz / scale, name);
  return fmt::format("{}Hz", frequency.hz);
}

std::string format_bytes(Bytes bytes) {
  static constexpr std::pair<std::uint64_t, const char*> units[] = {
      {1ull << 40, "TiB"}, {1ull << 30, "GiB"}, {1ull << 20, "MiB"}, {1ull << 10, "KiB"}};
  for (const auto& [scale, name] : units)
    if (bytes.value >= scale && bytes.value % scale == 0) return fmt::format("{}{}", bytes.value / scale, name);
  return fmt::format("{}B", bytes.value);
}

std::string format_address(Address address) { return fmt::format("{:#x}", address.value); }

}  // namespace vmsim
