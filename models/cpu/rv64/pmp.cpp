#include "vmsim/models/cpu/rv64/pmp.h"

#include <algorithm>

namespace vmsim::rv64 {
namespace {

// pmpaddr holds bits 55:2 of a 56-bit physical address.
constexpr std::uint64_t address_bits = (std::uint64_t{1} << 54) - 1;

}  // namespace

std::uint64_t Pmp::config_register(unsigned index) const {
  std::uint64_t value = 0;
  for (unsigned byte = 0; byte < 8; ++byte) value |= std::uint64_t{config_[index * 4 + byte]} << (8 * byte);
  return value;
}

void Pmp::write_config_register(unsigned index, std::uint64_t value) {
  for (unsigned byte = 0; byte < 8; ++byte) {
    const unsigned entry = index * 4 + byte;
    if (is_locked(entry)) continue;  // a locked entry's configuration stays until reset
    auto config = static_cast<std::uint8_t>((value >> (8 * byte)) & (read | write | execute | 0x18 | locked));
    if ((config & (read | write)) == write) config &= static_cast<std::uint8_t>(~write);  // W without R is reserved
    config_[entry] = config;
  }
  forget();
}

void Pmp::write_address_register(unsigned entry, std::uint64_t value) {
  // Locked, or the top of a locked TOR range above it.
  if (is_locked(entry) || (entry + 1 < entries && is_locked(entry + 1) && mode(entry + 1) == tor)) return;
  address_[entry] = value & address_bits;
  forget();
}

bool Pmp::range(unsigned entry, Range& out) const {
  const std::uint64_t value = address_[entry];
  switch (mode(entry)) {
    case off: return false;
    case tor: {
      const std::uint64_t low = entry == 0 ? 0 : address_[entry - 1] << 2;
      const std::uint64_t top = value << 2;
      if (top <= low) return false;
      out = {low, top - 1};
      return true;
    }
    case na4: out = {value << 2, (value << 2) + 3}; return true;
    case napot: {
      // The trailing ones of pmpaddr give the size: 2^(ones + 3) bytes.
      const std::uint64_t lowest_zero = ~value & (value + 1);
      if (lowest_zero > address_bits) {
        out = {0, (address_bits << 2) | 3};  // every address the register can name
        return true;
      }
      const std::uint64_t size_mask = (lowest_zero << 3) - 1;  // bytes
      const std::uint64_t base = (value << 2) & ~size_mask;
      out = {base, base + size_mask};
      return true;
    }
  }
  return false;
}

bool Pmp::decide(std::uint64_t address, unsigned length, AccessKind kind, Privilege privilege) {
  const std::uint64_t access_last = address + (length - 1);
  const bool machine = privilege == Privilege::machine;
  // The window shrinks around the address to exclude every entry that does not match it.
  Window window{0, ~std::uint64_t{0}, static_cast<std::uint8_t>(machine ? read | write | execute : 0)};
  for (unsigned entry = 0; entry < entries; ++entry) {
    Range matched{};
    if (!range(entry, matched)) continue;
    const bool holds_first = address >= matched.low && address <= matched.last;
    const bool overlaps = address <= matched.last && access_last >= matched.low;
    if (!holds_first) {
      if (overlaps) return false;  // the lowest matching entry must match every byte
      if (matched.last < address) window.low = std::max(window.low, matched.last + 1);
      if (matched.low > address) window.last = std::min(window.last, matched.low - 1);
      continue;
    }
    if (access_last > matched.last) return false;
    window.low = std::max(window.low, matched.low);
    window.last = std::min(window.last, matched.last);
    if (!machine || is_locked(entry))
      window.permissions = config_[entry] & (read | write | execute);
    else
      window.permissions = read | write | execute;
    windows_[machine ? 1 : 0] = window;
    return (window.permissions & needed(kind)) != 0;
  }
  windows_[machine ? 1 : 0] = window;
  return (window.permissions & needed(kind)) != 0;
}

}  // namespace vmsim::rv64
