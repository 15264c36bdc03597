// The CLINT's driver: the time, each hart's compare (its time-slice interrupt), and the
// inter-processor interrupt that wakes an idle hart.
#pragma once

#include <cstdint>

#include "vmsim/firmware/hal.h"
#include "vmsim/models/devices/clint_registers.h"

namespace vmsim {

class ClintDriver {
 public:
  static constexpr std::uint64_t never = ~std::uint64_t{0};

  ClintDriver(Hal& hal, std::uint64_t registers) : hal_(hal), registers_(registers) {}

  std::uint64_t now(sc_core::sc_time& delay) { return hal_.read64(registers_ + clint_regs::mtime, delay); }
  // The timer interrupt of `hart` is pending from tick `at` (never: not at all).
  void arm(unsigned hart, std::uint64_t at, sc_core::sc_time& delay) {
    hal_.write64(registers_ + clint_regs::mtimecmp(hart), at, delay);
  }
  void send_ipi(unsigned hart, sc_core::sc_time& delay) {
    hal_.write32(registers_ + clint_regs::msip(hart), clint_regs::msip_pending, delay);
  }
  void clear_ipi(unsigned hart, sc_core::sc_time& delay) {
    hal_.write32(registers_ + clint_regs::msip(hart), 0, delay);
  }

 private:
  Hal& hal_;
  std::uint64_t registers_;
};

}  // namespace vmsim
