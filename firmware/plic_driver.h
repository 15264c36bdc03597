// The interrupt controller's driver: which sources reach which hart, and claim/complete.
#pragma once

#include <cstdint>

#include "vmsim/firmware/hal.h"
#include "vmsim/models/devices/plic_registers.h"

namespace vmsim {

class PlicDriver {
 public:
  PlicDriver(Hal& hal, std::uint64_t registers) : hal_(hal), registers_(registers) {}

  void enable(unsigned hart, std::uint64_t sources, sc_core::sc_time& delay) {
    hal_.write64(registers_ + plic_regs::enable(hart), sources, delay);
  }
  // The lowest pending source enabled for `hart`, now in service; 0 when none is.
  unsigned claim(unsigned hart, sc_core::sc_time& delay) {
    return static_cast<unsigned>(hal_.read64(registers_ + plic_regs::claim_complete(hart), delay));
  }
  void complete(unsigned hart, unsigned source, sc_core::sc_time& delay) {
    hal_.write64(registers_ + plic_regs::claim_complete(hart), source, delay);
  }

 private:
  Hal& hal_;
  std::uint64_t registers_;
};

}  // namespace vmsim
