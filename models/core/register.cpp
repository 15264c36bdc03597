#include "vmsim/models/core/register.h"

#include <stdexcept>

namespace vmsim {

RegisterSpec& RegisterSpec::width(unsigned bytes) {
  if (bytes != 1 && bytes != 2 && bytes != 4 && bytes != 8)
    throw std::invalid_argument("register " + name_ + ": width must be 1, 2, 4 or 8 bytes");
  width_ = bytes;
  return *this;
}

Register::Register(const RegisterSpec& spec, unsigned index, std::uint64_t stride)
    : spec_(spec), index_(index), offset_(spec.offset_ + stride * index) {
  reset();
}

std::uint64_t Register::bits() const {
  const std::uint64_t width_bits = spec_.width_ == 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * spec_.width_)) - 1;
  return spec_.mask_ & width_bits;
}

std::uint64_t Register::whole_write(std::uint64_t half, unsigned part, const sc_core::sc_time& at) const {
  const std::uint64_t shifted = (half & 0xffff'ffffu) << (8 * part);
  // A write-one-to-clear register clears the bits written as 1: zeroes elsewhere keep the rest.
  if (spec_.access_ == RegisterAccess::write_one_to_clear) return shifted;
  const std::uint64_t now = spec_.read_ ? spec_.read_(RegisterRead{index_, at, true}) : value_;
  return (now & ~(std::uint64_t{0xffff'ffffu} << (8 * part))) | shifted;
}

bool Register::write_has_effects() const {
  return spec_.write_ || spec_.busy_ || spec_.access_ == RegisterAccess::write_only ||
         spec_.access_ == RegisterAccess::write_only_reads_zero;
}

std::uint64_t Register::read(const sc_core::sc_time& at, bool debug) {
  if (!debug) ++reads_;
  if (spec_.read_) return spec_.read_(RegisterRead{index_, at, debug}) & bits();
  return spec_.access_ == RegisterAccess::write_only_reads_zero ? 0 : value_;
}

void Register::write(std::uint64_t value, const sc_core::sc_time& at, bool debug) {
  if (!debug) ++writes_;
  value &= bits();
  switch (spec_.access_) {
    case RegisterAccess::read_write:
    case RegisterAccess::write_only: value_ = value; break;
    case RegisterAccess::write_one_to_clear: value_ &= ~value; break;
    case RegisterAccess::read_only:                     // refused by the bank
    case RegisterAccess::write_only_reads_zero: break;  // keeps nothing; its callback acts
  }
  if (spec_.write_) spec_.write_(RegisterWrite{index_, value, at});
}

}  // namespace vmsim
