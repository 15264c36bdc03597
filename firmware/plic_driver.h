// The PLIC's driver: source priorities, which sources reach which context, its threshold, and
// claim/complete.
#pragma once

#include <cstdint>

#include "vmsim/firmware/hal.h"
#include "vmsim/models/devices/plic_registers.h"

namespace vmsim {

class PlicDriver {
 public:
  PlicDriver(Hal& hal, std::uint64_t registers) : hal_(hal), registers_(registers) {}

  void set_priority(unsigned source, std::uint32_t priority, sc_core::sc_time& delay) {
    hal_.write32(registers_ + plic_regs::priority(source), priority, delay);
  }
  // The sources 32 * word to 32 * word + 31 that `context` takes: bit s % 32 for source s.
  void enable(unsigned context, unsigned word, std::uint32_t sources, sc_core::sc_time& delay) {
    hal_.write32(registers_ + plic_regs::enable(context, word), sources, delay);
  }
  void set_threshold(unsigned context, std::uint32_t threshold, sc_core::sc_time& delay) {
    hal_.write32(registers_ + plic_regs::threshold(context), threshold, delay);
  }
  // The pending source enabled for `context` with the highest priority, no longer pending; 0 when
  // there is none.
  unsigned claim(unsigned context, sc_core::sc_time& delay) {
    return hal_.read32(registers_ + plic_regs::claim_complete(context), delay);
  }
  void complete(unsigned context, unsigned source, sc_core::sc_time& delay) {
    hal_.write32(registers_ + plic_regs::claim_complete(context), source, delay);
  }

 private:
  Hal& hal_;
  std::uint64_t registers_;
};

}  // namespace vmsim
